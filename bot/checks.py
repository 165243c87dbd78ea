"""One line of `python -m bot doctor`: what was checked, whether it is fine, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        status = "ok  " if self.ok else ("FAIL" if self.required else "warn")
        hint = f" (fix: {self.fix})" if not self.ok and self.fix else ""
        return f"{status} {self.name}: {self.detail}{hint}"
