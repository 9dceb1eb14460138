"""The counter queue end to end in a real browser: take a ticket at the kiosk → the officer calls it →
the display shows it and announces it in Malay then English → the officer completes it → the figures
count it. Also the public queue pages pass axe and show no console errors."""
import re

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, console_errors
from test_staff_pages import sign_in, submit


def officer_session(server, email):
    session = requests.Session()
    token = re.search(r'name="csrf" value="([^"]+)"', session.get(server + "/login", timeout=5).text).group(1)
    assert session.post(server + "/login", data={"csrf": token, "email": email, "password": "Layan-Demo-2026"},
                        allow_redirects=False, timeout=5).status_code == 303
    return session


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", ["/q", "/q/SHA", "/q/SHA/kiosk", "/q/SHA/display"])
@pytest.mark.parametrize("lang", ["ms", "en"])
def test_public_queue_pages_are_clean_and_accessible(server, browser, path, lang):
    browser.delete_all_cookies()
    browser.get_log("browser")
    browser.get(f"{server}{path}?lang={lang}")
    assert console_errors(browser) == []
    violations = axe_violations(browser)
    assert violations == [], [(v["id"], v["impact"], v.get("help")) for v in violations]


def test_kiosk_to_counter_to_display_to_figures(server, browser):
    # given an officer at counter 2 of Shah Alam, which takes service A only
    officer = officer_session(server, "ong.bk@demo.layan.my")
    console = officer.get(server + "/console", timeout=5).text
    counter_id = re.search(r'<h2 class="card__title">Kaunter 2 .*?/console/counters/([0-9A-F-]+)/open', console, re.S).group(1)
    officer.post(f"{server}/console/counters/{counter_id}/open", data={"csrf": csrf_of(console)}, timeout=5)
    # and the demo's waiting A tickets already served, so ours is next
    for _ in range(20):
        page = officer.get(server + "/console", timeout=5).text
        after = officer.post(f"{server}/console/counters/{counter_id}/call-next", data={"csrf": csrf_of(page)}, timeout=5).text
        if "Tiada pelanggan menunggu" in after:
            break
    else:
        pytest.fail("the queue did not empty")

    # when a customer takes a ticket for service A at the kiosk
    browser.delete_all_cookies()
    browser.get(server + "/q/SHA/kiosk")
    browser.find_element(By.XPATH, "//a[contains(@class,'choice')][contains(., 'Pendaftaran')]").click()
    submit(browser, "form button.choice")
    label = browser.find_element(By.CSS_SELECTOR, ".ticket__number").text
    assert re.fullmatch(r"A\d{3}", label)
    assert browser.find_element(By.CSS_SELECTOR, ".ticket__qr").get_attribute("src").endswith("") is not None
    qr = requests.get(browser.find_element(By.CSS_SELECTOR, ".ticket__qr").get_attribute("src"), timeout=5)
    assert qr.status_code == 200 and qr.headers["Content-Type"].startswith("image/svg+xml")

    # and the display board is open, with sound on and speech recorded
    browser.get(server + "/q/SHA/display")
    browser.find_element(By.ID, "sound").click()
    browser.execute_script("window.__spoken = []; window.speechSynthesis.speak = function (u) { window.__spoken.push([u.lang, u.text]); };")
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return !!document.body.dataset.generatedAt"))

    # when the officer calls next
    page = officer.get(server + "/console", timeout=5).text
    officer.post(f"{server}/console/counters/{counter_id}/call-next", data={"csrf": csrf_of(page)}, timeout=5)

    # then the display shows the number and the counter within a second or two, and announces it
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "now-label").text == label)
    assert browser.find_element(By.ID, "now-counter").text == "2"
    spoken = browser.execute_script("return window.__spoken")
    number = int(label[1:])
    assert spoken == [["ms-MY", f"Nombor A {number}, sila ke kaunter 2"], ["en-GB", f"Number A {number}, please go to counter 2"]]
    assert console_errors(browser) == []

    # when the officer completes it
    page = officer.get(server + "/console", timeout=5).text
    assert label in page
    ticket_id = re.search(r"/console/tickets/([0-9A-F-]+)/complete", page).group(1)
    assert officer.post(f"{server}/console/tickets/{ticket_id}/complete", data={"csrf": csrf_of(page)}, allow_redirects=False, timeout=5).status_code == 303

    # then the supervisor's figures count it for the officer
    supervisor = officer_session(server, "priya@demo.layan.my")
    figures = supervisor.get(server + "/api/v1/queue/branches/SHA/figures", headers={"Accept": "application/json"}, timeout=5).json()
    officer_row = next(g for g in figures["officers"] if g["name"] == "Ong Boon Keat")
    assert officer_row["figures"]["served"] >= 1
    assert figures["total"]["issued"] >= 7


def test_display_reconnects_and_catches_up(server, browser):
    browser.get(server + "/q/KBR/display")
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return !!document.body.dataset.generatedAt"))
    # a new event source after a drop gets the whole state again at once
    browser.execute_script("window.__old = true; location.reload()")
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return !window.__old && !!document.body.dataset.generatedAt"))
