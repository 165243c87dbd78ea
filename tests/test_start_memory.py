"""A long-running process never loads Alembic: a fresh database is migrated by a child."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.harness import ROOT

pytestmark = pytest.mark.process

PROBE = (
    "import sys; from bot.cli import main; code = main(['console']); "
    "print('ALEMBIC', 'alembic' in sys.modules, 'CODE', code)"
)


def console(env_dir) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        input="exit\n",
        capture_output=True,
        text=True,
        cwd=env_dir,
        env={"PATH": "/usr/bin:/bin", "DATA_DIR": str(env_dir / "data"), "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_fresh_database_is_migrated_without_alembic_in_the_process(isolated_env):
    assert "ALEMBIC False CODE 0" in console(isolated_env)
    from briefings.storage import Database
    from briefings.storage.database import HEAD_REVISION

    database = Database(f"sqlite:///{isolated_env / 'data' / 'bot.db'}")
    assert database.current_revision() == HEAD_REVISION
    assert "ALEMBIC False CODE 0" in console(isolated_env)  # and again, already at head
