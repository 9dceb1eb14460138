"""The disk fills up (issue #21, item 1): the database sits on a small file system of its own (a tmpfs mounted for the
test — SQLite's file, or a PostgreSQL tablespace holding the whole database while the write-ahead log stays on the
roomy disk, as when a data volume fills). Once the disk is full, writes are refused with a clear 503 problem body (never
a 500), reads keep working, nothing stored is damaged, and writes work again — without a restart — once space returns."""
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import PostgresEngine, SQLiteEngine, Server, load_demo, service_ids, signed_in  # noqa: E402

SIZE_MB = 96


class SmallDisk:
    """A tmpfs of SIZE_MB at a directory of its own; `fill()` takes every free byte, `free()` gives them back."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="layan-small-disk-"))
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m,mode=0777", "tmpfs", str(self.path)], capture_output=True, text=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a small file system here (needs root or CAP_SYS_ADMIN): {mounted.stderr.strip()}")
        self.filler = self.path / "filler"
        self.cleanup = lambda engine: None

    def fill(self):
        descriptor = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            for size in (1 << 20, 4096, 512):  # large blocks, then the last few kilobytes
                try:
                    while True:
                        os.write(descriptor, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(descriptor)

    def free(self):
        self.filler.unlink(missing_ok=True)

    def unmount(self):
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def engines():
    yield "sqlite"
    if os.environ.get("LAYAN_TEST_POSTGRES_URL"):
        yield "postgresql"


def on_small_disk(engine_name, disk):
    """The engine's database wholly on the small disk: SQLite's file, or a PostgreSQL database in a tablespace there."""
    if engine_name == "sqlite":
        return SQLiteEngine(disk.path)
    admin = os.environ["LAYAN_TEST_POSTGRES_URL"]
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres", str(disk.path)], check=True)
    space = "layan_small_" + uuid.uuid4().hex[:8]
    PostgresEngine.psql([admin, "-c", f"CREATE TABLESPACE {space} LOCATION '{disk.path}'"])
    disk.cleanup = lambda engine: [PostgresEngine.psql([admin, "-c", sql]) for sql in (f"DROP DATABASE {engine.database} WITH (FORCE)", f"DROP TABLESPACE {space}")]
    return PostgresEngine(admin, prefix="layan_full_", tablespace=space)


@pytest.mark.parametrize("engine_name", list(engines()))
def test_a_full_disk_refuses_writes_clearly_keeps_reads_and_recovers(engine_name, tmp_path):
    # given the demo agency on a small disk of its own, served
    disk = SmallDisk()
    server = engine = None
    try:
        engine = on_small_disk(engine_name, disk)
        env = dict(os.environ, DATABASE_URL=engine.url, LAYAN_BCRYPT_COST="4", LAYAN_FRONT_DOOR="off", LAYAN_JOB_INTERVAL="0.5")
        auth = load_demo(env)
        log = open(tmp_path / "server.log", "w")
        server = Server(env, log)
        server.start()
        service = service_ids(server.base)["A"]
        issue = lambda: requests.post(server.base + "/api/v1/queue/tickets", json={"branch": "KBR", "serviceId": service, "category": "regular"},
                                      headers=auth, timeout=30)
        file_case = lambda n: requests.post(server.base + "/api/v1/cases", headers=auth, timeout=30, json={
            "type": "complaint", "channel": "api", "subject": "Bau busuk", "description": "Sampah tidak dikutip. " * 40, "branch": "SHA",
            "customer": {"name": "Ali", "email": f"full{n}@example.my"}})
        before = issue()
        assert before.status_code == 201
        officer = signed_in(server.base, "kes@demo.layan.my")
        tickets_before = int(engine.rows("SELECT COUNT(*) FROM tickets")[0][0])

        # when the disk fills up, and customers go on taking numbers and filing cases
        disk.fill()
        answers = [issue() for _ in range(20)] + [file_case(n) for n in range(20)]

        # then, once the database has used the last free pages, every write is refused with a clear, bilingual 503
        refused = [r for r in answers if r.status_code != 201]
        assert refused, "no write was refused on a full disk"
        assert all(r.status_code == 503 and r.headers["content-type"].startswith("application/") and "Storan" in r.json()["reason"]
                   and r.headers.get("retry-after") for r in refused), [(r.status_code, r.text[:200]) for r in refused]
        # and reads keep working: an officer's case list, the board, the health check
        assert officer.get(server.base + "/cases", timeout=10).status_code == 200
        assert requests.get(server.base + "/api/v1/queue/branches/KBR/state", timeout=10).status_code == 200
        assert requests.get(server.base + "/healthz", timeout=10).status_code == 200

        # when space returns
        disk.free()
        # then writes work again without a restart
        after = issue()
        assert after.status_code == 201, after.text
        assert file_case(99).status_code == 201
        # and nothing stored was damaged: every acknowledged ticket is there, the counts kept equal the rows
        acknowledged = [before.json()["id"], after.json()["id"]] + [r.json()["id"] for r in answers if r.status_code == 201 and "number" in r.json()]
        stored = {row[0].upper() for row in engine.rows("SELECT CAST(id AS TEXT) FROM tickets")}
        assert {t.upper() for t in acknowledged} <= stored
        assert int(engine.rows("SELECT COUNT(*) FROM tickets")[0][0]) == tickets_before + 1 + sum(1 for r in answers[:20] if r.status_code == 201)
        assert int(engine.rows("SELECT COALESCE(SUM(waiting), 0) FROM queue_waiting")[0][0]) == \
            int(engine.rows("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'")[0][0])
        if engine_name == "sqlite":
            assert engine.rows("PRAGMA integrity_check") == [("ok",)]
        else:
            assert engine.rows("SELECT c.reference FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)") == []
    finally:
        if server:
            server.stop()
        disk.free()
        if engine:
            disk.cleanup(engine)
        disk.unmount()
