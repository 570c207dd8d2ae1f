/*
 * web/charts.js -- the page's drawings on <canvas>: Gantt charts, the
 * best-so-far curves and the sweep plots.  Plain functions of the data the
 * C code returned (web/shsim_web.c); web/page.js calls them.
 *
 * Each chart sits in a .cwrap box with an overlay canvas on top that holds
 * the time cursor: moving the cursor redraws the overlay only, never the
 * tens of thousands of bars of a 64-worker chart.
 */
'use strict';

var Charts = (function () {
  // job_outcome of sim/engine.h
  var OUT = { PROMOTED: 0, PAUSED: 1, STOPPED: 2, COMPLETED: 3, CUT: 4, DROPPED: 5, RUNNING: 6 };
  // a job's row of shsim_web_table(0) (web/shsim_web.h)
  var JOB = { WORKER: 0, TRIAL: 1, RUNG: 2, FROM: 3, TO: 4, START: 5, END: 6, OUTCOME: 7, BRACKET: 8, COLS: 9 };
  var RUNG = ['#aed6f1', '#7fb3d5', '#5499c7', '#2e86c1', '#21618c', '#1b4f72', '#154360', '#0e2f44'];
  var DONE = '#52be80', IDLE = '#f5b7b1', DROP = '#cb4335', AXIS = '#555', GRID = '#e5e5e5';

  function rungColor(r) { return RUNG[Math.min(r, RUNG.length - 1)]; }

  /* Size the canvas for its CSS width and the device's pixel ratio; returns
   * a context in CSS pixels. */
  function setup(canvas, cssHeight) {
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || (canvas.parentNode && canvas.parentNode.clientWidth) || 800;
    canvas.style.height = cssHeight + 'px';
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(cssHeight * dpr);
    var ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx: ctx, w: w, h: cssHeight };
  }

  /* Round tick steps (1, 2, 5 x 10^k) covering [0, max]. */
  function ticks(max, n) {
    if (!(max > 0)) return [0];
    var raw = max / (n || 6), mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
    var out = [];
    for (var v = 0; v <= max * (1 + 1e-9); v += step) out.push(+v.toPrecision(12));
    return out;
  }

  function fmtTick(v) { return Math.abs(v) >= 1e4 ? v.toExponential(0) : String(+v.toPrecision(6)); }

  function timeAxis(ctx, x0, x1, y, tmax) {
    ctx.strokeStyle = AXIS; ctx.fillStyle = AXIS; ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    ctx.beginPath(); ctx.moveTo(x0, y + 0.5); ctx.lineTo(x1, y + 0.5); ctx.stroke();
    ticks(tmax, Math.max(2, Math.floor((x1 - x0) / 90))).forEach(function (t) {
      var x = x0 + (x1 - x0) * t / tmax;
      ctx.beginPath(); ctx.moveTo(x + 0.5, y); ctx.lineTo(x + 0.5, y + 4); ctx.stroke();
      ctx.fillText(fmtTick(t), x, y + 5);
    });
  }

  /* '#rrggbb' as the 32-bit pixel of an ImageData (little-endian RGBA). */
  function pixel(hex) {
    var v = parseInt(hex.slice(1), 16);
    return ((255 << 24) | ((v & 255) << 16) | (v & 0xff00) | (v >> 16)) >>> 0;
  }

  /* A Gantt chart of one run: rows are workers, bars are jobs coloured by
   * rung within the trial's bracket, rung - bracket (Hyperband; the rung
   * for the others; as plots/gantt.gp), green: the job that took its trial
   * to r_max, pale red: idle time, hatched with '~': cut at the horizon,
   * dark red with 'x': dropped.
   * g = {workers, tmax, jobs (Float64Array, JOB.COLS columns), idle (3 columns)}.
   * The bars are written as pixels into one ImageData: a 64-worker hour has
   * tens of thousands of bars, and canvas calls per bar cost several times
   * more than filling their few pixels. */
  function gantt(canvas, g) {
    var rowH = g.workers <= 8 ? 24 : Math.max(2, Math.min(24, Math.floor(200 / g.workers)));
    var top = 2, left = 34, right = 8, axisH = 18;
    var s = setup(canvas, top + rowH * g.workers + axisH);
    var ctx = s.ctx, x1 = s.w - right, span = x1 - left, dpr = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, s.w, s.h);
    ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
    ctx.fillStyle = AXIS; ctx.textAlign = 'right';
    var every = Math.ceil(12 / rowH);
    for (var w = 0; w < g.workers; w += every) ctx.fillText('w' + w, left - 4, Math.max(7, top + rowH * (w + 0.5)));

    var pw = Math.max(1, Math.round(span * dpr)), ph = Math.max(1, Math.round(rowH * g.workers * dpr));
    var img = ctx.createImageData(pw, ph), buf = new Uint32Array(img.data.buffer), sx = pw / g.tmax;
    var gap = rowH >= 6 ? 1 : 0, ink = pixel('#333333');
    var box = function (t0, t1, row, color, hatched) {
      var a = Math.max(0, Math.round(t0 * sx)), b = Math.min(pw, Math.round(t1 * sx));
      if (b <= a) b = Math.min(pw, a + 1);
      if (gap && b - a > 3) b -= 1; // a white line between neighbours
      var y0 = Math.round((rowH * row + gap) * dpr), y1 = Math.round((rowH * (row + 1) - gap) * dpr);
      for (var y = y0; y < y1; y++) {
        buf.fill(color, y * pw + a, y * pw + b);
        if (hatched) for (var x = a; x < b; x++) if ((x + y) % 5 === 0) buf[y * pw + x] = ink;
      }
    };
    var cIdle = pixel(IDLE), cDone = pixel(DONE), cDrop = pixel(DROP), cRung = RUNG.map(pixel);
    for (var i = 0; i < g.idle.length; i += 3) box(g.idle[i + 1], g.idle[i + 2], g.idle[i], cIdle, false);
    for (var j = 0; j < g.jobs.length; j += JOB.COLS) {
      var out = g.jobs[j + JOB.OUTCOME], inBracket = g.jobs[j + JOB.RUNG] - g.jobs[j + JOB.BRACKET];
      box(g.jobs[j + JOB.START], g.jobs[j + JOB.END], g.jobs[j + JOB.WORKER],
          out === OUT.DROPPED ? cDrop : out === OUT.COMPLETED ? cDone : cRung[Math.min(inBracket, RUNG.length - 1)],
          out === OUT.CUT);
    }
    ctx.putImageData(img, Math.round(left * dpr), Math.round(top * dpr));

    // labels where rows are tall enough to read: T<trial>r<rung>, ~ cut, x dropped
    if (rowH >= 14) {
      ctx.textAlign = 'center';
      for (var k = 0; k < g.jobs.length; k += JOB.COLS) {
        var o = g.jobs[k + JOB.OUTCOME], r = g.jobs[k + JOB.RUNG], trial = g.jobs[k + JOB.TRIAL];
        var lx = left + span * g.jobs[k + JOB.START] / g.tmax, lw = span * (g.jobs[k + JOB.END] - g.jobs[k + JOB.START]) / g.tmax;
        var mark = o === OUT.CUT ? '~' : o === OUT.DROPPED ? 'x' : '';
        var label = 'T' + trial + 'r' + r + mark;
        if (ctx.measureText(label).width + 4 > lw) label = 'T' + trial + mark;
        if (ctx.measureText(label).width + 4 > lw) label = mark;
        if (label) {
          ctx.fillStyle = r - g.jobs[k + JOB.BRACKET] >= 3 || o === OUT.DROPPED ? '#fff' : '#000';
          ctx.fillText(label, lx + lw / 2, top + rowH * (g.jobs[k + JOB.WORKER] + 0.5) + 0.5);
        }
      }
    }
    timeAxis(ctx, left, x1, top + rowH * g.workers + 1, g.tmax);
    canvas._geom = { left: left, span: span, top: top, bottom: top + rowH * g.workers, tmax: g.tmax };
  }

  /* The cursor at time t on a chart's overlay (the canvas after it in its
   * .cwrap box): a veil over the future and a line.  The chart itself is
   * not redrawn. */
  function cursor(canvas, t) {
    var gm = canvas._geom, ov = canvas.nextElementSibling;
    if (!gm || !ov) return;
    var dpr = window.devicePixelRatio || 1;
    if (ov.width !== canvas.width || ov.height !== canvas.height) {
      ov.width = canvas.width; ov.height = canvas.height;
      ov.style.width = canvas.clientWidth + 'px'; ov.style.height = canvas.style.height;
    }
    var ctx = ov.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ov.width, ov.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var x = gm.left + gm.span * Math.min(t, gm.tmax) / gm.tmax;
    ctx.fillStyle = 'rgba(255,255,255,0.6)';
    ctx.fillRect(x, gm.top, gm.left + gm.span - x, gm.bottom - gm.top);
    ctx.strokeStyle = '#000'; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(x, gm.top); ctx.lineTo(x, gm.bottom); ctx.stroke();
  }

  /* The time under a mouse event, or NaN outside the plot. */
  function timeAt(canvas, ev) {
    var gm = canvas._geom;
    if (!gm) return NaN;
    var r = canvas.getBoundingClientRect(), x = ev.clientX - r.left;
    if (x < gm.left || x > gm.left + gm.span) return NaN;
    return gm.tmax * (x - gm.left) / gm.span;
  }

  function yAxis(ctx, left, top, bottom, lo, hi, label) {
    ctx.fillStyle = AXIS; ctx.strokeStyle = GRID; ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    var step = ticks(hi - lo, 4), d = step.length > 1 ? step[1] : 1, t = [];
    for (var v0 = Math.ceil(lo / d - 1e-9) * d; v0 <= hi + 1e-12; v0 += d) t.push(+v0.toPrecision(12));
    t.forEach(function (v) {
      var y = bottom - (bottom - top) * (v - lo) / (hi - lo);
      ctx.beginPath(); ctx.moveTo(left, y + 0.5); ctx.lineTo(ctx.canvas.clientWidth - 8, y + 0.5); ctx.stroke();
      ctx.fillText(fmtTick(+v.toPrecision(6)), left - 4, y);
    });
    if (label) {
      ctx.save(); ctx.translate(10, (top + bottom) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center'; ctx.fillText(label, 0, 0); ctx.restore();
    }
  }

  /* Best error so far against time for each run: runs = [{color, best
   * (Float64Array, 6 columns)}]; target drawn when finite. */
  function best(canvas, runs, tmax, target, t) {
    var s = setup(canvas, 170), ctx = s.ctx, left = 52, right = 8, top = 6, bottom = s.h - 20;
    ctx.clearRect(0, 0, s.w, s.h);
    // the y range: from the lowest best to the best at 3% of the time (the
    // first minutes' near-chance errors would squash the part that differs)
    var lo = Infinity, hi = -Infinity;
    runs.forEach(function (r) {
      var early = NaN;
      for (var i = 0; i < r.best.length; i += 6) {
        lo = Math.min(lo, r.best[i + 4]);
        if (isNaN(early) || r.best[i] <= 0.03 * tmax) early = r.best[i + 4];
      }
      if (!isNaN(early)) hi = Math.max(hi, early);
    });
    if (!(hi >= lo)) { ctx.fillStyle = AXIS; ctx.fillText('no results yet', left + 10, top + 20); return; }
    if (isFinite(target)) { lo = Math.min(lo, target); hi = Math.max(hi, target); }
    var pad = (hi - lo) * 0.08 || 0.05; lo = Math.max(0, lo - pad); hi = hi + pad;
    yAxis(ctx, left, top, bottom, lo, hi, 'error');
    timeAxis(ctx, left, s.w - right, bottom, tmax);
    var X = function (v) { return left + (s.w - right - left) * v / tmax; };
    var Y = function (v) { return bottom - (bottom - top) * (v - lo) / (hi - lo); };
    if (isFinite(target)) {
      ctx.strokeStyle = '#888'; ctx.setLineDash([2, 3]);
      ctx.beginPath(); ctx.moveTo(left, Y(target)); ctx.lineTo(s.w - right, Y(target)); ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top, s.w - right - left, bottom - top); ctx.clip();
    runs.forEach(function (r, k) {
      [4, 5].forEach(function (col) {
        // wider lines first, so curves that coincide stay visible
        // (at most 5 px wider in all, however many runs)
        var step = runs.length > 1 ? Math.min(1.25, 5 / (runs.length - 1)) : 0;
        ctx.strokeStyle = r.color; ctx.lineWidth = 1.5 + step * (runs.length - 1 - k); ctx.setLineDash(col === 5 ? [6, 4] : []);
        ctx.beginPath();
        var on = false, last = NaN;
        for (var i = 0; i < r.best.length; i += 6) {
          var v = r.best[i + col];
          if (isNaN(v)) continue;
          var x = X(r.best[i]);
          if (!on) { ctx.moveTo(x, Y(v)); on = true; } else { ctx.lineTo(x, Y(last)); ctx.lineTo(x, Y(v)); }
          last = v;
        }
        if (on) ctx.lineTo(X(tmax), Y(last));
        ctx.stroke();
      });
    });
    ctx.restore();
    ctx.setLineDash([]); ctx.lineWidth = 1;
    canvas._geom = { left: left, span: s.w - right - left, top: top, bottom: bottom, tmax: tmax };
    if (t !== undefined) cursor(canvas, t);
  }

  /* A sweep plot: x = the worker counts (evenly spaced), one line per
   * series with 95% interval bars.  series = [{name, color, points:
   * [{x, mean, lo, hi, n, of}]}]. */
  function sweep(canvas, xs, series, ylabel) {
    var s = setup(canvas, 220), ctx = s.ctx, left = 56, top = 18, bottom = s.h - 34;
    ctx.clearRect(0, 0, s.w, s.h);
    ctx.font = '11px system-ui, sans-serif';
    // the legend at the right: as wide as the longest name
    var right = 16 + series.reduce(function (w, sr) { return Math.max(w, ctx.measureText(sr.name).width); }, 74);
    var hi = 0;
    series.forEach(function (sr) { sr.points.forEach(function (p) { if (isFinite(p.hi)) hi = Math.max(hi, p.hi); }); });
    if (!(hi > 0)) hi = 1;
    yAxis(ctx, left, top, bottom, 0, hi * 1.05, ylabel);
    var X = function (i) { return left + (s.w - right - left) * (xs.length > 1 ? i / (xs.length - 1) : 0.5); };
    var Y = function (v) { return bottom - (bottom - top) * v / (hi * 1.05); };
    ctx.fillStyle = AXIS; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    xs.forEach(function (x, i) { ctx.fillText(String(x), X(i), bottom + 4); });
    ctx.fillText('workers', (left + s.w - right) / 2, bottom + 18);
    series.forEach(function (sr, k) {
      ctx.strokeStyle = sr.color; ctx.fillStyle = sr.color; ctx.lineWidth = 2;
      ctx.beginPath();
      var on = false;
      sr.points.forEach(function (p, i) {
        if (!isFinite(p.mean)) { on = false; return; }
        var x = X(i) + (k - (series.length - 1) / 2) * 4;
        if (on) ctx.lineTo(x, Y(p.mean)); else ctx.moveTo(x, Y(p.mean));
        on = true;
      });
      ctx.stroke();
      ctx.lineWidth = 1;
      sr.points.forEach(function (p, i) {
        if (!isFinite(p.mean)) return;
        var x = X(i) + (k - (series.length - 1) / 2) * 4;
        ctx.beginPath(); ctx.moveTo(x, Y(p.lo)); ctx.lineTo(x, Y(p.hi)); ctx.stroke();
        ctx.fillRect(x - 2.5, Y(p.mean) - 2.5, 5, 5);
      });
      ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      ctx.fillText(sr.name, s.w - right + 8, top + 14 * k + 6);
    });
  }

  /* A line of grey text where a plot will be. */
  function note(canvas, height, text) {
    var s = setup(canvas, height);
    s.ctx.font = '13px system-ui, sans-serif'; s.ctx.fillStyle = '#888';
    s.ctx.fillText(text, 20, 30);
  }

  return { note: note, OUT: OUT, JOB: JOB, rungColor: rungColor, DONE: DONE, IDLE: IDLE, DROP: DROP,
           gantt: gantt, cursor: cursor, timeAt: timeAt, best: best, sweep: sweep };
})();
