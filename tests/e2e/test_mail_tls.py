"""Outgoing mail to a relay that wants encryption and a password: STARTTLS (port 587 style) and TLS from the
first byte (port 465 style), AUTH PLAIN, the agency's own certificate authority — against a real aiosmtpd
server, through `layan mail test`, which sends with the same client the outbox uses."""
import os
import ssl
import subprocess
import tempfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import ROOT, _free_port


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, getattr(session, "auth_data", None)))
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"layan" and auth_data.password == b"rahsia-smtp"
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture(scope="module")
def certificate():
    folder = Path(tempfile.mkdtemp(prefix="layan-tls-"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return folder / "cert.pem", context


def send_test_mail(port, security, password="rahsia-smtp", ca=None):
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    workdir = tempfile.mkdtemp(prefix="layan-mail-")
    env = dict(os.environ, DATABASE_URL=f"sqlite:{workdir}/layan.sqlite", LAYAN_SMTP_HOST="localhost", LAYAN_SMTP_PORT=str(port),
               LAYAN_SMTP_SECURITY=security, LAYAN_SMTP_USER="layan", LAYAN_SMTP_PASSWORD=password,
               LAYAN_MAIL_FROM="layan@agensi.gov.my")
    if ca:
        env["LAYAN_SMTP_CA_FILE"] = str(ca)
    return subprocess.run([binary, "mail", "test", "--to", "pegawai@agensi.gov.my"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_starttls_with_a_password(certificate):
    cert, context = certificate
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True, server_hostname="localhost")
    controller.start()
    try:
        ok = send_test_mail(controller.port, "starttls", ca=cert)
        assert ok.returncode == 0, ok.stderr
        assert inbox.received and inbox.received[0][0] == ["pegawai@agensi.gov.my"]
        # a wrong password: a clear error naming the relay's answer, nothing delivered
        bad = send_test_mail(controller.port, "starttls", password="salah", ca=cert)
        assert bad.returncode != 0 and "535" in bad.stderr
        # a certificate nobody vouches for is refused
        untrusted = send_test_mail(controller.port, "starttls")
        assert untrusted.returncode != 0 and "certificate" in untrusted.stderr.lower()
        # a password is never sent in the clear
        clear = send_test_mail(controller.port, "none")
        assert clear.returncode != 0 and "unencrypted" in clear.stderr
        assert len(inbox.received) == 1
    finally:
        controller.stop()


def test_tls_from_the_first_byte(certificate):
    cert, context = certificate
    inbox = Inbox()
    # aiosmtpd only counts STARTTLS as encryption for auth_require_tls; this whole connection is TLS.
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), ssl_context=context,
                            authenticator=authenticator, auth_require_tls=False, server_hostname="localhost")
    controller.start()
    try:
        ok = send_test_mail(controller.port, "tls", ca=cert)
        assert ok.returncode == 0, ok.stderr
        assert len(inbox.received) == 1
    finally:
        controller.stop()
