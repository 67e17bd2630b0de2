#!/usr/bin/env bash
# Runs every benchmark and regenerates docs/benchmarks.md:
#   criterion benches `discovery` (ours / floor / oci-client, paging, scale) and `registries` (throughput, with the
#   real registries as processes when their binaries exist), then `bench-tool scale-mem` (peak memory, separate
#   process), `bench-tool paired` (ours against every reference in interleaved rounds), `bench-tool callgrind`
#   (instructions per warm discovery) and `bench-tool report`.
# Extra arguments go to both criterion benches, e.g. `bash benches/run.sh --save-baseline main`.
# Knobs: BENCH_MEASUREMENT_SECS (default 3), BENCH_WARMUP_SECS (1), PAIRED_ROUNDS/PAIRED_PER_ROUND (51/25),
# CALLGRIND_N1/N2 (20/220), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-bench}"
export BENCH_REPORT_DIR="${BENCH_REPORT_DIR:-$CARGO_TARGET_DIR/bench-report}"
# Loopback only: keep proxies from the environment out of the way.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy || true
export NO_PROXY=127.0.0.1,127.0.0.2,localhost
MEASURE="${BENCH_MEASUREMENT_SECS:-3}"
WARMUP="${BENCH_WARMUP_SECS:-1}"
t0=$(date +%s)
step() { echo "== [$(($(date +%s) - t0))s] $*"; }

step "build"
cargo build --release -q -p benches --bin bench-tool
cargo bench -q -p benches --no-run
TOOL="$CARGO_TARGET_DIR/release/bench-tool"
rm -rf "$BENCH_REPORT_DIR/records"
"$TOOL" machine

step "criterion: discovery"
cargo bench -q -p benches --bench discovery -- --measurement-time "$MEASURE" --warm-up-time "$WARMUP" "$@"
step "criterion: registries"
cargo bench -q -p benches --bench registries -- --measurement-time "$MEASURE" --warm-up-time "$WARMUP" "$@"
step "peak memory of the scale run"
"$TOOL" scale-mem
step "paired ratios (interleaved rounds)"
"$TOOL" paired "${PAIRED_ROUNDS:-51}" "${PAIRED_PER_ROUND:-25}"
step "callgrind"
"$TOOL" callgrind "${CALLGRIND_N1:-20}" "${CALLGRIND_N2:-220}"
step "report"
"$TOOL" report "$PWD/docs/benchmarks.md"
step "done"
