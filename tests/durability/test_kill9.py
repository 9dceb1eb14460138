"""Nothing acknowledged is lost when the server is killed (issue #21, item 1): `kill -9` at random moments under mixed
load — tickets issued, counters calling, cases filed, public replies — then a restart, three times; on SQLite, and on
PostgreSQL when LAYAN_TEST_POSTGRES_URL names a server. Every request that got a 2xx is in the database, nothing is
half-written (the counts the database keeps equal the rows), no ticket number or case reference is issued twice, and
the outbox delivers every message to a real SMTP server (aiosmtpd): at least once, and a second copy — same Message-ID —
only for a message the relay accepted in the instant before the kill, before Layan recorded it (docs/operations.md)."""
import email
import email.policy
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
KILLS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """The SMTP relay: every message accepted, by recipient and Message-ID."""

    def __init__(self):
        self.accepted = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.accepted.append((tuple(envelope.rcpt_tos), str(message["message-id"])))
        return "250 OK"


class SQLiteEngine:
    name = "sqlite"

    def __init__(self, tmp_path):
        self.path = tmp_path / "layan.sqlite"
        self.url = f"sqlite:{self.path}"

    def rows(self, sql):
        with sqlite3.connect(self.path, timeout=30) as db:
            return db.execute(sql).fetchall()


class PostgresEngine:
    name = "postgresql"

    def __init__(self, admin_url):
        self.admin = admin_url
        database = "layan_kill_" + uuid.uuid4().hex[:12]
        self.psql([self.admin, "-c", f"CREATE DATABASE {database}"])
        self.url = re.sub(r"/[^/]*$", f"/{database}", admin_url)

    @staticmethod
    def psql(arguments):
        binary = str(Path(os.environ["LAYAN_PG_BINDIR"]) / "psql") if os.environ.get("LAYAN_PG_BINDIR") else "psql"
        return subprocess.run([binary, "-qAt", "-F", "\t", *arguments], check=True, capture_output=True, text=True, timeout=60).stdout

    def rows(self, sql):
        out = self.psql([self.url, "-c", sql])
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


def engines():
    yield "sqlite"
    if os.environ.get("LAYAN_TEST_POSTGRES_URL"):
        yield "postgresql"


class Server:
    def __init__(self, env, log):
        self.env, self.log, self.port, self.process = env, log, free_port(), None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen([BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(self.port), "--log", "warning"],
                                        cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(self.base + "/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError("the server did not become ready after a restart")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def serve_demo(env, tmp_path):
    """The demo agency on `env`'s database, a token that issues tickets and files cases, and a ready server: (server, its
    log file, the token's header, Kota Bharu's service A)."""
    subprocess.run([BINARY, "demo", "--log", "error"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    token = subprocess.run([BINARY, "token", "create", "--name", "load", "--scope", "queue:issue,cases:write", "--log", "error"], cwd=ROOT,
                           env=env, check=True, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]
    log = open(tmp_path / "server.log", "w")
    server = Server(env, log)
    server.start()
    state = requests.get(server.base + "/api/v1/queue/branches/KBR/state", timeout=5).json()
    service = next(s["id"] for s in state["services"] if s["letter"] == "A")
    return server, log, {"Authorization": f"Bearer {token}"}, service


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
    officer = requests.Session()
    page = officer.get(server.base + "/login", timeout=5).text
    csrf = lambda html: re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    officer.post(server.base + "/login", data={"csrf": csrf(page), "email": "zaki@demo.layan.my", "password": "Layan-Demo-2026"}, timeout=5)
    console = officer.get(server.base + "/console", timeout=5).text
    counter = re.search(r'Kaunter 2 .*?/console/counters/([0-9A-F-]+)/open', console, re.S).group(1)
    officer.post(f"{server.base}/console/counters/{counter}/open", data={"csrf": csrf(console)}, timeout=5)
    console_csrf = csrf(officer.get(server.base + "/console", timeout=5).text)

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
    # then every acknowledged ticket and case is in the database
    stored_tickets = {row[0].upper() for row in engine.rows("SELECT CAST(id AS TEXT) FROM tickets")}
    assert tickets <= stored_tickets, f"{len(tickets - stored_tickets)} acknowledged tickets lost"
    stored_cases = {row[0]: row[1].upper() for row in engine.rows("SELECT reference, CAST(id AS TEXT) FROM cases")}
    assert set(cases) <= set(stored_cases), f"acknowledged cases lost: {sorted(set(cases) - set(stored_cases))[:5]}"
    # and no number or reference twice
    assert engine.rows("SELECT service_id, service_date, number, COUNT(*) FROM tickets GROUP BY service_id, service_date, number HAVING COUNT(*) > 1") == []
    assert engine.rows("SELECT reference FROM cases GROUP BY reference HAVING COUNT(*) > 1") == []
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
    copies = {}
    for recipients, message_id in relay.accepted:
        for r in recipients:
            copies.setdefault(r, []).append(message_id)
    for reference, (_, address) in cases.items():
        assert address in copies, f"{reference}: nothing reached {address}"
    extra = sum(len(ids) - len(set(ids)) for ids in copies.values())
    assert extra <= KILLS, f"{extra} messages sent twice for {KILLS} kills"
    assert sum(len(set(ids)) for ids in copies.values()) == int(engine.rows("SELECT COUNT(*) FROM outbox WHERE channel = 'email'")[0][0])
