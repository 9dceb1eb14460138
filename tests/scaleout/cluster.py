"""Several Layan instances on one PostgreSQL behind a real nginx (issue #21, item 3): started for tests/scaleout (its
conftest), and as a runner for browser suites: `cluster.py PYTEST-ARGS…` starts a cluster on LAYAN_TEST_POSTGRES_URL and
runs pytest with LAYAN_E2E_BASE pointing at nginx (tests/e2e's `server` fixture then uses it instead of a server of its
own) and LAYAN_E2E_SMTP_PORT where the instances send mail (its `mailbox` listens there)."""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def start_nginx(directory, upstream_ports, port):
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


class Cluster:
    """INSTANCES Layan servers on a database of their own behind nginx; mail goes to `smtp_port` (a relay of its own
    when none is given)."""

    def __init__(self, admin_url, smtp_port=None, instances=INSTANCES):
        self.workdir = Path(tempfile.mkdtemp(prefix="layan-scaleout-"))
        self.engine = PostgresEngine(admin_url, prefix="layan_scale_")
        self.relay, self.smtp = Relay(), None
        if smtp_port is None:
            self.smtp = Controller(self.relay, hostname="127.0.0.1", port=free_port())
            self.smtp.start()
            smtp_port = self.smtp.port
        nginx_port = free_port()
        self.base = f"http://127.0.0.1:{nginx_port}"
        self.env = dict(os.environ, DATABASE_URL=self.engine.url, LAYAN_BCRYPT_COST="4", LAYAN_SMTP_HOST="127.0.0.1", LAYAN_SMTP_PORT=str(smtp_port),
                        LAYAN_MAIL_FROM="layan@agensi.gov.my", LAYAN_JOB_INTERVAL="0.5", LAYAN_TRUSTED_PROXIES="127.0.0.1",
                        LAYAN_FRONT_DOOR="off", LAYAN_DATA_KEY=base64.b64encode(os.urandom(32)).decode(), LAYAN_PUBLIC_URL=self.base)
        self.auth = load_demo(self.env)
        self.logs = [open(self.workdir / f"instance-{n}.log", "w") for n in range(instances)]
        self.instances = [Server(self.env, log) for log in self.logs]
        for instance in self.instances:
            instance.start()
        self.nginx, _ = start_nginx(self.workdir, [i.port for i in self.instances], nginx_port)

    def stop(self):
        self.nginx.terminate()
        self.nginx.wait(timeout=30)
        for instance in self.instances:
            instance.stop()
        for log in self.logs:
            log.close()
        if self.smtp:
            self.smtp.stop()
        for name in sorted(os.listdir(self.workdir)):
            text = (self.workdir / name).read_text(errors="replace") if name.startswith("instance") else ""
            if "[ ERROR ]" in text:
                print(f"--- {name} ---\n" + "\n".join(line for line in text.splitlines() if "[ ERROR ]" in line)[-3000:])


if __name__ == "__main__":
    smtp_port = free_port()
    cluster = Cluster(os.environ["LAYAN_TEST_POSTGRES_URL"], smtp_port=smtp_port)
    try:
        env = dict(cluster.env, LAYAN_E2E_BASE=cluster.base, LAYAN_E2E_SMTP_PORT=str(smtp_port))
        code = subprocess.run([sys.executable, "-m", "pytest", *sys.argv[1:]], cwd=ROOT, env=env).returncode
    finally:
        cluster.stop()
    sys.exit(code)
