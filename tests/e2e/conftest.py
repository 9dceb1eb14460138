"""Browser tests: the real Layan binary with demo data on a throwaway SQLite file, driven by headless
Chromium. scripts/test builds the binary and passes its path in LAYAN_BIN."""
import email
import email.policy
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from harness import chromium, free_port  # noqa: E402


# Kept under this name for the modules that import it from here.
_free_port = free_port


SERVER_ENV = {}
# Twilio's auth token for the shared server: tests sign webhooks with it as Twilio does (test_channels.py).
TWILIO_AUTH_TOKEN = "e2e-twilio-token"
# The running server's pid, port and log file, for tests that watch the process itself.
SERVER_INFO: dict = {}


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback: Layan's outbox delivers the customer's e-mail here."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append({"to": envelope.rcpt_tos, "subject": str(message["subject"]), "message_id": str(message["message-id"]),
                                  "body": message.get_body(("plain",)).get_content()})
        return "250 OK"

    def to(self, address):
        with self._lock:
            return [m for m in self.messages if address in m["to"]]

    def wait_for(self, address, predicate, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.to(address) if predicate(m)]
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no matching mail to {address}; got {self.to(address)}")


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    # Behind tests/scaleout/cluster.py the instances already send to this port.
    controller = Controller(box, hostname="127.0.0.1", port=int(os.environ.get("LAYAN_E2E_SMTP_PORT") or _free_port()))
    controller.start()
    yield box, controller.port
    controller.stop()


def serve_own_demo(tmp_path, scopes="cases:write"):
    """A server of its own on a demo database, and an API token with `scopes`: (process, port, token). For tests
    that stop the server or change its data wholesale, which the shared server must not see."""
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    env = dict(os.environ, DATABASE_URL=f"sqlite:{tmp_path}/layan.sqlite", LAYAN_BCRYPT_COST="4")
    subprocess.run([binary, "demo", "--log", "error"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    token = subprocess.run([binary, "token", "create", "--name", "load", "--scope", scopes, "--log", "error"], cwd=ROOT, env=env,
                           check=True, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port), "--log", "error"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    return process, port, token


@pytest.fixture(scope="session")
def server(mailbox):
    if os.environ.get("LAYAN_E2E_BASE"):
        # Several instances behind nginx, started by tests/scaleout/cluster.py with the demo agency on PostgreSQL.
        SERVER_ENV.update(os.environ)
        yield os.environ["LAYAN_E2E_BASE"]
        return
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    workdir = tempfile.mkdtemp(prefix="layan-e2e-")
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:{workdir}/layan.sqlite", LAYAN_BCRYPT_COST="4",
               LAYAN_SMTP_HOST="127.0.0.1", LAYAN_SMTP_PORT=str(mailbox[1]), LAYAN_MAIL_FROM="layan@agensi.gov.my",
               LAYAN_PUBLIC_URL=f"http://127.0.0.1:{port}", LAYAN_JOB_INTERVAL="0.5",
               LAYAN_HEADER_TIMEOUT="3", LAYAN_TWILIO_AUTH_TOKEN=TWILIO_AUTH_TOKEN)
    SERVER_ENV.update(env)
    SERVER_INFO["log"] = f"{workdir}/server.log"
    subprocess.run([binary, "demo"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    log = open(f"{workdir}/server.log", "w")
    proc = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    SERVER_INFO.update(pid=proc.pid, port=port)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise RuntimeError(Path(f"{workdir}/server.log").read_text())
        time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("Layan did not start in 60 s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def console_errors(driver):
    """Console messages at SEVERE level since the last call (reading the log empties it). The status of the
    page itself is not an error here (a 401 or 404 page is answered on purpose); a failed asset or script is."""
    page = driver.current_url.split("#")[0]
    errors = []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        if entry.get("source") == "network" and entry["message"].split(" ")[0].split("?")[0] == page.split("?")[0]:
            continue
        errors.append(entry)
    return errors


AXE = next((ROOT / ".venv").glob("lib/python*/site-packages/axe_playwright_python/axe.min.js"), None)


def axe_violations(driver, impacts=("serious", "critical")):
    """Runs axe-core in the page (injected through the driver, so the page's CSP does not block it)."""
    assert AXE is not None, "axe-core not installed: run scripts/test"
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa','best-practice']}})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', description: String(e), nodes: []}])));")
    return [v for v in json.loads(result) if v.get("impact") in impacts]


# Screens written for people to look at (issue 16); CI keeps this folder as an artefact.
SCREENSHOTS = Path(os.environ.get("LAYAN_SCREENSHOTS", ROOT / "artifacts/screenshots"))


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
