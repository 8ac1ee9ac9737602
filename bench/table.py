#!/usr/bin/env python3
"""Turns the raw lines of bench/compare.sh into a markdown table: rnn4j vs each peer, per case."""
import sys
from collections import OrderedDict

rows = OrderedDict()
peers = []
header = []
for line in open(sys.argv[1]):
    if line.startswith('#'):
        if line.startswith(('# date', '# cpu', '# java', '# load', '# torch', '# rnn4j')):
            h = line.strip('# \n')
            if h.startswith(('torch', 'rnn4j')):
                h = h.split(' threads=')[0].split(' cores=')[0]  # once per peer, not per config
            if h not in header:
                header.append(h)
        continue
    f = line.split()
    if len(f) < 11:
        continue
    name, cfg, cell, mode, thr, med = f[0], f[1], f[2], f[3], int(f[4]), float(f[5])
    seq, gf = float(f[9]), float(f[10])
    key = (cfg, cell, mode, thr)
    rows.setdefault(key, {})[name] = (med, seq, gf)
    if name != 'rnn4j' and name not in peers:
        peers.append(name)

print('\n'.join('- ' + h for h in header))
print()
cols = ['config', 'cell', 'mode', 'threads', 'rnn4j ms', 'rnn4j seq/s', 'rnn4j GFLOP/s']
for p in peers:
    cols += [p + ' ms', p + ' GFLOP/s', 'rnn4j / ' + p]
print('| ' + ' | '.join(cols) + ' |')
print('|' + '---|' * len(cols))
for (cfg, cell, mode, thr), v in rows.items():
    if 'rnn4j' not in v:
        continue
    r = v['rnn4j']
    cells = [cfg, cell, mode, str(thr), f'{r[0]:.3f}', f'{r[1]:.1f}', f'{r[2]:.1f}']
    for p in peers:
        if p in v:
            q = v[p]
            cells += [f'{q[0]:.3f}', f'{q[2]:.1f}', f'{q[0] / r[0]:.2f}x']
        else:
            cells += ['', '', '']
    print('| ' + ' | '.join(cells) + ' |')
print()
print('ratio = peer time / rnn4j time (above 1: rnn4j is faster). Config E times are per step.')
