#!/usr/bin/env python3
"""Time for one queue event to reach N connected display boards over Server-Sent Events.

Opens N raw HTTP connections to /q/<branch>/events (loopback), waits until every one has its first
"state" event, then triggers calls through the officer's console and records, per display, the time
from sending the call to receiving its "call" event. Prints p50 / p99 / max in milliseconds.
Usage: sse_fanout.py BASE_URL BRANCH COUNTER_ID COOKIE CSRF [displays] [calls]"""
import asyncio
import statistics
import sys
import time
import urllib.parse

import requests

base, branch, counter_id, cookie, csrf = sys.argv[1:6]
displays = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
calls = int(sys.argv[7]) if len(sys.argv) > 7 else 10
host = urllib.parse.urlparse(base)


async def display(ready, arrivals, index):
    reader, writer = await asyncio.open_connection(host.hostname, host.port)
    writer.write(f"GET /q/{branch}/events HTTP/1.1\r\nHost: {host.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    seen_state = False
    while True:
        line = await reader.readline()
        if not line:
            return
        if line.startswith(b"event: state") and not seen_state:
            seen_state = True
            ready.release()
        elif line.startswith(b"event: call"):
            arrivals.append((index, time.perf_counter()))


async def main():
    ready = asyncio.Semaphore(0)
    arrivals = []
    tasks = [asyncio.create_task(display(ready, arrivals, i)) for i in range(displays)]
    for _ in range(displays):
        await asyncio.wait_for(ready.acquire(), 60)
    session = requests.Session()
    session.headers.update({"Cookie": cookie, "X-CSRF-Token": csrf, "Accept": "application/json"})
    latencies = []
    for _ in range(calls):
        arrivals.clear()
        sent = time.perf_counter()
        answer = await asyncio.to_thread(session.post, f"{base}/api/v1/queue/counters/{counter_id}/call-next")
        assert answer.status_code in (200, 204), answer.text
        if answer.status_code == 204:
            print("warning: nobody waiting for the call", file=sys.stderr)
        else:
            # The customer comes to the counter, so the next call may end their visit (a called one is not passed over).
            await asyncio.to_thread(session.post, f"{base}/api/v1/queue/tickets/{answer.json()['id']}/start")
        deadline = time.perf_counter() + 10
        while len(arrivals) < displays and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        latencies += [(t - sent) * 1000 for _, t in arrivals]
        missing = displays - len(arrivals)
        if missing:
            print(f"warning: {missing} displays missed a call", file=sys.stderr)
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"| {displays} displays, {calls} calls | {len(latencies)} deliveries | p50 {p(0.5):.1f} ms | p99 {p(0.99):.1f} ms | max {latencies[-1]:.1f} ms |")


asyncio.run(main())
