"""Staff pages in a real browser: sign-in, the admin pages an administrator uses to set up the agency,
and the directory a telephone operator uses. Each page: no console errors, no serious axe violations."""
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, console_errors

PASSWORD = "Layan-Demo-2026"


def sign_in(browser, server, email, password=PASSWORD):
    browser.delete_all_cookies()
    browser.get_log("browser")  # start from an empty console
    browser.get(server + "/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    submit(browser)


def submit(browser, selector="form button[type=submit]"):
    """Clicks a submit button and waits for the answer page (so the next step sees its cookies and content)."""
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, selector).click()

    def replaced(_):
        # Chromium sometimes reports a node of the old page as "not in the document" rather than stale.
        try:
            return staleness_of(old)(browser)
        except WebDriverException:
            return True

    WebDriverWait(browser, 10).until(replaced)


def assert_clean(browser):
    assert console_errors(browser) == []
    violations = axe_violations(browser)
    assert violations == [], [(v["id"], v["impact"], v.get("help")) for v in violations]


def test_wrong_password_shows_an_error_summary_that_takes_focus(server, browser):
    sign_in(browser, server, "admin@demo.layan.my", "not the password at all")
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "tidak betul" in summary.text
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("class") == "error-summary")
    assert_clean(browser)


ADMIN_PAGES = ["/staff", "/admin/agency", "/admin/branches", "/admin/branches/new", "/admin/divisions",
               "/admin/staff", "/admin/staff/new", "/admin/calendar?state=KTN", "/admin/audit", "/admin/api-tokens",
               "/directory?q=lesen", "/account/password"]


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_administrator_pages_are_clean_and_accessible(server, browser, lang):
    sign_in(browser, server, "admin@demo.layan.my")
    WebDriverWait(browser, 5).until(lambda d: d.current_url.endswith("/staff"))
    for path in ADMIN_PAGES:
        browser.get(f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert browser.find_element(By.TAG_NAME, "h1").text, path
        assert_clean(browser)


def test_operator_finds_an_extension_and_cannot_open_admin_pages(server, browser):
    sign_in(browser, server, "operator@demo.layan.my")
    browser.get(server + "/directory")
    box = browser.find_element(By.ID, "q")
    box.send_keys("lesen kelantan")
    submit(browser, "main form button[type=submit]")
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert any("Nik Nurul Huda" in r.text and "2102" in r.text for r in rows)
    browser.get(server + "/admin/staff")
    assert "403" in browser.find_element(By.CSS_SELECTOR, ".error-page__status").text


def test_branch_form_keeps_input_and_explains_errors(server, browser):
    sign_in(browser, server, "admin@demo.layan.my")
    browser.get(server + "/admin/branches/new")
    browser.find_element(By.ID, "name").send_keys("Cawangan <Ujian>")
    for name, value in (("monday.opens", "17:00"), ("monday.closes", "08:00")):
        field = browser.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    submit(browser, "main form button[type=submit]")
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.is_displayed()
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Cawangan <Ujian>"
    assert "Waktu tutup mesti selepas waktu buka" in browser.page_source
    assert_clean(browser)


def test_sign_out_returns_to_the_public_home(server, browser):
    sign_in(browser, server, "kes@demo.layan.my")
    submit(browser, ".site-header form button")
    browser.get(server + "/staff")
    assert "/login" in browser.current_url
