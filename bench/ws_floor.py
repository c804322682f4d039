"""The floor for the fan-out benchmark: a bare ``websockets`` broadcast server, no Django, no ASGI.

    .venv/bin/python bench/ws_floor.py PORT

Every text frame any client sends is broadcast, unchanged, to every connected client (the sender
included), which is what the harness measures. Whatever latency this shows is the cost of the
harness client and the loopback itself; no server built on Django can go below it, so the
fan-out benchmark prints it beside Boost and the stock consumer.
"""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve

CLIENTS: set[ServerConnection] = set()


async def handler(connection: ServerConnection) -> None:
    CLIENTS.add(connection)
    try:
        async for frame in connection:
            broadcast(CLIENTS, frame)
    finally:
        CLIENTS.discard(connection)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, ping_interval=None, max_queue=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
