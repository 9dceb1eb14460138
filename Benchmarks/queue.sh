#!/usr/bin/env bash
# Queue benchmarks (issue 4), against the hello route in the same run: ticket issue (POST
# /api/v1/queue/tickets with a token) and call next (POST …/call-next as a signed-in officer), requests/s
# with p50/p99; then the time for one call to reach 1,000 display boards over SSE (p50/p99).
# Usage: Benchmarks/queue.sh [seconds] [connections] [displays]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
ensure_packages wrk curl
ensure_venv
DURATION=${1:-10}; CONNECTIONS=${2:-32}; DISPLAYS=${3:-1000}
WORK=$(mktemp -d /tmp/layan-qbench.XXXXXX)
. Benchmarks/lib.sh
serve_demo_sqlite queue:issue
post_lua "$WORK/issue.lua" "$(issue_body "$SERVICE")" "$TOKEN"

# An officer at counter 2 of Kota Bharu (service A), signed in with a cookie jar.
JAR="$WORK/jar"
LOGIN=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/login")
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$LOGIN" | head -1)
curl -fsS -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" --data-urlencode "email=zaki@demo.layan.my" --data-urlencode "password=Layan-Demo-2026" "$BASE/login"
CONSOLE=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/console")
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$CONSOLE" | head -1)
COUNTER=$(.venv/bin/python -c 'import re,sys; print(re.search(r"Kaunter 2 <small>.*?/console/counters/([0-9A-F-]+)/open", sys.stdin.read(), re.S).group(1))' <<<"$CONSOLE")
curl -fsS -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" "$BASE/console/counters/$COUNTER/open"
SESSION=$(awk '$6=="layan_session" {print $7}' "$JAR")
# A counter's rhythm: call next, start serving the customer called, call next (which ends that visit), …
cat > "$WORK/call.lua" <<LUA
wrk.method = "POST"
wrk.headers["Cookie"] = "layan_session=$SESSION"
wrk.headers["X-CSRF-Token"] = "$CSRF"
wrk.headers["Accept"] = "application/json"
local pending = nil
request = function()
  if pending then
    local path = "/api/v1/queue/tickets/" .. pending .. "/start"
    pending = nil
    return wrk.format("POST", path)
  end
  return wrk.format("POST", "/api/v1/queue/counters/$COUNTER/call-next")
end
response = function(status, headers, body)
  if status == 200 and body and body:find('"status":"called"', 1, true) then
    pending = body:match('"id":"([0-9A-Fa-f-]+)"')
  end
end
LUA

run() { # name path [script] → row
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency ${3:+-s "$3"} "$BASE$2")
  printf '%s|%s|%s|%s|%s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $5}' <<<"$out")"
}
wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/_bench/hello" >/dev/null
HELLO=$(run hello /_bench/hello)
ISSUE=$(run issueTicket /api/v1/queue/tickets "$WORK/issue.lua")
CALL=$(run callNext "/api/v1/queue/counters/$COUNTER/call-next" "$WORK/call.lua")
HELLO_RPS=$(cut -d'|' -f2 <<<"$HELLO")
printf '\n| operation | requests/s | ratio to hello | p50 | p99 | non-2xx |\n|---|---|---|---|---|---|\n'
for row in "$HELLO" "$ISSUE" "$CALL"; do
  IFS='|' read -r name rps p50 p99 bad <<<"$row"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$(awk -v a="$rps" -v b="$HELLO_RPS" 'BEGIN{printf "%.2f", a/b}')" "$p50" "$p99" "${bad:-0}"
done
echo
# Customers waiting again, so every call in the fan-out has a ticket to announce.
for _ in $(seq 1 30); do
  curl -fsS -o /dev/null -X POST -H "Content-Type: application/json" -H "Authorization: Bearer $TOKEN" \
    -d "{\"branch\":\"KBR\",\"serviceId\":\"$SERVICE\"}" "$BASE/api/v1/queue/tickets"
done
.venv/bin/python Benchmarks/sse_fanout.py "$BASE" KBR "$COUNTER" "layan_session=$SESSION" "$CSRF" "$DISPLAYS" 10
