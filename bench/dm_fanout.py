"""Direct messages fan out like thread messages: the same post, stored then broadcast, timed both ways.

    .venv/bin/python bench/dm_fanout.py                   # 2 and 8 people, 40 messages each
    .venv/bin/python bench/dm_fanout.py --people 2 8 50 --rounds 100

In one process (in-memory channel layer, scratch SQLite via ``bench/scratch.py``), for each size it
opens one thread socket per person on a private conversation and on a community discussion with
the same people, then has the first person post ``--rounds`` messages on each and times, per
message, from sending the frame until every other socket has its ``message.created`` event.
Prints p50/p95 per kind and size. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import start_django  # noqa: E402


def _stand_in_for_daphne() -> None:
    """channels.testing imports daphne for a test case Boost does not use (as tests/conftest.py)."""
    import importlib.util
    import types

    if "daphne" not in sys.modules and importlib.util.find_spec("daphne") is None:
        daphne, testing = types.ModuleType("daphne"), types.ModuleType("daphne.testing")
        testing.DaphneProcess = None
        daphne.testing = testing
        sys.modules.setdefault("daphne", daphne)
        sys.modules.setdefault("daphne.testing", testing)


def _setup(size: int) -> tuple[list, int, int]:
    from accounts.models import User
    from discussions import conversations, services
    from discussions.models import MessagesFrom, NotificationPreference
    from tests.factories.discussions import join, make_community

    tag = uuid.uuid4().hex[:6]
    people = [User.objects.create_user(email=f"dm-{tag}-{n}@example.nhs.uk") for n in range(size)]
    community = make_community(title=f"Bench {tag}")
    for person in people:
        join(person, community)
        NotificationPreference.objects.update_or_create(user=person, defaults={"messages_from": MessagesFrom.ANYONE})
    direct = conversations.start_conversation(
        sender=people[0], recipient_ids=[p.pk for p in people[1:]], body="Start", client_id=uuid.uuid4().hex
    )
    thread = services.start_thread(
        author=people[0], community=community, title=f"Bench {tag}", body="Start", client_id=uuid.uuid4().hex
    )
    return people, direct.pk, thread.pk


async def _time_thread(people: list, thread_id: int, rounds: int) -> list[float]:
    from channels.routing import URLRouter

    _stand_in_for_daphne()
    from channels.testing import WebsocketCommunicator

    from discussions.routing import websocket_urlpatterns

    app = URLRouter(websocket_urlpatterns)
    sockets = []
    for person in people:
        socket = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread_id}/")
        socket.scope["user"] = person
        connected, _ = await socket.connect()
        assert connected
        sockets.append(socket)

    async def wait_created(socket) -> None:
        while True:
            frame = await socket.receive_json_from(timeout=30)
            if frame.get("type") == "message.created":
                return

    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        await sockets[0].send_json_to({"action": "post", "client_id": uuid.uuid4().hex, "body": "Fan-out"})
        await asyncio.gather(*(wait_created(socket) for socket in sockets[1:]))
        timings.append((time.perf_counter() - started) * 1000)
    for socket in sockets:
        await socket.disconnect()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[2, 8])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    start_django(use_configured_db=False)
    from django.conf import settings

    settings.DISCUSSIONS_RATE_LIMIT = (0, 60)  # the bench posts faster than a person may
    settings.DIRECT_MESSAGES_MAX_PARTICIPANTS = max(args.people)

    print(f"{'kind':<14}{'people':>8}{'p50 ms':>10}{'p95 ms':>10}")
    for size in args.people:
        people, direct_id, thread_id = _setup(size)
        for kind, pk in (("conversation", direct_id), ("discussion", thread_id)):
            timings = asyncio.run(_time_thread(people, pk, args.rounds))
            p95 = statistics.quantiles(timings, n=20)[18]
            print(f"{kind:<14}{size:>8}{statistics.median(timings):>10.1f}{p95:>10.1f}")


if __name__ == "__main__":
    main()
