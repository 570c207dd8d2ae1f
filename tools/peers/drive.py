#!/usr/bin/env python3
"""Drive a peer's own ASHA code with W workers on a shipped table.

Usage:
  drive.py PEER SRC TABLE R_MIN ETA R_MAX WORKERS [TRIALS]

PEER  st013-promotion  Syne Tune v0.13 PromotionRungSystem (hyperband_promotion.py)
      st013-stopping   Syne Tune v0.13 StoppingRungSystem (hyperband_stopping.py)
      stmain-stopping  Syne Tune >= 0.14 asha.py: the Bracket class
      ray-stopping     Ray Tune async_hyperband.py: the _Bracket class
      st013-syncsh     Syne Tune v0.13 synchronous Hyperband with one bracket
                       offset (successive halving): SynchronousHyperbandRungSystem
                       .geometric(num_brackets=1) and SynchronousHyperbandBracketManager
SRC   the peer's checkout root (syne-tune: the folder holding syne_tune/;
      ray: the folder holding python/ray/, or the file async_hyperband.py)
TABLE a recorded table (traces/data/*.csv: config_id,epoch,epoch_time,error,...)
TRIALS  use the table's first TRIALS configurations only (shsim run -n)

Writes one row per job in dispatch order to stdout:
  trial,epoch_from,epoch_to,worker,start,end
(stopping type: epoch_to is the epoch the trial ended at).  Trial k is the
table's k-th configuration (shsim run --order file).

The event loop is shsim's (docs/design.md, semantics 1-2): every epoch end is
an event at (time, sequence number); all events at one time are delivered in
sequence order, then free workers are offered work in increasing index until
the scheduler has none.  A job's epoch e ends at the previous end plus the
table's epoch_time of e, added in that order, so times are the same doubles
shsim computes.  Only the peer's decision code is called; the loop around it
(what a tuner does) is ours.  CI does not run this: it needs a peer checkout.
"""
import csv
import heapq
import importlib.util
import os
import sys
import types

import numpy as np


def load_table(path):
    err, sec = {}, {}
    with open(path) as f:
        for r in csv.DictReader(l for l in f if not l.startswith('#')):
            k = (int(r['config_id']), int(r['epoch']))
            err[k] = float(r['error'])
            sec[k] = float(r['epoch_time'])
    return err, sec


def levels_of(rmin, eta, rmax):
    lv, x = [], rmin
    while x < rmax:
        lv.append(x)
        x *= eta
    return lv


def st013_module(src, name):
    """Load one Syne Tune v0.13 scheduler file as is (its imports stubbed to
    the package path)."""
    for pkg in ['syne_tune', 'syne_tune.optimizer', 'syne_tune.optimizer.schedulers']:
        if pkg not in sys.modules:
            m = types.ModuleType(pkg)
            m.__path__ = []
            sys.modules[pkg] = m
    full = 'syne_tune.optimizer.schedulers.' + name
    if full in sys.modules:
        return sys.modules[full]
    path = os.path.join(src, 'syne_tune/optimizer/schedulers', name + '.py')
    spec = importlib.util.spec_from_file_location(full, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[full] = mod
    spec.loader.exec_module(mod)
    return mod


def class_source(path, start, stop=None):
    src = open(path).read()
    a = src.index(start)
    return src[a:src.index(stop, a)] if stop else src[a:]


class Decide:
    CONTINUE, PAUSE, STOP = 'CONTINUE', 'PAUSE', 'STOP'


class PromotionPeer:
    """Syne Tune v0.13 PromotionRungSystem: on_task_schedule, on_task_add and
    on_task_report, called as HyperbandScheduler calls them."""

    def __init__(self, src, rmin, eta, rmax, ntrials):
        st013_module(src, 'hyperband_stopping')
        hp = st013_module(src, 'hyperband_promotion')
        lv = levels_of(rmin, eta, rmax)
        q = [lv[i] / (lv[i + 1] if i + 1 < len(lv) else rmax) for i in range(len(lv))]
        self.rs = hp.PromotionRungSystem(lv, q, 'err', 'min', 'epoch', rmax)
        self.rmin, self.ntr, self.nxt = rmin, ntrials, 0

    def next_job(self):
        d = self.rs.on_task_schedule(str(self.nxt))
        if 'trial_id' in d:
            t, frm, to = int(d['trial_id']), d['resume_from'], d['milestone']
            self.rs.on_task_add(str(t), 0, new_config=False, milestone=to, resume_from=frm)
            return t, frm, to
        if self.nxt >= self.ntr:
            return None
        t = self.nxt
        self.nxt += 1
        self.rs.on_task_add(str(t), 0, new_config=True)
        return t, 0, self.rmin

    def report(self, t, e, v):
        d = self.rs.on_task_report(str(t), {'epoch': e, 'err': v}, 0)
        return Decide.CONTINUE if d['task_continues'] else Decide.PAUSE


class StoppingPeer:
    """Every trial starts for r_max; `judge(t, e, v)` is the peer's call."""

    def __init__(self, rmax, ntrials, judge):
        self.rmax, self.ntr, self.nxt, self.judge = rmax, ntrials, 0, judge

    def next_job(self):
        if self.nxt >= self.ntr:
            return None
        self.nxt += 1
        return self.nxt - 1, 0, self.rmax

    def report(self, t, e, v):
        return Decide.CONTINUE if self.judge(t, e, v) else Decide.STOP


def st013_sync_module(src, name):
    """Load one file of Syne Tune v0.13's synchronous/ as is.  Its only
    other import, syne_tune.util, is replaced by the two functions it uses,
    taken from util.py's own text."""
    if 'syne_tune.util' not in sys.modules:
        util = types.ModuleType('syne_tune.util')
        from typing import List, Union
        text = open(os.path.join(src, 'syne_tune/util.py')).read()
        g = {'List': List, 'Union': Union}
        for fn in ('def is_increasing', 'def is_positive_integer'):
            a = text.index(fn)
            b = text.index('\n\n\n', a)
            exec(text[a:b], g)
        util.is_increasing, util.is_positive_integer = g['is_increasing'], g['is_positive_integer']
        sys.modules['syne_tune.util'] = util
    pkg = 'syne_tune.optimizer.schedulers.synchronous'
    if pkg not in sys.modules:
        st013_module(src, 'hyperband_stopping')  # makes the parent packages
        m = types.ModuleType(pkg)
        m.__path__ = []
        sys.modules[pkg] = m
    full = pkg + '.' + name
    if full not in sys.modules:
        path = os.path.join(src, 'syne_tune/optimizer/schedulers/synchronous', name + '.py')
        spec = importlib.util.spec_from_file_location(full, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[full] = mod
        spec.loader.exec_module(mod)
    return sys.modules[full]


class SyncSHPeer:
    """Syne Tune v0.13's SynchronousHyperbandScheduler with one bracket
    offset, its decisions made by the real bracket manager; the thin layer of
    SynchronousHyperbandScheduler._suggest / on_trial_result is ours: a slot
    without a trial gets the next configuration, a promoted trial resumes
    from its previous level (checkpoint), the result at the slot's level is
    given to bracket_manager.on_result and pauses the trial.  Where the
    table has no configuration left, Syne Tune's searcher would fail and the
    scheduler mark the slot failed (NaN); we let the worker wait instead, as
    shsim does (semantics 7): the comparisons below never run out."""

    def __init__(self, src, rmin, eta, rmax, ntrials):
        rsm = st013_sync_module(src, 'hyperband_rung_system')
        st013_sync_module(src, 'hyperband_bracket')
        bm = st013_sync_module(src, 'hyperband_bracket_manager')
        rungs = rsm.SynchronousHyperbandRungSystem.geometric(rmin, rmax, eta, num_brackets=1)
        self.mgr = bm.SynchronousHyperbandBracketManager(rungs, 'min')
        self.ntr, self.nxt, self.pending = ntrials, 0, {}

    def next_job(self):
        bracket_id, slot = self.mgr.next_job()
        if slot.trial_id is None:
            if self.nxt >= self.ntr:
                return None
            slot.trial_id = self.nxt
            self.nxt += 1
            frm = 0
        else:
            frm = self.mgr.level_to_prev_level(bracket_id, slot.level)
        self.pending[slot.trial_id] = (bracket_id, slot)
        return slot.trial_id, frm, slot.level

    def report(self, t, e, v):
        bracket_id, slot = self.pending[t]
        if e < slot.level:
            return Decide.CONTINUE
        del self.pending[t]
        slot.metric_val = v
        self.mgr.on_result((bracket_id, slot))
        return Decide.PAUSE


def st013_stopping(src, rmin, eta, rmax):
    hs = st013_module(src, 'hyperband_stopping')
    lv = levels_of(rmin, eta, rmax)
    q = [lv[i] / (lv[i + 1] if i + 1 < len(lv) else rmax) for i in range(len(lv))]
    rs = hs.StoppingRungSystem(lv, q, 'err', 'min', 'epoch', rmax)
    return lambda t, e, v: rs.on_task_report(str(t), {'epoch': e, 'err': v}, 0)['task_continues']


def stmain_stopping(src, rmin, eta, rmax):
    # AsynchronousSuccessiveHalving.on_trial_result: a result at >= max_t
    # stops, else the trial's bracket decides (one bracket: brackets=1)
    path = os.path.join(src, 'syne_tune/optimizer/schedulers/asha.py')
    name = 'class Bracket'
    from typing import Dict, List, Optional
    g = {'np': np, 'SchedulerDecision': Decide, 'MOPriority': object,
         'Optional': Optional, 'Dict': Dict, 'List': List}
    exec(class_source(path, name), g)
    br = g[name.split()[1]](rmin, rmax, eta, 0)

    def judge(t, e, v):
        if e >= rmax:
            return False
        return br.on_result(trial_id=t, cur_iter=e, metrics={'err': v}) == Decide.CONTINUE
    return judge


def ray_stopping(src, rmin, eta, rmax):
    # AsyncHyperBandScheduler.on_trial_result: >= max_t stops, else
    # bracket.on_result(trial, cur_iter, metric_op * metric), mode "min": -1
    import logging
    from typing import Optional, Union
    path = src if src.endswith('.py') else os.path.join(
        src, 'python/ray/tune/schedulers/async_hyperband.py')

    class TS:
        CONTINUE, STOP = Decide.CONTINUE, Decide.STOP
    g = {'np': np, 'TrialScheduler': TS, 'logger': logging.getLogger('ray'),
         'Optional': Optional, 'Union': Union, 'Trial': object, 'Dict': dict}
    exec(class_source(path, 'class _Bracket', 'ASHAScheduler = '), g)
    br = g['_Bracket'](rmin, rmax, eta, 0)

    class Tr:
        def __init__(self, i):
            self.trial_id = i

    def judge(t, e, v):
        if e >= rmax:
            return False
        return br.on_result(Tr(t), e, -1.0 * v) == Decide.CONTINUE
    return judge


def simulate(peer, err, sec, workers):
    q, seq = [], 0            # (time, seq, worker)
    free = list(range(workers))  # a min-heap of free worker indices
    job = {}                  # worker -> [row, trial, epoch, to]
    rows = []
    now = 0.0

    def dispatch():
        nonlocal seq
        while free:
            j = peer.next_job()
            if j is None:
                return
            t, frm, to = j
            w = heapq.heappop(free)
            row = [t, frm + 1, to, w, now, None]
            rows.append(row)
            job[w] = [row, t, frm, to]
            heapq.heappush(q, (now + sec[(t, frm + 1)], seq, w))
            seq += 1

    dispatch()
    while q:
        now = q[0][0]
        while q and q[0][0] == now:
            _, _, w = heapq.heappop(q)
            st = job[w]
            row, t = st[0], st[1]
            st[2] += 1
            e = st[2]
            d = peer.report(t, e, err[(t, e)])
            if d == Decide.CONTINUE and e < st[3]:
                heapq.heappush(q, (now + sec[(t, e + 1)], seq, w))
                seq += 1
                continue
            row[2], row[5] = e, now
            del job[w]
            heapq.heappush(free, w)
        dispatch()
    return rows


def main(argv):
    if len(argv) not in (8, 9):
        sys.exit(__doc__)
    kind, src, table = argv[1], argv[2], argv[3]
    rmin, eta, rmax, workers = (int(x) for x in argv[4:8])
    err, sec = load_table(table)
    ntr = max(k for k, _ in err) + 1
    if len(argv) == 9:
        ntr = min(ntr, int(argv[8]))
    if kind == 'st013-promotion':
        peer = PromotionPeer(src, rmin, eta, rmax, ntr)
    elif kind == 'st013-syncsh':
        peer = SyncSHPeer(src, rmin, eta, rmax, ntr)
    else:
        make = {'st013-stopping': st013_stopping, 'stmain-stopping': stmain_stopping,
                'ray-stopping': ray_stopping}[kind]
        peer = StoppingPeer(rmax, ntr, make(src, rmin, eta, rmax))
    out = csv.writer(sys.stdout, lineterminator='\n')
    out.writerow(['trial', 'epoch_from', 'epoch_to', 'worker', 'start', 'end'])
    for r in simulate(peer, err, sec, workers):
        out.writerow(r[:4] + [repr(r[4]), repr(r[5])])


if __name__ == '__main__':
    main(sys.argv)
