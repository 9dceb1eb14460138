#!/usr/bin/env bash
# Client Charter at national scale (issue #19, item 4), on SQLite and PostgreSQL: the demo agency's charter over a
# year of 10,000,000 counter visits and 1,000,000 cases at 60 more branches (Benchmarks/charter_data.py writes the
# daily counts those records leave), then the time to read a month's achievement for every commitment and branch
# (getCharterAchievement for one month, agency-wide: every branch's counts are read and summed), one branch's month,
# twelve months read afresh (the API), and the public page (its table kept a minute: the first view reads, the rest
# are served from memory). Median of 7 after a warm-up, except the page's first view.
# Usage: Benchmarks/charter.sh [tickets] [cases] [branches] ["engines"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages curl postgresql sqlite3
ensure_venv
TICKETS=${1:-10000000}; CASES=${2:-1000000}; BRANCHES=${3:-60}; ENGINES=${4:-"sqlite postgres"}
release_layan
WORK=$(mktemp -d /tmp/layan-chartbench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; rm -rf "$WORK"; }
trap cleanup EXIT

TODAY=$(TZ=Asia/Kuala_Lumpur date +%F)
LAST_MONTH=$(TZ=Asia/Kuala_Lumpur date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)
.venv/bin/python Benchmarks/charter_data.py "$WORK" "$TODAY" "$TICKETS" "$CASES" "$BRANCHES"
printf '%s counter visits, %s cases at %s branches: %s wait rows, %s service rows, %s case rows\n' "$TICKETS" "$CASES" "$BRANCHES" \
  "$(wc -l <"$WORK/waits.tsv")" "$(wc -l <"$WORK/served.tsv")" "$(wc -l <"$WORK/cases.tsv")"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}'; }
timed() { curl -fsS -o /dev/null -w '%{time_total}\n' "$BASE$1"; }
printf '\n| engine | month, every commitment and branch (API) | one branch, one month (API) | 12 months, every branch (API) | public page, first view | public page, kept |\n|---|---|---|---|---|---|\n' > "$WORK/table"

for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  "$BIN" demo --env production --log error >/dev/null
  LOAD="\\copy branches (id, code, name, state, address, phone) FROM '$WORK/branches.tsv'
\\copy queue_services (id, branch_id, letter, name_ms, name_en, target_wait_minutes, average_handling_seconds, handling_samples, active) FROM '$WORK/services.tsv'
\\copy charter_wait_counts (day, branch_id, service_id, minutes, n) FROM '$WORK/waits.tsv'
\\copy charter_service_counts (day, branch_id, service_id, minutes, n) FROM '$WORK/served.tsv'
\\copy charter_case_counts (clock, day, branch_id, type, category_id, outcome, open_due, n) FROM '$WORK/cases.tsv'
ANALYZE;"
  if [ "$ENGINE" = postgres ]; then
    "$PG_BINDIR/psql" -q "$DATABASE_URL" <<<"$LOAD"
  else
    .venv/bin/python - "$WORK" "${DATABASE_URL#sqlite:}" <<'PY'
import csv, sqlite3, sys
work, path = sys.argv[1], sys.argv[2]
db = sqlite3.connect(path)
def load(table, columns, file, convert=lambda r: r):
    with open(f"{work}/{file}") as f:
        rows = (convert(r) for r in csv.reader(f, delimiter="\t"))
        db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({','.join('?' * len(columns.split(',')))})", rows)
load("branches", "id, code, name, state, address, phone", "branches.tsv")
load("queue_services", "id, branch_id, letter, name_ms, name_en, target_wait_minutes, average_handling_seconds, handling_samples, active", "services.tsv",
     lambda r: r[:5] + [int(r[5]), float(r[6]), int(r[7]), int(r[8])])
for table, file in (("charter_wait_counts", "waits.tsv"), ("charter_service_counts", "served.tsv")):
    load(table, "day, branch_id, service_id, minutes, n", file, lambda r: r[:3] + [int(r[3]), int(r[4])])
load("charter_case_counts", "clock, day, branch_id, type, category_id, outcome, open_due, n", "cases.tsv", lambda r: r[:7] + [int(r[7])])
db.commit()
db.execute("ANALYZE")
db.close()
PY
  fi
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  MONTH="/api/v1/charter/achievement?from=$LAST_MONTH&to=$LAST_MONTH"
  BRANCH="$MONTH&branch=B007"
  YEAR="/api/v1/charter/achievement"
  FIRST=$(timed /piagam | median)
  timed "$MONTH" >/dev/null
  AGENCY=$(for _ in $(seq 7); do timed "$MONTH"; done | median)
  ONE=$(for _ in $(seq 7); do timed "$BRANCH"; done | median)
  TWELVE=$(for _ in $(seq 3); do timed "$YEAR"; done | median)
  KEPT=$(for _ in $(seq 7); do timed /piagam; done | median)
  printf '| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |\n' "$ENGINE" "$AGENCY" "$ONE" "$TWELVE" "$FIRST" "$KEPT" >> "$WORK/table"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "$ENGINE" = postgres ] && stop_postgres
done
cat "$WORK/table"
