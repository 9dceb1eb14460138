"""Several Layan instances on one PostgreSQL behind a real nginx (issue #21, item 3). scripts/test gives the PostgreSQL
(LAYAN_TEST_POSTGRES_URL) and installs nginx; the cluster is built once for the whole suite."""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import ROOT, PostgresEngine, Relay, Server, free_port, load_demo  # noqa: E402

INSTANCES = 3
NGINX = os.environ.get("LAYAN_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")

# The configuration operators are given (docs/nginx-layan.conf), inside a throwaway nginx of our own.
SITE = ROOT / "docs/nginx-layan.conf"
NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
{site}
}}
"""


def site(upstream_ports, port):
    """docs/nginx-layan.conf with the instances' and nginx's own loopback ports in place of the example addresses."""
    text = SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstream_ports)
    text = re.sub(r"(    server 10\.0\.0\.\d+:8080[^\n]*\n)+", lambda _: servers, text)
    return text.replace("listen 80;", f"listen 127.0.0.1:{port};")


class Cluster:
    def __init__(self, engine, relay, instances, base, auth, env):
        self.engine, self.relay, self.instances, self.base, self.auth, self.env = engine, relay, instances, base, auth, env


def start_nginx(directory, upstream_ports):
    port = free_port()
    conf = Path(directory) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user="user root;" if os.geteuid() == 0 else "", dir=directory, site=site(upstream_ports, port)))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process, port
        except requests.RequestException:
            if process.poll() is not None:
                raise RuntimeError((Path(directory) / "error.log").read_text())
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


@pytest.fixture(scope="session")
def cluster():
    admin = os.environ.get("LAYAN_TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("needs scripts/test's PostgreSQL (LAYAN_TEST_POSTGRES_URL)")
    workdir = Path(tempfile.mkdtemp(prefix="layan-scaleout-"))
    engine = PostgresEngine(admin, prefix="layan_scale_")
    relay = Relay()
    smtp = Controller(relay, hostname="127.0.0.1", port=free_port())
    smtp.start()
    nginx_port = free_port()
    env = dict(os.environ, DATABASE_URL=engine.url, LAYAN_BCRYPT_COST="4", LAYAN_SMTP_HOST="127.0.0.1", LAYAN_SMTP_PORT=str(smtp.port),
               LAYAN_MAIL_FROM="layan@agensi.gov.my", LAYAN_JOB_INTERVAL="0.5", LAYAN_TRUSTED_PROXIES="127.0.0.1",
               LAYAN_FRONT_DOOR="off", LAYAN_DATA_KEY=base64.b64encode(os.urandom(32)).decode())
    auth = load_demo(env)
    logs = [open(workdir / f"instance-{n}.log", "w") for n in range(INSTANCES)]
    instances = [Server(env, log) for log in logs]
    for instance in instances:
        instance.start()
    nginx, nginx_port = start_nginx(workdir, [i.port for i in instances])
    try:
        yield Cluster(engine, relay, instances, f"http://127.0.0.1:{nginx_port}", auth, env)
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        for instance in instances:
            instance.stop()
        for log in logs:
            log.close()
        smtp.stop()
        for name in sorted(os.listdir(workdir)):
            if name.endswith(".log") and name.startswith("instance"):
                text = (workdir / name).read_text(errors="replace")
                if "error" in text.lower():
                    print(f"--- {name} ---\n{text[-3000:]}")


@pytest.fixture(scope="session")
def browser():
    from harness import chromium
    driver = chromium()
    yield driver
    driver.quit()
