"""`python -m bot sources ...` in a process of its own: the JSON contracts, exit code 1 with one
line for a refused source, and `ask --json` citing the new article."""

from __future__ import annotations

import json

import pytest

from tests.harness import DATA
from tests.harness.web_sources import web_sources
from tests.test_cli import run_cli

pytestmark = pytest.mark.process


def test_add_list_refresh_ask_remove(isolated_env):
    # prices from a file: no Yahoo, so no company headlines to read at the refresh either
    env = {"SOURCES_ALLOW_PRIVATE": "yes", "MARKET_DATA_FILE": str(DATA / "META.csv")}
    with web_sources() as site:
        added = run_cli("sources", "add", site.url("/rss.xml"), "--json", env=env)
        assert added.returncode == 0, added.stderr
        assert json.loads(added.stdout) == {
            "id": 1,
            "url": site.url("/rss.xml"),
            "kind": "feed",
            "title": "Example News & Views: Tech",
            "articles": 3,
        }
        again = run_cli("sources", "add", site.url("/rss.xml"), env=env)
        assert (again.returncode, again.stdout) == (1, "")
        assert again.stderr == "python -m bot: error: This source is already there (#1).\n"
        wrong = run_cli("sources", "add", site.url("/articles/llama-4"), "--kind", "feed", env=env)
        assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
        assert len(wrong.stderr.splitlines()) == 1
        private = run_cli("sources", "add", site.url("/articles/llama-4"))  # default: refused
        assert private.returncode == 1 and "loopback address" in private.stderr
        (row,) = json.loads(run_cli("sources", "list", "--json", env=env).stdout)
        assert set(row) == {"id", "url", "kind", "title", "articles", "last_fetched", "last_error"}
        assert row["articles"] == 3 and row["last_error"] is None
        refreshed = run_cli("sources", "refresh", "--json", env=env)
        assert json.loads(refreshed.stdout) == {
            "added": 0,
            "updated": 0,
            "unchanged": 3,
            "failed": [],
        }
        answer = json.loads(
            run_cli("ask", "How many times has Llama been downloaded?", "--json").stdout
        )
        assert answer["answered"]
        assert answer["sources"][0]["url"] == site.url("/articles/llama-4")
        assert answer["sources"][0]["date"] == "2026-11-18"
        removed = run_cli("sources", "remove", site.url("/rss.xml"), env=env)
        assert removed.returncode == 0 and "Removed source #1" in removed.stdout
        assert json.loads(run_cli("sources", "list", "--json").stdout) == []
        missing = run_cli("sources", "remove", "1")
        assert missing.returncode == 1 and "There is no source “1”" in missing.stderr
