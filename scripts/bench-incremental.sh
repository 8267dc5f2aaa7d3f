#!/usr/bin/env bash
# Benchmark (not a test): what a nightly --incremental run costs when few rows are new, against a
# full run of the same input. Runs bin/backprop on local Spark with the bundled MiniLM.
#   scripts/bench-incremental.sh [ROWS] [NEW_ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
new=${2:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() { # gen FILE N
  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "{\"id\": \"p%d\", \"text\": \"Product %d: a sturdy item for the home, model %d, in %s\"}\n", i, i, i % 97, (i % 3 ? "oak" : "walnut") }' > "$1"
}
gen "$work/day1.jsonl" "$rows"
gen "$work/day2.jsonl" $((rows + new))

run() { # run NAME ARGS...
  local name=$1; shift
  local start=$(date +%s.%N)
  bin/backprop job --task text-vectorisation --id-col id --no-progress "$@" > "$work/$name.out" 2>&1 || { cat "$work/$name.out"; exit 1; }
  local end=$(date +%s.%N)
  printf '%-34s %6.1f s   %s\n' "$name" "$(echo "$end - $start" | bc)" "$(grep -o 'job done: .*' "$work/$name.out")"
}
run "night 1 (incremental, all new)" --input "$work/day1.jsonl" --output "$work/nightly" --incremental
run "night 2 (incremental, $new new)" --input "$work/day2.jsonl" --output "$work/nightly" --incremental
grep -o 'incremental: .*' "$work/night 2 (incremental, $new new).out" || true
run "full run of night 2's input" --input "$work/day2.jsonl" --output "$work/full"
