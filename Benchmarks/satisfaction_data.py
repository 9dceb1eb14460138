"""Writes a year of a national agency's satisfaction counts (issue #20, item 8), as the database's triggers keep them
(satisfaction_rollup — RollUpSatisfactionCounts.swift; periodic_survey_counts — PeriodicSurvey.swift): RATINGS counter
ratings at BRANCHES branches (6 counters, 8 officers, 3 services each; each working day every counter staffed by one
officer), with a response rate near a third, the reasons given with one in four; CASES case surveys (sent and answered,
three questions each); and RESPONSES periodic survey responses to the demo's PKPA survey (its items read from ITEMS).
SatisfactionTests proves the triggers' counts equal the records; this writes the counts such records leave.
Usage: satisfaction_data.py DIR END_DAY ITEMS_TSV [ratings] [case_surveys] [responses] [branches]"""
import datetime
import random
import sys
import uuid

NONE = "00000000-0000-0000-0000-000000000000"
REASONS_BAD = ["not_friendly", "not_greeted", "waited_too_long", "slow_service", "wrong_information", "unclear", "not_listening",
               "not_respectful", "incomplete", "uncomfortable"]
REASONS_GOOD = ["friendly", "quick", "helpful", "clear"]
TYPES = ["complaint", "inquiry", "advice", "suggestion", "compliment"]
CHANNELS = ["web", "email", "phone", "counter_form", "whatsapp", "open311"]


def ident(rng):
    return str(uuid.UUID(int=rng.getrandbits(128))).upper()


def main(out, end, items_file, ratings, cases, responses, branches):
    rng = random.Random(20)
    end_day = datetime.date.fromisoformat(end)
    days = [d for d in (end_day - datetime.timedelta(days=i) for i in range(1, 366)) if d.weekday() < 5]
    sites = []
    for _ in range(branches):
        sites.append((ident(rng), [ident(rng) for _ in range(6)], [ident(rng) for _ in range(8)], [ident(rng) for _ in range(3)]))
    counts = {}
    def add(key, n):
        counts[key] = counts.get(key, 0) + n
    per_cell = ratings / (len(days) * branches * 6 * 3)
    for day_index, day in enumerate(days):
        month = day.isoformat()[:7]
        for branch, counters, officers, services in sites:
            for c, counter in enumerate(counters):
                officer = officers[(c + day_index) % len(officers)]
                for service in services:
                    n = int(per_cell) + (1 if rng.random() < per_cell - int(per_cell) else 0)
                    if n == 0:
                        continue
                    scores, reasons = {}, {}
                    for _ in range(n):
                        s = rng.choices([1, 2, 3, 4, 5], [2, 4, 10, 34, 50])[0]
                        scores[s] = scores.get(s, 0) + 1
                        if rng.random() < 0.25:
                            key = (rng.choice(REASONS_GOOD if s >= 4 else REASONS_BAD), s)
                            reasons[key] = reasons.get(key, 0) + 1
                    base = (month, "counter", branch, counter, officer, service, "", "counter")
                    add(base + ("served", 0), n * 3)
                    for s, k in scores.items():
                        add(base + ("overall", s), k)
                    for (r, s), k in reasons.items():
                        add(base + ("reason:" + r, s), k)
    per_day = cases / (len(days) * branches)
    for day in days:
        month = day.isoformat()[:7]
        for branch, _, officers, _ in sites:
            n = int(per_day) + (1 if rng.random() < per_day - int(per_day) else 0)
            cells = {}
            for _ in range(n):
                key = (rng.choice(officers), rng.choice(TYPES), rng.choice(CHANNELS))
                cell = cells.setdefault(key, {})
                cell[("sent", 0)] = cell.get(("sent", 0), 0) + 1
                if rng.random() < 0.6:
                    for q in ("outcome", "time_taken", "manner"):
                        s = rng.choices([1, 2, 3, 4, 5], [3, 5, 12, 35, 45])[0]
                        cell[(q, s)] = cell.get((q, s), 0) + 1
                    u = 1 if rng.random() < 0.8 else 0
                    cell[("use_again", u)] = cell.get(("use_again", u), 0) + 1
            for (officer, t, ch), cell in cells.items():
                for (q, s), k in cell.items():
                    add((month, "case", branch, NONE, officer, NONE, t, ch, q, s), k)
    # Kept by report line, as RollUpSatisfactionCounts keeps them: the branch, counter, officer, service and channel.
    rollup = {}
    for (month, source, branch, counter, officer, service, case_type, channel, question, score), n in counts.items():
        lines = {"branch": branch, "officer": officer, "channel": channel, "service": service if source == "counter" else case_type}
        if source == "counter":
            lines["counter"] = counter
        for dimension, k in lines.items():
            key = (dimension, month, source, question, branch, k, score)
            rollup[key] = rollup.get(key, 0) + n
    with open(f"{out}/satisfaction.tsv", "w") as f:
        for (dimension, month, source, question, branch, k, score), n in rollup.items():
            f.write(f"{dimension}\t{month}\t{source}\t{question}\t{branch}\t{k}\t{score}\t{n}\n")
    rows = len(rollup)
    survey, items = None, []
    with open(items_file) as f:
        for line in f:
            survey_id, item_id, kind = line.rstrip("\n").split("\t")[:3]
            survey = survey_id
            items.append((item_id, kind))
    periodic = {}
    months = sorted({d.isoformat()[:7] for d in days})
    for _ in range(responses):
        month = rng.choice(months)
        branch = rng.choice(sites)[0]
        for item_id, kind in items:
            if kind == "servqual":
                key = (item_id, month, branch, rng.randint(3, 5), rng.randint(2, 5), -1)
            elif kind == "recommend":
                key = (item_id, month, branch, -1, -1, rng.randint(0, 10))
            elif kind == "choice":
                key = (item_id, month, branch, -1, -1, rng.randint(0, 2))
            else:
                continue
            periodic[key] = periodic.get(key, 0) + 1
    with open(f"{out}/periodic.tsv", "w") as f:
        for (item_id, month, branch, e, p, v), n in periodic.items():
            f.write(f"{survey}\t{item_id}\t{month}\t{branch}\t{e}\t{p}\t{v}\t{n}\n")
    with open(f"{out}/responses.tsv", "w") as f:
        for i in range(responses):
            day = rng.choice(days)
            f.write(f"{ident(rng)}\t{survey}\t1\tweb\t{rng.choice(sites)[0]}\t{day.isoformat()}\t{day.isoformat()} 03:00:00\n")
    print(f"{rows} satisfaction count rows, {len(periodic)} periodic count rows")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], args[2], int(args[3]) if len(args) > 3 else 5_000_000, int(args[4]) if len(args) > 4 else 200_000,
         int(args[5]) if len(args) > 5 else 200_000, int(args[6]) if len(args) > 6 else 60)
