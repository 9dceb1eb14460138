#!/usr/bin/env bash
# Case benchmarks (issue 5), against the hello route in the same run, on SQLite and PostgreSQL: case
# creation through the API (POST /api/v1/cases, requests/s, p50/p99), then the filtered staff list
# (GET /api/v1/cases with the team queue's filters, rotating) at 100,000 and 1,000,000 cases (p50/p95/p99).
# Usage: Benchmarks/cases.sh [seconds] [connections] ["sizes"] ["engines"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages wrk curl postgresql
ensure_venv
DURATION=${1:-10}; CONNECTIONS=${2:-32}; SIZES=${3:-"100000 1000000"}; ENGINES=${4:-"sqlite postgres"}
release_layan
WORK=$(mktemp -d /tmp/layan-cbench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n 8192 || true

write_pct_lua "$WORK/pct.lua"

start_server() {
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server did not start"; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

printf '\n| engine | cases | operation | requests/s | ratio to hello | p50 | p95 | p99 | non-2xx |\n|---|---|---|---|---|---|---|---|---|\n' > "$WORK/table"
row() { # engine size name|rps|p50|p95|p99|bad
  IFS='|' read -r name rps p50 p95 p99 bad <<<"$3"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$name" "$rps" \
    "$(awk -v a="$rps" -v b="$HELLO_RPS" 'BEGIN{printf "%.2f", a/b}')" "$p50" "$p95" "$p99" "${bad:-0}" >> "$WORK/table"
}

for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  export LAYAN_BENCHMARK_ROUTES=1
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope cases:read,cases:write --env production --log error | tail -1)
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  start_server
  cat > "$WORK/hello.lua" <<LUA
$(cat "$WORK/pct.lua")
LUA
  post_lua "$WORK/create.lua" "$(case_body)" "$TOKEN" "$(cat "$WORK/pct.lua")"
  wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/_bench/hello" >/dev/null
  HELLO=$(run hello /_bench/hello "$WORK/hello.lua"); HELLO_RPS=$(cut -d'|' -f2 <<<"$HELLO")
  row "$ENGINE" "-" "$HELLO"
  row "$ENGINE" "-" "$(run createCase /api/v1/cases "$WORK/create.lua")"
  stop_server

  # The team queue's filters, rotating, as officers and supervisors use them.
  LOADED=0
  for SIZE in $SIZES; do
    ADD=$((SIZE - LOADED))
    echo "loading $ADD cases into $ENGINE…"
    if [ "$ENGINE" = postgres ]; then
      IDS() { "$PG_BINDIR/psql" "$DATABASE_URL" -Atc "$1" | paste -sd, -; }
      # 50,000 cases a COPY: the counts the triggers keep (an officer's load, the charter's) are rewritten once per
      # case, and within one transaction every version stays, so one COPY of a million slows to a crawl.
      BRANCH_IDS=$(IDS 'SELECT id FROM branches'); STAFF_IDS=$(IDS 'SELECT id FROM staff'); CATEGORY_IDS=$(IDS 'SELECT id FROM case_categories')
      for FROM_CASE in $(seq "$LOADED" 50000 $((SIZE - 1))); do
      .venv/bin/python Benchmarks/load_cases.py postgres "$(( SIZE - FROM_CASE < 50000 ? SIZE - FROM_CASE : 50000 ))" "$FROM_CASE" "$BRANCH_IDS" "$STAFF_IDS" "$CATEGORY_IDS" \
        | "$PG_BINDIR/psql" "$DATABASE_URL" -qc "COPY cases (id, reference, type, status, channel, category_id, subject, description, anonymous, customer_name, customer_email, customer_phone, customer_phone_digits, language, contact_by, consent_given, branch_id, assigned_to, assigned_at, received_at, received_on, acknowledge_days, resolve_days, acknowledge_due, resolve_due, paused_days, public_key, updated_at) FROM STDIN WITH (FORMAT csv)"
      done
      "$PG_BINDIR/psql" "$DATABASE_URL" -qc "ANALYZE cases" >/dev/null
      OFFICER=$("$PG_BINDIR/psql" "$DATABASE_URL" -Atc "SELECT assigned_to FROM cases WHERE assigned_to IS NOT NULL LIMIT 1")
    else
      .venv/bin/python Benchmarks/load_cases.py sqlite "${DATABASE_URL#sqlite:}" "$ADD" "$LOADED"
      OFFICER=$(.venv/bin/python -c "import sqlite3; print(sqlite3.connect('${DATABASE_URL#sqlite:}').execute('SELECT assigned_to FROM cases WHERE assigned_to IS NOT NULL LIMIT 1').fetchone()[0])")
    fi
    LOADED=$SIZE
    cat > "$WORK/list.lua" <<LUA
local paths = {
  "/api/v1/cases?limit=25",
  "/api/v1/cases?status=in_progress&limit=25",
  "/api/v1/cases?type=complaint&limit=25",
  "/api/v1/cases?branch=SHA&status=new&limit=25",
  "/api/v1/cases?due=overdue&limit=25",
  "/api/v1/cases?due=today&limit=25",
  "/api/v1/cases?assigneeId=$OFFICER&limit=25",
  "/api/v1/cases?status=pending_customer&type=complaint&limit=25",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Bearer $TOKEN"})
end
$(cat "$WORK/pct.lua")
LUA
    start_server
    wrk -t1 -c"$CONNECTIONS" -d2s -s "$WORK/list.lua" "$BASE" >/dev/null
    row "$ENGINE" "$SIZE" "$(run listCases / "$WORK/list.lua")"
    stop_server
  done
  [ "$ENGINE" = postgres ] && stop_postgres
done
cat "$WORK/table"
