# Shared by the benchmark scripts (sourced after scripts/lib/common.sh).

# The bodies the benchmarks post: a ticket for service $1 at Kota Bharu, and a complaint with an e-mail (so the
# case also queues its acknowledgement, picks the duty officer by load and computes its due dates).
issue_body() { printf '{"branch":"KBR","serviceId":"%s","category":"regular"}' "$1"; }
case_body() {
  printf '%s' '{"type":"complaint","channel":"api","subject":"Lampu jalan rosak","description":"Lampu jalan di Jalan 7 rosak sejak seminggu.","branch":"SHA","customer":{"name":"Siti","email":"siti@example.my","language":"ms"}}'
}

# A wrk script that POSTs JSON body $2 with bearer token $3 to file $1; anything in $4 is appended (a `done` hook).
post_lua() {
  cat > "$1" <<LUA
wrk.method = "POST"
wrk.body = '$2'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $3"
${4:-}
LUA
}

# The release build every benchmark measures (in $LAYAN_BENCH_SCRATCH, default .build-release); sets BIN.
release_layan() {
  local scratch=${LAYAN_BENCH_SCRATCH:-.build-release}
  swift build -c release --scratch-path "$scratch" --product layan
  BIN="$scratch/release/layan"
}

# A fresh database for engine $1: a SQLite file in $WORK, or a new PostgreSQL with a `bench` database. Exports DATABASE_URL.
# PostgreSQL with its durable defaults (fsync, synchronous_commit, full_page_writes), as in production; set
# LAYAN_BENCH_PG_FAST=1 for the tests' unsafe settings, to compare.
bench_database() {
  if [ "$1" = postgres ]; then
    if [ -n "${LAYAN_BENCH_PG_FAST:-}" ]; then start_postgres; else start_postgres durable; fi
    "$PG_BINDIR/psql" "$PG_URL" -qc "CREATE DATABASE bench" >/dev/null
    export DATABASE_URL="${PG_URL%/postgres}/bench"
  else
    export DATABASE_URL="sqlite:$WORK/bench-$1.sqlite"
  fi
}

# Release build, demo agency on a fresh SQLite file in $WORK, a token with scopes $1, the server on a free port.
# Sets BIN, TOKEN, BASE, SERVER (killed and $WORK removed at exit) and SERVICE (Kota Bharu's service A).
serve_demo_sqlite() {
  release_layan
  export DATABASE_URL="sqlite:$WORK/bench.sqlite" LAYAN_BENCHMARK_ROUTES=1
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name bench --scope "$1" --env production --log error | tail -1)
  local port; port=$(free_port); BASE="http://127.0.0.1:$port"
  ulimit -n 65536 2>/dev/null || ulimit -n 8192 || true
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$port" --log error &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  SERVICE=$(curl -fsS "$BASE/api/v1/queue/branches/KBR/state" | .venv/bin/python -c 'import json,sys; print(next(s["id"] for s in json.load(sys.stdin)["services"] if s["letter"]=="A"))')
}

# Starts $BIN serve on DATABASE_URL on a free port and waits until it is ready; sets PORT, BASE and SERVER.
start_layan() {
  PORT=$(free_port); BASE="http://127.0.0.1:$PORT"
  "$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
}

# A wrk `done` hook printing p50/p95/p99 and the non-2xx count on a `PCT` line, written to file $1.
write_pct_lua() {
  cat > "$1" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("PCT %.1fms|%.1fms|%.1fms|%d\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
LUA
}

# wrk for $DURATION s with $CONNECTIONS connections on $BASE$2 with script $3 → name|rps|p50|p95|p99|non2xx
run() {
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$3" "$BASE$2")
  printf '%s|%s|%s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(grep '^PCT' <<<"$out" | cut -d' ' -f2-)"
}
