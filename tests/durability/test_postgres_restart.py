"""PostgreSQL restarted under load (issue #21, item 1): Layan reconnects by itself; requests during the outage get a clear
503 — never a 500, never a wait past a bound — and no write is lost or doubled. Runs when scripts/test gives the
command that restarts its PostgreSQL (LAYAN_TEST_PG_RESTART)."""
import os
import sys
from pathlib import Path
import shlex
import subprocess
import threading
import time
import uuid

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import PostgresEngine, serve_demo  # noqa: E402

RESTART = os.environ.get("LAYAN_TEST_PG_RESTART")
BOUND = 15.0  # seconds: the pool's wait for a connection (10 s) and a margin


@pytest.mark.skipif(not (RESTART and os.environ.get("LAYAN_TEST_POSTGRES_URL")), reason="needs scripts/test's PostgreSQL and its restart command")
def test_a_postgres_restart_costs_clear_503s_and_no_write(tmp_path):
    # given a demo agency on PostgreSQL and a server under load: tickets issued and cases filed
    engine = PostgresEngine(os.environ["LAYAN_TEST_POSTGRES_URL"])
    env = dict(os.environ, DATABASE_URL=engine.url, LAYAN_BCRYPT_COST="4", LAYAN_FRONT_DOOR="off")
    server, log, auth, service = serve_demo(env, tmp_path)

    answers, tickets, cases, lock, stop = [], set(), set(), threading.Lock(), threading.Event()

    def load(kind):
        with requests.Session() as http:
            while not stop.is_set():
                started = time.time()
                try:
                    if kind == "ticket":
                        r = http.post(server.base + "/api/v1/queue/tickets", json={"branch": "KBR", "serviceId": service, "category": "regular"},
                                      headers=auth, timeout=30)
                    else:
                        r = http.post(server.base + "/api/v1/cases", headers=auth, timeout=30, json={
                            "type": "complaint", "channel": "api", "subject": "Lampu", "description": "Rosak.", "branch": "SHA",
                            "customer": {"name": "Siti", "email": f"c{uuid.uuid4().hex[:8]}@example.my"}})
                    with lock:
                        answers.append((started, time.time() - started, r.status_code,
                                        r.headers.get("content-type", "") + ("" if r.status_code != 503 else "|retry-after:" + r.headers.get("retry-after", ""))))
                        if r.ok:
                            (tickets if kind == "ticket" else cases).add(r.json()["id"].upper())
                except requests.RequestException as error:
                    with lock:
                        answers.append((started, time.time() - started, f"transport: {error}", ""))
                    time.sleep(0.05)

    workers = [threading.Thread(target=load, args=(k,)) for k in ("ticket", "ticket", "case", "case")]
    for w in workers:
        w.start()
    try:
        # when PostgreSQL is restarted (a fast shutdown: every connection cut) two seconds in
        time.sleep(2)
        restarted_at = time.time()
        restart = subprocess.run(shlex.split(RESTART), capture_output=True, text=True, timeout=120)
        assert restart.returncode == 0, f"PostgreSQL did not restart: {restart.stdout} {restart.stderr}"
        back_at = time.time()
        time.sleep(8)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=60)
        server.process.terminate()
        server.process.wait(timeout=60)
        log.close()

    # then no answer was a 500 or a dropped connection, and none took longer than the bound
    statuses = {}
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
    stored_tickets = {row[0].upper() for row in engine.rows("SELECT CAST(id AS TEXT) FROM tickets")}
    stored_cases = {row[0].upper() for row in engine.rows("SELECT CAST(id AS TEXT) FROM cases")}
    assert tickets <= stored_tickets and cases <= stored_cases
    assert engine.rows("SELECT service_id, service_date, number FROM tickets GROUP BY service_id, service_date, number HAVING COUNT(*) > 1") == []
    assert engine.rows("SELECT reference FROM cases GROUP BY reference HAVING COUNT(*) > 1") == []
