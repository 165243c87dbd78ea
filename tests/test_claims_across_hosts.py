"""PostgreSQL across hosts: a replica on another host dies holding claims; the survivor takes
them over at its next pass (the dead one's session, and with it its lock, is gone), not after
the ten-minute lease. A real second process, killed with SIGKILL."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from briefings.storage.database import Database
from briefings.subscriptions.claims import ClaimStore
from tests.harness import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.process]

NOW = dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 30)

OTHER_HOST = """
import datetime as dt, sys, time
import sqlalchemy as sa
from briefings.subscriptions.claims import ClaimStore
engine = sa.create_engine(sys.argv[1])
claim = ClaimStore(engine, owner="replica-b.internal:4242").claim(
    1, dt.date(2026, 11, 30), False, dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC))
print("claimed" if claim else "not claimed", flush=True)
time.sleep(600)
"""


def subscription(url: str) -> None:
    from briefings.storage.tables import subscriptions

    with Database(url).ready().begin() as conn:
        conn.execute(
            sa.insert(subscriptions).values(
                id=1,
                platform="slack",
                workspace="T1",
                channel="C1",
                time="08:00",
                zone="Europe/Paris",
                language="en",
                cadence="daily",
                created_by="U1",
                created_at=NOW,
            )
        )


@pytest.mark.usefixtures("postgres_server")
def test_a_dead_replica_on_another_host_is_taken_over_at_once(postgres_url: str) -> None:
    subscription(postgres_url)
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_HOST, postgres_url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "claimed"
        survivor = ClaimStore(Database(postgres_url).ready(), owner="replica-a.internal:77")
        soon = NOW + dt.timedelta(minutes=1)  # well within the other's ten-minute lease
        assert survivor.claim(1, DAY, False, soon) is None  # alive on its host: hands off
        other.send_signal(signal.SIGKILL)
        other.wait(10)
        deadline = time.monotonic() + 10
        taken = None
        while taken is None and time.monotonic() < deadline:
            taken = survivor.claim(1, DAY, False, soon)  # the next passes, a moment apart
            time.sleep(0.2) if taken is None else None
        assert taken is not None and taken.taken_over
    finally:
        if other.poll() is None:
            other.kill()
