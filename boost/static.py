"""Static files: WhiteNoise's index and headers, served without a thread hop under ASGI.

WhiteNoise is WSGI-shaped: its middleware is sync-only, so under uvicorn every static request
went through the whole sync middleware chain in a worker thread and then streamed the file
through Django's synchronous iterator (~690 requests/s for a 1.8 KB stylesheet on two cores).
``StaticFilesASGI`` sits in front of Django in ``boost.asgi`` and answers static paths from the
same index WhiteNoise builds (hashed names, far-future caching, precompressed variants, ETags and
304s, ranges), reading small files in the event loop. ``StaticFilesMiddleware`` keeps serving them
for the test client and ``runserver``, and is async-capable so it does not force Django's chain
into sync mode.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware

# Files up to this size are read in the event loop: a page-cache read of a few KB is cheaper
# than a hop to a thread. Larger ones (none of ours today) are read in a thread.
INLINE_READ_BYTES = 256 * 1024


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise's middleware, usable in an async middleware chain."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response=None, *args: Any, **kwargs: Any) -> None:
        super().__init__(get_response, *args, **kwargs)
        self.async_mode = get_response is not None and iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request):
        static_file = self.lookup(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
        return await self.get_response(request)

    def lookup(self, path: str):
        return self.find_file(path) if self.autorefresh else self.files.get(path)


class StaticFilesASGI:
    """ASGI front that answers requests for static files and passes the rest to ``app``."""

    def __init__(self, app) -> None:
        self.app = app
        self.index = StaticFilesMiddleware(get_response=None)
        self.prefix = self.index.static_prefix

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        static_file = self.index.lookup(scope["path"])
        if static_file is None:
            return await self.app(scope, receive, send)
        headers = {"HTTP_" + key.decode("latin-1").upper().replace("-", "_"): value.decode("latin-1")
                   for key, value in scope["headers"]}  # fmt: skip
        response = static_file.get_response(scope["method"], headers)
        body = b""
        if response.file is not None:
            try:
                body = response.file.read(INLINE_READ_BYTES + 1)
                if len(body) > INLINE_READ_BYTES:
                    body += await asyncio.to_thread(response.file.read)
            finally:
                response.file.close()
        await send(
            {
                "type": "http.response.start",
                "status": int(response.status),
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers],
            }
        )
        await send({"type": "http.response.body", "body": body})
