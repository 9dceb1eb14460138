"""The soak (issue #21, item 7): a steady mixed load — tickets issued and called, cases filed and answered, the staff
list and the queue board read — at a fixed rate for a long time, with the server's resident memory and open files
sampled every 10 s and each operation's latency percentiles kept per window. Open loop: each request is due at its
own moment and its latency counts from then, so a server that stalls is charged for the requests queued behind the stall.
Usage (Benchmarks/soak.sh runs it): soak.py BASE TOKEN PID MINUTES RATE SMTP_PORT OUTPUT.json"""
import json
import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from harness import Relay, open_counter, service_ids, signed_in  # noqa: E402

BASE, TOKEN, PID, MINUTES, RATE, SMTP_PORT, OUTPUT = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), \
    int(sys.argv[6]), sys.argv[7]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SAMPLE_SECONDS = 10
# Shares of the mix, out of 20 requests: what a branch's front office does in a working hour, writes dominating.
MIX = ["ticket"] * 7 + ["call"] * 3 + ["case"] * 4 + ["reply"] * 2 + ["list"] * 2 + ["board"] * 2

relay = Relay()
smtp = Controller(relay, hostname="127.0.0.1", port=SMTP_PORT)
smtp.start()
services = list(service_ids(BASE).values())
officer = signed_in(BASE, "zaki@demo.layan.my")
counter, console_token = open_counter(officer, BASE, 2)
reader = signed_in(BASE, "kes@demo.layan.my")
cases, cases_lock, call_lock = [], threading.Lock(), threading.Lock()
local = threading.local()


def http():
    if not hasattr(local, "session"):
        local.session = requests.Session()
    return local.session


def operation(kind, n):
    if kind == "ticket":
        return http().post(BASE + "/api/v1/queue/tickets", json={"branch": "KBR", "serviceId": services[n % len(services)], "category": "regular"},
                           headers=AUTH, timeout=60)
    if kind == "call":
        with call_lock:  # one officer at one counter: presses one after another, as a person does
            r = officer.post(f"{BASE}/api/v1/queue/counters/{counter}/call-next", headers={"X-CSRF-Token": console_token}, timeout=60)
            if r.status_code == 200:
                officer.post(f"{BASE}/api/v1/queue/tickets/{r.json()['id']}/start", headers={"X-CSRF-Token": console_token}, timeout=60)
            return r
    if kind == "case":
        r = http().post(BASE + "/api/v1/cases", headers=AUTH, timeout=60, json={
            "type": "complaint", "channel": "api", "subject": "Lampu jalan rosak", "description": "Lampu di Jalan 7 rosak sejak seminggu.",
            "branch": "SHA", "customer": {"name": "Siti", "email": f"s{uuid.uuid4().hex[:10]}@example.my", "language": "ms"}})
        if r.ok:
            with cases_lock:
                cases.append(r.json()["id"])
        return r
    if kind == "reply":
        with cases_lock:
            target = cases[n % len(cases)] if cases else None
        if target is None:
            return operation("case", n)
        return http().post(f"{BASE}/api/v1/cases/{target}/messages", headers=AUTH, timeout=60, json={"body": "Kami sedang menyiasat.", "public": True})
    if kind == "list":
        return reader.get(BASE + "/cases", timeout=60)
    return http().get(BASE + "/api/v1/queue/branches/KBR/state", timeout=60)


latencies, errors, lock = {}, {}, threading.Lock()  # by window index and kind


def run(kind, n, due):
    try:
        status = operation(kind, n).status_code
        ok = status < 300
    except requests.RequestException:
        status, ok = "transport", False
    elapsed = time.time() - due
    window = int((due - started) // SAMPLE_SECONDS)
    with lock:
        latencies.setdefault(window, {}).setdefault(kind, []).append(elapsed)
        if not ok:
            errors[f"{kind} {status}"] = errors.get(f"{kind} {status}", 0) + 1


samples, stop = [], threading.Event()


def sample():
    while not stop.wait(SAMPLE_SECONDS):
        status = dict(line.split(":", 1) for line in Path(f"/proc/{PID}/status").read_text().splitlines() if ":" in line)
        mb = lambda key: round(int(status.get(key, "0 kB").split()[0]) / 1024, 1)
        # RSS is the heap (anonymous) plus file pages mapped in: SQLite maps up to 256 MB of its database file
        # (mmap_size), which the kernel may drop at will — a leak shows in the anonymous part.
        samples.append({"t": round(time.time() - started), "rss_mb": mb("VmRSS"), "anon_mb": mb("RssAnon"), "file_mb": mb("RssFile"),
                        "shmem_mb": mb("RssShmem"), "open_files": len(os.listdir(f"/proc/{PID}/fd"))})


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000 if values else None


started = time.time()
threading.Thread(target=sample, daemon=True).start()
total = int(MINUTES * 60 * RATE)
with ThreadPoolExecutor(64) as pool:
    for n in range(total):
        due = started + n / RATE
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        pool.submit(run, MIX[n % len(MIX)], n, due)
stop.set()
smtp.stop()

# Five-minute windows: each operation's p50 and p99; memory against the first five minutes' peak.
per_window = SAMPLE_SECONDS
five = 300 // per_window
windows = []
for start in range(0, max(latencies) + 1, five):
    merged = {}
    for w in range(start, start + five):
        for kind, values in latencies.get(w, {}).items():
            merged.setdefault(kind, []).extend(values)
    windows.append({"minutes": f"{start * per_window // 60}-{(start + five) * per_window // 60}",
                    **{kind: {"n": len(v), "p50_ms": round(percentile(v, 50), 1), "p99_ms": round(percentile(v, 99), 1)} for kind, v in sorted(merged.items())}})
first_peak = max(s["rss_mb"] for s in samples if s["t"] <= 300)
later_peak = max((s["rss_mb"] for s in samples if s["t"] > 300), default=first_peak)
anon_first = max(s["anon_mb"] for s in samples if s["t"] <= 300)
anon_later = max((s["anon_mb"] for s in samples if s["t"] > 300), default=anon_first)
result = {"minutes": MINUTES, "rate_per_s": RATE, "requests": total, "errors": errors, "mails_accepted": len(relay.accepted),
          "rss_first_5_min_peak_mb": first_peak, "rss_later_peak_mb": later_peak, "rss_growth_pct": round((later_peak / first_peak - 1) * 100, 1),
          "anon_first_5_min_peak_mb": anon_first, "anon_later_peak_mb": anon_later, "anon_growth_pct": round((anon_later / anon_first - 1) * 100, 1),
          "memory_flat": later_peak <= first_peak * 1.10, "heap_flat": anon_later <= anon_first * 1.10,
          "open_files_first": samples[0]["open_files"], "open_files_last": samples[-1]["open_files"],
          "open_files_max": max(s["open_files"] for s in samples), "windows": windows, "samples": samples}
Path(OUTPUT).write_text(json.dumps(result, indent=1))
print(json.dumps({k: v for k, v in result.items() if k not in ("samples",)}, indent=1))
