#!/usr/bin/env bash
# Telephone desk benchmarks (issue #18, item 8), on SQLite and PostgreSQL: a synthetic Asterisk queue_log of N lines
# (Benchmarks/queue_log_gen.py, about 332,000 calls per million lines over four weeks) streamed to
# POST /api/v1/telephone/queue-log — lines/s, and the server's peak RSS above its idle RSS (VmHWM − VmRSS before) —
# then the same file again (every call already stored), then getTelephoneFigures for the whole month (median of 5);
# then more files of the same month until it holds MONTH_CALLS calls, and the month's figures again.
# The server's heap (RssAnon) is sampled apart from its total RSS: SQLite maps its file (mmap_size), and mapped file
# pages count in RSS as they are read.
# Usage: Benchmarks/telephone.sh [lines] ["engines"] [month calls]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages curl postgresql
ensure_venv
LINES=${1:-1000000}; ENGINES=${2:-"sqlite postgres"}; MONTH_CALLS=${3:-1000000}
release_layan
WORK=$(mktemp -d /tmp/layan-telbench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; rm -rf "$WORK"; }
trap cleanup EXIT

# The month ends at yesterday's midnight (UTC): the figures' range is the 28 days before today.
END=$(date -u -d 'today 00:00' +%s)
FROM=$(date -u -d "@$((END - 28 * 86400))" +%F); TO=$(date -u -d "@$((END - 86400))" +%F)
CALLS=$(.venv/bin/python Benchmarks/queue_log_gen.py "$WORK/queue_log" "$LINES" "$END")
printf 'queue_log: %s lines, %s calls, %s MB, %s to %s\n' "$LINES" "$CALLS" "$(( $(stat -c %s "$WORK/queue_log") / 1048576 ))" "$FROM" "$TO"
# The rest of the month's calls: numbered after the first file's, so every one is new.
MORE=$(( (MONTH_CALLS - CALLS) * 301 / 100 ))
[ "$MORE" -gt 0 ] && .venv/bin/python Benchmarks/queue_log_gen.py "$WORK/queue_log_more" "$MORE" "$END" 10000000 >/dev/null

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SERVER/status"; }
printf '\n| engine | lines | import lines/s | idle RSS (heap) | peak RSS above idle | peak heap above idle | second import (nothing new) lines/s | month figures (%s calls) | month figures (%s calls) |\n|---|---|---|---|---|---|---|---|---|\n' "$CALLS" "$MONTH_CALLS" > "$WORK/table"
# The highest heap (RssAnon) seen while a command runs, sampled every 20 ms.
peak_heap() {
  local peak=0 now
  while kill -0 "$1" 2>/dev/null; do
    now=$(kb RssAnon); [ "${now:-0}" -gt "$peak" ] && peak=$now
    sleep 0.02
  done
  echo "$peak"
}
month_figures() {
  for _ in 1 2 3 4 5; do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/telephone/figures?from=$FROM&to=$TO"
  done | sort -n | sed -n 3p
}

for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope telephone:write,telephone:read --env production --log error | tail -1)
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 1
  IDLE=$(kb VmRSS); IDLE_HEAP=$(kb RssAnon)

  import() { # file → lines/s
    local start end
    start=$(date +%s.%N)
    curl -fsS -o "$WORK/report.json" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' \
      --data-binary @"$1" "$BASE/api/v1/telephone/queue-log"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v n="$(wc -l < "$1")" 'BEGIN{printf "%.0f", n/(e-s)}'
  }
  import "$WORK/queue_log" > "$WORK/first" &
  HEAP=$(peak_heap $!); FIRST=$(cat "$WORK/first")
  ADDED=$(.venv/bin/python -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["callsAdded"], r["problemCount"])' "$WORK/report.json")
  PEAK=$(kb VmHWM)
  SECOND=$(import "$WORK/queue_log")
  AGAIN=$(.venv/bin/python -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["callsAdded"])' "$WORK/report.json")
  FIGURES=$(month_figures)
  MONTH=""
  if [ -f "$WORK/queue_log_more" ]; then
    import "$WORK/queue_log_more" >/dev/null
    MONTH=$(month_figures)
    STORED=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/telephone/figures?from=$FROM&to=$TO" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["total"]["counts"]["offered"])')
    printf '%s: the month now holds %s calls\n' "$ENGINE" "$STORED"
  fi
  printf '%s: first import added %s (calls, problems), second added %s\n' "$ENGINE" "$ADDED" "$AGAIN"
  printf '| %s | %s | %s | %s MB (%s MB) | %s MB | %s MB | %s | %.0f ms | %s |\n' "$ENGINE" "$LINES" "$FIRST" "$((IDLE / 1024))" "$((IDLE_HEAP / 1024))" \
    "$(((PEAK - IDLE) / 1024))" "$(((HEAP - IDLE_HEAP) / 1024))" "$SECOND" "$(awk -v t="$FIGURES" 'BEGIN{print t*1000}')" \
    "$([ -n "$MONTH" ] && awk -v t="$MONTH" 'BEGIN{printf "%.0f ms", t*1000}')" >> "$WORK/table"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "$ENGINE" = postgres ] && stop_postgres
done
cat "$WORK/table"
