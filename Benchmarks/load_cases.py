"""Bulk-loads N generated cases into a Layan database for the list benchmark (issue 5, item 12).
The mix is a working agency's: most old cases finished, recent ones at every stage, spread over the
demo's branches, officers, types, channels and categories, received over the last two years.
Usage: load_cases.py sqlite PATH N OFFSET | load_cases.py postgres N OFFSET BRANCHES STAFF CATEGORIES (CSV for COPY on stdout)
Generated references are numbered from 3,000,000 + OFFSET, clear of real ones."""
import csv
import random
import sqlite3
import sys
import time
import uuid
from datetime import date, timedelta

TYPES = ["complaint"] * 5 + ["inquiry"] * 3 + ["advice", "suggestion", "compliment"]
PREFIX = {"complaint": "ADU", "inquiry": "PTY", "advice": "KNS", "suggestion": "CDG", "compliment": "PGH"}
CHANNELS = ["web", "counter_form", "feedback_box", "phone", "email", "sms", "whatsapp", "facebook", "x", "api", "walk_in"]
OPEN = ["new", "acknowledged", "in_progress", "pending_customer", "pending_agency"]
COLUMNS = ["id", "reference", "type", "status", "channel", "category_id", "subject", "description", "anonymous", "customer_name",
           "customer_email", "customer_phone", "customer_phone_digits", "language", "contact_by", "consent_given", "branch_id",
           "assigned_to", "assigned_at", "received_at", "received_on", "acknowledge_days", "resolve_days", "acknowledge_due",
           "resolve_due", "paused_days", "public_key", "updated_at"]


def rows(n, offset, branches, officers, categories, now):
    rng = random.Random(2026 + offset)
    span = 730 * 86400
    for i in range(n):
        age = rng.random() ** 2 * span  # more recent cases than old ones
        received = now - age
        day = date.fromtimestamp(received)
        case_type = rng.choice(TYPES)
        if age > 40 * 86400:
            status = rng.choices(["closed", "resolved", "rejected", "duplicate", "in_progress"], [80, 14, 3, 2, 1])[0]
        else:
            status = rng.choices(OPEN + ["resolved", "closed"], [10, 10, 25, 8, 5, 22, 20])[0]
        officer = rng.choice(officers)
        yield [str(uuid.UUID(int=rng.getrandbits(128))).upper(), f"{PREFIX[case_type]}-{day.year}-{3_000_000 + offset + i}",
               case_type, status, rng.choice(CHANNELS), rng.choice(categories) if case_type == "complaint" else None,
               f"Perkara {i}", "Butiran kes yang dijana untuk ujian prestasi.", 0, f"Pelanggan {i}", f"p{i}@example.my", None, None,
               "ms", "email", 0, rng.choice(branches), officer, received, received, day.isoformat(), 1, 15,
               (day + timedelta(days=1)).isoformat(), (day + timedelta(days=21)).isoformat(), 0, uuid.uuid4().hex, received]


def main():
    engine = sys.argv[1]
    now = time.time()
    if engine == "sqlite":
        path, n, offset = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        db = sqlite3.connect(path)
        branches = [r[0] for r in db.execute("SELECT id FROM branches")]
        officers = [r[0] for r in db.execute("SELECT id FROM staff")]
        categories = [r[0] for r in db.execute("SELECT id FROM case_categories")]
        db.execute("PRAGMA synchronous=OFF")
        placeholders = ",".join("?" * len(COLUMNS))
        sql = f"INSERT INTO cases ({','.join(COLUMNS)}) VALUES ({placeholders})"
        batch = []
        for row in rows(n, offset, branches, officers, categories, now):
            batch.append(row)
            if len(batch) == 20000:
                db.executemany(sql, batch)
                batch = []
        db.executemany(sql, batch)
        db.commit()
        db.execute("ANALYZE")
        # Fold the write-ahead log into the file now, as a server's own checkpoints would have along the way,
        # so the first write after the load does not pay for a million rows' checkpoint.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    else:
        n, offset = int(sys.argv[2]), int(sys.argv[3])
        branches, officers, categories = (sys.argv[4].split(","), sys.argv[5].split(","), sys.argv[6].split(","))
        out = csv.writer(sys.stdout)
        for row in rows(n, offset, branches, officers, categories, now):
            # timestamps as ISO for PostgreSQL's timestamptz
            for k in (18, 19, 27):
                row[k] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(row[k]))
            row[8] = "false"
            row[15] = "false"
            out.writerow(["" if v is None else v for v in row])


if __name__ == "__main__":
    main()
