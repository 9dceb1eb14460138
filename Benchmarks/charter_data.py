"""Writes the Client Charter's daily counts for a year of a national agency (issue #19, item 4): BRANCHES branches
with three counter services each and TICKETS counter visits, and CASES cases, as the database's triggers keep them
(charter_wait_counts, charter_service_counts, charter_case_counts — CreateCharter.swift), plus the branches and
services they name. CharterTests proves the triggers' counts equal the records; this writes the counts such records
leave, without spending an hour inserting the records themselves. Output: SQL-ready tab-separated files in DIR.
Usage: charter_data.py DIR END_DAY(YYYY-MM-DD) [tickets] [cases] [branches]"""
import datetime
import random
import sys
import uuid

STATES = ["JHR", "KDH", "KTN", "MLK", "NSN", "PHG", "PNG", "PRK", "PLS", "SBH", "SWK", "SGR", "TRG", "KUL", "LBN", "PJY"]


def main(out, end, tickets, cases, branches):
    rng = random.Random(19)
    end_day = datetime.date.fromisoformat(end)
    days = [end_day - datetime.timedelta(days=d) for d in range(1, 366)]
    days = [d for d in days if d.weekday() < 5]
    branch_ids = [str(uuid.UUID(int=rng.getrandbits(128))).upper() for _ in range(branches)]
    service_ids = {b: [str(uuid.UUID(int=rng.getrandbits(128))).upper() for _ in range(3)] for b in branch_ids}
    with open(f"{out}/branches.tsv", "w") as f:
        for i, b in enumerate(branch_ids):
            f.write(f"{b}\tB{i:03d}\tCawangan {i}\t{STATES[i % len(STATES)]}\tJalan {i}\t03-{i:07d}\n")
    with open(f"{out}/services.tsv", "w") as f:
        for b in branch_ids:
            for letter, s in zip("ABC", service_ids[b]):
                f.write(f"{s}\t{b}\t{letter}\tPerkhidmatan {letter}\tService {letter}\t15\t300\t0\t1\n")
    per_group = tickets / (len(days) * branches * 3)
    waits = open(f"{out}/waits.tsv", "w")
    served = open(f"{out}/served.tsv", "w")
    written = 0
    for day in days:
        iso = day.isoformat()
        for b in branch_ids:
            for s in service_ids[b]:
                n = int(per_group) + (1 if rng.random() < per_group - int(per_group) else 0)
                by_wait, by_served = {}, {}
                for _ in range(n):
                    w = min(int(rng.expovariate(1 / 9)) + 1, 240)
                    by_wait[w] = by_wait.get(w, 0) + 1
                    v = min(int(rng.gauss(6, 3)) + 1, 120) if rng.random() > 0.02 else 1
                    by_served[max(v, 1)] = by_served.get(max(v, 1), 0) + 1
                written += n
                for m, c in by_wait.items():
                    waits.write(f"{iso}\t{b}\t{s}\t{m}\t{c}\n")
                for m, c in by_served.items():
                    served.write(f"{iso}\t{b}\t{s}\t{m}\t{c}\n")
    waits.close(); served.close()
    types = ["complaint", "inquiry", "advice", "suggestion", "compliment"]
    categories = ["00000000-0000-0000-0000-000000000000"] + [str(uuid.UUID(int=rng.getrandbits(128))).upper() for _ in range(9)]
    per_day = cases / (len(days) * branches)
    counts = {}
    for day in days:
        iso = day.isoformat()
        recent = (end_day - day).days < 30
        for b in branch_ids:
            n = int(per_day) + (1 if rng.random() < per_day - int(per_day) else 0)
            for _ in range(n):
                t = types[min(int(rng.expovariate(1.2)), 4)]
                c = categories[rng.randrange(10)] if t == "complaint" else categories[0]
                for clock, late_share in (("acknowledge", 0.04), ("resolve", 0.12)):
                    if recent and rng.random() < (0.1 if clock == "acknowledge" else 0.5):
                        outcome, due = "open", (day + datetime.timedelta(days=21)).isoformat()
                    else:
                        outcome, due = ("missed" if rng.random() < late_share else "met"), ""
                    key = (clock, iso, b, t, c, outcome, due)
                    counts[key] = counts.get(key, 0) + 1
    with open(f"{out}/cases.tsv", "w") as f:
        for (clock, iso, b, t, c, outcome, due), n in counts.items():
            f.write(f"{clock}\t{iso}\t{b}\t{t}\t{c}\t{outcome}\t{due}\t{n}\n")
    print(written, cases)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000,
         int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000, int(sys.argv[5]) if len(sys.argv) > 5 else 60)
