"""Slack: the adapter is in `adapter.py`, the registry's entry in `platform.py`.

Importing this package imports no Slack library; `from bot.adapters.slack import SlackAdapter`
(or any name of `adapter.py`) imports the adapter then.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module("bot.adapters.slack.adapter"), name)
