#!/usr/bin/env bash
# Customer satisfaction (issue #20, item 8). First, on the demo agency (SQLite, the default), rating submissions per
# second (submitCounterRating, each request a different served ticket) against the hello route in the same run.
# Then at national scale on SQLite and PostgreSQL: a year of 5,000,000 counter ratings, 200,000 case surveys and
# 200,000 periodic survey responses (Benchmarks/satisfaction_data.py writes the daily counts those records leave) and
# the time for getSatisfactionReport over the year by month, branch and officer, and for the PKPA survey's results
# page (gaps per item and group). Median of 5 after a warm-up.
# Usage: Benchmarks/satisfaction.sh [seconds] [connections] [ratings] [case_surveys] [responses] [branches] ["engines"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages wrk curl postgresql sqlite3
ensure_venv
DURATION=${1:-10}; CONNECTIONS=${2:-32}; RATINGS=${3:-5000000}; CASES=${4:-200000}; RESPONSES=${5:-200000}; BRANCHES=${6:-60}
ENGINES=${7:-"sqlite postgres"}
WORK=$(mktemp -d /tmp/layan-satbench.XXXXXX)

# --- Rating submissions per second (SQLite demo) -------------------------------------------------------------------
serve_demo_sqlite satisfaction:read
TICKETS=200000
.venv/bin/python - "${DATABASE_URL#sqlite:}" "$WORK/tickets.lua" "$TICKETS" <<'PY'
import sqlite3, sys, uuid, datetime
path, lua, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(path, timeout=30)
branch, service = db.execute("SELECT b.id, s.id FROM branches b JOIN queue_services s ON s.branch_id = b.id WHERE b.code = 'KBR' AND s.letter = 'A'").fetchone()
counter = db.execute("SELECT id FROM counters WHERE branch_id = ? AND number = 1", (branch,)).fetchone()[0]
officer = db.execute("SELECT id FROM staff WHERE email = 'zaki@demo.layan.my'").fetchone()[0]
now = datetime.datetime.now(datetime.timezone.utc)
day = (now + datetime.timedelta(hours=8)).date().isoformat()
stamp = now.timestamp()
rows, pairs = [], []
for n in range(count):
    ticket, key = str(uuid.uuid4()).upper(), uuid.uuid4().hex
    rows.append((ticket, branch, service, day, 100000 + n, f"A{n}", "regular", 0, "done", "kiosk", stamp, stamp, counter, officer, stamp, 0, stamp, stamp, 0, service, key))
    pairs.append(f"{ticket} {key}")
db.executemany("""INSERT INTO tickets (id, branch_id, service_id, service_date, number, label, category, is_priority, status, channel, issued_at,
  arrived_at, counter_id, officer_id, called_at, recalls, serving_started_at, completed_at, transfers, first_service_id, status_key)
  VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
db.commit()
with open(lua + ".txt", "w") as f:
    f.write("\n".join(pairs) + "\n")
with open(lua, "w") as f:
    # Read at start: a table of 200,000 literals is beyond Lua's constants.
    f.write(f"local tickets = {{}}\nfor line in io.lines('{lua}.txt') do local id, key = line:match('(%S+) (%S+)'); tickets[#tickets + 1] = {{id, key}} end\n")
    f.write("local i = 0\nwrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n")
    f.write("request = function()\n  i = i % #tickets + 1\n  local t = tickets[i]\n")
    f.write("  return wrk.format('POST', '/api/v1/queue/tickets/' .. t[1] .. '/rating', nil, '{\"key\":\"' .. t[2] .. '\",\"score\":' .. (i % 5 + 1) .. '}')\nend\n")
PY
write_pct_lua "$WORK/pct.lua"
cat "$WORK/pct.lua" >> "$WORK/tickets.lua"
wrk -t1 -c"$CONNECTIONS" -d2s "$BASE/_bench/hello" >/dev/null
HELLO=$(run hello /_bench/hello "$WORK/pct.lua")
RATE=$(run submitCounterRating "/api/v1/queue/tickets" "$WORK/tickets.lua")
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
printf '\n| operation | requests/s | ratio to hello | p50 | p95 | p99 | non-2xx |\n|---|---|---|---|---|---|---|\n' > "$WORK/table1"
HELLO_RPS=$(cut -d'|' -f2 <<<"$HELLO")
for ROW in "$HELLO" "$RATE"; do
  IFS='|' read -r NAME RPS P50 P95 P99 NON <<<"$ROW"
  printf '| %s | %s | %.2f | %s | %s | %s | %s |\n' "$NAME" "$RPS" "$(awk -v a="$RPS" -v b="$HELLO_RPS" 'BEGIN {print a / b}')" "$P50" "$P95" "$P99" "$NON" >> "$WORK/table1"
done

# --- The report at national scale, both engines --------------------------------------------------------------------
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; rm -rf "$WORK"; }
trap cleanup EXIT
TODAY=$(TZ=Asia/Kuala_Lumpur date +%F)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}'; }
printf '\n| engine | report by month, a year (API) | by branch | by officer | PKPA survey results page |\n|---|---|---|---|---|\n' > "$WORK/table2"
for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope satisfaction:read --env production --log error | tail -1)
  ITEMS_SQL="SELECT s.id, i.id, i.kind FROM periodic_surveys s JOIN periodic_survey_items i ON i.survey_id = s.id WHERE s.code = 'pkpa'"
  if [ "$ENGINE" = postgres ]; then
    "$PG_BINDIR/psql" -qAt -F $'\t' "$DATABASE_URL" -c "$ITEMS_SQL" > "$WORK/items.tsv"
  else
    sqlite3 -separator $'\t' "${DATABASE_URL#sqlite:}" "$ITEMS_SQL" > "$WORK/items.tsv"
  fi
  .venv/bin/python Benchmarks/satisfaction_data.py "$WORK" "$TODAY" "$WORK/items.tsv" "$RATINGS" "$CASES" "$RESPONSES" "$BRANCHES"
  if [ "$ENGINE" = postgres ]; then
    "$PG_BINDIR/psql" -q "$DATABASE_URL" <<SQL
\\copy satisfaction_rollup (dimension, month, source, question, branch_id, k, score, n) FROM '$WORK/satisfaction.tsv'
\\copy periodic_survey_counts (survey_id, item_id, month, branch_id, expectation, perception, value, n) FROM '$WORK/periodic.tsv'
\\copy periodic_survey_responses (id, survey_id, version, channel, branch_id, day, submitted_at) FROM '$WORK/responses.tsv'
ANALYZE;
SQL
  else
    .venv/bin/python - "$WORK" "${DATABASE_URL#sqlite:}" <<'PY'
import csv, sqlite3, sys
work, path = sys.argv[1], sys.argv[2]
db = sqlite3.connect(path)
def load(table, columns, file, ints):
    with open(f"{work}/{file}") as f:
        rows = ([int(v) if i in ints else v for i, v in enumerate(r)] for r in csv.reader(f, delimiter="\t"))
        db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({','.join('?' * len(columns.split(',')))})", rows)
load("satisfaction_rollup", "dimension, month, source, question, branch_id, k, score, n", "satisfaction.tsv", {6, 7})
load("periodic_survey_counts", "survey_id, item_id, month, branch_id, expectation, perception, value, n", "periodic.tsv", {4, 5, 6, 7})
load("periodic_survey_responses", "id, survey_id, version, channel, branch_id, day, submitted_at", "responses.tsv", {2})
db.commit()
db.execute("ANALYZE")
db.close()
PY
  fi
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  JAR="$WORK/jar-$ENGINE"
  LOGIN=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/login")
  CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$LOGIN" | head -1)
  curl -fsS -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" --data-urlencode "email=ketua@demo.layan.my" --data-urlencode "password=Layan-Demo-2026" "$BASE/login"
  SURVEY=$(curl -fsS -b "$JAR" "$BASE/satisfaction/surveys" | sed -n 's|.*href="/satisfaction/surveys/\([0-9A-Fa-f-]*\)".*|\1|p' | head -1)
  timed() { curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE$1"; }
  page() { curl -fsS -o /dev/null -w '%{time_total}\n' -b "$JAR" "$BASE$1"; }
  timed "/api/v1/satisfaction/report" >/dev/null
  BYMONTH=$(for _ in $(seq 5); do timed "/api/v1/satisfaction/report?by=month"; done | median)
  BYBRANCH=$(for _ in $(seq 5); do timed "/api/v1/satisfaction/report?by=branch"; done | median)
  BYOFFICER=$(for _ in $(seq 5); do timed "/api/v1/satisfaction/report?by=officer"; done | median)
  page "/satisfaction/surveys/$SURVEY" >/dev/null
  SURVEYPAGE=$(for _ in $(seq 5); do page "/satisfaction/surveys/$SURVEY"; done | median)
  printf '| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms |\n' "$ENGINE" "$BYMONTH" "$BYBRANCH" "$BYOFFICER" "$SURVEYPAGE" >> "$WORK/table2"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "$ENGINE" = postgres ] && stop_postgres
done
cat "$WORK/table1" "$WORK/table2"
