"""The telephone desk in a real browser and over real HTTP (issue 18): the operator console with the transfer script
and presence, a message for an absent officer, the figures and their CSV, the wallboard polling, the PBX check, and
`layan telephone import` run twice on the server's own database."""
import os
import re
import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, SERVER_ENV
from test_channels import sign_in as http_sign_in
from test_staff_pages import assert_clean, sign_in, submit


def layan(*args):
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    return subprocess.run([binary, *args, "--log", "error"], cwd=ROOT, env=SERVER_ENV, capture_output=True, text=True, timeout=120)


def test_the_operator_finds_an_officer_on_leave_with_the_script_and_leaves_a_message(server, browser):
    # given the operator at the console
    sign_in(browser, server, "operator@demo.layan.my")
    browser.get(server + "/telephone?q=Rajesh")
    # then the officer shows with division, extension, the words to say and that he is on leave
    card = browser.find_element(By.CSS_SELECTOR, ".card-grid .card")
    assert "Rajesh" in card.text and "1201" in card.text and "Bercuti" in card.text
    assert "Saya akan sambungkan panggilan tuan/puan kepada Rajesh" in card.text
    assert_clean(browser)
    # when she leaves him a message
    Select(browser.find_element(By.ID, "staff")).select_by_visible_text("Rajesh a/l Subramaniam (1201)")
    browser.find_element(By.ID, "callerName").send_keys("Encik Tan")
    browser.find_element(By.ID, "callerNumber").send_keys("012-9876543")
    browser.find_element(By.ID, "body").send_keys("Minta dihubungi tentang permit iklan.")
    submit(browser, "section[aria-labelledby=message-heading] button[type=submit]")
    # then it is saved and he is told
    assert "Pesanan disimpan" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert_clean(browser)


def test_the_supervisor_reads_the_months_figures_with_their_formulas_and_downloads_them(server, browser):
    sign_in(browser, server, "penyelia@demo.layan.my")
    browser.get(server + "/telephone/figures")
    assert "SL2" in browser.page_source and "Erlang" in browser.page_source
    hours = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#h-hour ~ .table-wrap tbody th")]
    assert "10:00" in hours and "14:00" in hours
    assert_clean(browser)
    session = http_sign_in(server, "penyelia@demo.layan.my")
    csv = session.get(server + "/telephone/figures.csv", timeout=10)
    assert csv.status_code == 200 and csv.text.startswith("grouping,group,offered") and "\r\nqueue,\"aduan\"," in csv.text


def test_the_wallboard_polls_without_errors(server, browser):
    sign_in(browser, server, "penyelia@demo.layan.my")
    browser.get(server + "/telephone/wallboard")
    WebDriverWait(browser, 6).until(lambda b: b.execute_script(
        "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/telephone/wallboard.json'))"))
    assert_clean(browser)


def test_the_pbx_check_lists_each_broken_rule_with_its_line(server, browser):
    sign_in(browser, server, "penyelia@demo.layan.my")
    browser.get(server + "/telephone/pbx")
    browser.find_element(By.ID, "queues").send_keys("[operator]\nstrategy = linear\ntimeout = 30\n")
    submit(browser, "section[aria-labelledby=check-heading] button[type=submit]")
    findings = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=findings-heading]").get_attribute("textContent")
    assert "servicelevel = 10" in findings and "timeout = 10" in findings and "announce-frequency = 20" in findings
    assert_clean(browser)


def test_the_import_command_adds_a_day_once(server):
    day = str(ROOT / "tests/telephone/known-day.queue_log")
    first = layan("telephone", "import", day)
    again = layan("telephone", "import", day)
    assert first.returncode == 0 and "12 calls added" in first.stdout, first.stderr
    assert again.returncode == 0 and "0 calls added, 12 already stored" in again.stdout
    wrong = layan("telephone", "import", str(ROOT / "README.md"))
    assert wrong.returncode != 0 and "not an Asterisk queue_log" in wrong.stdout + wrong.stderr
