"""Click parameter types the commands share (re-exported by sdesk/commands/common.py, which
every command imports): light, as a command module's top level must be."""

from __future__ import annotations

from typing import Any

import click


class PriorityLevel(click.IntRange):
    """A priority as people write it: 1-4, or P1-P4 in any case as every screen shows it, for
    every option or argument that takes one (`priority`, `list --priority`, `new
    --priority`). Fresh-user finding 13, session 30: `sdesk priority ID P1` was "not a
    valid integer range"; finding 8, session 33: so was `list --priority P1`. An IntRange,
    so the fast paths' tables (sdesk/launch.py, sdesk/fastwrite.py) read it as 1-4 and hand
    "P1" over to click."""

    name = "level"

    def __init__(self) -> None:
        super().__init__(1, 4)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return super().convert(value, param, ctx)
        text = str(value).strip()
        digits = text[1:] if text[:1] in ("P", "p") else text
        if digits in ("1", "2", "3", "4"):
            return int(digits)
        self.fail(f"{text!r} is not a priority: give 1-4 or P1-P4", param, ctx)

    def _describe_range(self) -> str:
        return "1-4 or P1-P4"
