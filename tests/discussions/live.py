"""Boost served by real uvicorn processes on a shared SQLite file, for browser and fault tests.

pytest-django's live server is WSGI-only and its database lives in the test process's memory, so
these tests build their own: one migrated SQLite file per session (copied per test), set up and
inspected through ``manage.py shell`` and ``sqlite3``, served by one or more uvicorn processes that
are stopped by PID.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server")
SETTINGS = "tests.discussions.live_settings"


async def until(predicate, timeout: float) -> bool:
    """Poll ``predicate`` every 0.2 s until it holds or ``timeout`` seconds pass."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.2)
    return predicate()


def run_in_own_loop(coroutine, timeout: float):
    """Run a scenario on a fresh event loop in its own thread: Playwright's sync API may already
    run one in this thread when browser tests ran earlier in the session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


class LiveSite:
    """A database file plus the uvicorn processes serving it."""

    def __init__(self, workdir: Path, template: Path) -> None:
        self.workdir = workdir
        self.db_path = workdir / "live.sqlite3"
        shutil.copy(template, self.db_path)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.servers: list[tuple[subprocess.Popen, int]] = []

    def run(self, script: str) -> dict:
        """Run Python against the site's database; the script prints one JSON object last."""
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-3000:])
        return json.loads(out.stdout.strip().splitlines()[-1])

    def start_server(self, extra_env: dict | None = None) -> str:
        port = free_port()
        log = open(self.workdir / f"uvicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "tests.discussions.live_asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.servers.append((process, port))
        wait_for_port(port)
        return f"http://127.0.0.1:{port}"

    def two_servers_on(self, redis_url: str) -> tuple[dict, str, str]:
        """The shared thread (``SETUP_THREAD``'s ids) and two uvicorn processes on one Redis
        channel layer: the cross-process set-up of the Redis tests."""
        ids = self.run(SETUP_THREAD)
        env = {"LIVE_REDIS_URL": redis_url}
        return ids, self.start_server(env), self.start_server(env)

    def message_ids(self, thread_id: int) -> list[int]:
        with sqlite3.connect(self.db_path, timeout=20) as db:
            rows = db.execute(
                "SELECT id FROM discussions_message WHERE thread_id = ? AND state = 'published' ORDER BY id",
                (thread_id,),
            ).fetchall()
        return [row[0] for row in rows]

    def stop(self) -> None:
        for process, _ in self.servers:
            process.terminate()
        for process, _ in self.servers:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            if process.poll() is None:
                process.kill()


def build_template(workdir: Path) -> Path:
    """Migrate one SQLite file for the session; tests copy it."""
    path = workdir / "template.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"sqlite:///{path}",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=600
    )
    return path


SETUP_THREAD = """
import json
from tests.factories.accounts import UserFactory
from tests.factories.discussions import join, make_community, make_thread
community = make_community(title="Discharge")
alice = UserFactory(email="alice@example.nhs.uk", display_name="Alice Adams")
bob = UserFactory(email="bob@example.nhs.uk", display_name="Bob Brown")
carol = UserFactory(email="carol@example.nhs.uk", display_name="Carol Cole")
for person in (alice, bob, carol):
    join(person, community)
thread = make_thread(alice, community, title="Home before noon", body="What helps most?")
print(json.dumps({"thread": thread.pk, "community": community.pk, "alice": alice.pk, "bob": bob.pk, "carol": carol.pk}))
"""


@pytest.fixture(scope="session")
def live_template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("live-template"))


@pytest.fixture
def live_site(live_template, tmp_path):
    site = LiveSite(tmp_path, live_template)
    yield site
    site.stop()


class RedisServer:
    """A throwaway redis-server on 127.0.0.1, stopped and started by PID."""

    def __init__(self, workdir) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


SESSIONS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
keys = {}
for user in get_user_model().objects.filter(pk__in=%s):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    keys[user.pk] = store.session_key
print(json.dumps(keys))
"""


class LiveClient:
    """A websocket client that behaves like thread.js: applies messages by id and version, resumes
    from its last complete version on every (re)connect, and resends unacknowledged posts."""

    def __init__(self, name: str, base_url: str, thread_id: int, session_key: str, version: int) -> None:
        self.name = name
        self.url = base_url.replace("http://", "ws://") + f"/ws/discussions/thread/{thread_id}/"
        self.origin = base_url
        self.cookie = f"sessionid={session_key}"
        self.messages: dict[int, int] = {}  # id -> version
        self.floor = version
        self.outbox: dict[str, str] = {}
        self.reconnects = 0
        self.presence: set[str] = set()  # names in the latest "who is here now" event
        self.socket = None
        self._task = None

    def start(self) -> None:
        import asyncio

        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        import asyncio

        self._task.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await self._task

    async def post(self, client_id: str, body: str) -> None:
        self.outbox[client_id] = body
        await self._send({"action": "post", "client_id": client_id, "body": body})

    async def _send(self, data: dict) -> None:
        with suppress(Exception):
            if self.socket is not None:
                await self.socket.send(json.dumps(data))

    def _apply(self, message: dict) -> None:
        if message.get("hidden"):
            self.messages.pop(message["id"], None)
        elif self.messages.get(message["id"], 0) < message.get("version", 0):
            self.messages[message["id"]] = message["version"]

    async def _run(self) -> None:
        import asyncio

        import websockets

        delay = 0.2
        while True:
            try:
                async with websockets.connect(
                    self.url, additional_headers={"Cookie": self.cookie, "Origin": self.origin}, open_timeout=5
                ) as socket:
                    self.socket = socket
                    delay = 0.2
                    await socket.send(json.dumps({"action": "resume", "since": self.floor}))
                    for client_id, body in list(self.outbox.items()):
                        await socket.send(json.dumps({"action": "post", "client_id": client_id, "body": body}))
                    async for raw in socket:
                        data = json.loads(raw)
                        kind = data.get("type")
                        if kind in ("message.created", "message.updated", "message.hidden"):
                            self._apply(data["message"])
                        elif kind in ("catchup", "sync"):
                            for message in data["messages"]:
                                self._apply(message)
                            self.floor = max(self.floor, data["version"])
                        elif kind == "presence":
                            self.presence = {person["name"] for person in data["people"]}
                        elif kind == "ack" and data.get("client_id"):
                            self.outbox.pop(data["client_id"], None)
                            if data.get("message"):
                                self._apply(data["message"])
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001, S110 - any failure means: reconnect and catch up
                pass
            self.socket = None
            self.reconnects += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
