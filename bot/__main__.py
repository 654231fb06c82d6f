"""``python -m bot`` is the same as the ``rolecall`` command."""

from __future__ import annotations

from bot.cli import main

# Guarded: a worker process may import this module again (as multiprocessing does with
# the main module of the program that started it), and must not run the program then.
if __name__ == "__main__":
    raise SystemExit(main())
