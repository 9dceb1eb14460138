"""Customer satisfaction in a real browser (issue 20): a customer rates their counter visit from their own ticket
page with two touches and a reason, and the unit head sees it in the follow-ups and the report; the counter's
rating tablet paired by a supervisor, and the public pages clean for accessibility."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_queue import csrf_of, drain, officer_session
from test_staff_pages import assert_clean, sign_in, submit


def open_counter_one(server, email):
    officer = officer_session(server, email)
    console = officer.get(server + "/console", timeout=5).text
    # Counter 1 may already be open for this officer (the queue's tests use it too): open it only if it is closed.
    # (An officer already at a counter sees that counter's head and its actions first.)
    found = re.search(r'<h2 class="card__title">Kaunter 1 .*?/console/counters/([0-9A-F-]+)/', console, re.S) \
        or re.search(r'<h1>Kaunter 1 .*?/console/counters/([0-9A-F-]+)/', console, re.S)
    counter_id = found.group(1)
    if f"/console/counters/{counter_id}/open" in console:
        officer.post(f"{server}/console/counters/{counter_id}/open", data={"csrf": csrf_of(console)}, timeout=5)
    drain(server, officer, counter_id)
    return officer, counter_id


def test_a_customer_rates_their_visit_and_the_unit_head_follows_it_up(server, browser):
    # given an officer at Kota Bharu's counter 1, and a customer who took a number on their phone and was served
    officer, counter_id = open_counter_one(server, "zaki@demo.layan.my")
    browser.delete_all_cookies()
    browser.get(server + "/q/KBR")
    browser.find_element(By.XPATH, "//a[contains(@class,'choice')][contains(., 'Pendaftaran')]").click()
    submit(browser, "form button.choice")
    ticket_page = browser.current_url
    drain(server, officer, counter_id)
    # when they open their ticket page, it offers five faces
    browser.get(ticket_page)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#rating button.face")) == 5
    assert_clean(browser)
    # and they touch "dissatisfied", then say they waited too long, with a comment holding markup
    submit(browser, "#rating button[value='2']")
    browser.find_element(By.CSS_SELECTOR, "#rating input[value='waited_too_long']").click()
    browser.find_element(By.ID, "rating-comment").send_keys("<script>alert(1)</script> menunggu lama")
    submit(browser, "#rating form button[type=submit]")
    # then they are thanked, and cannot rate again
    assert "Terima kasih" in browser.find_element(By.ID, "rating").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#rating button.face")
    # and Kota Bharu's head of unit finds the follow-up, the comment shown as text
    sign_in(browser, server, "wan.azlina@demo.layan.my")
    browser.get(server + "/satisfaction/follow-ups?lang=en")
    assert "<script>alert(1)</script> menunggu lama" in browser.find_element(By.TAG_NAME, "main").text
    assert_clean(browser)
    # and the report by officer shows indices with stars, and its CSV downloads
    browser.get(server + "/satisfaction?by=officer&lang=en")
    assert "★" in browser.page_source and browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.satisfaction-chart svg rect")
    assert_clean(browser)


def test_a_paired_tablet_waits_for_its_counters_customers(server, browser):
    # given a tablet not yet paired
    browser.delete_all_cookies()
    browser.get(server + "/nilai?lang=en")
    assert "not paired" in browser.find_element(By.TAG_NAME, "h1").text
    assert_clean(browser)
    # when Kota Bharu's supervisor pairs it with counter 3
    sign_in(browser, server, "lee.cw@demo.layan.my")
    browser.get(server + "/satisfaction/tablets?lang=en")
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "main tbody tr") if "KBR · Counter 3" in r.text][0]
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/nilai" in d.current_url and d.find_elements(By.CSS_SELECTOR, ".rating__agency"))
    # then it shows the counter and waits for the next customer, in both languages
    assert "Counter 3" in browser.find_element(By.CSS_SELECTOR, ".rating__agency").text
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert_clean(browser)
    browser.get(server + "/nilai?lang=ms")
    assert "Kaunter 3" in browser.find_element(By.CSS_SELECTOR, ".rating__agency").text


def test_the_periodic_survey_is_answered_on_a_phone_and_prints_for_paper(server, browser):
    # given a member of the public opening the PKPA survey's link, in both languages
    browser.delete_all_cookies()
    for lang in ["en", "ms"]:
        browser.get(server + f"/tinjauan-berkala/pkpa?lang={lang}")
        assert len(browser.find_elements(By.CSS_SELECTOR, "fieldset.survey-question--servqual")) == 14
        assert_clean(browser)
    # and its printable form for paper, with no submit button
    browser.get(server + "/tinjauan-berkala/pkpa/cetak")
    assert not browser.find_elements(By.CSS_SELECTOR, "form button[type=submit]")
    assert_clean(browser)
    # when they answer timeliness (expects 5, found 3) and send it
    browser.get(server + "/tinjauan-berkala/pkpa?lang=en")
    question = [q for q in browser.find_elements(By.CSS_SELECTOR, "fieldset.survey-question") if "Timeliness" in q.text][0]
    question.find_element(By.CSS_SELECTOR, "input[name^='e-'][value='5']").click()
    question.find_element(By.CSS_SELECTOR, "input[name^='p-'][value='3']").click()
    submit(browser, "form button[type=submit]")
    # then they are thanked, and the unit head's results page shows the gaps
    assert browser.find_elements(By.CSS_SELECTOR, "p.lead[role=status]")
    sign_in(browser, server, "ketua@demo.layan.my")
    browser.get(server + "/satisfaction/surveys?lang=en")
    browser.find_element(By.CSS_SELECTOR, "main table a").click()
    assert "Gap by group" in browser.page_source and browser.find_elements(By.CSS_SELECTOR, ".gap--negative")
    assert_clean(browser)


def test_you_said_we_did_is_public_and_clean_in_both_languages(server, browser):
    browser.delete_all_cookies()
    for lang in ["ms", "en"]:
        browser.get(server + f"/kami-dengar?lang={lang}")
        assert len(browser.find_elements(By.CSS_SELECTOR, "ol.you-said > li")) == 2
        assert_clean(browser)


def test_the_unit_heads_satisfaction_pages_are_clean(server, browser):
    # given the head of unit
    sign_in(browser, server, "ketua@demo.layan.my")
    # then every satisfaction page, and one of each record, passes the checks
    for path in ["/satisfaction?by=branch", "/satisfaction?by=service&source=case", "/satisfaction/proposals", "/satisfaction/proposals/new",
                 "/satisfaction/engagement", "/satisfaction/surveys", "/satisfaction/tablets"]:
        browser.get(server + path)
        assert browser.find_element(By.TAG_NAME, "h1").text
        assert_clean(browser)
    for listing in ["/satisfaction/proposals", "/satisfaction/engagement"]:
        browser.get(server + listing)
        browser.find_element(By.CSS_SELECTOR, "main table tbody a").click()
        assert_clean(browser)
    browser.get(server + "/satisfaction/surveys")
    browser.find_element(By.CSS_SELECTOR, "main table a").click()
    browser.find_element(By.LINK_TEXT, "Kemasukan borang kertas").click()
    assert_clean(browser)
