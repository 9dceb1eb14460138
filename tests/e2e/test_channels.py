"""Messaging channels over real HTTP (issue 17, item 3): Twilio's webhook signed here the way Twilio's own helper
library signs it (an implementation independent of Layan's), over the public URL; the intake log in a browser."""
import base64
import hashlib
import hmac
import re
import uuid

import requests

from conftest import TWILIO_AUTH_TOKEN

PATH = "/channels/twilio/messages"


def twilio_signature(url, params):
    signed = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(TWILIO_AUTH_TOKEN.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def deliver(server, params, signature=None):
    return requests.post(server + PATH, data=params, timeout=10,
                         headers={"X-Twilio-Signature": signature or twilio_signature(server + PATH, params)})


def sign_in(server, email):
    session = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', session.get(server + "/login", timeout=5).text).group(1)
    session.post(server + "/login", data={"csrf": csrf, "email": email, "password": "Layan-Demo-2026"}, timeout=10)
    return session


def test_a_signed_sms_becomes_a_case_a_repeat_adds_nothing_and_a_forgery_is_refused(server):
    # given a message as Twilio posts it
    sid = "SM" + uuid.uuid4().hex
    params = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": "+60171234567", "To": "+60388801000",
              "Body": "Permit iklan saya tamat esok, boleh sambung secara dalam talian?", "NumMedia": "0"}
    # when it arrives, is retried, and a forger sends another
    first = deliver(server, params)
    again = deliver(server, params)
    forged = deliver(server, dict(params, MessageSid="SM" + uuid.uuid4().hex, Body="palsu"), signature="AAAA")
    # then
    assert first.status_code == 200 and "<Response>" in first.text
    assert again.status_code == 200
    assert forged.status_code == 403
    log = sign_in(server, "kes@demo.layan.my").get(server + "/intake", params={"channel": "sms"}, timeout=10).text
    assert log.count("Permit iklan saya tamat esok") == 2, "taken once, the repeat on the log"
    assert "intake--duplicate" in log and "intake--refused" in log and "palsu" not in log
