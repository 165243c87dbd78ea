"""Any number of processes may start at once on a fresh database: one migrates under a lock,
the others wait and find it done. Real `python -m bot migrate` processes, started together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from briefings.storage.database import HEAD_REVISION
from tests.harness import ROOT


def start_together(count: int, env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def revision(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar())
    finally:
        engine.dispose()


@pytest.mark.process
def test_four_processes_migrating_a_fresh_sqlite_database_all_succeed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    results = start_together(4, env)
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert all(r.stdout.strip() == "database migrated" for r in results)
    assert revision(f"sqlite:///{data / 'bot.db'}") == HEAD_REVISION


@pytest.mark.process
@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_server")
def test_four_processes_migrating_a_fresh_postgres_database_all_succeed(
    postgres_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": postgres_url}
    env["PYTHONPATH"] = str(ROOT)
    results = start_together(4, env)
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert revision(postgres_url) == HEAD_REVISION
