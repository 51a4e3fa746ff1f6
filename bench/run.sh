#!/usr/bin/env bash
# Runs the invocation benchmarks (internal/e2e/bench_test.go) and prints a
# table. Usage: bench/run.sh [warm-iterations] [cold-iterations] [warm-count] [cold-count]
#   defaults: 20000 warm requests per sub-benchmark, 30 cold starts per agent,
#   warm repeated 5 times (median reported), cold once.
# Raw `go test` output goes to $BENCH_OUT (default: a file under ${TMPDIR:-/tmp}).
set -euo pipefail
cd "$(dirname "$0")/.."
WARM=${1:-20000}
COLD=${2:-30}
WCOUNT=${3:-5}
CCOUNT=${4:-1}
out=${BENCH_OUT:-${TMPDIR:-/tmp}/agentcore-bench-$(date -u +%Y%m%dT%H%M%SZ).txt}

{
  echo "# nproc: $(nproc)"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# go: $(go version)"
  echo "# python: $(python3 --version 2>&1)"
} | tee "$out"

go test -run '^$' -bench 'InvokeWarm' -benchtime "${WARM}x" -count "$WCOUNT" -timeout 30m ./internal/e2e/ | tee -a "$out"
go test -run '^$' -bench '^BenchmarkColdStart$' -benchtime "${COLD}x" -count "$CCOUNT" -timeout 60m ./internal/e2e/ | tee -a "$out"

# Table: one row per benchmark; with -count > 1 each metric is the median
# over the runs.
echo
awk '
function median(list,   a, n, i, t, j) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j+1] = a[j]; a[j+1] = t }
  return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
  if (!(name in seen)) { seen[name] = 1; order[++n] = name }
  runs[name]++
  for (i = 3; i < NF; i++) if ($(i+1) ~ /^((direct|added)-)?p(50|99)-(us|ms)$/) {
    k = name SUBSEP $(i+1); vals[k] = vals[k] " " $i
    if (!((name, $(i+1)) in has)) { has[name, $(i+1)] = 1; metrics[name] = metrics[name] " " $(i+1) }
  }
}
END {
  print "| benchmark | runs | metrics (median) |"
  print "|---|---|---|"
  for (r = 1; r <= n; r++) {
    name = order[r]; m = ""
    c = split(metrics[name], ms, " ")
    for (i = 1; i <= c; i++) m = m sprintf(" %s=%.4g", ms[i], median(vals[name SUBSEP ms[i]]))
    printf "| %s | %d |%s |\n", name, runs[name], m
  }
}' "$out"
echo
echo "raw output: $out"
