"""The sender of runs without a Telegram token: each message printed to a text stream."""

from __future__ import annotations

import sys
from typing import TextIO


class ConsoleSender:
    """Writes each message to a text stream (stdout by default) instead of Telegram.

    It prints ``plain``, one message per block, followed by a blank line. For
    ``rolecall run --json`` the caller renders ``plain`` as one JSON object
    (``json.dumps(render_change_json(stored))``), so the stream gets one object a line.
    It never raises.
    """

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out if out is not None else sys.stdout

    async def send(
        self,
        chat_id: int,  # noqa: ARG002 -- the Sender protocol's signature; only plain is printed
        html: str,  # noqa: ARG002
        *,
        plain: str,
        change_id: int | None = None,  # noqa: ARG002
    ) -> None:
        self._out.write(plain.rstrip("\n") + "\n")
        if not plain.lstrip().startswith("{"):
            self._out.write("\n")
        self._out.flush()
