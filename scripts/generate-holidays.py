#!/usr/bin/env python3
"""Generates Resources/Holidays/malaysia.json: federal and state public holidays, replacement (in lieu)
holidays included, for every Malaysian state and federal territory, from the PyPI package `holidays`.

Run with the version pinned in tests/requirements.txt (the browser-test virtualenv has it):
    .venv/bin/python scripts/generate-holidays.py
The package is needed only here and in the cross-check test, never at run time."""
import json
from collections import defaultdict
from pathlib import Path

import holidays

FIRST_YEAR, LAST_YEAR = 2020, 2030
# Layan's state codes -> the package's subdivision codes.
STATES = ["JHR", "KDH", "KTN", "MLK", "NSN", "PHG", "PNG", "PRK", "PLS", "SBH", "SWK", "SGR", "TRG", "KUL", "LBN", "PJY"]


def collect():
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    grouped = defaultdict(list)  # (date, ms, en) -> [states]
    for state in STATES:
        ms = holidays.Malaysia(subdiv=state, years=years, language="ms_MY")
        en = holidays.Malaysia(subdiv=state, years=years, language="en_US")
        for day in sorted(ms):
            grouped[(day.isoformat(), ms[day], en.get(day, ms[day]))].append(state)
    return [
        {"date": date, "ms": name_ms, "en": name_en, "states": states}
        for (date, name_ms, name_en), states in sorted(grouped.items())
    ]


def main():
    out = Path(__file__).resolve().parents[1] / "Resources/Holidays/malaysia.json"
    document = {
        "source": f"PyPI holidays {holidays.__version__}, holidays.Malaysia, every subdivision",
        "firstYear": FIRST_YEAR,
        "lastYear": LAST_YEAR,
        "holidays": collect(),
    }
    # One holiday a line, so a regeneration shows as a readable diff.
    head = {k: v for k, v in document.items() if k != "holidays"}
    lines = ",\n".join("  " + json.dumps(h, ensure_ascii=False) for h in document["holidays"])
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "holidays": [\n' + lines + "\n ]\n}\n"
    json.loads(text)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {len(document['holidays'])} entries to {out}")


if __name__ == "__main__":
    main()
