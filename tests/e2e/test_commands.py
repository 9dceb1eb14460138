"""`layan user create` against the running server's database: the password comes from standard input,
the new officer can sign in at once, and bad input fails with a message and exit status 1."""
import os
import re
import subprocess

import requests

from conftest import ROOT, SERVER_ENV


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
