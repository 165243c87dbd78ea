"""Text that reaches a terminal carries no control sequences: whatever a person typed (a
question, a topic, a channel name) and whatever came back from a platform is shown, never run
by the terminal (colours, cursor moves, a changed title, a hidden line)."""

from __future__ import annotations

import re

# ESC sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/PM/APC/SOS strings and
# the other escapes (ESC, intermediates, a final: `ESC c` resets the terminal);
# then any C0 control but tab and newline, DEL, and the C1 controls (U+0080-U+009F, which some
# terminals read as CSI and OSC themselves).
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` without escape sequences and control characters (tab and newline stay)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def json_safe(text: str) -> str:
    """JSON text (from json.dumps, which already escapes C0) with DEL and C1 escaped too."""
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)
