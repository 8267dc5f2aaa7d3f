#!/usr/bin/env bash
# Benchmark (not a test): a JSON-lines vectorisation job at growing sizes with a fixed driver heap,
# to show memory stays flat as rows grow. Prints, per size, wall time, rows/s and the JVM's peak RSS
# (GNU time), then the peak RSS of the largest run against the smallest. Local Spark, the bundled
# MiniLM (or MODEL=english-fast), HEAP=2g unless set.
#   scripts/bench-million.sh [ROWS ...]        (default: 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000}")
[[ $# -eq 0 ]] && sizes=(100000 1000000)
heap=${HEAP:-2g}
model=${MODEL:-english}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
[[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 2; }

# gen FILE N: N reviews of 4 to 20 words, deterministic, so every size has the same length mix.
gen() {
  awk -v n="$2" 'BEGIN {
    split("the chair arrived late but the oak finish is lovely and it feels sturdy enough for daily use " \
          "although the instructions were confusing and two screws were missing from the box so support " \
          "sent replacements within a week which I appreciated a lot", w, " ")
    for (i = 0; i < n; i++) {
      len = 4 + (i * 7919) % 17
      text = "Review " i ":"
      for (j = 0; j < len; j++) text = text " " w[1 + (i + j * 13) % length(w)]
      printf "{\"id\": \"r%d\", \"text\": \"%s\"}\n", i, text
    }
  }' > "$1"
}

printf 'rows      wall s   rows/s   peak RSS MB   (model %s, driver -Xmx%s, %d cores)\n' "$model" "$heap" "$(nproc)"
first_rss=""
for rows in "${sizes[@]}"; do
  input="$work/reviews-$rows.jsonl"
  gen "$input" "$rows"
  start=$(date +%s.%N)
  BACKPROP_JAVA_OPTS="-Xmx$heap" /usr/bin/time -v -o "$work/time-$rows.txt" \
    bin/backprop job --task text-vectorisation --model "$model" --id-col id --no-progress \
    --input "$input" --output "$work/out-$rows" --overwrite > "$work/job-$rows.log" 2>&1 \
    || { tail -40 "$work/job-$rows.log"; exit 1; }
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$rows.txt")
  ok=$(grep -o '"ok" *: *[0-9]*' "$work/out-$rows/summary.json" | grep -o '[0-9]*$' || echo "?")
  [[ "$ok" == "$rows" ]] || { echo "job vectorised $ok of $rows rows" >&2; exit 1; }
  printf '%-9d %7.1f %8.1f %13.0f\n' "$rows" "$wall" "$(echo "$rows / $wall" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)"
  first_rss=${first_rss:-$rss_kb}
  last_rss=$rss_kb
  rm -rf "$work/out-$rows" "$input"
done
printf 'peak RSS, largest / smallest run: %.2fx\n' "$(echo "$last_rss / $first_rss" | bc -l)"
