"""Issue 15 against the real server on loopback, as an attacker would send it: raw sockets where a browser or
`requests` would tidy the request up. Each test is bounded in time and sends only to 127.0.0.1."""
import re
import socket
import threading
import time
from pathlib import Path

import requests

from conftest import SERVER_INFO

PASSWORD = "Layan-Demo-2026"
MEGABYTE = 1 << 20


def rss_megabytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def raw_request(head: bytes, body: bytes = b"", timeout=5.0) -> bytes:
    """Sends a request's head and the first of its body, and answers what the server said within the time."""
    with socket.create_connection(("127.0.0.1", SERVER_INFO["port"]), timeout=timeout) as conn:
        conn.sendall(head + body)
        conn.settimeout(timeout)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except socket.timeout:
            pass
        return answer


def upload_head(length: int) -> bytes:
    return (f"POST /kes/baru HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def test_an_anonymous_upload_is_refused_before_its_body_is_read(server):
    # given a 25 MB multipart post without a session, of which only the first kilobyte is sent
    # when the server answers
    started = time.time()
    answer = raw_request(upload_head(25 * MEGABYTE), b"--x\r\n" + b"a" * 1024, timeout=5)
    # then it refuses at once, without waiting for the other 25 MB
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert time.time() - started < 3


def test_many_large_anonymous_uploads_keep_the_servers_memory_flat(server):
    # given the server's memory at rest
    pid = SERVER_INFO["pid"]
    before = rss_megabytes(pid)
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_megabytes(pid))
            time.sleep(0.05)

    def flood():
        # 25 MB offered in 1 MB pieces, until the server closes or answers
        try:
            with socket.create_connection(("127.0.0.1", SERVER_INFO["port"]), timeout=10) as conn:
                conn.sendall(upload_head(25 * MEGABYTE))
                for _ in range(25):
                    conn.sendall(b"a" * MEGABYTE)
        except OSError:
            pass

    sampler = threading.Thread(target=sample)
    sampler.start()
    # when 40 such posts arrive at once
    threads = [threading.Thread(target=flood) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stop.set()
    sampler.join()
    # then the server grew by far less than the 1,000 MB they carried, and still answers at once
    assert peak[0] - before < 150, f"{before:.0f} MB → {peak[0]:.0f} MB"
    started = time.time()
    assert requests.get(server + "/healthz", timeout=5).status_code == 200
    assert time.time() - started < 1


def test_a_forged_log_line_stays_on_its_own_line(server):
    # given a path whose encoded newline would start a fake "[ ERROR ]" line in the log
    requests.get(server + "/zz%0a%5B%20ERROR%20%5D%20FAKE-LINE", timeout=5)
    time.sleep(0.5)
    # when the server's log is read
    lines = Path(SERVER_INFO["log"]).read_text(errors="replace").splitlines()
    # then no line starts with the forged text; the path is logged with its newline escaped
    assert not [line for line in lines if line.lstrip().startswith("[ ERROR ] FAKE-LINE")]
    assert any("/zz\\n[ ERROR ] FAKE-LINE" in line for line in lines)


def test_long_paths_nul_bytes_and_trace(server):
    # given the requests that reached the internal error page, a static file cut short, and an echo
    long = requests.get(server + "/" + "a" * 4100, timeout=5)
    nul = requests.get(server + "/icons/layan.svg%00.html", timeout=5)
    trace = requests.request("TRACE", server + "/", timeout=5)
    # then a 404, a 400 (not HTML) and a 405
    assert long.status_code == 404
    assert nul.status_code == 400 and "<svg" not in nul.text
    assert trace.status_code == 405


def test_oversized_request_lines_and_heads_get_414_and_431(server):
    # given a request line of 9,000 characters, and a head of 40,000 bytes
    line = raw_request(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    head = raw_request(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40000 + b"\r\n\r\n")
    # then each is answered with its status and a problem body, not a closed connection
    assert line.startswith(b"HTTP/1.1 414 ")
    assert head.startswith(b"HTTP/1.1 431 ")
    assert b"application/problem+json" in head


def _connect_from(source: str) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", SERVER_INFO["port"]), timeout=10, source_address=(source, 0))
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    return conn


def _closed_by_server(conn: socket.socket, within: float) -> bytes | None:
    """What the server sent before closing, or None if it was still open after `within` seconds."""
    conn.settimeout(within)
    answer = b""
    try:
        while chunk := conn.recv(4096):
            answer += chunk
        return answer
    except (socket.timeout, TimeoutError):
        return None
    except ConnectionResetError:
        return answer


def test_a_flood_of_idle_and_slowloris_connections_does_not_stop_a_normal_request(server):
    # given one address holding 300 silent sockets (over its cap of 256) and another trickling 40 heads a field a second
    idle = [_connect_from("127.0.0.2") for _ in range(300)]
    slow = [_connect_from("127.0.0.3") for _ in range(40)]
    started = time.monotonic()
    for conn in slow:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    stop = threading.Event()

    def trickle():
        while not stop.wait(1.0):
            for conn in slow:
                try:
                    conn.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass
    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        # when a normal visitor asks for health while the flood is held
        answers = []
        for _ in range(5):
            t = time.monotonic()
            answers.append((requests.get(server + "/healthz", timeout=5).status_code, time.monotonic() - t))
        # then each is served at once
        assert all(status == 200 and seconds < 2 for status, seconds in answers), answers
        # and the sockets over the cap were refused with 503, the rest closed with 408 within the header timeout (3 s)
        idle_answers = [_closed_by_server(conn, within=8) for conn in idle]
        refused = [a for a in idle_answers if a is not None and a.startswith(b"HTTP/1.1 503 ")]
        timed_out = [a for a in idle_answers if a is not None and a.startswith(b"HTTP/1.1 408 ")]
        assert len(refused) == 300 - 256 and len(timed_out) == 256
        slow_answers = [_closed_by_server(conn, within=8) for conn in slow]
        assert all(a is not None and a.startswith(b"HTTP/1.1 408 ") for a in slow_answers)
        assert time.monotonic() - started < 12
    finally:
        stop.set()
        trickler.join()
        for conn in idle + slow:
            conn.close()


def _lookup_from(source: str) -> int:
    conn = _connect_from(source)
    conn.sendall(b"GET /api/v1/public/cases/JPR-0000-000000?contact=nobody%40example.my HTTP/1.1\r\nHost: x\r\n"
                 b"Connection: close\r\n\r\n")
    answer = _closed_by_server(conn, within=5) or b""
    conn.close()
    return int(answer.split(b" ", 2)[1])


def test_limits_count_the_client_behind_the_front_door_not_the_front_door(server):
    # given one address that has used up the case look-up limit (20 in 10 minutes)
    statuses = [_lookup_from("127.0.0.6") for _ in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
    # when another address looks a case up
    other = _lookup_from("127.0.0.7")
    # then it is not limited: the server sees each client's own address through the bridge
    assert other == 404


def test_pages_with_personal_data_are_not_stored(server):
    # given a case officer signed in
    session = requests.Session()
    token = re.search(r'name="csrf" value="([^"]+)"', session.get(server + "/login", timeout=5).text).group(1)
    signed_in = session.post(server + "/login", data={"csrf": token, "email": "kes@demo.layan.my", "password": PASSWORD},
                             allow_redirects=False, timeout=10)
    assert signed_in.status_code == 303
    # when they open the case list
    page = session.get(server + "/cases", timeout=10)
    # then no browser or proxy may keep it
    assert page.status_code == 200
    assert page.headers.get("Cache-Control") == "no-store"


def test_sigterm_answers_everything_sent_before_it_and_drains(server):
    # given a second Layan on the same database, with customers asking it continuously from 8 threads
    import os
    import signal
    import subprocess
    from conftest import SERVER_ENV, ROOT, _free_port
    port = _free_port()
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    log = open(SERVER_INFO["log"] + ".drain", "w")
    proc = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                            env=dict(SERVER_ENV, LAYAN_DRAIN_SECONDS="2"), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    outcomes, lock, stop = [], threading.Lock(), threading.Event()
    signalled = {}

    def customer():
        session = requests.Session()  # keep-alive, as browsers and proxies do
        while not stop.is_set():
            sent = time.monotonic()
            try:
                answer = session.get(base + "/q/PJY", timeout=10)
                result = (sent, answer.status_code, answer.headers.get("Connection", ""))
            except requests.RequestException as error:
                result = (sent, type(error).__name__, "")
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=customer) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)

    # when it is sent SIGTERM mid-stream
    signalled["at"] = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    draining = requests.get(base + "/healthz", timeout=5)
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    code = proc.wait(timeout=30)
    log.close()

    # then every request sent before the signal, and during the drain, got an answer (none reset)
    before = [o for o in outcomes if o[0] < signalled["at"]]
    during = [o for o in outcomes if signalled["at"] <= o[0] < signalled["at"] + 1.5]
    assert len(before) > 20 and len(during) > 5
    assert all(o[1] == 200 for o in before), [o for o in before if o[1] != 200][:5]
    assert all(o[1] == 200 for o in during), [o for o in during if o[1] != 200][:5]
    # and health said "draining" so a load balancer sends no more, and the process ended cleanly
    assert draining.status_code == 503 and draining.json()["status"] == "draining"
    assert code == 0
