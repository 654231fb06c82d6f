"""Errors of the watch pipeline, caught in one place: ``watchers.run.run_source``.

::

    WatcherError
    ├── FetchError
    │   ├── TransientFetchError   (retry_after: timedelta | None) -- try again later
    │   └── PermanentFetchError   (status: int | None) -- the source is broken until fixed
    └── FeedParseError            -- the body is not a feed we can read
"""

from __future__ import annotations

from datetime import timedelta


class WatcherError(Exception):
    """Base of every error the watch pipeline raises on purpose."""


class FetchError(WatcherError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Feed {url!r}: {reason}")
        self.url = url
        self.reason = reason


class TransientFetchError(FetchError):
    def __init__(self, url: str, reason: str, *, retry_after: timedelta | None = None) -> None:
        super().__init__(url, reason)
        self.retry_after = retry_after


class PermanentFetchError(FetchError):
    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(url, reason)
        self.status = status


class FeedParseError(WatcherError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Feed {url!r} could not be parsed: {reason}")
        self.url = url
        self.reason = reason
