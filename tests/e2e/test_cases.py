"""A complaint's whole life in a real browser: a member of the public files it on the portal → the duty officer
finds it in My cases and acknowledges it → the customer receives the e-mail (real SMTP) and sees the status →
the officer resolves it → the customer confirms. Every page: no console errors, no serious axe violations."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import axe_violations, console_errors, screenshot
from test_staff_pages import sign_in, submit

DUTY_OFFICERS = {"Rajesh a/l Subramaniam": "kes@demo.layan.my", "Kavitha a/p Muniandy": "kavitha@demo.layan.my"}
CUSTOMER = "aishah.e2e@example.my"


def assert_clean(browser):
    assert console_errors(browser) == []
    violations = axe_violations(browser)
    assert violations == [], [(v["id"], v["nodes"][0]["target"] if v["nodes"] else "") for v in violations]


def test_a_complaint_from_the_portal_to_the_customers_confirmation(browser, server, mailbox):
    box, _ = mailbox
    browser.delete_all_cookies()
    browser.get(server + "/kes?lang=ms")
    assert_clean(browser)
    browser.get(server + "/kes/baru?type=complaint")
    assert_clean(browser)

    # An empty form is refused with a clear message, in Malay, and nothing is filed.
    submit(browser, "form.case-form button[type=submit]")
    assert "Sila betulkan" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    # each message names its field and links to it
    items = browser.find_elements(By.CSS_SELECTOR, ".error-summary li a")
    assert items and all(item.find_elements(By.TAG_NAME, "strong") for item in items)
    assert {"Tajuk", "Butiran"} <= {item.find_element(By.TAG_NAME, "strong").text for item in items}
    assert all(browser.find_elements(By.ID, item.get_attribute("href").split("#")[1]) for item in items)
    assert_clean(browser)

    browser.find_element(By.ID, "subject").send_keys("Lesen belum diproses <b>segera</b>")
    browser.find_element(By.ID, "details").send_keys("Permohonan saya sejak Oktober. <script>alert('x')</script>")
    Select(browser.find_element(By.ID, "branch")).select_by_visible_text("Ibu Pejabat Putrajaya")
    browser.find_element(By.ID, "name").send_keys("Nur Aishah binti Kamal")
    browser.find_element(By.ID, "email").send_keys(CUSTOMER)
    submit(browser, "form.case-form button[type=submit]")
    assert "/kes/s/" in browser.current_url
    # a confirmation page: the reference large, the promised dates, what happens next, where the acknowledgement went
    reference = browser.find_element(By.ID, "reference").text
    assert re.fullmatch(r"ADU-\d{4}-\d{6}", reference)
    assert re.search(r"\d{4}", browser.find_element(By.ID, "acknowledge-due").text)
    assert re.search(r"\d{4}", browser.find_element(By.ID, "resolve-due").text)
    assert "a•••@example.my" in browser.find_element(By.ID, "acknowledgement").text and CUSTOMER not in browser.page_source
    screenshot(browser, "public-complaint-confirmation")
    assert_clean(browser)
    browser.find_element(By.LINK_TEXT, "Lihat status kes").click()
    status_link = browser.current_url
    assert browser.find_element(By.ID, "case-status").text == "Baharu"
    # markup typed by the public is shown as text, never run
    assert "<b>segera</b>" in browser.find_element(By.TAG_NAME, "h1").text + browser.find_element(By.CSS_SELECTOR, ".lead").text
    assert_clean(browser)

    # The acknowledgement reaches the customer by e-mail with the reference and the secret link.
    received = box.wait_for(CUSTOMER, lambda m: reference in m["body"])
    assert "/kes/s/" in received[0]["body"] and reference in received[0]["subject"]

    # The day's duty officer has it in My cases.
    sign_in(browser, server, "kavitha@demo.layan.my")
    browser.get(server + "/cases")
    assert_clean(browser)
    browser.find_element(By.LINK_TEXT, reference).click()
    assignee = browser.find_element(By.XPATH, "//dt[normalize-space()='Pegawai']/following-sibling::dd[1]").text
    screenshot(browser, "case-officer-case-page")
    assert assignee in DUTY_OFFICERS
    sign_in(browser, server, DUTY_OFFICERS[assignee])
    browser.get(server + "/cases?mine=1")
    browser.find_element(By.LINK_TEXT, reference).click()
    assert "alert('x')" in browser.find_element(By.CSS_SELECTOR, "section .message").text
    assert_clean(browser)
    Select(browser.find_element(By.ID, "action")).select_by_value("acknowledge")
    submit(browser, "form[action$='/transition'] button[type=submit]")
    assert browser.find_element(By.ID, "case-status").text == "Diterima"

    # The customer is told, and sees it on the status page.
    box.wait_for(CUSTOMER, lambda m: "Diterima" in m["body"] and reference in m["subject"])
    Select(browser.find_element(By.ID, "action")).select_by_value("resolve")
    submit(browser, "form[action$='/transition'] button[type=submit]")
    assert browser.find_elements(By.CSS_SELECTOR, ".error-summary li"), "resolving needs a note for the customer"
    assert_clean(browser)
    Select(browser.find_element(By.ID, "action")).select_by_value("resolve")
    browser.find_element(By.ID, "note").send_keys("Lesen anda telah diluluskan pada hari ini.")
    submit(browser, "form[action$='/transition'] button[type=submit]")
    assert browser.find_element(By.ID, "case-status").text == "Selesai"
    resolution = box.wait_for(CUSTOMER, lambda m: "Lesen anda telah diluluskan" in m["body"])[0]["body"]
    survey_link = re.search(r"https?://\S+/tinjauan/\S+", resolution).group(0)
    browser.refresh()
    assert "Dihantar" in browser.find_element(By.CSS_SELECTOR, ".delivery-state").text

    # The customer opens the link from the e-mail (no sign-in) and confirms they are satisfied.
    browser.delete_all_cookies()
    browser.get(status_link)
    assert browser.find_element(By.ID, "case-status").text == "Selesai"
    assert "Lesen anda telah diluluskan" in browser.page_source
    assert_clean(browser)
    submit(browser, "form[action*='/puas-hati'] button[type=submit]")
    assert browser.find_element(By.ID, "case-status").text == "Ditutup"

    # The resolution e-mail carried the survey (issue 20): three faces by touch, thanks, and the link used up.
    browser.get(server + "/tinjauan/" + survey_link.split("/tinjauan/")[1])
    assert reference in browser.page_source
    assert_clean(browser)
    for name, score in [("outcome", 5), ("time_taken", 4), ("manner", 5)]:
        browser.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{score}']").click()
    submit(browser, "form button[type=submit]")
    assert browser.find_elements(By.CSS_SELECTOR, "p.lead[role=status]"), browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.CSS_SELECTOR, "input[name='outcome']")

    # And a stranger with the reference but another e-mail learns nothing.
    browser.get(server + "/kes/semak")
    browser.find_element(By.ID, "reference").send_keys(reference)
    browser.find_element(By.ID, "contact").send_keys("someone.else@example.my")
    submit(browser)
    assert "/kes/s/" not in browser.current_url and "Tiada kes" in browser.page_source
    browser.get_log("browser")  # that 404 was the point


import pytest  # noqa: E402

STAFF_PAGES = ["/cases", "/cases?mine=1", "/cases/new", "/cases/duty", "/recovery", "/recovery/new", "/kb", "/kb/new"]
PUBLIC_PAGES = ["/kes", "/kes/semak", "/bantuan", "/bantuan?q=lesen", "/kes/baru?type=suggestion"]


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_case_pages_are_clean_in_both_languages(browser, server, lang):
    browser.delete_all_cookies()
    browser.get_log("browser")  # start from an empty console
    for path in PUBLIC_PAGES:
        browser.get(server + path + ("&" if "?" in path else "?") + "lang=" + lang)
        assert browser.find_element(By.TAG_NAME, "h1").text
        assert_clean(browser)
    # a public article from the search
    browser.get(server + "/bantuan?q=lesen")
    browser.find_element(By.CSS_SELECTOR, ".kb-hits a").click()
    assert_clean(browser)
    sign_in(browser, server, "kavitha@demo.layan.my")
    for path in STAFF_PAGES:
        browser.get(server + path + ("&" if "?" in path else "?") + "lang=" + lang)
        assert browser.find_element(By.TAG_NAME, "h1").text
        assert_clean(browser)
    # a demo case's page, with its canned replies and deliveries
    browser.get(server + "/cases")
    browser.find_element(By.CSS_SELECTOR, "table a").click()
    assert_clean(browser)
