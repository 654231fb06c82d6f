"""A fake Telegram Bot API server that python-telegram-bot reaches over real HTTP.

It listens on 127.0.0.1 on a free port; point the bot at ``server.base_url``::

    async with FakeBotApi() as server:
        bot = Bot("123:TEST", base_url=server.base_url)   # http://127.0.0.1:PORT/bot
        ...

Routes: ``/bot{token}/{method}`` with a JSON, urlencoded or multipart body. Methods:
getMe, deleteWebhook, setMyCommands, getMyCommands, getUpdates (a long poll: returns the
queued updates with ``update_id >= offset`` at once, else waits up to ``timeout`` seconds
for one), sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery,
close, logOut. Any other method answers 404 ``Not Found: method not found``.

What a test does:

* ``user_sends(chat_id, text, *, user_id=None)`` queues a message update; a text starting
  with ``/`` carries a ``bot_command`` entity. Returns the update id.
* ``user_presses(chat_id, message_id, data, *, user_id=None)`` queues a callback_query
  on that message. Returns the callback query id.
* ``sent(chat_id=None) -> list[SentMessage]``: every sendMessage accepted, in order.
* ``edits(chat_id=None) -> list[EditedMessage]``: every editMessageText /
  editMessageReplyMarkup accepted.
* ``answers -> list[CallbackAnswer]``: every answerCallbackQuery.
* ``calls(method) -> list[dict]``: the parameters of every call of a method, refused
  calls included (``calls("setMyCommands")[0]["commands"]``).
* ``await wait_for(predicate, timeout=5)``: waits until ``predicate()`` is true, or fails
  the test with ``AssertionError``.
* ``fail_next(method, *, status, description, parameters=None, times=1)``: the next
  ``times`` calls of ``method`` get that Bot API error, e.g. 429 with
  ``parameters={"retry_after": 3}``, 500, 403 ``"Forbidden: bot was blocked by the
  user"``, 400 ``"Bad Request: can't parse entities: ..."`` or 400 with
  ``parameters={"migrate_to_chat_id": -100123}``.
* ``drop_next(method, times=1)``: the next calls of ``method`` have their connection
  closed without any response.

Scripted failures apply in the order they were added and are consumed by calls of that
method only. Message ids increase across all chats, starting at 1.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "RoleCall",
    "username": "rolecall_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
DEFAULT_USER_ID = 1001
# Parameters that are plain strings even when a form body sends them: never JSON-decode.
_STRING_PARAMS = frozenset(
    {"text", "parse_mode", "callback_query_id", "inline_message_id", "language_code", "url"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    link_preview_options: dict[str, Any] | None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(button["text"], button.get("callback_data", "")) for row in rows for button in row]


@dataclass(frozen=True, slots=True, kw_only=True)
class EditedMessage:
    method: str
    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool


@dataclass(slots=True, kw_only=True)
class _Failure:
    method: str
    status: int | None  # None: drop the connection
    description: str = ""
    parameters: dict[str, Any] | None = None


@dataclass(slots=True)
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    edits: list[EditedMessage] = field(default_factory=list)
    answers: list[CallbackAnswer] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    failures: list[_Failure] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)


class FakeBotApi:
    """The fake server; use it as an async context manager (see the module docstring)."""

    def __init__(self) -> None:
        self._state = _State()
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=0.1
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- what a user does ----------------------------------------------------------------

    def user_sends(self, chat_id: int, text: str, *, user_id: int | None = None) -> int:
        message = self._message(chat_id, next(self._ids), text, user_id=user_id)
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._queue({"message": message})

    def user_presses(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> str:
        query_id = f"cq{next(self._update_ids)}"
        self._queue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id or chat_id),
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                    "message": self._message(chat_id, message_id, "…", user=BOT_USER),
                }
            }
        )
        return query_id

    # --- what the bot did ----------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self._state.sent if chat_id is None or m.chat_id == chat_id]

    def edits(self, chat_id: int | None = None) -> list[EditedMessage]:
        return [m for m in self._state.edits if chat_id is None or m.chat_id == chat_id]

    @property
    def answers(self) -> list[CallbackAnswer]:
        return list(self._state.answers)

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self._state.calls if name == method]

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout}s")
            await asyncio.sleep(0.01)

    # --- scripted failures ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        times: int = 1,
    ) -> None:
        for _ in range(times):
            failure = _Failure(
                method=method, status=status, description=description, parameters=parameters
            )
            self._state.failures.append(failure)

    def drop_next(self, method: str, times: int = 1) -> None:
        self._state.failures += [_Failure(method=method, status=None) for _ in range(times)]

    # --- the server ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _read_params(request)
        self._state.calls.append((method, params))
        failure = self._take_failure(method)
        if failure is not None:
            return await _fail(request, failure)
        handler = self._methods().get(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return _ok(await handler(params))

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "getMe": self._get_me,
            "deleteWebhook": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit,
            "editMessageReplyMarkup": self._edit,
            "answerCallbackQuery": self._answer,
            "close": self._true,
            "logOut": self._true,
        }

    def _take_failure(self, method: str) -> _Failure | None:
        for index, failure in enumerate(self._state.failures):
            if failure.method == method:
                return self._state.failures.pop(index)
        return None

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _true(self, params: dict[str, Any]) -> Any:
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        self._state.commands = list(params.get("commands", []))
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return self._state.commands

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
        if not self._state.updates:
            self._new_update.clear()
            timeout = float(params.get("timeout") or 0)
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except TimeoutError:
                return []
        limit = int(params.get("limit") or 100)
        return self._state.updates[:limit]

    async def _send_message(self, params: dict[str, Any]) -> Any:
        message = SentMessage(
            chat_id=int(params["chat_id"]),
            message_id=next(self._ids),
            text=str(params["text"]),
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
            link_preview_options=params.get("link_preview_options"),
        )
        self._state.sent.append(message)
        result = self._message(message.chat_id, message.message_id, message.text, user=BOT_USER)
        if message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    async def _edit(self, params: dict[str, Any]) -> Any:
        edited = EditedMessage(
            method="editMessageText" if "text" in params else "editMessageReplyMarkup",
            chat_id=int(params["chat_id"]),
            message_id=int(params["message_id"]),
            text=params.get("text"),
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
        )
        self._state.edits.append(edited)
        return self._message(edited.chat_id, edited.message_id, edited.text or "…", user=BOT_USER)

    async def _answer(self, params: dict[str, Any]) -> Any:
        answer = CallbackAnswer(
            callback_query_id=str(params["callback_query_id"]),
            text=params.get("text"),
            show_alert=bool(params.get("show_alert", False)),
        )
        self._state.answers.append(answer)
        return True

    # --- building updates ----------------------------------------------------------------

    def _queue(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._state.updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def _message(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        user_id: int | None = None,
        user: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        chat_type = "private" if chat_id > 0 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User{chat_id}"
        else:
            chat["title"] = f"Group {chat_id}"
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": user or self._user(user_id or abs(chat_id)),
            "text": text,
        }

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}


async def _read_params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        return dict(body)
    form = await request.post()
    return {key: _decode(key, value) for key, value in form.items() if isinstance(value, str)}


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _fail(request: web.Request, failure: _Failure) -> web.StreamResponse:
    if failure.status is not None:
        return _error(failure.status, failure.description, failure.parameters)
    transport = request.transport
    assert transport is not None
    transport.abort()
    raise asyncio.CancelledError  # aiohttp ends the handler quietly; the client sees EOF
