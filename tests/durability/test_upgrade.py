"""Upgrades with data (issue #21, item 5): a database written by the previous release — its migrations, its demo agency
and a year of cases loaded by its own loader (scripts/make-upgrade-fixture, kept in tests/fixtures/upgrade) — is
upgraded by this release's `layan migrate`, on SQLite and on PostgreSQL. `--dry-run` lists what would run and changes
nothing; after the upgrade no record is lost, the counts the database keeps agree with the records, and the server
serves the old records."""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import BINARY, ROOT, PostgresEngine, Server, SQLiteEngine, signed_in  # noqa: E402

FIXTURES = ROOT / "tests/fixtures/upgrade"
# Tables that hold records: every row the old release stored must still be there, no more and no fewer.
RECORDS = ["branches", "staff", "cases", "case_events", "tickets", "ticket_events", "counter_ratings", "case_surveys", "outbox",
           "audit_log", "duty_rota", "charter_commitments"]


def manifests():
    return sorted(FIXTURES.glob("manifest-*.json"))


def engines():
    yield "sqlite"
    if os.environ.get("LAYAN_TEST_POSTGRES_URL"):
        yield "postgresql"


def layan(env, *args):
    return subprocess.run([BINARY, *args, "--log", "error"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def restored(engine_name, manifest, tmp_path):
    release = manifest["release"]
    if engine_name == "sqlite":
        engine = SQLiteEngine(tmp_path)
        with gzip.open(FIXTURES / f"layan-{release}.sqlite.gz") as packed, open(engine.path, "wb") as file:
            shutil.copyfileobj(packed, file)
        return engine
    engine = PostgresEngine(os.environ["LAYAN_TEST_POSTGRES_URL"], prefix="layan_upgrade_")
    psql = str(Path(os.environ["LAYAN_PG_BINDIR"]) / "psql") if os.environ.get("LAYAN_PG_BINDIR") else "psql"
    with gzip.open(FIXTURES / f"postgres-{release}.sql.gz") as dump:
        subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", engine.url], input=dump.read(), check=True, capture_output=True, timeout=600)
    return engine


@pytest.mark.skipif(not manifests(), reason="no previous release's database in tests/fixtures/upgrade")
@pytest.mark.parametrize("engine_name", list(engines()))
def test_the_previous_releases_database_upgrades_with_every_record(engine_name, tmp_path):
    # given the previous release's database with its demo agency and a year of cases
    manifest = json.loads(manifests()[-1].read_text())
    engine = restored(engine_name, manifest, tmp_path)
    before = manifest[engine_name]
    env = dict(os.environ, DATABASE_URL=engine.url, LAYAN_DATA_KEY=manifest["data_key"], LAYAN_BCRYPT_COST="4", LAYAN_FRONT_DOOR="off")

    # when the operator asks what the upgrade would do
    dry = layan(env, "migrate", "--dry-run")
    # then it lists this release's new migrations, names the large tables they rewrite, and changes nothing
    assert dry.returncode == 0, dry.stderr
    pending = re.findall(r"^  \+ (\S+)", dry.stdout, re.M)
    assert "Layan.RollUpSatisfactionCounts" in pending, dry.stdout
    assert "large tables:" in dry.stdout and "Dry run: nothing changed." in dry.stdout
    assert int(engine.rows("SELECT COUNT(*) FROM cases")[0][0]) == before["cases"]

    # when it runs
    upgrade = layan(env, "migrate", "--yes")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    # then nothing is left to run
    assert "No pending migrations." in layan(env, "migrate", "--dry-run").stdout
    # and every record of the old release is still there
    for table in RECORDS:
        if table in before:
            assert int(engine.rows(f"SELECT COUNT(*) FROM {table}")[0][0]) == before[table], table
    assert int(engine.rows("SELECT COUNT(*) FROM cases")[0][0]) >= manifest["cases_loaded"]
    # and the counts the database keeps agree with the records, the new ones rebuilt from them
    assert int(engine.rows("SELECT COALESCE(SUM(waiting), 0) FROM queue_waiting")[0][0]) == \
        int(engine.rows("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'")[0][0])
    # (satisfaction's counts by report line are new: rebuilt from the ratings, each counted once on every line)
    lines = dict(engine.rows("SELECT dimension, CAST(SUM(n) AS TEXT) FROM satisfaction_rollup WHERE source = 'counter' GROUP BY dimension"))
    assert int(engine.rows("SELECT COUNT(*) FROM counter_ratings")[0][0]) > 0 and lines, lines
    assert len(set(lines.values())) == 1 and int(next(iter(lines.values()))) > 0, lines
    # (the telephone's counts by day, hour, queue and agent are new: every stored call counted once)
    assert int(engine.rows("SELECT COALESCE(SUM(offered), 0) FROM telephone_call_counts")[0][0]) == \
        int(engine.rows("SELECT COUNT(*) FROM telephone_calls")[0][0]) > 0

    # and the upgraded server serves the old records: readiness, an officer's list, an old case's page
    log = open(tmp_path / "server.log", "w")
    server = Server(env, log)
    try:
        server.start()
        officer = signed_in(server.base, "kes@demo.layan.my")
        assert officer.get(server.base + "/cases", timeout=30).status_code == 200
        old_case = engine.rows("SELECT CAST(id AS TEXT) FROM cases ORDER BY received_at LIMIT 1")[0][0]
        admin = signed_in(server.base, "admin@demo.layan.my")
        assert admin.get(f"{server.base}/cases/{old_case}", timeout=30).status_code == 200
        assert admin.get(server.base + "/satisfaction", timeout=30).status_code == 200
        assert admin.get(server.base + "/telephone/figures", timeout=30).status_code == 200
    finally:
        server.stop()
        log.close()
