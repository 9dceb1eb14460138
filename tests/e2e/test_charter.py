"""The Client Charter in a real browser and over real HTTP (issue 19): the public page with twelve months of
achievement as agencies publish it, printable on A4 and as CSV; a head of unit following a figure to its misses,
writing one reason for the whole list, and the draft's quality check naming vague wording."""
import base64
import re

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from test_staff_pages import assert_clean, sign_in, submit


def test_the_public_charter_shows_twelve_months_in_the_states_agencies_publish(server, browser):
    # given a member of the public
    browser.delete_all_cookies()
    # when they open the charter
    browser.get(server + "/piagam?lang=en")
    # then the commitments in force, a row per commitment with twelve months and the year, each cell C, TC, DT or TB
    assert "Version 2" in browser.page_source and "Next review" in browser.page_source
    header = browser.find_elements(By.CSS_SELECTOR, ".charter-grid thead th")
    assert len(header) == 1 + 12 + 1
    states = {cell.text.split("\n")[0] for cell in browser.find_elements(By.CSS_SELECTOR, ".charter-grid td")}
    assert states <= {"C", "TC", "DT", "TB"} and {"C", "TC"} <= states
    assert_clean(browser)


def test_the_charter_prints_on_a4_landscape_and_downloads_as_csv(server, browser):
    browser.get(server + "/piagam")
    # when it is printed on A4 landscape
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    options.orientation = "landscape"
    pdf = base64.b64decode(browser.print_page(options))
    # then a PDF of a page or two comes out (the table does not run to a page per month)
    assert pdf.startswith(b"%PDF") and 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 3
    # and the CSV has a line per commitment and month, in the same states
    csv = requests.get(server + "/piagam.csv", timeout=10)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().split("\r\n")
    assert lines[0].startswith("commitment,metric,standard") and len(lines) == 1 + 10 * 12
    assert all(line.rsplit(",", 1)[1] in {"C", "TC", "DT", "TB"} for line in lines[1:])


def test_a_head_of_unit_follows_a_missed_figure_and_explains_it(server, browser):
    # given the head of unit on the achievement table
    sign_in(browser, server, "ketua@demo.layan.my")
    browser.get(server + "/charter")
    assert_clean(browser)
    # when they follow the first figure with misses (a counter wait: nothing open)
    link = browser.find_elements(By.CSS_SELECTOR, ".charter-grid td a")[0]
    expected = link.text.split("/")
    link.click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    # then the list holds exactly the misses the figure counted
    assert len(rows) == int(expected[1]) - int(expected[0])
    assert_clean(browser)
    # when one reason is written for every unexplained one
    browser.find_element(By.ID, "reason-all").send_keys("Kaunter kekurangan pegawai pada waktu puncak.")
    submit(browser, "form.filters button[type=submit]")
    # then each row carries it
    assert "Sebab disimpan" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    texts = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "table tbody tr")]
    assert texts and all("Kaunter kekurangan pegawai" in text for text in texts)


def test_the_draft_names_vague_wording_before_it_is_published(server, browser):
    # given the head of unit's draft of the next version
    sign_in(browser, server, "ketua@demo.layan.my")
    browser.get(server + "/charter/edit?lang=en")
    assert_clean(browser)
    # when a commitment promises an answer "secepat mungkin" with no number
    browser.find_element(By.ID, "ms-10").send_keys("Maklum balas dijawab secepat mungkin.")
    browser.find_element(By.ID, "en-10").send_keys("Feedback is answered as soon as possible.")
    submit(browser, "form[action='/charter/edit'] button[type=submit]")
    # then the check names the word and the missing standard, and offers no publishing
    findings = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=check-heading]").text
    assert "secepat mungkin" in findings and "as soon as possible" in findings and "Commitment 11 has no measurable standard" in findings
    assert not browser.find_elements(By.ID, "effective")
    # and when it is removed again, publishing is offered
    browser.find_element(By.ID, "ms-10").clear()
    browser.find_element(By.ID, "en-10").clear()
    submit(browser, "form[action='/charter/edit'] button[type=submit]")
    assert browser.find_elements(By.ID, "effective")


def test_a_branch_keeps_its_own_standard_from_the_editor_to_the_public_page(server, browser):
    # given the head of unit's draft, where Kota Bharu promises licences within 30 minutes at 85 %
    sign_in(browser, server, "ketua@demo.layan.my")
    browser.get(server + "/charter/edit?lang=en")
    licences = browser.find_elements(By.CSS_SELECTOR, "fieldset.charter-editor")[1]
    own = licences.find_element(By.CSS_SELECTOR, "details.charter-branches")
    assert own.get_attribute("open") is not None and "(1)" in own.find_element(By.TAG_NAME, "summary").text
    kota = [row for row in own.find_elements(By.CSS_SELECTOR, "tbody tr") if "KBR" in row.text][0]
    inputs = kota.find_elements(By.TAG_NAME, "input")
    assert [i.get_attribute("value") for i in inputs] == ["30", "85"]
    # when it is changed to 25 minutes and saved
    inputs[0].clear()
    inputs[0].send_keys("25")
    submit(browser, "form[action='/charter/edit'] button[type=submit]")
    # then the draft keeps it
    licences = browser.find_elements(By.CSS_SELECTOR, "fieldset.charter-editor")[1]
    kota = [row for row in licences.find_elements(By.CSS_SELECTOR, "details.charter-branches tbody tr") if "KBR" in row.text][0]
    assert [i.get_attribute("value") for i in kota.find_elements(By.TAG_NAME, "input")] == ["25", "85"]
    # and the public page, showing the version in force, names Kota Bharu's own standard
    browser.get(server + "/piagam?lang=en")
    assert "At Pejabat Negeri Kelantan, Kota Bharu: standard 30 minutes, target 85 %" in browser.find_element(By.CSS_SELECTOR, ".charter-commitments").text
    assert_clean(browser)
    # (the draft is put back for the tests after this one)
    browser.get(server + "/charter/edit?lang=en")
    licences = browser.find_elements(By.CSS_SELECTOR, "fieldset.charter-editor")[1]
    kota = [row for row in licences.find_elements(By.CSS_SELECTOR, "details.charter-branches tbody tr") if "KBR" in row.text][0]
    box = kota.find_elements(By.TAG_NAME, "input")[0]
    box.clear()
    box.send_keys("30")
    submit(browser, "form[action='/charter/edit'] button[type=submit]")


def test_a_manual_figure_is_entered_with_its_evidence(server, browser, tmp_path):
    # given a supervisor on the achievement page, with the month's licensing report as a PDF
    report = tmp_path / "laporan-lesen.pdf"
    report.write_bytes(b"%PDF-1.4\n% laporan lesen premis\n%%EOF\n")
    sign_in(browser, server, "penyelia@demo.layan.my")
    browser.get(server + "/charter?lang=en")
    # when they enter 38 of 40 for the agency with the report
    browser.find_element(By.ID, "manual-met").send_keys("38")
    browser.find_element(By.ID, "manual-total").send_keys("40")
    browser.find_element(By.ID, "manual-evidence").send_keys(str(report))
    submit(browser, "section[aria-labelledby=manual-heading] button[type=submit]")
    # then it is listed with who entered it and its evidence to download
    assert "Figure saved" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    listed = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=manual-heading] tbody").text
    assert "38/40" in listed and "Penyelia" in listed or "38/40" in listed
    assert_clean(browser)
