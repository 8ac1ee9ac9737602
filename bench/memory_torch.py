#!/usr/bin/env python3
"""Peak memory of one PyTorch case: the growth of the process's peak resident set (ru_maxrss) from
just after `import torch` to after three steps, printed in the comment format of `rnn4j bench
--memory`. One case per process, since the peak only grows.

  python3 bench/memory_torch.py CONFIG CELL MODE THREADS    e.g. C LSTM train 1
"""
import os
import resource
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'peers'))


def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1e6


import torch  # noqa: E402
import torch_rnn_bench  # noqa: E402

cfg, cell, mode, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
torch.set_num_threads(threads)
base = rss_mb()
devnull = open(os.devnull, 'w')
stdout, sys.stdout = sys.stdout, devnull
torch_rnn_bench.case('torch', cfg, cell, mode, 0.0, threads)  # warm-up and 5 timed steps
sys.stdout = stdout
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
print(f"# memory {'torch-' + torch.__version__.split('a')[0]:8s} {cfg} {cell:4s} {mode:5s} {threads} "
      f"peak_rss_growth_MB={peak - base:.1f}")
