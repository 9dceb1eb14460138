"""Cross-checks Layan's working-day calendar (the Swift code reading the committed data file) against the
PyPI `holidays` package it was generated from, for every state and every year 2020-2030."""
import json
import os
import subprocess
import tempfile
from datetime import date

import holidays

from conftest import ROOT

STATES = ["JHR", "KDH", "KTN", "MLK", "NSN", "PHG", "PNG", "PRK", "PLS", "SBH", "SWK", "SGR", "TRG", "KUL", "LBN", "PJY"]


def layan(*args):
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    workdir = tempfile.mkdtemp(prefix="layan-cal-")
    env = dict(os.environ, DATABASE_URL=f"sqlite:{workdir}/cal.sqlite", LOG_LEVEL="error")
    return subprocess.run([binary, *args, "--log", "error"], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120).stdout


def test_every_state_and_year_matches_the_holidays_package():
    for year in range(2020, 2031):
        layan_days = json.loads(layan("calendar", "holidays", "--year", str(year), "--json").strip().splitlines()[-1])
        for state in STATES:
            expected = {d.isoformat() for d in holidays.Malaysia(subdiv=state, years=year)}
            actual = {h["date"] for h in layan_days[state]}
            assert actual == expected, (state, year, sorted(actual ^ expected))


def test_command_answers_around_weekend_changes_and_holidays():
    # Johor's Friday was weekend in 2024 and is a working day from 2025
    assert layan("calendar", "is-working-day", "--state", "JHR", "2024-12-27").startswith("no")
    assert layan("calendar", "is-working-day", "--state", "JHR", "2025-01-03").startswith("yes")
    # Kelantan works on Sunday; National Day is a holiday everywhere
    assert layan("calendar", "is-working-day", "--state", "KTN", "2026-11-29").startswith("yes")
    assert "National Day" in layan("calendar", "is-working-day", "--state", "Selangor", "31/08/2026")
    # Thursday 27 Aug 2026 in Kelantan + 1 working day: the weekend is Friday-Saturday, so Sunday
    assert layan("calendar", "add-working-days", "--state", "KTN", "2026-08-27", "1").startswith("2026-08-30")
    # Friday 28 Aug in Selangor + 1: the weekend, then National Day on Monday → Tuesday
    assert layan("calendar", "add-working-days", "--state", "SGR", "2026-08-28", "1").startswith("2026-09-01")
    assert date(2026, 9, 1).weekday() == 1
