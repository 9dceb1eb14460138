#!/usr/bin/env bash
# What durability costs (issue #21, item 1): ticket issue and case creation — the writes a customer waits on — against
# the hello route in the same run, on SQLite with synchronous=FULL (an acknowledged write survives a power cut; the
# default) and NORMAL (survives a crash of Layan only), and on PostgreSQL with its durable defaults (fsync,
# synchronous_commit, full_page_writes) and with the tests' unsafe settings (all three off). The lists are reads:
# durability does not touch them.
# Usage: Benchmarks/durability.sh [seconds] [connections] ["configurations"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages wrk curl postgresql
DURATION=${1:-10}; CONNECTIONS=${2:-32}; CONFIGS=${3:-"sqlite-full sqlite-normal postgres-durable postgres-fast"}
release_layan
WORK=$(mktemp -d /tmp/layan-dbench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n 8192 || true
write_pct_lua "$WORK/pct.lua"

printf '\n| configuration | operation | requests/s | ratio to hello | p50 | p95 | p99 | non-2xx |\n|---|---|---|---|---|---|---|---|\n' > "$WORK/table"
row() { # configuration name|rps|p50|p95|p99|bad
  IFS='|' read -r name rps p50 p95 p99 bad <<<"$2"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$name" "$rps" \
    "$(awk -v a="$rps" -v b="$HELLO_RPS" 'BEGIN{printf "%.2f", a/b}')" "$p50" "$p95" "$p99" "${bad:-0}" >> "$WORK/table"
}

for CONFIG in $CONFIGS; do
  case "$CONFIG" in
    sqlite-full) export LAYAN_SQLITE_SYNCHRONOUS=full; bench_database "sqlite-full" ;;
    sqlite-normal) export LAYAN_SQLITE_SYNCHRONOUS=normal; bench_database "sqlite-normal" ;;
    postgres-durable) unset LAYAN_BENCH_PG_FAST; bench_database postgres ;;
    postgres-fast) LAYAN_BENCH_PG_FAST=1 bench_database postgres ;;
    *) echo "unknown configuration $CONFIG"; exit 2 ;;
  esac
  export LAYAN_BENCHMARK_ROUTES=1
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope queue:issue,cases:write --env production --log error | tail -1)
  start_layan
  SERVICE=$(curl -fsS "$BASE/api/v1/queue/branches/KBR/state" | python3 -c 'import json,sys; print(next(s["id"] for s in json.load(sys.stdin)["services"] if s["letter"]=="A"))')
  post_lua "$WORK/issue.lua" "$(issue_body "$SERVICE")" "$TOKEN" "$(cat "$WORK/pct.lua")"
  post_lua "$WORK/create.lua" "$(case_body)" "$TOKEN" "$(cat "$WORK/pct.lua")"
  wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/_bench/hello" >/dev/null
  HELLO=$(run hello /_bench/hello "$WORK/pct.lua"); HELLO_RPS=$(cut -d'|' -f2 <<<"$HELLO")
  row "$CONFIG" "$HELLO"
  row "$CONFIG" "$(run issueTicket /api/v1/queue/tickets "$WORK/issue.lua")"
  row "$CONFIG" "$(run createCase /api/v1/cases "$WORK/create.lua")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "${CONFIG%%-*}" = postgres ] && stop_postgres
  unset LAYAN_SQLITE_SYNCHRONOUS
done
cat "$WORK/table"
