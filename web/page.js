/*
 * web/page.js -- the page's logic: settings (controls, presets, the URL),
 * one run per chosen scheduler, the summary, the narration that follows the
 * time cursor, and the sweep.
 *
 * Every run is `shsim run` with the arguments shown under the controls: the
 * C side (web/shsim_web.c) parses them with the command line's own parser,
 * so what the page shows is what the CLI prints for the same arguments
 * (make web-test checks it).  The settings live in the URL's hash
 * (#workload=lenet-model&workers=64...), so a link restores a state.
 *
 * The scheduler choices and the summary's column labels are not spelled
 * here: they come from the C side's catalog (shsim_web_catalog: core/'s
 * table of scheduler types, sim/summary.h's columns), so a new scheduler
 * type or column reaches the page without an edit of this file.
 *
 * window.shsim is the page's state for the browser test: the runs' rows,
 * summaries, and how long the last run and its drawing took.
 */
'use strict';

/* The catalog (see above), read once the module runs: {schedulers: [{name,
 * variants, option, rule, brackets, help}], rules, columns: [{name, label,
 * scale, decimals, may_miss}]}. */
var CATALOG = null;
/* Every scheduler variant of the catalog, in its order: {key: 'sh-strict',
 * label: 'sh:strict' (sweep's and compare's syntax), type, variant, color}.
 * Colours go by this order (strict SH, fill SH and ASHA keep theirs). */
var VARIANTS = [];
var PALETTE = ['#c0392b', '#d68910', '#1f618d', '#3498db', '#7f8c8d', '#6c3483', '#a569bd', '#0e6655',
               '#17a589', '#6e2c00'];

function loadCatalog() {
  CATALOG = JSON.parse(UTF8ToString(_shsim_web_catalog()));
  VARIANTS = [];
  CATALOG.schedulers.forEach(function (t) {
    (t.variants.length ? t.variants : [null]).forEach(function (v) {
      var label = v === null ? t.name : t.name + ':' + v;
      VARIANTS.push({ key: label.replace(/:/g, '-'), label: label, type: t, variant: v,
                      color: PALETTE[VARIANTS.length % PALETTE.length] });
    });
  });
}

/* The chosen variants of settings s, in the catalog's order. */
function chosen(s) {
  var want = s.scheds.split(',');
  return VARIANTS.filter(function (v) { return want.indexOf(v.label) >= 0; });
}

/* The `shsim run` arguments that pick variant v (with the settings' rule and
 * brackets where its type takes them). */
function schedArgs(v, s) {
  var a = ['--scheduler', v.type.name];
  if (v.variant !== null) a.push(v.type.option, v.variant);
  if (v.type.rule && s.rule) a.push('--rule', s.rule);
  if (v.type.brackets && s.brackets) a.push('--brackets', s.brackets);
  return a;
}

var FIELDS = ['scheds', 'rule', 'brackets', 'workload', 'syn', 'workers', 'eta', 'r_min', 'r_max', 'trials',
              'horizon', 'seed', 'target', 'noise', 'sigma', 'slow_k', 'slow_f', 'drop', 'drop_rate', 'on_drop'];
var DEFAULTS = { scheds: 'sh:strict,sh:fill,asha:promotion', rule: '', brackets: '',
                 workload: 'figure', syn: 'constant:6', workers: '2', eta: '2', r_min: '1', r_max: '',
                 trials: '', horizon: '', seed: '1', target: '', noise: 'none', sigma: '0.5', slow_k: '0',
                 slow_f: '3', drop: '0', drop_rate: '0', on_drop: 'retry' };

function preset(label, s, sweep) { return { label: label, s: Object.assign({}, DEFAULTS, s), sweep: sweep }; }
/* The book's figures (d2l 19.5: run_spec_figure in sim/record.c) and the
 * steps of the course lab, docs/lab/handout.md (the keys stay as they were,
 * so that old links still work). */
var PRESETS = {
  book: preset("Book figures 19.5.1 / 19.5.2 (figure workload)", { workers: '2', r_max: '4', horizon: '32' }),
  step3even: preset('Lab step 2: 4 equal workers', { workload: 'synthetic', syn: 'constant:6', workers: '4', r_max: '4', horizon: '72' }),
  step3slow: preset('Lab step 2: one of 4 workers 3x slower',
                    { workload: 'synthetic', syn: 'constant:6', workers: '4', r_max: '4', horizon: '72', slow_k: '1' }),
  step3three: preset('Lab step 2: 3 equal workers', { workload: 'synthetic', syn: 'constant:6', workers: '3', r_max: '4', horizon: '72' }),
  step4: preset('Lab step 3, with noise: one bracket of 16, lognormal noise',
                { workload: 'synthetic', syn: 'constant:1', workers: '16', r_max: '16', trials: '16', horizon: '1000000',
                  noise: 'lognormal', sigma: '0.5' }, { workers: '1,2,4,8,16,32,64', seeds: '20' }),
  step5: preset('Lab step 5: dropped jobs (P = 0.15)',
                { workload: 'synthetic', syn: 'constant:6', workers: '4', r_max: '4', horizon: '72', drop: '0.15' }),
  step6: preset('Lab step 6: LeNet, 4 workers, target 0.15', { workload: 'lenet', workers: '4', target: '0.15' }),
  model64: preset('lenet-model: 64 workers, one hour',
                  { workload: 'lenet-model', workers: '64', horizon: '3600', target: '0.15' },
                  { workers: '4,8,16,32,64', seeds: '5' }),
  hyperband: preset('Hyperband and async Hyperband against SH and ASHA: lenet-model, 16 workers, one hour',
                    { scheds: 'sh:fill,asha:promotion,hyperband:fill,async-hyperband:promotion', workload: 'lenet-model',
                      workers: '16', horizon: '3600', target: '0.15' }, { workers: '4,8,16,32,64', seeds: '5' }),
};

var $ = function (id) { return document.getElementById(id); };
var state = { settings: null, runs: [], narrTab: 'sh-strict', cursor: Infinity, tmax: 1, timing: {}, errors: [] };
window.shsim = state;

/* ---- calling the C side ------------------------------------------------ */


/* One `shsim run`: {status, error, summary, jobs, idle, best, narration}. */
function runOnce(args, trace) {
  var text = args.join('\n');
  var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
  stringToUTF8(text, p, n);
  shsimStderr.length = 0; // filled by Module.printErr (web/shell.html)
  var status = _shsim_web_run(p, trace ? 1 : 0);
  _free(p);
  var r = { args: args, status: status, error: shsimStderr.join('\n') };
  if (status !== 0) return r;
  r.summaryCsv = UTF8ToString(_shsim_web_summary_csv());
  r.summary = parseSummary(r.summaryCsv);
  if (trace) {
    var np = _malloc(4);
    [['jobs', 0, Charts.JOB.COLS], ['idle', 1, 3], ['best', 2, 6]].forEach(function (t) {
      var ptr = _shsim_web_table(t[1], np), rows = HEAP32[np >> 2];
      // a copy: the next run frees the C side's rows
      r[t[0]] = ptr ? new Float64Array(HEAPF64.buffer, ptr, rows * t[2]).slice() : new Float64Array(0);
    });
    _free(np);
    r.narration = UTF8ToString(_shsim_web_narration());
  }
  return r;
}

/* summary.csv (header + one row) into {column: string}; no quoted commas
 * occur in the columns the page reads, but the workload may be quoted. */
function parseSummary(csv) {
  var lines = csv.trim().split('\n'), head = lines[0].split(','), row = [], cur = '', q = false;
  for (var i = 0; i < lines[1].length; i++) {
    var c = lines[1][i];
    if (c === '"') { if (q && lines[1][i + 1] === '"') { cur += '"'; i++; } else q = !q; }
    else if (c === ',' && !q) { row.push(cur); cur = ''; }
    else cur += c;
  }
  row.push(cur);
  var o = {};
  head.forEach(function (h, k) { o[h] = row[k]; });
  return o;
}

function num(s) { return s === '' || s === undefined ? NaN : Number(s); }

/* ---- settings ---------------------------------------------------------- */

/* The scheduler checkboxes and the rule menu, from the catalog. */
function buildSchedulerControls() {
  $('scheds').innerHTML = VARIANTS.map(function (v) {
    return '<label title="' + v.type.help.replace(/"/g, '&quot;') + '"><input type="checkbox" id="sched-' + v.key +
      '" data-label="' + v.label + '"> <span style="color:' + v.color + '">' + v.label + '</span></label>';
  }).join(' ');
  $('rule').innerHTML = '<option value="">default</option>' + CATALOG.rules.map(function (r) {
    return '<option>' + r + '</option>';
  }).join('');
}

/* A setting's value as the controls hold it (scheds: the ticked labels). */
function readField(f) {
  if (f !== 'scheds') return String($(f).value).trim();
  return Array.prototype.map.call($('scheds').querySelectorAll('input:checked'), function (e) {
    return e.dataset.label;
  }).join(',');
}

function readControls() {
  var s = {};
  FIELDS.forEach(function (f) { s[f] = readField(f); });
  return s;
}

function writeControls(s) {
  FIELDS.forEach(function (f) {
    var v = s[f] !== undefined ? s[f] : DEFAULTS[f];
    if (f !== 'scheds') { $(f).value = v; return; }
    var want = v.split(',');
    $('scheds').querySelectorAll('input').forEach(function (e) { e.checked = want.indexOf(e.dataset.label) >= 0; });
  });
  showHide();
}

function showHide() {
  $('syn-wrap').style.display = $('workload').value === 'synthetic' ? '' : 'none';
  var law = $('noise').value;
  $('sigma-wrap').style.display = law === 'none' || law === 'exponential' ? 'none' : '';
  $('sigma-name').textContent = law === 'pareto' ? 'α' : 'σ';
  var picked = chosen({ scheds: readField('scheds') });
  $('rule-wrap').style.display = picked.some(function (v) { return v.type.rule; }) ? '' : 'none';
  $('brackets-wrap').style.display = picked.some(function (v) { return v.type.brackets; }) ? '' : 'none';
}

/* The `shsim run` arguments of the settings (without the scheduler). */
function runArgs(s) {
  var a = ['--workload', s.workload === 'synthetic' ? 'synthetic' + (s.syn ? ':' + s.syn : '') : s.workload,
           '--workers', s.workers, '--eta', s.eta, '--r-min', s.r_min];
  if (s.r_max) a.push('--r-max', s.r_max);
  if (s.trials) a.push('--trials', s.trials);
  if (s.horizon) a.push('--horizon', s.horizon);
  a.push('--seed', s.seed);
  if (s.target) a.push('--target', s.target);
  if (s.noise !== 'none') a.push('--noise', s.noise === 'exponential' ? s.noise : s.noise + ':' + s.sigma);
  if (num(s.slow_k) > 0) a.push('--slow-workers', s.slow_k + ':' + s.slow_f);
  if (num(s.drop) > 0) a.push('--drop', s.drop);
  if (num(s.drop_rate) > 0) a.push('--drop-rate', s.drop_rate);
  if ((num(s.drop) > 0 || num(s.drop_rate) > 0) && s.on_drop !== 'retry') a.push('--on-drop', s.on_drop);
  return a;
}

function toHash(s) {
  var q = new URLSearchParams();
  FIELDS.forEach(function (f) { if (s[f] !== DEFAULTS[f]) q.set(f, s[f]); });
  q.set('sw_workers', $('sw_workers').value);
  q.set('sw_seeds', $('sw_seeds').value);
  return q.toString();
}

function fromHash() {
  var h = location.hash.replace(/^#/, '');
  if (!h) return null;
  var q = new URLSearchParams(h), s = Object.assign({}, DEFAULTS);
  if (q.has('preset') && PRESETS[q.get('preset')]) {
    var p = PRESETS[q.get('preset')];
    s = Object.assign({}, p.s);
    if (p.sweep) { $('sw_workers').value = p.sweep.workers; $('sw_seeds').value = p.sweep.seeds; }
  }
  FIELDS.forEach(function (f) { if (q.has(f)) s[f] = q.get(f); });
  if (q.has('sw_workers')) $('sw_workers').value = q.get('sw_workers');
  if (q.has('sw_seeds')) $('sw_seeds').value = q.get('sw_seeds');
  return s;
}

/* ---- the runs: one per chosen scheduler ---------------------------------- */

function runAll() {
  var s = readControls(), t0 = performance.now();
  state.settings = s;
  history.replaceState(null, '', '#' + toHash(s));
  var base = runArgs(s), picked = chosen(s);
  $('cmd').textContent = 'shsim run ' + base.join(' ') + '   (with ' + picked.map(function (v) {
    return schedArgs(v, s).join(' ');
  }).join(' | ') + ')';
  var runs = picked.map(function (v) {
    var r = runOnce(schedArgs(v, s).concat(base), true);
    r.sched = v;
    return r;
  });
  var t1 = performance.now();
  var bad = runs.find(function (r) { return r.status !== 0; });
  if (!runs.length) bad = { status: 2, error: 'page: tick at least one scheduler' };
  // stderr of the C side: the CLI's own messages, "shsim: ..."
  $('error').textContent = bad ? (bad.error || 'shsim: run failed') + ' (exit status ' + bad.status + ')' : '';
  state.runs = bad ? [] : runs;
  if (bad) { state.timing = {}; return; }
  state.tmax = Math.max.apply(null, runs.map(function (r) { return num(r.summary.end_time); })) || 1;
  state.cursor = state.tmax;
  drawAll();
  var t2 = performance.now();
  state.timing = { run_ms: t1 - t0, draw_ms: t2 - t1, total_ms: t2 - t0,
                   jobs: runs.reduce(function (n, r) { return n + r.jobs.length / Charts.JOB.COLS; }, 0) };
  $('timing').textContent = runs.length + ' runs ' + state.timing.run_ms.toFixed(0) + ' ms, charts ' +
    state.timing.draw_ms.toFixed(0) + ' ms (' + state.timing.jobs + ' jobs)';
  loadNarration();
}

/* x with d decimals as C's printf("%.*f", d, x) writes it, so the page
 * shows what `shsim compare` prints: the nearest, and an exact tie to the
 * even last digit, where toFixed breaks it away from zero (0.125 -> "0.12",
 * not "0.13").  A double that is not a tie differs from one within d + 25
 * digits (its spacing is far coarser), so those digits of toFixed, which
 * are exact, settle it. */
function fixedLikeC(x, d) {
  var s = x.toFixed(d), wide = Math.abs(x).toFixed(Math.min(100, d + 25));
  var point = wide.indexOf('.'), cut = d ? point + 1 + d : point;
  if (!/^50*$/.test(wide.slice(point + 1 + d)) || +wide.charAt(cut - 1) % 2 === 1)
    return s;
  return (x < 0 ? '-' : '') + wide.slice(0, cut);
}

function pct(x) { return isNaN(x) ? '–' : fixedLikeC(100 * x, 1) + '%'; }
function g(x, d) { return isNaN(x) ? '–' : String(+x.toPrecision(d || 6)); }

function drawAll() {
  var box = $('gantts');
  box.innerHTML = '';
  state.runs.forEach(function (r) {
    var sm = r.summary, title = document.createElement('div');
    title.className = 'gantt-title';
    title.style.color = r.sched.color;
    title.title = r.sched.type.help;
    title.innerHTML = r.sched.label + ' <span class="k">— idle ' + pct(num(sm.idle_fraction)) + ', ' + sm.trials_rmax +
      (sm.trials_rmax === '1' ? ' trial' : ' trials') + ' at r_max ' + sm.r_max + ', best error ' + g(num(sm.best)) +
      ', ' + sm.jobs_cut + ' cut, ' + sm.jobs_dropped + ' dropped</span>';
    var wrap = document.createElement('div'), c = document.createElement('canvas'), ov = document.createElement('canvas');
    wrap.className = 'cwrap';
    ov.className = 'ov';
    c.id = 'gantt-' + r.sched.key;
    wrap.appendChild(c);
    wrap.appendChild(ov);
    box.appendChild(title);
    box.appendChild(wrap);
    Charts.gantt(c, { workers: num(sm.workers), tmax: state.tmax, jobs: r.jobs, idle: r.idle });
    c.addEventListener('mousemove', function (ev) { var t = Charts.timeAt(c, ev); if (!isNaN(t)) setCursor(t); });
  });
  Charts.best($('best'), state.runs.map(function (r) { return { color: r.sched.color, best: r.best }; }),
              state.tmax, num(state.settings.target));
  drawSummary();
  setCursor(state.cursor);
}

/* The summary columns the table shows, in this order; their labels and
 * decimals are the catalog's (as `shsim compare`'s table shows them). */
var SUMMARY_SHOWN = ['idle_fraction', 'trials_started', 'trials_rmax', 'epochs_trained', 'jobs_cut', 'jobs_dropped',
                     'end_time', 'best', 'best_rmax', 'time_to_target', 'time_to_target_rmax', 'time_first_rmax'];

/* A summary.csv field as the table shows it: value * scale with the
 * column's decimals; '–' for none. */
function showColumn(col, v) {
  var x = num(v);
  return isNaN(x) ? '–' : fixedLikeC(x * col.scale, col.decimals);
}

function drawSummary() {
  var cols = SUMMARY_SHOWN.map(function (name) {
    return CATALOG.columns.find(function (c) { return c.name === name; });
  }).filter(Boolean);
  var h = '<tr><th>scheduler</th>' + cols.map(function (c) { return '<th>' + c.label + '</th>'; }).join('') + '</tr>';
  state.runs.forEach(function (r) {
    h += '<tr data-sched="' + r.sched.key + '"><td style="color:' + r.sched.color + '">' + r.sched.label + '</td>' +
      cols.map(function (c) {
        return '<td data-col="' + c.name + '">' + showColumn(c, r.summary[c.name]) + '</td>';
      }).join('') + '</tr>';
  });
  $('summary').innerHTML = h;
}

/* ---- cursor and narration ---------------------------------------------- */

function setCursor(t) {
  state.cursor = Math.max(0, Math.min(t, state.tmax));
  $('cursor').value = String(Math.round(1000 * state.cursor / state.tmax));
  $('cursor-t').textContent = 't = ' + g(state.cursor, 5) + ' s';
  state.runs.forEach(function (r) { Charts.cursor($('gantt-' + r.sched.key), state.cursor); });
  Charts.cursor($('best'), state.cursor);
  showNarration();
}

/* The narration of the tab's scheduler: a second run with --explain, made
 * only when asked for (a 64-worker hour is tens of thousands of lines). */
function loadNarration() {
  var r = state.runs.find(function (x) { return x.sched.key === state.narrTab; }) || state.runs[0];
  if (!r) return;
  state.narrTab = r.sched.key;
  if (!r.lines) {
    var x = runOnce(r.args.concat(['--explain']), true);
    r.lines = x.narration.split('\n').filter(Boolean).map(function (l) {
      var m = /^t=([^ ]+) /.exec(l);
      return { t: m ? Number(m[1]) : 0, text: l };
    });
  }
  $('narr-tabs').innerHTML = '';
  state.runs.forEach(function (x) {
    var b = document.createElement('button');
    b.textContent = x.sched.label;
    b.className = x.sched.key === state.narrTab ? 'on' : '';
    b.onclick = function () { state.narrTab = x.sched.key; loadNarration(); };
    $('narr-tabs').appendChild(b);
  });
  state.narrLines = r.lines;
  state.narrShown = null;
  showNarration();
}

/* Show the lines up to the cursor (the latest highlighted) and a few after,
 * greyed: at most 400 lines, so a long run stays fast to scrub. */
function showNarration() {
  var L = state.narrLines;
  if (!L) return;
  var lo = 0, hi = L.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (L[mid].t <= state.cursor) lo = mid + 1; else hi = mid; }
  var end = lo, from = Math.max(0, end - 360), to = Math.min(L.length, end + 40);
  var key = from + ':' + end + ':' + to;
  if (key === state.narrShown) return;
  state.narrShown = key;
  var pre = $('narration'), frag = document.createDocumentFragment(), now = null;
  if (from > 0) frag.appendChild(document.createTextNode('… ' + from + ' earlier lines\n'));
  var tNow = end > 0 ? L[end - 1].t : NaN;
  for (var i = from; i < to; i++) {
    var span = document.createElement('span');
    span.textContent = L[i].text + '\n';
    if (i >= end) span.className = 'future';
    else if (L[i].t === tNow) { span.className = 'now'; now = span; }
    frag.appendChild(span);
  }
  pre.textContent = '';
  pre.appendChild(frag);
  if (now) pre.scrollTop = Math.max(0, now.offsetTop - pre.offsetTop - pre.clientHeight + 3 * now.offsetHeight);
}

var playing = null;
function play() {
  if (playing) { clearInterval(playing); playing = null; $('play').textContent = '▶ play'; return; }
  if (state.cursor >= state.tmax) setCursor(0);
  $('play').textContent = '❚❚ pause';
  playing = setInterval(function () {
    var t = state.cursor + state.tmax / 300;
    setCursor(t);
    if (t >= state.tmax) play();
  }, 40);
}

/* ---- sweep -------------------------------------------------------------- */

// t quantiles (0.975) for 1..30 degrees of freedom; 1.96 beyond
var T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
            2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
            2.045, 2.042];

function meanCI(v) {
  var n = v.length;
  if (!n) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  var m = v.reduce(function (a, b) { return a + b; }, 0) / n;
  if (n < 2) return { mean: m, lo: m, hi: m, n: n };
  var sd = Math.sqrt(v.reduce(function (a, b) { return a + (b - m) * (b - m); }, 0) / (n - 1));
  var h = (n - 1 <= 30 ? T975[n - 2] : 1.96) * sd / Math.sqrt(n);
  return { mean: m, lo: m - h, hi: m + h, n: n };
}

function runSweep() {
  var s = readControls(), ws = $('sw_workers').value.split(',').map(function (x) { return x.trim(); }).filter(Boolean);
  var seeds = Math.max(1, Math.min(50, parseInt($('sw_seeds').value, 10) || 1));
  var useTarget = s.target !== '';
  var cells = [];
  ws.forEach(function (w, i) { for (var k = 1; k <= seeds; k++) cells.push({ i: i, w: w, seed: String(k) }); });
  var picked = chosen(s);
  if (!picked.length) { $('sweep-status').textContent = 'page: tick at least one scheduler'; return; }
  var acc = picked.map(function () { return ws.map(function () { return { idle: [], ttt: [], runs: 0 }; }); });
  var at = 0, t0 = performance.now();
  history.replaceState(null, '', '#' + toHash(s));
  function step() {
    var until = performance.now() + 40;
    while (at < cells.length && performance.now() < until) {
      var c = cells[at++], a = runArgs(Object.assign({}, s, { workers: c.w, seed: c.seed }));
      for (var k = 0; k < picked.length; k++) {
        var r = runOnce(schedArgs(picked[k], s).concat(a), false);
        if (r.status !== 0) { $('sweep-status').textContent = r.error || 'shsim: run failed'; return; }
        var cell = acc[k][c.i], tt = num(r.summary[useTarget ? 'time_to_target_rmax' : 'time_first_rmax']);
        cell.idle.push(100 * num(r.summary.idle_fraction));
        cell.runs++;
        if (!isNaN(tt)) cell.ttt.push(tt);
      }
    }
    $('sweep-status').textContent = at + ' of ' + cells.length + ' cells (' + picked.length * at + ' runs), ' +
      ((performance.now() - t0) / 1000).toFixed(1) + ' s';
    var series = function (what) {
      return picked.map(function (sc, k) {
        return { name: sc.label, color: sc.color, points: acc[k].map(function (cell) {
          var p = meanCI(cell[what]); p.of = cell.runs; return p; }) };
      });
    };
    Charts.sweep($('sw_idle'), ws, series('idle'), 'idle % of worker time');
    Charts.sweep($('sw_ttt'), ws, series('ttt'),
                 useTarget ? 'a trial at r_max with error ≤ ' + s.target + ' (s)' : 'time to the first trial at r_max (s)');
    state.sweep = { workers: ws, seeds: seeds, scheds: picked.map(function (v) { return v.key; }), acc: acc, done: at === cells.length };
    if (at < cells.length) setTimeout(step, 0);
  }
  step();
}

/* ---- wiring ------------------------------------------------------------- */

function legend() {
  var items = [];
  for (var r = 0; r < 5; r++) items.push('<span><i class="swatch" style="background:' + Charts.rungColor(r) + '"></i>rung ' + r + '</span>');
  items.push('<span>(Hyperband: the rung within the trial\'s bracket)</span>');
  items.push('<span><i class="swatch" style="background:' + Charts.DONE + '"></i>job that reached r_max</span>');
  items.push('<span><i class="swatch" style="background:' + Charts.IDLE + '"></i>idle worker</span>');
  items.push('<span><i class="swatch" style="background:repeating-linear-gradient(135deg,#7fb3d5 0 3px,#333 3px 4px)"></i>~ cut at the horizon</span>');
  items.push('<span><i class="swatch" style="background:' + Charts.DROP + '"></i>x dropped</span>');
  items.push('<span>labels: T<i>trial</i>r<i>rung</i></span>');
  $('legend').innerHTML = items.join('');
}

function init() {
  loadCatalog();
  buildSchedulerControls();
  var sel = $('preset');
  sel.innerHTML = '<option value="">(custom)</option>' + Object.keys(PRESETS).map(function (k) {
    return '<option value="' + k + '">' + PRESETS[k].label + '</option>';
  }).join('');
  var s = fromHash();
  if (!s) { s = PRESETS.book.s; sel.value = 'book'; }
  else { var q = new URLSearchParams(location.hash.slice(1)); sel.value = q.get('preset') || ''; }
  writeControls(s);
  legend();
  sel.onchange = function () {
    var p = PRESETS[sel.value];
    if (!p) return;
    writeControls(p.s);
    if (p.sweep) { $('sw_workers').value = p.sweep.workers; $('sw_seeds').value = p.sweep.seeds; }
    runAll();
  };
  FIELDS.forEach(function (f) {
    $(f).addEventListener('change', function () { sel.value = ''; showHide(); runAll(); });
  });
  $('run').onclick = runAll;
  $('sweep').onclick = runSweep;
  $('play').onclick = play;
  $('cursor').addEventListener('input', function () { setCursor(state.tmax * Number($('cursor').value) / 1000); });
  window.addEventListener('resize', function () { if (state.runs.length) drawAll(); });
  Charts.note($('sw_idle'), 220, '"Run sweep" draws idle % against workers here');
  Charts.note($('sw_ttt'), 220, '... and the time to target (or to the first trial at r_max) here');
  runAll();
  state.ready = true;
}

if (runtimeInitialized) init(); else Module.onRuntimeInitialized = init;
