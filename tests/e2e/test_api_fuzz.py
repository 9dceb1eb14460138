"""The whole JSON API fuzzed by Schemathesis against its OpenAPI document (issue 15, item 12; issue 17): every
operation, positive and negative data, stateful links, every check — no 5xx, no undocumented status, no response
that breaks its schema, 405 for methods a path does not take. Once with an API token holding every scope, once as a
counter officer signed in (the queue's counter actions take a session). On a server and database of its own."""
import os
import re
import subprocess
from pathlib import Path

import requests

from conftest import ROOT, serve_own_demo

SCHEMATHESIS = str(ROOT / ".venv/bin/schemathesis")
SCOPES = "directory:read,queue:issue,queue:read,cases:read,cases:write,cases:assign,mail:inbound"


def _fuzz(base, auth, headers, workdir, document="/api/v1/openapi.json", config_text=None):
    """Runs Schemathesis with a fixed seed (a failure can be replayed) and answers (exit code, its report). `auth`
    names the document's security scheme and its value, so Schemathesis knows what to leave out or spoil when it
    checks that the API refuses requests without valid credentials."""
    config = workdir / "schemathesis.toml"
    text = config_text or (ROOT / "tests/schemathesis.toml").read_text()
    if auth:
        text += f"\n[auth.openapi.{auth[0]}]\n{auth[1]} = \"{auth[2]}\"\n"
    config.write_text(text)
    arguments = [SCHEMATHESIS, "--config-file", str(config), "run", base + document,
                 "--checks", "all", "--max-examples", "25", "--workers", "1", "--seed", "20261202", "--no-color"]
    for header in headers:
        arguments += ["-H", header]
    done = subprocess.run(arguments, cwd=workdir, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks", PYTHONPATH=str(ROOT / "tests")))
    return done.returncode, done.stdout[-6000:] + done.stderr[-2000:]


def test_the_api_holds_to_its_document_under_fuzzing(tmp_path):
    # given a server of its own, a token with every scope and a counter officer signed in
    process, port, token = serve_own_demo(tmp_path, scopes=SCOPES)
    base = f"http://127.0.0.1:{port}"
    try:
        officer = requests.Session()
        page = officer.get(base + "/login", timeout=5).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        officer.post(base + "/login", data={"csrf": csrf, "email": "ong.bk@demo.layan.my", "password": "Layan-Demo-2026"},
                     allow_redirects=False, timeout=5)
        session_csrf = re.search(r'name="csrf" value="([^"]+)"', officer.get(base + "/console", timeout=5).text).group(1)
        # when Schemathesis runs every operation with each
        with_token = _fuzz(base, ("bearerToken", "bearer", token), [], tmp_path)
        as_officer = _fuzz(base, ("staffSession", "api_key", officer.cookies["layan_session"]), [f"X-CSRF-Token: {session_csrf}"], tmp_path)
        # then it finds nothing
        assert with_token[0] == 0, with_token[1]
        assert as_officer[0] == 0, as_officer[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_open311_holds_to_its_document_under_fuzzing(tmp_path):
    # given a server of its own with the demo's Open311 services
    process, port, _ = serve_own_demo(tmp_path, scopes="open311")
    base = f"http://127.0.0.1:{port}"
    try:
        # when Schemathesis runs every Open311 JSON operation; a generated service code, window or key is the spec's
        # 400, 403 or 404, which the document lists
        found = _fuzz(base, None, [], tmp_path, document="/open311/v2/openapi.json",
                      config_text=(ROOT / "tests/schemathesis-open311.toml").read_text())
        # then it finds nothing
        assert found[0] == 0, found[1]
    finally:
        process.terminate()
        process.wait(timeout=30)
