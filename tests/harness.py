"""Shared by the process-level suites (tests/durability, tests/scaleout): the real Layan binary, a real SMTP relay, and
the database it writes, read back with the engine's own client. Imported by path: `sys.path` gets `tests/`."""
import email
import email.policy
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BINARY = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
DEMO_PASSWORD = "Layan-Demo-2026"


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

    def copies(self):
        """Message-IDs accepted, by recipient."""
        by_recipient = {}
        with self.lock:
            for recipients, message_id in self.accepted:
                for r in recipients:
                    by_recipient.setdefault(r, []).append(message_id)
        return by_recipient


class SQLiteEngine:
    name = "sqlite"

    def __init__(self, tmp_path):
        self.path = tmp_path / "layan.sqlite"
        self.url = f"sqlite:{self.path}"

    def rows(self, sql):
        with sqlite3.connect(self.path, timeout=30) as db:
            return db.execute(sql).fetchall()


class PostgresEngine:
    """A database of its own on scripts/test's PostgreSQL (LAYAN_TEST_POSTGRES_URL), read with psql."""
    name = "postgresql"

    def __init__(self, admin_url, prefix="layan_test_", tablespace=None):
        self.admin = admin_url
        self.database = prefix + uuid.uuid4().hex[:12]
        self.psql([self.admin, "-c", f"CREATE DATABASE {self.database}" + (f" TABLESPACE {tablespace}" if tablespace else "")])
        self.url = re.sub(r"/[^/]*$", f"/{self.database}", admin_url)

    @staticmethod
    def psql(arguments):
        binary = str(Path(os.environ["LAYAN_PG_BINDIR"]) / "psql") if os.environ.get("LAYAN_PG_BINDIR") else "psql"
        return subprocess.run([binary, "-qAt", "-F", "\t", *arguments], check=True, capture_output=True, text=True, timeout=60).stdout

    def rows(self, sql):
        out = self.psql([self.url, "-c", sql])
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


class Server:
    """One `layan serve` process on a loopback port of its own."""

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
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited with {self.process.returncode}")
            time.sleep(0.05)
        raise AssertionError("the server did not become ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def load_demo(env, scopes="queue:issue,cases:write"):
    """The demo agency on `env`'s database, and the header of an API token with `scopes`."""
    subprocess.run([BINARY, "demo", "--log", "error"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    token = subprocess.run([BINARY, "token", "create", "--name", "load", "--scope", scopes, "--log", "error"], cwd=ROOT,
                           env=env, check=True, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]
    return {"Authorization": f"Bearer {token}"}


def service_ids(base, branch="KBR"):
    """The branch's services by letter, from its public state."""
    state = requests.get(f"{base}/api/v1/queue/branches/{branch}/state", timeout=10).json()
    return {s["letter"]: s["id"] for s in state["services"]}


def serve_demo(env, tmp_path):
    """The demo agency on `env`'s database, a token that issues tickets and files cases, and a ready server: (server, its
    log file, the token's header, Kota Bharu's service A)."""
    auth = load_demo(env)
    log = open(tmp_path / "server.log", "w")
    server = Server(env, log)
    server.start()
    return server, log, auth, service_ids(server.base)["A"]


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(base, address, password=DEMO_PASSWORD):
    """A requests session signed in as `address` (the session row is in the database, so it holds on any instance)."""
    session = requests.Session()
    page = session.get(base + "/login", timeout=10).text
    answer = session.post(base + "/login", data={"csrf": csrf(page), "email": address, "password": password}, timeout=10)
    assert "/login" not in answer.url, f"{address} could not sign in"
    return session


def open_counter(session, base, number):
    """Opens counter `number` of the officer's branch from the console: (counter id, the console's CSRF token)."""
    console = session.get(base + "/console", timeout=10).text
    counter = re.search(rf'Kaunter {number} .*?/console/counters/([0-9A-F-]+)/open', console, re.S).group(1)
    session.post(f"{base}/console/counters/{counter}/open", data={"csrf": csrf(console)}, timeout=10)
    return counter, csrf(session.get(base + "/console", timeout=10).text)


def leave_counter(session, base, counter, token, ticket=None):
    """Serves the counter's called customer to the end, if any, and closes the counter for the next officer."""
    if ticket:
        for step in ("start", "complete"):
            session.post(f"{base}/api/v1/queue/tickets/{ticket}/{step}", headers={"X-CSRF-Token": token}, timeout=10)
    closed = session.post(f"{base}/console/counters/{counter}/close", data={"csrf": token}, timeout=10)
    assert closed.ok, closed.text


def chromium():
    """Headless Chromium as the browser suites drive it: a Malaysian visitor's browser, Malay first, console logged."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.add_experimental_option("prefs", {"intl.accept_languages": "ms-MY,ms,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class WriteLoad:
    """Clients that take numbers and file cases until stopped, recording every answer: (started, seconds, status,
    content type and Retry-After), and the ids of what was acknowledged (2xx)."""

    def __init__(self, base, auth, service, kinds=("ticket", "ticket", "case", "case")):
        self.base, self.auth, self.service = base, auth, service
        self.answers, self.tickets, self.cases = [], set(), set()
        self.lock, self.stop_event = threading.Lock(), threading.Event()
        self.workers = [threading.Thread(target=self._run, args=(kind,)) for kind in kinds]

    def _send(self, http, kind):
        if kind == "ticket":
            return http.post(self.base + "/api/v1/queue/tickets", json={"branch": "KBR", "serviceId": self.service, "category": "regular"},
                             headers=self.auth, timeout=30)
        return http.post(self.base + "/api/v1/cases", headers=self.auth, timeout=30, json={
            "type": "complaint", "channel": "api", "subject": "Lampu", "description": "Rosak.", "branch": "SHA",
            "customer": {"name": "Siti", "email": f"c{uuid.uuid4().hex[:8]}@example.my"}})

    def _run(self, kind):
        with requests.Session() as http:
            while not self.stop_event.is_set():
                started = time.time()
                try:
                    r = self._send(http, kind)
                    with self.lock:
                        self.answers.append((started, time.time() - started, r.status_code,
                                             r.headers.get("content-type", "") + ("" if r.status_code != 503 else "|retry-after:" + r.headers.get("retry-after", ""))))
                        if r.ok:
                            (self.tickets if kind == "ticket" else self.cases).add(r.json()["id"].upper())
                except requests.RequestException as error:
                    with self.lock:
                        self.answers.append((started, time.time() - started, f"transport: {error}", ""))
                    time.sleep(0.05)

    def start(self):
        for w in self.workers:
            w.start()
        return self

    def stop(self):
        self.stop_event.set()
        for w in self.workers:
            w.join(timeout=60)


def assert_stored_once(engine, tickets, cases):
    """Every acknowledged ticket and case is in the database, and no ticket number or case reference is there twice."""
    stored_tickets = {row[0].upper() for row in engine.rows("SELECT CAST(id AS TEXT) FROM tickets")}
    assert tickets <= stored_tickets, f"{len(tickets - stored_tickets)} acknowledged tickets lost"
    stored_cases = {row[0].upper() for row in engine.rows("SELECT CAST(id AS TEXT) FROM cases")}
    assert cases <= stored_cases, f"{len(cases - stored_cases)} acknowledged cases lost"
    assert engine.rows("SELECT service_id, service_date, number FROM tickets GROUP BY service_id, service_date, number HAVING COUNT(*) > 1") == []
    assert engine.rows("SELECT reference FROM cases GROUP BY reference HAVING COUNT(*) > 1") == []
