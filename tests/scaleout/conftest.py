"""tests/scaleout runs against one cluster (cluster.py): three instances on scripts/test's PostgreSQL behind nginx."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import Cluster  # noqa: E402
from harness import chromium  # noqa: E402


@pytest.fixture(scope="session")
def cluster():
    admin = os.environ.get("LAYAN_TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("needs scripts/test's PostgreSQL (LAYAN_TEST_POSTGRES_URL)")
    running = Cluster(admin)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser():
    driver = chromium()
    yield driver
    driver.quit()
