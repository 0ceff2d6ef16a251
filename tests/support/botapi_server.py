"""The recording Bot API served over real HTTP on 127.0.0.1, like a local telegram-bot-api
server: the bot under test uses its real HTTP client (httpx) and `[telegram] base_url`."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.support.botapi import ApiCall, RecordingRequest


def _value(raw: str) -> Any:
    # PTB sends scalars as text and objects as JSON text in form fields.
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class BotApiServer:
    def __init__(self, api: RecordingRequest) -> None:
        self.api = api
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def __aenter__(self) -> BotApiServer:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _method(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        file_names: dict[str, str] = {}
        if request.content_type == "application/json":
            params = await request.json()
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[name] = value.file.read()
                    file_names[name] = value.filename
                else:
                    params[name] = _value(str(value))
        status, body = self.api.handle(ApiCall(request.match_info["method"], params, files,
                                               file_names=file_names))
        return web.Response(status=status, body=body, content_type="application/json")

    async def _file(self, request: web.Request) -> web.Response:
        content = self.api.files.get(request.match_info["path"].rsplit("/", 1)[-1])
        if content is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=content, content_type="application/octet-stream")
