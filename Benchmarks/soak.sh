#!/usr/bin/env bash
# The soak (issue #21, item 7): a steady mixed load for 30 minutes on each engine (Benchmarks/soak.py), the server's
# memory and open files sampled every 10 s. Memory is flat when no sample after the first five minutes passes their
# peak by more than 10 % — the heap (RssAnon) and all of RSS apart, since SQLite maps its growing file into memory;
# p99 per five-minute window shows whether latency holds. Not in CI: it runs for an hour.
# Usage: Benchmarks/soak.sh [minutes per engine] [requests per second] ["engines"]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh
. Benchmarks/lib.sh
ensure_packages curl postgresql
ensure_venv
MINUTES=${1:-30}; RATE=${2:-40}; ENGINES=${3:-"sqlite postgres"}
release_layan
WORK=$(mktemp -d /tmp/layan-soak.XXXXXX)
RESULTS=${LAYAN_SOAK_RESULTS:-$WORK}
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; stop_postgres; [ "$RESULTS" = "$WORK" ] || rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n 8192 || true

for ENGINE in $ENGINES; do
  bench_database "$ENGINE"
  SMTP_PORT=$(free_port)
  export LAYAN_SMTP_HOST=127.0.0.1 LAYAN_SMTP_PORT=$SMTP_PORT LAYAN_MAIL_FROM=layan@agensi.gov.my
  "$BIN" demo --env production --log error >/dev/null
  TOKEN=$("$BIN" token create --name soak --scope queue:issue,cases:write --env production --log error | tail -1)
  start_layan
  step "Soak on $ENGINE: $MINUTES min at $RATE requests/s"
  .venv/bin/python Benchmarks/soak.py "$BASE" "$TOKEN" "$SERVER" "$MINUTES" "$RATE" "$SMTP_PORT" "$RESULTS/soak-$ENGINE.json"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  [ "$ENGINE" = postgres ] && stop_postgres
done
echo "Results: $RESULTS/soak-*.json"
