#!/usr/bin/env bash
# Runs rnn4j and its peers on the benchmark configurations A-E, alternating config by config and
# thread count by thread count, and writes the raw lines plus a markdown table of the ratios.
#
#   bench/compare.sh [CONFIGS=A,B,C,D,E] [THREADS="1 2"] [SECONDS=4]   -> bench/results/<date>.{txt,md}
#   PEERS="torch djl dl4j ort" (default: all four) picks the peers; ROUNDS=n (default 1) repeats the
#   whole alternation n times, and the table keeps each implementation's fastest median (this VM's
#   speed drifts by up to 1.5x over tens of seconds, so one pass can catch one side in a slow phase).
#   MODES=inference (default: inference,training) limits rnn4j's cases (the PyTorch and DL4J peers
#   still run both; ONNX Runtime runs inference only).
#
# Peers:
# - torch: Debian's python3-torch 1.13 running bench/peers/torch_rnn_bench.py (the peers' reference
#   script), with OpenBLAS's AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX, with the machine's
#   OPENBLAS_L2_SIZE override removed: the two go together) and OMP_WAIT_POLICY=PASSIVE, its best
#   settings on the development machine. Needs: apt-get install python3-torch libopenblas0-pthread
#   (without libopenblas0-pthread Debian's torch runs on the reference BLAS, 10x slower).
# - djl: the official PyTorch 2.7.1 CPU build (MKL, oneDNN) through DJL 0.36.0's Maven Central jars
#   (bench/peers/djl, built here with Maven; run offline, its native library unpacked under
#   bench/peers/djl/target/djl-cache).
# - dl4j: DeepLearning4J 1.0.0-M2.1 with nd4j-native (bench/peers/dl4j; configs A-C, LSTM and
#   SimpleRnn: it has no GRU layer), with the same OpenBLAS settings as torch.
# - ort: ONNX Runtime 1.22.0's Java package (Maven Central; its native library is in the jar),
#   inference only (bench/peers/ort): one LSTM/GRU/RNN node per layer, the head as MatMul+Add, E as
#   one step with the state passed in and out; intra-op threads = the case's, spinning on and off
#   (the faster is kept). Its graphs are built with rnn4j-interop's ONNX protobuf classes, so the
#   project is installed into the local Maven repository first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
configs=${1:-A,B,C,D,E}
threads=${2:-"1 2"}
seconds=${3:-4}
peers=${PEERS:-"torch djl dl4j ort"}
rounds=${ROUNDS:-1}
modes=${MODES:-inference,training}
./rnn4j --version > /dev/null   # builds the jar if needed
has_peer() { [[ " $peers " == *" $1 "* ]]; }
if has_peer torch; then
  if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "bench/compare.sh: PyTorch is missing: apt-get install python3-torch libopenblas0-pthread" \
      "(or leave torch out of PEERS)" >&2
    exit 2
  fi
  if ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 > /dev/null 2>&1; then
    echo "bench/compare.sh: OpenBLAS is missing (torch would use the reference BLAS):" \
      "apt-get install libopenblas0-pthread" >&2
    exit 2
  fi
fi
# Builds a Java peer once (Maven downloads its jars from Maven Central) and records its class path.
java_peer() {
  local dir=bench/peers/$1
  if [[ ! -f $dir/target/classpath.txt || $dir/pom.xml -nt $dir/target/classpath.txt \
      || -n $(find "$dir/src" -newer "$dir/target/classpath.txt" -type f -print -quit) ]]; then
    echo "bench/compare.sh: building the $1 peer (mvn -f $dir/pom.xml package) ..." >&2
    if ! mvn -B -q -f "$dir/pom.xml" package dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt >&2; then
      echo "bench/compare.sh: the $1 peer did not build (Maven output above); leave it out of PEERS" >&2
      exit 2
    fi
  fi
  echo "$dir/target/classes:$(cat "$dir/target/classpath.txt")"
}
if has_peer djl; then djl_cp=$(java_peer djl); mkdir -p bench/peers/djl/target/djl-cache; fi
if has_peer dl4j; then dl4j_cp=$(java_peer dl4j); fi
if has_peer ort; then
  if ! mvn -B -q install -DskipTests -pl rnn4j-interop -am >&2; then
    echo "bench/compare.sh: rnn4j-interop did not install (Maven output above); leave ort out of PEERS" >&2
    exit 2
  fi
  ort_cp=$(java_peer ort)
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
for round in $(seq "$rounds"); do
for t in $threads; do
  for c in ${configs//,/ }; do
    echo "# round $round threads $t config $c $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$raw"
    java --add-modules jdk.incubator.vector -Drnn4j.threads="$t" -jar rnn4j-cli/target/rnn4j.jar bench \
      --configs "$c" --threads "$t" --seconds "$seconds" --modes "$modes" 2>/dev/null | tee -a "$raw"
    if has_peer torch; then
      env -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE \
        OPENBLAS_CORETYPE=SkylakeX \
        /usr/bin/python3 bench/peers/torch_rnn_bench.py "$t" "$c" --seconds "$seconds" --name torch-1.13 \
        | tee -a "$raw"
    fi
    if has_peer djl; then
      env OMP_NUM_THREADS=$t DJL_CACHE_DIR=bench/peers/djl/target/djl-cache java -Dai.djl.offline=true \
        -Dai.djl.pytorch.num_threads="$t" -Dai.djl.pytorch.num_interop_threads=1 \
        -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$djl_cp" perf.djl.DjlRnnBench "$t" "$c" "$seconds" \
        2>/dev/null | tee -a "$raw"
    fi
    if has_peer dl4j && [[ $c == [ABC] ]]; then
      env -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE \
        OPENBLAS_CORETYPE=SkylakeX java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$dl4j_cp" \
        perf.dl4j.Dl4jRnnBench "$t" "$c" "$seconds" 2>/dev/null | tee -a "$raw"
    fi
    if has_peer ort; then
      java -cp "$ort_cp" perf.ort.OrtRnnBench "$t" "$c" "$seconds" 2>/dev/null | tee -a "$raw"
    fi
  done
done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$raw"
python3 bench/table.py "$raw" > "bench/results/$stamp.md"
echo "wrote $raw and bench/results/$stamp.md"
