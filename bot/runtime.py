"""The services a running bot shares, built once by the composition root."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.settings import Settings
from store.locks import AdvisoryLock
from watchers.pool import AnalysisPool

# Where alerts go when no Telegram token is set: printed, under this pseudo chat id.
CONSOLE_CHAT = 0


@dataclass(kw_only=True)
class Runtime:
    """Shared services; ``settings`` is swapped whole when the config file is reloaded."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    client: httpx.AsyncClient
    metrics: Metrics
    max_bytes: int
    pool: AnalysisPool | None = None
    # SQLite takes one writer at a time: the pipeline then queues its transactions itself.
    single_writer: bool = False
    # Held by the one worker that polls Telegram and sends the digest.
    leader: AdvisoryLock | None = None
    # A cycle runs with the people it loaded at its start: a config reload waits for it, or
    # a source added by the reload could be polled with the old people and its items lost.
    config_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Sources a failed cycle had claimed: the next cycle ends their leases.
    stranded_sources: set[int] = field(default_factory=set)

    @property
    def chats(self) -> tuple[int, ...]:
        if self.settings.telegram.token is None:
            return (CONSOLE_CHAT,)
        return tuple(self.settings.telegram.chats)
