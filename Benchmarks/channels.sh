#!/usr/bin/env bash
# Channel intake benchmarks (issue #17, item 8), against the hello route in the same run, on SQLite and PostgreSQL:
# Twilio webhook deliveries (each signed, each a new message id, three per sender: one new case, two continued) and
# inbound e-mail through POST /api/v1/inbound/email (a 20 KB multipart message with text, HTML and a PDF, each with
# its own Message-ID and sender, each filing a case with its attachment). Messages/s, p50/p95/p99.
# Usage: Benchmarks/channels.sh [seconds] [connections] ["engines"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages wrk curl postgresql
ensure_venv
DURATION=${1:-10}; CONNECTIONS=${2:-32}; ENGINES=${3:-"sqlite postgres"}
release_layan
WORK=$(mktemp -d /tmp/layan-chbench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n 8192 || true
TWILIO_TOKEN=bench-twilio-token

write_pct_lua "$WORK/pct.lua"
printf '\n| engine | operation | messages/s | ratio to hello | p50 | p95 | p99 | non-2xx |\n|---|---|---|---|---|---|---|---|\n' > "$WORK/table"
row() {
  IFS='|' read -r name rps p50 p95 p99 bad <<<"$2"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$name" "$rps" \
    "$(awk -v a="$rps" -v b="$HELLO_RPS" 'BEGIN{printf "%.2f", a/b}')" "$p50" "$p95" "$p99" "${bad:-0}" >> "$WORK/table"
}

for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  export LAYAN_BENCHMARK_ROUTES=1 LAYAN_TWILIO_AUTH_TOKEN=$TWILIO_TOKEN LAYAN_PUBLIC_URL=$BASE
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope mail:inbound --env production --log error | tail -1)
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

  # Enough signed deliveries that none is sent twice in the run (a repeat would be a cheap duplicate).
  .venv/bin/python Benchmarks/channel_bodies.py twilio "$BASE/channels/twilio/messages" "$TWILIO_TOKEN" 130000 > "$WORK/all-bodies.tsv"
  head -n 120000 "$WORK/all-bodies.tsv" > "$WORK/bodies.tsv"; tail -n 10000 "$WORK/all-bodies.tsv" > "$WORK/warm-bodies.tsv"
  for SET in warm- ""; do cat > "$WORK/${SET}twilio.lua" <<LUA
local bodies = {}
for line in io.lines("$WORK/${SET}bodies.tsv") do
  local tab = line:find("\t", 1, true)
  bodies[#bodies + 1] = {line:sub(tab + 1), line:sub(1, tab - 1)}
end
local i = 0
request = function()
  i = i + 1
  local b = bodies[i]
  return wrk.format("POST", "/channels/twilio/messages", {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = b[2]}, b[1])
end
$(cat "$WORK/pct.lua")
LUA
  done
  .venv/bin/python Benchmarks/channel_bodies.py mail > "$WORK/mail.eml"
  cat > "$WORK/mail.lua" <<LUA
local f = io.open("$WORK/mail.eml", "rb"); local template = f:read("*a"); f:close()
local i = 0
local thread_id = tostring(math.random(1, 1e9))
request = function()
  i = i + 1
  local body = template:gsub("@N@", thread_id .. "-" .. i)
  return wrk.format("POST", "/api/v1/inbound/email", {["Content-Type"] = "message/rfc822", ["Authorization"] = "Bearer $TOKEN"}, body)
end
$(cat "$WORK/pct.lua")
LUA
  wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/_bench/hello" >/dev/null
  HELLO=$(run hello /_bench/hello "$WORK/pct.lua"); HELLO_RPS=$(cut -d'|' -f2 <<<"$HELLO")
  row "$ENGINE" "$HELLO"
  # A live server's tables hold months of messages and autovacuum has analysed them: a few thousand deliveries first,
  # then ANALYZE, so PostgreSQL does not plan the look-ups for the nearly empty tables of a fresh demo (docs/benchmarks.md).
  wrk -t1 -c"$CONNECTIONS" -d3s -s "$WORK/warm-twilio.lua" "$BASE" >/dev/null
  [ "$ENGINE" = postgres ] && "$PG_BINDIR/psql" "$DATABASE_URL" -qc "ANALYZE" >/dev/null
  row "$ENGINE" "$(run "Twilio webhook" /channels/twilio/messages "$WORK/twilio.lua")"
  row "$ENGINE" "$(run "e-mail intake (20 KB multipart)" /api/v1/inbound/email "$WORK/mail.lua")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "$ENGINE" = postgres ] && stop_postgres
done
cat "$WORK/table"
