"""Every page each role reaches from its home page (issue 16), in both languages and at phone, desktop and
1920×1080 sizes. Following links (and only the first of links that differ by an id, the first item of each
list), each page must answer below 400, log no console error, pass axe-core, and — at every size — have no
control whose text is the colour of what lies behind it, no horizontal overflow, and no catalogue key or
configuration text in view. The main screens are written to the screenshot folder for people to look at."""
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, axe_violations, console_errors, screenshot
from test_staff_pages import PASSWORD, sign_in

SIZES = {"phone": (390, 844), "desktop": (1366, 900), "wall": (1920, 1080)}
KEYS = sorted(json.loads((ROOT / "Resources/Localization/ms.json").read_text()).keys())
CHECKS = (Path(__file__).parent / "page_checks.js").read_text()

# The demo agency's people, one per role, and where each lands after signing in.
ROLES = {
    "public": None,
    "administrator": "admin@demo.layan.my",
    "head-of-unit": "ketua@demo.layan.my",
    "supervisor": "penyelia@demo.layan.my",
    "counter-officer": "kaunter@demo.layan.my",
    "telephone-operator": "operator@demo.layan.my",
    "case-officer": "kes@demo.layan.my",
    "mystery-shopper": "pembeli.misteri@demo.layan.my",
    "management-viewer": "pengurusan@demo.layan.my",
}

# Links not to follow: they leave the page kind (downloads, event streams, machine answers) or end the session.
SKIP = re.compile(r"^/(api/|healthz|metrics)|/events$|/attachments/|\.(json|svg|png|csv|txt|pdf)$|/logout")
ID = re.compile(r"^(?:[0-9A-Fa-f-]{32,36}|\d+|[A-Z]{2,4}-?\d[\dA-Z-]*|[A-Z]\d{3}|[A-Z]{3})$")

# Screens people look at before the issue is resolved: a shape of path → its name in the screenshot folder.
SCREENS = {"/": "home", "/staff": "staff-home", "/q/:id/kiosk": "kiosk", "/q/:id/display": "display-board",
           "/console": "console", "/cases/:id": "case-page", "/kes/baru": "complaint-form", "/cases": "case-list"}

MAX_PAGES = 80


def shape(url):
    """A link's kind: its path with ids folded, and the names (not values) of its query."""
    parts = urlsplit(url)
    path = "/".join(":id" if ID.match(p) else p for p in parts.path.split("/"))
    names = sorted({q.split("=")[0] for q in parts.query.split("&") if q and not q.startswith("lang=")})
    return path + ("?" + "&".join(names) if names else "")


def links(browser, origin):
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('main a[href], nav a[href], .site-header a[href]')]"
        ".filter(a => !a.hasAttribute('hreflang') && !a.hasAttribute('download')).map(a => a.href)")
    found = []
    for href in hrefs:
        href = href.split("#")[0]
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        found.append(href)
    return found


def check_page(browser, url, role, lang):
    """Every problem on the page as it is now, at every size."""
    problems = []
    status = browser.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")
    if status and status >= 400:
        problems.append(f"answered {status}")
    problems += [f"console: {e['message'][:160]}" for e in console_errors(browser)]
    problems += [f"axe {v['id']} ({v['impact']})" for v in axe_violations(browser)]
    name = SCREENS.get(shape(url).split("?")[0])
    for size, (width, height) in SIZES.items():
        browser.set_window_size(width, height)
        browser.execute_script("return document.body.offsetHeight")  # lay out at the new size
        problems += [f"{size}: {p}" for p in browser.execute_script(CHECKS, KEYS)]
        if name and lang == "ms":
            screenshot(browser, f"{role}-{name}-{size}")
    browser.set_window_size(*SIZES["desktop"])
    return problems


@pytest.mark.parametrize("lang", ["ms", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_is_clean(server, browser, role, lang):
    # given the role signed in (or a member of the public) in the language
    browser.set_window_size(*SIZES["desktop"])
    if ROLES[role]:
        sign_in(browser, server, ROLES[role], PASSWORD)
    else:
        browser.delete_all_cookies()
    browser.get(f"{server}/?lang={lang}")
    start = f"{server}/staff" if ROLES[role] else f"{server}/"

    # when every page reachable from the home page is visited, the first of each kind
    seen, queue, report, came_from = set(), [start], {}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        browser.get_log("browser")
        browser.get(url)
        problems = check_page(browser, url, role, lang)
        if problems:
            report[url.replace(server, "")] = problems + [f"(linked from {came_from.get(url, '-').replace(server, '')})"]
        for link in links(browser, server):
            if shape(link) not in seen:
                came_from.setdefault(link, url)
                queue.append(link)

    # then none of them has a problem
    assert report == {}, json.dumps(report, indent=1, ensure_ascii=False)
    assert len(seen) > 1
