#!/usr/bin/env python3
"""Turns the raw lines of bench/compare.sh into markdown tables.

Per case (config, cell, mode, threads): rnn4j's time, each peer's time, the ratio of rnn4j to the
fastest peer measured in the run (Debian's PyTorch 1.13 "torch-*", the official PyTorch build through
DJL "djl-pt*", and for inference ONNX Runtime's Java package "ort-*", which does not train), the
issue's target for that case and whether it is met, and DeepLearning4J's ratio.
Ratios are peer time / rnn4j time: above 1, rnn4j is faster. When the run has several rounds
(ROUNDS=n in compare.sh), each implementation's fastest median over the rounds is used.
"""
import sys
from collections import OrderedDict

rows = OrderedDict()
rounds = {}
peers = []
header = []
for line in open(sys.argv[1]):
    if line.startswith('#'):
        h = line.strip('# \n')
        if h.startswith(('date', 'cpu', 'java', 'load', 'torch', 'rnn4j', 'DJL', 'dl4j', 'DL4J', 'ort')):
            if h.startswith(('torch', 'rnn4j', 'DJL', 'dl4j', 'DL4J', 'ort')):
                h = h.split(' threads=')[0].split(' cores=')[0].split(' threads(prop)=')[0]
            if h not in header:
                header.append(h)
        continue
    f = line.split()
    if len(f) < 11:
        continue
    try:
        name, cfg, cell, mode, thr, med = f[0], f[1], f[2], f[3], int(f[4]), float(f[5])
        seq, gf = float(f[9]), float(f[10])
    except ValueError:
        continue
    key = (cfg, cell, mode, thr)
    # With ROUNDS > 1 a case appears once per round: keep each implementation's fastest median (the
    # same rule for every implementation; this VM's speed drifts by up to 1.5x over tens of seconds)
    old = rows.setdefault(key, {}).get(name)
    if old is None or med < old[0]:
        rows[key][name] = (med, seq, gf)
    rounds.setdefault((key, name), 0)
    rounds[(key, name)] += 1
    if name != 'rnn4j' and name not in peers:
        peers.append(name)


def is_main_peer(p):
    """A peer the targets are measured against: the PyTorch builds and ONNX Runtime."""
    return p.startswith(('torch', 'djl-pt', 'ort'))


def target(cfg, cell, mode):
    """The issue's target ratio for a case (rnn4j vs the fastest peer), or None."""
    if cfg == 'E':
        return 5.0  # a step in <= 0.2x the fastest peer's per-step latency
    if mode == 'train':
        return 1.5
    return 1.0


print('\n'.join('- ' + h for h in header))
print()
cols = ['config', 'cell', 'mode', 'thr', 'rnn4j ms', 'rnn4j GFLOP/s']
cols += [p + ' ms' for p in peers]
cols += ['fastest peer', 'rnn4j / fastest peer', 'target', 'met']
dl4j = [p for p in peers if not is_main_peer(p)]
cols += ['rnn4j / ' + p for p in dl4j]
print('| ' + ' | '.join(cols) + ' |')
print('|' + '---|' * len(cols))
met = missed = 0
for (cfg, cell, mode, thr), v in rows.items():
    if 'rnn4j' not in v:
        continue
    r = v['rnn4j']
    cells = [cfg, cell, mode, str(thr), f'{r[0]:.3f}', f'{r[2]:.1f}']
    cells += [f'{v[p][0]:.3f}' if p in v else '' for p in peers]
    main = [(v[p][0], p) for p in peers if is_main_peer(p) and p in v]
    if main:
        best_ms, best = min(main)
        ratio = best_ms / r[0]
        tgt = target(cfg, cell, mode)
        ok = ratio >= tgt
        met += ok
        missed += not ok
        cells += [best, f'{ratio:.2f}x', f'>= {tgt:g}x', 'yes' if ok else 'no']
    else:
        cells += ['', '', '', '']
    cells += [f'{v[p][0] / r[0]:.2f}x' if p in v else '' for p in dl4j]
    print('| ' + ' | '.join(cells) + ' |')
print()
n_rounds = max(rounds.values()) if rounds else 1
if n_rounds > 1:
    print(f'Each time is the fastest of {n_rounds} rounds\' medians (rounds alternate all implementations, '
          'case by case).')
print(f'Targets met: {met} of {met + missed} cases. Ratio = peer time / rnn4j time (above 1: rnn4j is '
      'faster); config E times are per step, and its target is a step in at most 0.2x the fastest peer\'s time.')
