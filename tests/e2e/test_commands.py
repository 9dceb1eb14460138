"""`layan user create` against the running server's database: the password comes from standard input,
the new officer can sign in at once, and bad input fails with a message and exit status 1."""
import os
import re
import subprocess

import requests

from conftest import ROOT, SERVER_ENV, serve_own_demo


def layan(args, stdin=""):
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    return subprocess.run([binary, *args, "--log", "error"], cwd=ROOT, env=SERVER_ENV, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_user_create_then_sign_in(server):
    created = layan(["user", "create", "--email", "Hakim@Agensi.gov.my", "--name", "Hakim bin Ali", "--role", "case_officer"],
                    "kata laluan yang panjang\n")
    assert created.returncode == 0, created.stderr
    assert "hakim@agensi.gov.my" in created.stdout
    session = requests.Session()
    page = session.get(server + "/login", timeout=5)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    signed_in = session.post(server + "/login", data={"csrf": token, "email": "hakim@agensi.gov.my", "password": "kata laluan yang panjang"},
                             allow_redirects=False, timeout=5)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/staff"


def test_user_create_refuses_a_short_password_and_duplicates(server):
    short = layan(["user", "create", "--email", "pendek@agensi.gov.my", "--name", "P", "--role", "supervisor"], "short\n")
    assert short.returncode == 1
    assert "12 characters" in short.stdout + short.stderr
    layan(["user", "create", "--email", "dua@agensi.gov.my", "--name", "D", "--role", "supervisor"], "a long enough password\n")
    again = layan(["user", "create", "--email", "dua@agensi.gov.my", "--name", "D", "--role", "supervisor"], "a long enough password\n")
    assert again.returncode == 1
    assert "already exists" in again.stdout + again.stderr


def _terminate_during(server, work, threads):
    """Runs `work` on `threads` threads until 1.5 s after it starts, sends SIGTERM, and expects a clean exit."""
    import signal
    import threading
    import time

    stop = threading.Event()
    workers = [threading.Thread(target=work, args=(stop,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(1.5)
    server.send_signal(signal.SIGTERM)
    output, _ = server.communicate(timeout=60)
    stop.set()
    for worker in workers:
        worker.join()
    assert server.returncode == 0, output[-2000:]
    assert "Fatal error" not in output


def test_stopping_under_load_finishes_requests_and_exits_cleanly(tmp_path):
    """SIGTERM while cases are being filed: the requests in flight finish, then the databases close, exit 0."""
    server, port, token = serve_own_demo(tmp_path)
    body = {"type": "complaint", "channel": "api", "subject": "Lampu", "description": "Rosak.", "branch": "SHA",
            "customer": {"name": "Siti", "email": "siti@example.my"}}

    def file_cases(stop):
        while not stop.is_set():
            try:
                requests.post(f"http://127.0.0.1:{port}/api/v1/cases", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5)
            except requests.RequestException:
                pass

    _terminate_during(server, file_cases, 8)


def test_stopping_while_clients_walk_away_mid_request_exits_cleanly(tmp_path):
    """Clients that send a case and close the connection without waiting: their handlers still run when SIGTERM
    comes, after the server has let their connections go; the application waits for them, then exits 0."""
    import socket
    import time

    server, port, token = serve_own_demo(tmp_path)
    body = ('{"type":"complaint","channel":"api","subject":"Lampu","description":"Rosak.","branch":"SHA",'
            '"customer":{"name":"Siti","email":"siti@example.my"}}').encode()
    request = (f"POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body

    def send_and_leave(stop):
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
                    connection.sendall(request)
            except OSError:
                time.sleep(0.01)

    # 32 clients: with 8 the race with shutdown was too rare to show (2 failures in 6 runs before the fix at 32).
    _terminate_during(server, send_and_leave, 32)


def mail_intake(raw: bytes):
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    return subprocess.run([binary, "mail", "intake", "--log", "error"], cwd=ROOT, env=SERVER_ENV, input=raw, capture_output=True, timeout=120)


def test_mail_intake_files_a_message_and_takes_the_customers_reply_to_our_acknowledgement(server, mailbox):
    box, _ = mailbox
    # given a real Outlook message, as Postfix's pipe transport hands it over
    raw = (ROOT / "tests/mail-corpus/layan/outlook-windows1252-qp.eml").read_bytes()
    # when
    first = mail_intake(raw)
    again = mail_intake(raw)
    broken = mail_intake((ROOT / "tests/mail-corpus/layan/broken-no-headers.eml").read_bytes())
    # then the first files a case, the repeat adds nothing, the broken one is kept; all exit 0 so the mail server does not bounce them
    assert first.returncode == 0, first.stderr
    assert re.match(rb"filed ADU-\d{4}-\d{6}", first.stdout), first.stdout
    assert again.returncode == 0 and again.stdout.startswith(b"duplicate")
    assert broken.returncode == 0 and broken.stdout.startswith(b"failed")
    reference = first.stdout.split()[1].decode()
    # and the acknowledgement reaches the sender through real SMTP, with a Message-ID that leads back to the case
    acknowledgement = box.wait_for("siti.aminah@example.com.my", lambda m: reference in m["subject"])[0]
    reply = (f"From: Siti Aminah <siti.aminah@example.com.my>\r\nTo: aduan@layan.example\r\nSubject: Re: {acknowledgement['subject']}\r\n"
             f"Message-ID: <reply-1@example.com.my>\r\nIn-Reply-To: {acknowledgement['message_id']}\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n\r\nResit sudah saya terima, terima kasih.\r\n").encode()
    answered = mail_intake(reply)
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout.decode().split()[:2] == ["continued", reference]
