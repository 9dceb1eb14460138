#!/usr/bin/env bash
# Server CPU per request (user + system, from /proc) for hello, ticket issue and case creation on SQLite:
# steadier than requests/s on a shared machine, and what the throughput aims come down to on two cores.
# Usage: Benchmarks/cpu-per-request.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
ensure_packages wrk curl
ensure_venv
DURATION=${1:-8}; CONNECTIONS=${2:-32}
WORK=$(mktemp -d /tmp/layan-cpu.XXXXXX)
. Benchmarks/lib.sh
serve_demo_sqlite queue:issue,cases:write
post_lua "$WORK/issue.lua" "$(issue_body "$SERVICE")" "$TOKEN"
post_lua "$WORK/case.lua" "$(case_body)" "$TOKEN"
ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
measure() { # name path [script] → a table row
  local before after out n rps
  before=$(ticks)
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" ${3:+-s "$3"} "$BASE$2")
  after=$(ticks)
  n=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  awk -v n="$n" -v t=$((after - before)) -v r="$rps" -v name="$1" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "| %s | %.0f | %.0f µs | %.2f |\n", name, r, t * 1e6 / hz / n, t / hz / d }'
}
wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/_bench/hello" >/dev/null
printf '| operation | requests/s | server CPU per request | server cores used |\n|---|---|---|---|\n'
measure hello /_bench/hello
measure issueTicket /api/v1/queue/tickets "$WORK/issue.lua"
measure createCase /api/v1/cases "$WORK/case.lua"
