"""Writes a synthetic Asterisk queue_log of N lines (about five lines per call: ENTERQUEUE, CONNECT, COMPLETE…, with
abandons, rings not answered and agent events), spread over the month before a given day, for Benchmarks/telephone.sh. An optional fourth argument numbers the calls
from there (another file of the same month whose calls are all new).
Usage: queue_log_gen.py PATH LINES END_EPOCH [FIRST_CALL]"""
import random
import sys

def main(path: str, lines: int, end_epoch: int, first_call: int = 0) -> None:
    rng = random.Random(18 + first_call)
    written = 0
    calls = 0
    start = end_epoch - 28 * 86400
    agents = ["PJSIP/10%02d" % i for i in range(40)]
    queues = ["operator", "aduan", "lesen", "cukai"]
    span = 28 * 86400
    per_call = 3.01  # lines per call as written below (measured): the calls fill the 28 days exactly
    total_calls = int(lines / per_call) + 1
    with open(path, "w") as out:
        for agent in agents:
            out.write("%d|NONE|operator|%s|ADDMEMBER|\n" % (start, agent))
            written += 1
        while written < lines:
            t = start + int(span * calls / total_calls)
            calls += 1
            cid = "%d.%d" % (t, first_call + calls)
            q = queues[calls % 4]
            caller = "01%08d" % rng.randrange(10**8)
            out.write("%d|%s|%s|NONE|ENTERQUEUE||%s|1\n" % (t, cid, q, caller))
            written += 1
            wait = rng.randrange(1, 30)
            if rng.random() < 0.08:
                out.write("%d|%s|%s|NONE|ABANDON|1|1|%d\n" % (t + wait, cid, q, wait))
                written += 1
                continue
            agent = agents[calls % len(agents)]
            if rng.random() < 0.1:
                out.write("%d|%s|%s|%s|RINGNOANSWER|5000\n" % (t + 5, cid, q, agents[(calls + 1) % len(agents)]))
                written += 1
            talk = rng.randrange(30, 400)
            out.write("%d|%s|%s|%s|CONNECT|%d|%s.1|3\n" % (t + wait, cid, q, agent, wait, cid))
            out.write("%d|%s|%s|%s|COMPLETECALLER|%d|%d|1\n" % (t + wait + talk, cid, q, agent, wait, talk))
            written += 2
    print(calls)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
