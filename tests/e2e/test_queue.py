"""The counter queue end to end in a real browser: take a ticket at the kiosk → the officer calls it →
the display shows it and announces it in Malay then English → the officer completes it → the figures
count it. Also the public queue pages pass axe and show no console errors."""
import re

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, console_errors
from conftest import screenshot
from test_staff_pages import sign_in, submit


def officer_session(server, email):
    session = requests.Session()
    token = re.search(r'name="csrf" value="([^"]+)"', session.get(server + "/login", timeout=5).text).group(1)
    assert session.post(server + "/login", data={"csrf": token, "email": email, "password": "Layan-Demo-2026"},
                        allow_redirects=False, timeout=5).status_code == 303
    return session


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def drain(server, officer, counter_id):
    """Serves every waiting customer at the counter: call, start serving, and "next" ends the visit."""
    for _ in range(40):
        page = officer.get(server + "/console", timeout=5).text
        start = re.search(r'action="(/console/tickets/[0-9A-F-]+/start)"', page)
        if start:
            page = officer.post(server + start.group(1), data={"csrf": csrf_of(page)}, timeout=5).text
        after = officer.post(f"{server}/console/counters/{counter_id}/call-next", data={"csrf": csrf_of(page)}, timeout=5).text
        if "Tiada pelanggan menunggu" in after:
            page = officer.get(server + "/console", timeout=5).text
            done = re.search(r'action="(/console/tickets/[0-9A-F-]+/complete)"', page)
            if done:
                officer.post(server + done.group(1), data={"csrf": csrf_of(page)}, timeout=5)
            return
    pytest.fail("the queue did not empty")


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
    drain(server, officer, counter_id)

    # when a customer takes a ticket for service A at the kiosk
    browser.delete_all_cookies()
    browser.get(server + "/q/SHA/kiosk")
    # (the kiosk as it stands in the hall, a 1920×1080 touchscreen, for people to look at)
    browser.set_window_size(1920, 1080)
    screenshot(browser, "kiosk-services-wall")
    browser.set_window_size(1366, 900)
    browser.find_element(By.XPATH, "//a[contains(@class,'choice')][contains(., 'Pendaftaran')]").click()
    browser.set_window_size(1920, 1080)
    screenshot(browser, "kiosk-category-wall")
    browser.set_window_size(1366, 900)
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

    # when the customer comes to the counter, and the officer serves and completes them
    page = officer.get(server + "/console", timeout=5).text
    assert label in page
    ticket_id = re.search(r"/console/tickets/([0-9A-F-]+)/start", page).group(1)
    assert "/complete" not in page  # "complete" only once serving
    page = officer.post(f"{server}/console/tickets/{ticket_id}/start", data={"csrf": csrf_of(page)}, timeout=5).text
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


def phone(browser):
    browser.set_window_size(390, 844)


def take_web_number(browser, server, branch, service_text):
    browser.get(f"{server}/q/{branch}")
    browser.find_element(By.XPATH, f"//a[contains(@class,'choice')][contains(., '{service_text}')]").click()
    submit(browser, "form button.choice")
    return browser.find_element(By.CSS_SELECTOR, ".ticket__number").text, browser.current_url


def test_two_numbers_taken_on_a_phone_both_survive(server, browser):
    # given a customer on a phone who takes a number on the web page
    browser.delete_all_cookies()
    phone(browser)
    first, first_url = take_web_number(browser, server, "PJY", "Lesen")
    # when they follow "take another number" and take a second
    another = browser.find_element(By.LINK_TEXT, "Ambil nombor lain")
    assert "/kiosk" not in another.get_attribute("href")
    another.click()
    second, second_url = take_web_number(browser, server, "PJY", "Pendaftaran")
    screenshot(browser, "public-ticket-phone")
    # then the ticket page does not send them back to a kiosk, and both numbers are listed on the branch page
    refresh = browser.find_elements(By.CSS_SELECTOR, "meta[http-equiv=refresh]")
    assert all("url=" not in r.get_attribute("content") for r in refresh)
    browser.get(f"{server}/q/PJY")
    yours = browser.find_element(By.CSS_SELECTOR, ".your-tickets").text
    assert first in yours and second in yours
    # and both status pages still open
    for url, label in ((first_url, first), (second_url, second)):
        browser.get(url)
        assert browser.find_element(By.CSS_SELECTOR, ".ticket__number").text == label
    browser.set_window_size(1366, 900)


def test_console_refuses_next_over_a_called_customer_and_marks_a_no_show(server, browser):
    # given Kota Bharu's counter 1 open with one customer called and another waiting
    officer = officer_session(server, "zaki@demo.layan.my")
    console = officer.get(server + "/console", timeout=5).text
    counter_id = re.search(r'/console/counters/([0-9A-F-]+)/open', console).group(1)
    officer.post(f"{server}/console/counters/{counter_id}/open", data={"csrf": csrf_of(console)}, timeout=5)
    drain(server, officer, counter_id)
    browser.delete_all_cookies()
    for _ in range(2):
        browser.get(f"{server}/q/KBR/kiosk")
        browser.find_elements(By.CSS_SELECTOR, "a.choice")[0].click()
        submit(browser, "form button.choice")
    page = officer.get(server + "/console", timeout=5).text
    officer.post(f"{server}/console/counters/{counter_id}/call-next", data={"csrf": csrf_of(page)}, timeout=5)

    # when the officer looks at the console in the browser
    sign_in(browser, server, "zaki@demo.layan.my")
    browser.get(server + "/console")
    screenshot(browser, "counter-officer-console-called")
    # then "next" is not offered while the customer is called, "complete" is not offered before serving,
    # the branch is named, and a no-show is there (after the recalls the branch asks for)
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "main button")]
    assert "Panggil seterusnya" not in buttons and "Selesai" not in buttons
    assert "Kota Bharu" in browser.find_element(By.CSS_SELECTOR, ".console__head").text
    no_show = browser.find_element(By.XPATH, "//button[contains(., 'Tidak hadir')]")
    assert no_show.get_attribute("disabled")
    # and pressing "next" anyway (an old page, the API) is refused with the reason
    refused = officer.post(f"{server}/console/counters/{counter_id}/call-next", data={"csrf": csrf_of(page)}, timeout=5)
    assert refused.status_code == 409 and "belum dilayan" in refused.text

    # when the officer recalls until a no-show may be marked, and marks it
    for _ in range(5):
        recall = browser.find_elements(By.XPATH, "//button[contains(., 'Panggil semula')]")
        if not recall:
            break
        submit(browser, "form[action$='/recall'] button")
    submit(browser, "form[action$='/no-show'] button")
    # then the console confirms it and calling next is offered again
    assert "tidak hadir" in browser.find_element(By.CSS_SELECTOR, ".flash--success").text
    assert browser.find_elements(By.XPATH, "//button[contains(., 'Panggil seterusnya')]")
    assert console_errors(browser) == []


def test_the_wait_a_customer_is_told_agrees_on_every_screen(server, browser):
    # given Shah Alam's board, read just before a customer takes a number for service B
    state = requests.get(f"{server}/api/v1/queue/branches/SHA/state", timeout=5).json()
    before = next(s for s in state["services"] if s["letter"] == "B")
    browser.delete_all_cookies()
    browser.get(f"{server}/q/SHA")
    kiosk_text = browser.find_element(By.XPATH, "//a[contains(@class,'choice')][.//span[text()='B']]").text
    # when they take it
    label, url = take_web_number(browser, server, "SHA", "Lesen")
    # then the wait on their ticket is the wait the board and the take-a-number page showed for the service
    ticket_text = browser.find_element(By.CSS_SELECTOR, ".ticket__status").text
    minutes = before["estimatedWaitMinutes"]
    assert minutes is not None and minutes >= 1  # the set-up counters give an estimate before any opens
    assert f"{minutes} minit" in ticket_text and f"{minutes} minit" in kiosk_text
    # and the board now shows the same wait for the next number as the API does
    browser.get(f"{server}/q/SHA/display")
    after = next(s for s in requests.get(f"{server}/api/v1/queue/branches/SHA/state", timeout=5).json()["services"] if s["letter"] == "B")
    # (the board redraws its rows on every live event, so a row read between two draws is read again)
    expected = f"{after['estimatedWaitMinutes']} minit"
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: expected in d.find_element(By.XPATH, "//tbody[@id='services']/tr[td/strong[text()='B']]").text)

