"""Messaging channels over real HTTP (issue 17, item 3): Twilio's webhook signed here the way Twilio's own helper
library signs it (an implementation independent of Layan's), over the public URL; the intake log in a browser."""
import base64
import hashlib
import hmac
import os
import re
import subprocess
import uuid

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, SERVER_ENV, TWILIO_AUTH_TOKEN
from test_staff_pages import assert_clean, sign_in as browser_sign_in, submit

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


def luhn(digits):
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def serial(number, branch="SHA"):
    digits = f"{number:06d}"
    return f"{branch}-{digits}-{luhn(digits)}"


def test_a_stack_of_forms_goes_in_from_the_keyboard_alone(server, browser):
    # given the demo's printed batch for Shah Alam and the entry screen, the stack's branch chosen once
    browser_sign_in(browser, server, "kes@demo.layan.my")
    browser.get(server + "/forms/entry")
    Select(browser.find_element(By.ID, "branch")).select_by_visible_text(next(
        o.text for o in Select(browser.find_element(By.ID, "branch")).options if o.text.startswith("SHA")))
    assert_clean(browser)
    browser.find_element(By.ID, "serial").click()
    for number, text in [(20, "Tandas di aras 2 tiada air."), (21, "Terima kasih atas layanan yang pantas.")]:
        # when the officer types each form: serial, Tab, Tab to the text, the text, Tab past the contact fields, Enter
        active = browser.switch_to.active_element
        assert active.get_attribute("id") == "serial", "the serial has the focus for the next form"
        active.send_keys(serial(number).replace("-", " ").lower())
        active.send_keys(Keys.TAB)          # type
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(text)
        for _ in range(4):                  # name, phone, e-mail, the button
            browser.switch_to.active_element.send_keys(Keys.TAB)
        assert browser.switch_to.active_element.get_attribute("id") == "enter-form"
        old = browser.find_element(By.TAG_NAME, "html")
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: old != d.find_element(By.TAG_NAME, "html"))
        # then it is filed, and said so
        assert serial(number) in browser.find_element(By.CSS_SELECTOR, ".flash, [role=status], .notice").text
    listed = browser.find_element(By.ID, "entered-forms").text
    assert serial(20) in listed and serial(21) in listed
    # and the same form again is refused with a link to its case
    browser.find_element(By.ID, "serial").send_keys(serial(20), Keys.TAB, Keys.TAB, "lagi", Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "duplicate-form"))
    assert_clean(browser)


def test_the_printed_forms_carry_serials_and_qr_codes(server, browser):
    browser_sign_in(browser, server, "kes@demo.layan.my")
    browser.get(server + "/forms")
    browser.find_element(By.ID, "copies").clear()
    browser.find_element(By.ID, "copies").send_keys("2")
    submit(browser, "#print-forms button[type=submit]")
    sheets = browser.find_elements(By.CSS_SELECTOR, "section.paper-form")
    assert len(sheets) == 2
    assert all(s.find_element(By.CSS_SELECTOR, "img.paper-form__qr").get_attribute("src").startswith("data:image/svg+xml;base64,") for s in sheets)
    assert "Complaint and Feedback Form" in sheets[0].text
    assert_clean(browser)


def test_failed_mail_is_listed_readable_and_can_be_set_aside(server, browser):
    # given a message without headers handed over by the mail server
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    created = subprocess.run([binary, "token", "create", "--name", "e2e-mail", "--scope", "mail:inbound", "--log", "error"],
                             capture_output=True, text=True, env=SERVER_ENV, cwd=ROOT, timeout=60)
    token = created.stdout.strip().splitlines()[-1]
    answer = requests.post(server + "/api/v1/inbound/email", data=b"\r\nno headers here, only words " + uuid.uuid4().hex.encode(),
                           headers={"Content-Type": "message/rfc822", "Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 202 and answer.json()["outcome"] == "failed"
    # when an officer opens it from the failed-mail page
    browser_sign_in(browser, server, "kes@demo.layan.my")
    browser.get(server + "/intake/mail/" + answer.json()["failedIntakeId"])
    assert "no headers here" in browser.find_element(By.ID, "failed-mail-text").text
    assert_clean(browser)
    browser.find_element(By.ID, "note").send_keys("Ujian sahaja")
    submit(browser, "form[action$='/dismiss'] button[type=submit]")
    # then it leaves the waiting list
    assert answer.json()["failedIntakeId"] not in browser.page_source
