#!/usr/bin/env bash
# Telephone desk benchmarks (issue #18, item 8), on SQLite and PostgreSQL: a synthetic Asterisk queue_log of N lines
# (Benchmarks/queue_log_gen.py, about 217,000 calls per million lines over four weeks) streamed to
# POST /api/v1/telephone/queue-log — lines/s, and the server's peak RSS above its idle RSS (VmHWM − VmRSS before) —
# then the same file again (every call already stored), then getTelephoneFigures for the whole month (median of 5).
# Usage: Benchmarks/telephone.sh [lines] ["engines"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages curl postgresql
ensure_venv
LINES=${1:-1000000}; ENGINES=${2:-"sqlite postgres"}
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

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SERVER/status"; }
printf '\n| engine | lines | import lines/s | idle RSS | peak RSS above idle | second import (nothing new) lines/s | month figures (%s calls) |\n|---|---|---|---|---|---|---|\n' "$CALLS" > "$WORK/table"

for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope telephone:write,telephone:read --env production --log error | tail -1)
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 1
  IDLE=$(kb VmRSS)

  import() {
    local start end
    start=$(date +%s.%N)
    curl -fsS -o "$WORK/report.json" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' \
      --data-binary @"$WORK/queue_log" "$BASE/api/v1/telephone/queue-log"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v n="$LINES" 'BEGIN{printf "%.0f", n/(e-s)}'
  }
  FIRST=$(import)
  ADDED=$(.venv/bin/python -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["callsAdded"], r["problemCount"])' "$WORK/report.json")
  PEAK=$(kb VmHWM)
  SECOND=$(import)
  AGAIN=$(.venv/bin/python -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["callsAdded"])' "$WORK/report.json")
  FIGURES=$(for _ in 1 2 3 4 5; do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/telephone/figures?from=$FROM&to=$TO"
  done | sort -n | sed -n 3p)
  printf '%s: first import added %s (calls, problems), second added %s\n' "$ENGINE" "$ADDED" "$AGAIN"
  printf '| %s | %s | %s | %s MB | %s MB | %s | %.0f ms |\n' "$ENGINE" "$LINES" "$FIRST" "$((IDLE / 1024))" "$(((PEAK - IDLE) / 1024))" \
    "$SECOND" "$(awk -v t="$FIGURES" 'BEGIN{print t*1000}')" >> "$WORK/table"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "$ENGINE" = postgres ] && stop_postgres
done
cat "$WORK/table"
