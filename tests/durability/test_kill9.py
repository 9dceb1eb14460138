"""Nothing acknowledged is lost when the server is killed (issue #21, item 1): `kill -9` at random moments under mixed
load — tickets issued, counters calling, cases filed, public replies — then a restart, three times; on SQLite, and on
PostgreSQL when LAYAN_TEST_POSTGRES_URL names a server. Every request that got a 2xx is in the database, nothing is
half-written (the counts the database keeps equal the rows), no ticket number or case reference is issued twice, and
the outbox delivers every message to a real SMTP server (aiosmtpd): at least once, and a second copy — same Message-ID —
only for a message the relay accepted in the instant before the kill, before Layan recorded it (docs/operations.md)."""
import os
import random
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import PostgresEngine, Relay, SQLiteEngine, assert_stored_once, free_port, open_counter, serve_demo, signed_in  # noqa: E402

KILLS = 3


def engines():
    yield "sqlite"
    if os.environ.get("LAYAN_TEST_POSTGRES_URL"):
        yield "postgresql"


@pytest.mark.parametrize("engine_name", list(engines()))
def test_nothing_acknowledged_is_lost_when_the_server_is_killed(engine_name, tmp_path):
    # given a demo agency on the engine, a real SMTP relay, and a server delivering the outbox every 0.2 s
    engine = SQLiteEngine(tmp_path) if engine_name == "sqlite" else PostgresEngine(os.environ["LAYAN_TEST_POSTGRES_URL"])
    relay = Relay()
    smtp = Controller(relay, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = dict(os.environ, DATABASE_URL=engine.url, LAYAN_BCRYPT_COST="4", LAYAN_SMTP_HOST="127.0.0.1", LAYAN_SMTP_PORT=str(smtp.port),
               LAYAN_MAIL_FROM="layan@agensi.gov.my", LAYAN_JOB_INTERVAL="0.2", LAYAN_OUTBOX_CLAIM_SECONDS="5", LAYAN_FRONT_DOOR="off")
    server, log, auth, service = serve_demo(env, tmp_path)
    # and an officer at counter 2 of Kota Bharu, signed in (the session outlives the kills: it is in the database)
    officer = signed_in(server.base, "zaki@demo.layan.my")
    counter, console_csrf = open_counter(officer, server.base, 2)

    tickets, cases, replies, lock, stop = set(), {}, [], threading.Lock(), threading.Event()

    def issue():
        with requests.Session() as http:
            while not stop.is_set():
                try:
                    r = http.post(server.base + "/api/v1/queue/tickets", json={"branch": "KBR", "serviceId": service, "category": "regular"},
                                  headers=auth, timeout=5)
                    if r.ok:
                        with lock:
                            tickets.add(r.json()["id"].upper())
                except requests.RequestException:
                    time.sleep(0.02)

    def call():
        while not stop.is_set():
            try:
                officer.post(f"{server.base}/console/counters/{counter}/call-next", data={"csrf": console_csrf}, timeout=5, allow_redirects=False)
                time.sleep(0.05)
            except requests.RequestException:
                time.sleep(0.02)

    def file_and_reply():
        with requests.Session() as http:
            n = 0
            while not stop.is_set():
                n += 1
                address = f"c{uuid.uuid4().hex[:10]}@example.my"
                try:
                    r = http.post(server.base + "/api/v1/cases", headers=auth, timeout=5, json={
                        "type": "complaint", "channel": "api", "subject": "Lampu jalan rosak", "description": "Rosak di Jalan 7.", "branch": "SHA",
                        "customer": {"name": "Siti", "email": address, "language": "ms"}})
                    if r.ok:
                        with lock:
                            cases[r.json()["reference"]] = (r.json()["id"], address)
                        if n % 3 == 0:
                            m = http.post(f"{server.base}/api/v1/cases/{r.json()['id']}/messages", headers=auth, timeout=5,
                                          json={"body": "Kami sedang menyiasat.", "public": True})
                            if m.ok:
                                with lock:
                                    replies.append(r.json()["id"].upper())
                except requests.RequestException:
                    time.sleep(0.02)

    workers = [threading.Thread(target=t) for t in (issue, issue, call, file_and_reply, file_and_reply)]
    for w in workers:
        w.start()
    try:
        # when the server is killed at random moments and restarted, three times
        rng = random.Random(21)
        for _ in range(KILLS):
            time.sleep(rng.uniform(1.0, 3.0))
            server.kill()
            server.start()
        time.sleep(1.5)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=30)

    try:
        # and the outbox is given time to deliver what the kills interrupted (claims lapse after 5 s)
        deadline = time.time() + 90
        while time.time() < deadline:
            if int(engine.rows("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')")[0][0]) == 0:
                break
            time.sleep(0.5)
    finally:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=60)
        smtp.stop()
        log.close()

    print(f"{engine_name}: {len(tickets)} tickets, {len(cases)} cases, {len(replies)} replies acknowledged; {len(relay.accepted)} mails accepted")
    assert len(tickets) > 50 and len(cases) > 20, (len(tickets), len(cases))
    # then every acknowledged ticket and case is in the database, and no number or reference twice
    assert_stored_once(engine, tickets, {case_id.upper() for case_id, _ in cases.values()})
    # and nothing half-written: each case has the event it was filed with, the counts kept equal the rows
    assert engine.rows("SELECT c.reference FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'received')") == []
    waiting_kept = int(engine.rows("SELECT COALESCE(SUM(waiting), 0) FROM queue_waiting")[0][0])
    waiting = int(engine.rows("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'")[0][0])
    assert waiting_kept == waiting
    assert engine.rows("SELECT counter_id FROM tickets WHERE status = 'called' GROUP BY counter_id HAVING COUNT(*) > 1") == []
    # and every message to an acknowledged case's customer was sent, each accepted by the relay, a second copy only of
    # the same Message-ID and at most one per kill
    undelivered = engine.rows("SELECT recipient, state FROM outbox WHERE channel = 'email' AND state <> 'sent'")
    assert undelivered == [], undelivered[:5]
    copies = relay.copies()
    for reference, (_, address) in cases.items():
        assert address in copies, f"{reference}: nothing reached {address}"
    extra = sum(len(ids) - len(set(ids)) for ids in copies.values())
    assert extra <= KILLS, f"{extra} messages sent twice for {KILLS} kills"
    assert sum(len(set(ids)) for ids in copies.values()) == int(engine.rows("SELECT COUNT(*) FROM outbox WHERE channel = 'email'")[0][0])
