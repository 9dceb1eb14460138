#!/usr/bin/env bash
# HTTP benchmarks: Layan's routes against a plain "hello" route measured in the same run, so the figures
# are ratios that survive a noisy shared machine. Release build, --env production, a fresh SQLite file
# with the demo agency, wrk on loopback. Usage: Benchmarks/run.sh [seconds per route] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
ensure_packages wrk

DURATION=${1:-10}
CONNECTIONS=${2:-32}
SCRATCH=${LAYAN_BENCH_SCRATCH:-.build-release}

step "Release build"
swift build -c release --scratch-path "$SCRATCH" --product layan
BIN="$SCRATCH/release/layan"

WORK=$(mktemp -d /tmp/layan-bench.XXXXXX)
export DATABASE_URL="sqlite:$WORK/bench.sqlite" LAYAN_BENCHMARK_ROUTES=1
"$BIN" demo --env production --log error >/dev/null
PORT=$(free_port)
"$BIN" serve --env production --hostname 127.0.0.1 --port "$PORT" --log error &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

run() { # name path → "name rps p50 p99"
  local out
  wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT$2" >/dev/null   # warm-up
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$2")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "$1|$2|$rps|$p50|$p99|${non2xx:-0}"
}

step "wrk: ${DURATION}s per route, $CONNECTIONS connections, 1 client thread; $(nproc) cores shared by server and client"
RESULTS=("$(run hello /_bench/hello)" "$(run healthz /healthz)" "$(run home "/?lang=ms")" "$(run not-found /tiada)")
HELLO_RPS=$(cut -d'|' -f3 <<<"${RESULTS[0]}")
printf '\n| route | path | requests/s | ratio to hello | p50 | p99 | non-2xx |\n|---|---|---|---|---|---|---|\n'
for r in "${RESULTS[@]}"; do
  IFS='|' read -r name path rps p50 p99 non2xx <<<"$r"
  ratio=$(awk -v a="$rps" -v b="$HELLO_RPS" 'BEGIN { printf "%.2f", a / b }')
  printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$name" "$path" "$rps" "$ratio" "$p50" "$p99" "$non2xx"
done
