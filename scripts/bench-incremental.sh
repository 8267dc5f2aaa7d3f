#!/usr/bin/env bash
# Benchmark (not a test): what a nightly --incremental run costs when few rows changed, against the
# full first night, for JSON-lines delta runs and for a Delta Lake table. Night 2 has 1% of the rows
# edited and 1% new. Prints wall time, the run's own time after Spark started (summary.json's
# run_seconds), and the bytes each night added to the output. Local Spark, the bundled MiniLM.
#   scripts/bench-incremental.sh [ROWS]        (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gen FILE N EDIT: N products; with EDIT=1 every 100th row's text changes and 1% more rows are new.
gen() {
  awk -v n="$2" -v edit="$3" 'BEGIN {
    total = edit ? n + int(n / 100) : n
    for (i = 0; i < total; i++) {
      wood = (edit && i % 100 == 7) ? "teak" : (i % 3 ? "oak" : "walnut")
      printf "{\"id\": \"p%d\", \"text\": \"Product %d: a sturdy item for the home, model %d, in %s\"}\n", i, i, i % 97, wood
    }
  }' > "$1"
}
gen "$work/day1.jsonl" "$rows" 0
gen "$work/day2.jsonl" "$rows" 1

bytes() { du -sb "$1" 2>/dev/null | cut -f1 || echo 0; }

# night NAME FORMAT INPUT: one incremental night into $work/out-FORMAT; prints one line.
night() {
  local name=$1 format=$2 input=$3 out="$work/out-$2"
  local before=$(bytes "$out")
  local start=$(date +%s.%N)
  bin/backprop job --task text-vectorisation --id-col id --no-progress --incremental \
    --output-format "$format" --input "$input" --output "$out" > "$work/$name.log" 2>&1 \
    || { cat "$work/$name.log"; exit 1; }
  local wall=$(echo "$(date +%s.%N) - $start" | bc)
  local added=$(( $(bytes "$out") - before ))
  local summary=$(/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
log = os.path.join(out, "_log")
entry = json.load(open(os.path.join(log, sorted(os.listdir(log))[-1])))
s = json.load(open(os.path.join(out, entry["folder"], "summary.json")))
print(f'{s["run_seconds"]:.1f} {s["results"]} {s["skipped_done"]} {s["new"]} {s["changed"]} {s["retried"]}')
PY
)
  read -r run results skipped new changed retried <<< "$summary"
  printf '%-22s wall %7.1f s  run %7.1f s  wrote %12d bytes  results %7d  skipped %7d new %6d changed %6d retried %d\n' \
    "$name" "$wall" "$run" "$added" "$results" "$skipped" "$new" "$changed" "$retried"
  eval "${name//[^a-z0-9]/_}=\"$wall $run $added\""
}

for format in jsonl delta; do
  night "$format-night1" "$format" "$work/day1.jsonl"
  night "$format-night2" "$format" "$work/day2.jsonl"
  read -r w1 r1 b1 <<< "$(eval echo "\$${format}_night1")"
  read -r w2 r2 b2 <<< "$(eval echo "\$${format}_night2")"
  printf '%-22s wall %.3f  run after Spark start %.3f  bytes written %.4f  (night 2 / full night 1)\n' \
    "$format ratios" "$(echo "$w2 / $w1" | bc -l)" "$(echo "$r2 / $r1" | bc -l)" "$(echo "$b2 / $b1" | bc -l)"
done
