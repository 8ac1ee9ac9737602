#!/usr/bin/env bash
# Runs rnn4j and PyTorch (Debian's python3-torch 1.13, the peers' reference script in bench/peers)
# on the benchmark configurations A-E, alternating config by config and thread count by thread count,
# and writes the raw lines plus a markdown table of the ratios.
#
#   bench/compare.sh [CONFIGS=A,B,C,D,E] [THREADS="1 2"] [SECONDS=4]   -> bench/results/<date>.{txt,md}
#
# Needs: the rnn4j jar (built by ./rnn4j), /usr/bin/python3 with torch and OpenBLAS:
#   apt-get install python3-torch libopenblas0-pthread
# (without libopenblas0-pthread Debian's torch runs on the reference BLAS, 10x slower).
# PyTorch runs at its best settings on this machine (see bench/README.md): OpenBLAS's AVX-512 kernels
# (OPENBLAS_CORETYPE=SkylakeX, with the machine's OPENBLAS_L2_SIZE override removed: the two go
# together) and OMP_WAIT_POLICY=PASSIVE.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
configs=${1:-A,B,C,D,E}
threads=${2:-"1 2"}
seconds=${3:-4}
./rnn4j --version > /dev/null   # builds the jar if needed
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/compare.sh: PyTorch is missing: apt-get install python3-torch libopenblas0-pthread" >&2
  exit 2
fi
if ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 > /dev/null 2>&1; then
  echo "bench/compare.sh: OpenBLAS is missing (torch would use the reference BLAS):" \
    "apt-get install libopenblas0-pthread" >&2
  exit 2
fi
mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H%M)
raw=bench/results/$stamp.txt
{
  echo "# date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') cores=$(nproc)"
  echo "# java $(java -version 2>&1 | head -1)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$raw"
for t in $threads; do
  for c in ${configs//,/ }; do
    java --add-modules jdk.incubator.vector -Drnn4j.threads="$t" -jar rnn4j-cli/target/rnn4j.jar bench \
      --configs "$c" --threads "$t" --seconds "$seconds" 2>/dev/null | tee -a "$raw"
    env -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=SkylakeX \
      /usr/bin/python3 bench/peers/torch_rnn_bench.py "$t" "$c" --seconds "$seconds" --name torch-1.13 \
      | tee -a "$raw"
  done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$raw"
python3 bench/table.py "$raw" > "bench/results/$stamp.md"
echo "wrote $raw and bench/results/$stamp.md"
