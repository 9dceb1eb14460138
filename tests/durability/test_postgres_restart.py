"""PostgreSQL restarted under load (issue #21, item 1): Layan reconnects by itself; requests during the outage get a clear
503 — never a 500, never a wait past a bound — and no write is lost or doubled. Runs when scripts/test gives the
command that restarts its PostgreSQL (LAYAN_TEST_PG_RESTART)."""
import os
import sys
from pathlib import Path
import shlex
import subprocess
import time

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import PostgresEngine, WriteLoad, assert_stored_once, serve_demo  # noqa: E402

RESTART = os.environ.get("LAYAN_TEST_PG_RESTART")
BOUND = 15.0  # seconds: the pool's wait for a connection (10 s) and a margin


@pytest.mark.skipif(not (RESTART and os.environ.get("LAYAN_TEST_POSTGRES_URL")), reason="needs scripts/test's PostgreSQL and its restart command")
def test_a_postgres_restart_costs_clear_503s_and_no_write(tmp_path):
    # given a demo agency on PostgreSQL and a server under load: tickets issued and cases filed
    engine = PostgresEngine(os.environ["LAYAN_TEST_POSTGRES_URL"])
    env = dict(os.environ, DATABASE_URL=engine.url, LAYAN_BCRYPT_COST="4", LAYAN_FRONT_DOOR="off")
    server, log, auth, service = serve_demo(env, tmp_path)

    load = WriteLoad(server.base, auth, service).start()
    try:
        # when PostgreSQL is restarted (a fast shutdown: every connection cut) two seconds in
        time.sleep(2)
        restarted_at = time.time()
        restart = subprocess.run(shlex.split(RESTART), capture_output=True, text=True, timeout=120)
        assert restart.returncode == 0, f"PostgreSQL did not restart: {restart.stdout} {restart.stderr}"
        back_at = time.time()
        time.sleep(8)
    finally:
        load.stop()
        server.process.terminate()
        server.process.wait(timeout=60)
        log.close()

    # then no answer was a 500 or a dropped connection, and none took longer than the bound
    statuses = {}
    answers = load.answers
    for _, _, status, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"answers by status: {statuses}; restart took {back_at - restarted_at:.1f} s")
    assert all(isinstance(s, int) and (200 <= s < 300 or s == 503) for s in statuses), statuses
    assert max(duration for _, duration, _, _ in answers) < BOUND
    # and the outage's 503s are problem bodies, not pages, and say when to try again
    assert all("json" in ctype and "retry-after:5" in ctype for _, _, status, ctype in answers if status == 503)
    # and Layan reconnected by itself: requests sent after the restart succeed
    after = [s for started, _, s, _ in answers if started > back_at + 3]
    assert after and all(200 <= s < 300 for s in after), after[:10]
    # and every acknowledged write is stored once
    assert_stored_once(engine, load.tickets, load.cases)
