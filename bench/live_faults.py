"""Load-and-fault harness for live discussion: real PostgreSQL, Redis and the production server.

    .venv/bin/python bench/live_faults.py                      # every scenario, 60 s each (CI's short run)
    .venv/bin/python bench/live_faults.py --seconds 600        # the long version (10 min per scenario)
    .venv/bin/python bench/live_faults.py --scenarios load,redis --seconds 60
    .venv/bin/python bench/live_faults.py --check              # exit 1 on any loss, duplicate,
                                                               # wrongful revoke or unrecovered health
    .venv/bin/python bench/live_faults.py --scenarios load,redis,postgres,sigterm --sockets 100 --rate 10 \
        --seconds 50 --check                                   # what CI runs (.ci/run)

Starts its own PostgreSQL (``initdb`` into a temporary directory) and Redis on free loopback ports,
migrates, creates 1,000 members of one private community with a session each, and serves Boost as
the README's production command does (``uvicorn boost.asgi:application --workers 2 --ws
websockets-sansio --ws-per-message-deflate false`` on ``boost.settings.production``). Every service is stopped by PID.

The clients speak ``static/js/discussions/thread.js``'s protocol: on every (re)connect ``resume``
from the last complete version and resend every unacknowledged post with the same client id; a
``read`` frame for what they have seen (debounced as thread.js does, ``--read-debounce``; 0 sends
one per message received, as thread.js did before issue 19); an error frame with ``retry`` keeps the
post for a later resend; a 44xx close stops the client (a revoke); 1012 ("service restart")
reconnects soon; any other close reconnects with thread.js's back-off.

Scenarios (``--scenarios``): ``load`` (200 sockets over 10 threads, 20 messages/s), ``crowd``
(1,000 sockets in one thread, 2 messages/s), ``redis`` (load, with Redis killed for 5 s),
``postgres`` (load, with PostgreSQL stopped for 5 s and started again), ``sigterm`` (load, with the
server sent SIGTERM and started again). Each sends for ``--seconds`` minus the drain time, then
waits up to ``--drain`` seconds for every client to catch up, and prints: sent, acknowledged,
stored, delivered (of expected), duplicates, lost, delivery latency p50/p95, sockets closed by the
server (by close code), revokes, ``/health/`` (probes that said 503 while every service was up,
and how long after each recovery it said 200 again), worker RSS and Redis connections over time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCENARIOS = ("load", "crowd", "redis", "postgres", "sigterm")
SESSION_COOKIE = "__Host-sessionid"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children_of(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                children.append(int(stat.parent.name))
    return sorted(children)


def tree_cpu_ticks(pid: int | None) -> int | None:
    """CPU time (user + system, clock ticks) of a service and its children, living and ended (a
    PostgreSQL backend's time passes to the postmaster's children's count when it exits)."""
    if pid is None:
        return None
    try:
        fields = _stat(pid)
    except OSError:
        return None
    ticks = sum(int(value) for value in fields[11:15])
    for child in children_of(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            ticks += sum(int(value) for value in _stat(child)[11:13])
    return ticks


# --- services ---------------------------------------------------------------------------------
class Postgres:
    """A private PostgreSQL cluster (as .ci/run starts one), stopped and started by PID."""

    def __init__(self, workdir: Path) -> None:
        initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not initdb:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = initdb[-1].parent
        self.dir = workdir / "pg"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.dir.mkdir()
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
            os.chmod(workdir, 0o755)  # noqa: S103 - the postgres user must reach its data directory
        subprocess.run(  # noqa: S603
            [*self.run_as, str(self.bin / "initdb"), "-D", str(self.dir), "-U", "boost", "-A", "trust", "-E", "UTF8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.log = open(workdir / "pg.log", "a")  # noqa: SIM115 - lives as long as the harness

    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def url(self, name: str = "boost") -> str:
        return f"postgres://boost@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        # The server itself is the child (not runuser's), so stop() signals PostgreSQL, not a wrapper
        # that would leave it running.
        self.process = subprocess.Popen(  # noqa: S603
            [str(self.bin / "postgres"), "-D", str(self.dir), "-h", "127.0.0.1", "-p", str(self.port),
             "-k", str(self.dir), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=300"],
            stdout=self.log, stderr=subprocess.STDOUT, user="postgres" if self.run_as else None,
        )  # fmt: skip
        wait_for(
            lambda: (
                subprocess.run(  # noqa: S603
                    [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False
                ).returncode
                == 0
            ),
            30,
            "PostgreSQL start",
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: active connections are cut
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def createdb(self, name: str) -> None:
        subprocess.run(  # noqa: S603
            [*self.run_as, str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "boost", name],
            check=True,
        )

    def query(self, sql: str, params: tuple = (), name: str = "boost") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(name), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.received_before_restarts = 0  # Redis counts from zero again after each start
        self.probes = 0  # connections the harness itself opened to ask

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.workdir), "--maxclients", "10000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), 10, "Redis start")
        self.probes += 1  # the connect that found it listening

    def kill(self) -> None:
        if self.process is not None:
            self.received_before_restarts += self._received_since_start() or 0
            self.process.kill()
            self.process.wait()
            self.process = None

    def connections_received(self) -> int | None:
        """Connections the server side opened since the harness first started Redis, across restarts
        (churn: each is a TCP connect and handshake); the harness's own probes are left out."""
        current = self._received_since_start()
        return None if current is None else self.received_before_restarts + current - self.probes

    def _received_since_start(self) -> int | None:
        stats = self._info("stats")
        return None if stats is None else int(stats["total_connections_received"])

    def clients(self) -> int | None:
        info = self._info("clients")
        return None if info is None else int(info["connected_clients"]) - 1

    def _info(self, section: str) -> dict | None:
        """One ``INFO`` on a connection of its own (counted, so that it can be left out above)."""
        import redis

        client = redis.Redis(port=self.port, socket_timeout=1)
        try:
            info = client.info(section)
        except Exception:  # noqa: BLE001 - down
            return None
        finally:
            client.close()
        self.probes += 1
        return info


class Server:
    """The README's production command: uvicorn, 2 workers, websockets-sansio."""

    def __init__(self, workdir: Path, root: Path, env: dict, workers: int) -> None:
        self.port = free_port()
        self.root = root
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "uvicorn.log"
        self.log = open(self.log_path, "a")  # noqa: SIM115 - lives as long as the harness

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [PY, "-m", "uvicorn", "boost.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers), "--proxy-headers", "--ws", "websockets-sansio", "--ws-per-message-deflate",
             "false",
             "--log-level", "warning", "--no-access-log"],
            cwd=self.root, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), 90, "server start")

    def terminate(self, timeout: float = 60) -> float:
        """SIGTERM, wait for the exit; returns how long the graceful shutdown took."""
        started = time.monotonic()
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        return time.monotonic() - started

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        return children_of(self.process.pid)

    def worker_cpu_ticks(self) -> dict[int, int]:
        """Each worker's user + system CPU time so far, in clock ticks."""
        ticks = {}
        for pid in self.worker_pids():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = _stat(pid)
                ticks[pid] = int(fields[11]) + int(fields[12])
        return ticks

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes


# --- data -------------------------------------------------------------------------------------
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from boost.models import HomePage
from communities.models import CommunityIndexPage, CommunityPage, Membership
from discussions import services
from django.test.utils import override_settings

home = HomePage.objects.get()
index = CommunityIndexPage.objects.first() or home.add_child(
    instance=CommunityIndexPage(title="Communities", slug="communities"))
community = index.add_child(instance=CommunityPage(
    title="Convening day", slug="convening-day", purpose="A busy day.", is_private=True))
users, sessions = [], []
for n in range(%(people)d):
    user = User.objects.create_user(email=f"person{n}@example.nhs.uk", password=None, first_name=f"Person{n}")
    Membership.objects.create(user=user, community=community)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    users.append(user.pk)
    sessions.append(store.session_key)
threads = {}
with override_settings(DISCUSSIONS_RATE_LIMIT=(0, 60)):
    author = User.objects.get(pk=users[0])
    for name, count in %(threads)s.items():
        threads[name] = []
        for n in range(count):
            thread = services.start_thread(author=author, community=community, title=f"{name} {n}",
                                           body="Welcome.", client_id=f"start-{name}-{n}")
            threads[name].append([thread.pk, thread.version])
print(json.dumps({"users": users, "sessions": sessions, "threads": threads}))
"""


# --- clients ----------------------------------------------------------------------------------
@dataclass
class Run:
    """What one scenario's clients saw."""

    first_sent: dict[str, float] = field(default_factory=dict)  # client id -> first send time
    thread_of: dict[str, int] = field(default_factory=dict)  # client id -> thread
    acked: dict[str, float] = field(default_factory=dict)
    refused: Counter = field(default_factory=Counter)  # error codes answering posts
    retry_errors: int = 0
    latencies: list[float] = field(default_factory=list)
    closes: Counter = field(default_factory=Counter)  # close code -> count, while the run was live
    revoked: int = 0
    connect_failures: int = 0
    reads_sent: int = 0
    stopping: bool = False
    sends: set = field(default_factory=set)  # frames being written


class Client:
    """One browser tab on a thread page, speaking thread.js's protocol."""

    def __init__(self, run: Run, base: str, thread_id: int, version: int, session: str, read_debounce: float) -> None:
        self.run = run
        self.url = base.replace("http://", "ws://") + f"/ws/discussions/thread/{thread_id}/"
        self.origin = base
        self.cookie = f"{SESSION_COOKIE}={session}"
        self.thread_id = thread_id
        self.floor = version
        self.pending: set[int] = set()
        self.max_id = 0
        self.seen: set[str] = set()  # client ids of harness messages received
        self.outbox: dict[str, str] = {}
        self.mine: set[str] = set()
        self.read_debounce = read_debounce
        self.read_timer: asyncio.TimerHandle | None = None
        self.last_read = 0.0
        self.read_sent_id = 0
        self.socket = None
        self.done = False
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self.done = True
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    @property
    def open(self) -> bool:
        return self.socket is not None

    def post(self, client_id: str, body: str) -> None:
        self.outbox[client_id] = body
        self.mine.add(client_id)
        self._send({"action": "post", "client_id": client_id, "body": body, "reply_to": None})

    def _send(self, data: dict) -> None:
        if self.socket is not None:
            task = asyncio.ensure_future(self._send_now(json.dumps(data)))
            self.run.sends.add(task)
            task.add_done_callback(self.run.sends.discard)

    async def _send_now(self, text: str) -> None:
        with contextlib.suppress(Exception):
            await self.socket.send(text)

    def _note_version(self, version: int | None) -> None:
        if not version:
            return
        self.pending.add(version)
        while self.floor + 1 in self.pending:
            self.floor += 1
            self.pending.discard(self.floor)

    def _apply(self, message: dict, now: float) -> None:
        self.max_id = max(self.max_id, message.get("id", 0))
        body = message.get("body") or ""
        if body.startswith("lt "):
            client_id = body[3:].strip()
            if client_id not in self.seen:
                self.seen.add(client_id)
                sent = self.run.first_sent.get(client_id)
                if sent is not None and client_id not in self.mine:
                    self.run.latencies.append(now - sent)

    def _mark_read(self) -> None:
        # thread.js: after messages arrive, at most one read frame per debounce period.
        if not self.max_id or self.max_id <= self.read_sent_id:
            return
        if self.read_debounce <= 0:
            self._read_now()
            return
        if self.read_timer is not None:
            return
        wait = max(0.0, self.last_read + self.read_debounce - time.monotonic())
        self.read_timer = asyncio.get_running_loop().call_later(wait, self._read_now)

    def _read_now(self) -> None:
        self.read_timer = None
        if self.socket is None or self.max_id <= self.read_sent_id:
            return
        self.last_read = time.monotonic()
        self.read_sent_id = self.max_id
        self.run.reads_sent += 1
        self._send({"action": "read", "id": self.max_id})

    async def _on_frame(self, data: dict) -> None:
        now = time.monotonic()
        kind = data.get("type")
        if kind in ("message.created", "message.updated", "message.hidden"):
            self._note_version(data["message"].get("version"))
            self._apply(data["message"], now)
            self._mark_read()
        elif kind in ("catchup", "sync"):
            for message in data["messages"]:
                self._apply(message, now)
            self.floor = max(self.floor, data["version"])
            self._mark_read()
        elif kind == "ack" and data.get("client_id"):
            client_id = data["client_id"]
            self.outbox.pop(client_id, None)
            self.run.acked.setdefault(client_id, now)
            if data.get("message"):
                self._note_version(data["message"].get("version"))
                self._apply(data["message"], now)
        elif kind == "error" and data.get("client_id"):
            if data.get("retry"):
                # "Not saved, will retry": kept in the outbox, resent in a moment.
                self.run.retry_errors += 1
                asyncio.get_running_loop().call_later(2.0 + random.random(), self._resend, data["client_id"])
            else:
                self.run.refused[data.get("code")] += 1
                self.outbox.pop(data["client_id"], None)

    def _resend(self, client_id: str) -> None:
        if client_id in self.outbox:
            self._send({"action": "post", "client_id": client_id, "body": self.outbox[client_id], "reply_to": None})

    async def _run(self) -> None:
        import websockets

        delay = 1.0
        while not self.done:
            code = None
            try:
                async with websockets.connect(
                    self.url,
                    additional_headers={"Cookie": self.cookie, "Origin": self.origin},
                    open_timeout=20,
                    ping_interval=None,
                    max_size=None,
                ) as sock:
                    self.socket = sock
                    delay = 1.0
                    await sock.send(json.dumps({"action": "resume", "since": self.floor}))
                    for client_id, body in list(self.outbox.items()):
                        await sock.send(
                            json.dumps({"action": "post", "client_id": client_id, "body": body, "reply_to": None})
                        )
                    self.read_sent_id = 0
                    self._mark_read()
                    async for raw in sock:
                        await self._on_frame(json.loads(raw))
                code = sock.close_code
            except asyncio.CancelledError:
                self.socket = None
                raise
            except websockets.exceptions.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
            except Exception:  # noqa: BLE001 - could not connect: back off and retry, as thread.js
                self.run.connect_failures += 1
            self.socket = None
            if self.read_timer is not None:
                self.read_timer.cancel()
                self.read_timer = None
            if self.done or self.run.stopping:
                return
            if code is not None:
                self.run.closes[code] += 1
                if 4400 <= code < 4500:
                    self.run.revoked += 1
                    self.done = True
                    return
                if code == 1012:
                    # Service restart: thread.js reconnects soon, spread over a few seconds.
                    await asyncio.sleep(0.5 + random.random() * 2.5)
                    continue
            await asyncio.sleep(delay)
            delay = min(delay * 2, 15.0)


# --- form posts -------------------------------------------------------------------------------
CSRF_COOKIE = "__Host-csrftoken"


def form_token() -> tuple[str, str]:
    """A CSRF cookie and the form token that goes with it. Django accepts any well-formed secret as
    the cookie and the secret itself as the token (it masks tokens only against BREACH); making one
    here spares fetching a page, which under production settings needs collectstatic's manifest."""
    secret = secrets.token_hex(16)  # 32 characters from Django's alphabet
    return secret, secret


def form_post(base: str, thread_id: int, session: str, csrf: tuple[str, str], client_id: str) -> tuple[int, float]:
    """The reply form posted as a browser posts it (no JavaScript): (status, 0 for no answer; seconds)."""
    started = time.monotonic()
    host, port = base.removeprefix("http://").split(":")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf[1], "body": f"lt {client_id}", "client_id": client_id, "reply_to": ""}
    )
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request(
            "POST",
            f"/discussions/{thread_id}/reply/",
            body,
            {"Cookie": f"{SESSION_COOKIE}={session}; {CSRF_COOKIE}={csrf[0]}",
             "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0  # refused, reset or cut: the browser shows an error and the person resubmits
    finally:
        conn.close()
    return status, time.monotonic() - started


@dataclass
class FormBurst:
    """Reply-form posts sent just before SIGTERM, so that they are in flight during the shutdown."""

    posts: list[dict] = field(default_factory=list)

    def prepare(self, clients: list, count: int) -> None:
        for client in clients[:count]:
            session = client.cookie.split("=", 1)[1]
            self.posts.append({"thread": client.thread_id, "session": session, "csrf": form_token()})

    async def fire(self, base: str, run: Run) -> list[asyncio.Task]:
        tasks = []
        for post in self.posts:
            client_id = post["client_id"] = uuid.uuid4().hex
            run.first_sent[client_id] = time.monotonic()
            run.thread_of[client_id] = post["thread"]
            post["sent_at"] = time.monotonic()
            tasks.append(
                asyncio.create_task(
                    asyncio.to_thread(form_post, base, post["thread"], post["session"], post["csrf"], client_id)
                )
            )
        return tasks

    async def settle(self, tasks: list[asyncio.Task], base: str, sigterm_at: float) -> None:
        """Record how each post fared across the shutdown; resubmit a failed one (same client id)."""
        for post, task in zip(self.posts, tasks, strict=True):
            post["status"], post["seconds"] = await task
            post["in_flight"] = post["sent_at"] < sigterm_at < post["sent_at"] + post["seconds"]
        for post in self.posts:
            if post["status"] != 302:
                for _ in range(30):
                    status, _took = await asyncio.to_thread(
                        form_post, base, post["thread"], post["session"], post["csrf"], post["client_id"]
                    )
                    if status == 302:
                        post["resubmitted"] = True
                        break
                    await asyncio.sleep(2)

    def summary(self) -> dict:
        statuses = Counter(post.get("status") for post in self.posts)
        return {
            "sent": len(self.posts),
            "in_flight": sum(bool(post.get("in_flight")) for post in self.posts),
            "finished": statuses.get(302, 0),
            "cut": [post["status"] for post in self.posts if post.get("in_flight") and post["status"] != 302],
            "statuses": dict(statuses),
            "resubmitted": sum(bool(post.get("resubmitted")) for post in self.posts),
            "slowest": max((post.get("seconds", 0) for post in self.posts), default=0),
            "client_ids": [post["client_id"] for post in self.posts if "client_id" in post],
        }


# --- probes -----------------------------------------------------------------------------------
def probe_health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with contextlib.suppress(Exception):
            return error.code, json.loads(error.read())
        return error.code, {}
    except Exception:  # noqa: BLE001 - no answer at all (server restarting)
        return 0, {}


@dataclass
class Timeline:
    health: list[tuple[float, int, dict]] = field(default_factory=list)
    samples: list[tuple[float, list[float], int | None]] = field(default_factory=list)
    down: list[tuple[str, float, float]] = field(default_factory=list)  # service, down at, back at
    lags: list[float] = field(default_factory=list)  # how late the harness's own event loop woke


async def watch_lag(timeline: Timeline, stop: asyncio.Event) -> None:
    """The harness's own event-loop lag: on a loaded machine the clients may be what is slow, and
    every latency measured includes it."""
    while not stop.is_set():
        before = time.monotonic()
        await asyncio.sleep(0.1)
        timeline.lags.append(time.monotonic() - before - 0.1)


async def watch_health(server: Server, timeline: Timeline, start: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        status, body = await asyncio.to_thread(probe_health, server.base + "/health/")
        timeline.health.append((time.monotonic() - start, status, body))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def watch_resources(server: Server, redis: Redis, timeline: Timeline, start: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss = server.worker_rss_mb()
        conns = await asyncio.to_thread(redis.clients)
        timeline.samples.append((time.monotonic() - start, rss, conns))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 5)


# --- scenarios --------------------------------------------------------------------------------
@dataclass
class Scenario:
    name: str
    sockets: int
    threads: int
    rate: float
    fault: str | None = None


PLANS = {
    "load": Scenario("load", 200, 10, 20),
    "crowd": Scenario("crowd", 1000, 1, 2),
    "redis": Scenario("redis", 200, 10, 20, "redis"),
    "postgres": Scenario("postgres", 200, 10, 20, "postgres"),
    "sigterm": Scenario("sigterm", 200, 10, 20, "sigterm"),
}


async def inject(
    fault: str, pg: Postgres, redis: Redis, server: Server, timeline: Timeline, start: float,
    run: Run, burst: FormBurst | None = None,
) -> None:  # fmt: skip
    down_at = time.monotonic() - start
    if fault == "redis":
        await asyncio.to_thread(redis.kill)
        await asyncio.sleep(5)
        await asyncio.to_thread(redis.start)
    elif fault == "postgres":
        await asyncio.to_thread(pg.stop)
        await asyncio.sleep(5)
        await asyncio.to_thread(pg.start)
    elif fault == "sigterm":
        posts = []
        if burst is not None:
            # Reply forms posted a moment before the signal: they are being served when it lands.
            posts = await burst.fire(server.base, run)
            await asyncio.sleep(0.05)
        sigterm_at = time.monotonic()
        took = await asyncio.to_thread(server.terminate)
        print(f"  server drained and exited {took:.1f} s after SIGTERM", flush=True)
        await asyncio.to_thread(server.start)
        if burst is not None:
            await burst.settle(posts, server.base, sigterm_at)
    timeline.down.append((fault, down_at, time.monotonic() - start))


async def run_scenario(plan: Scenario, args, pg: Postgres, redis: Redis, server: Server, data: dict) -> dict:
    run = Run()
    timeline = Timeline()
    threads = data["threads"][plan.name]
    thread_ids = [thread_id for thread_id, _version in threads]
    users = list(zip(data["users"], data["sessions"], strict=True))[: plan.sockets]
    clients: list[Client] = []
    for index, (_user, session) in enumerate(users):
        thread_id, version = threads[index % len(threads)]
        clients.append(Client(run, server.base, thread_id, version, session, args.read_debounce))
    by_thread: dict[int, list[Client]] = {}
    for client in clients:
        by_thread.setdefault(client.thread_id, []).append(client)

    start = time.monotonic()
    stop = asyncio.Event()
    watchers = [
        asyncio.create_task(watch_health(server, timeline, start, stop)),
        asyncio.create_task(watch_resources(server, redis, timeline, start, stop)),
        asyncio.create_task(watch_lag(timeline, stop)),
    ]
    # Open the sockets over a few seconds, as people arriving would.
    for client in clients:
        client.start()
        await asyncio.sleep(min(0.02, 5 / len(clients)))
    connect_deadline = time.monotonic() + 60
    while sum(c.open for c in clients) < len(clients) and time.monotonic() < connect_deadline:
        await asyncio.sleep(0.2)
    connected_at = time.monotonic() - start
    print(f"  {sum(c.open for c in clients)}/{len(clients)} sockets open after {connected_at:.1f} s", flush=True)

    burst = None
    if plan.fault == "sigterm" and args.form_posts:
        burst = FormBurst()
        burst.prepare(clients, args.form_posts)
    load_before = os.getloadavg()[0]
    cpu_before = server.worker_cpu_ticks()
    services_before = (tree_cpu_ticks(pg.pid()), tree_cpu_ticks(redis.pid()))
    conns_before = redis.connections_received()
    send_seconds = max(10.0, args.seconds - args.drain)
    fault_at = time.monotonic() + min(15.0, send_seconds / 3)
    fault_task = None
    interval = 1 / plan.rate
    next_at = time.monotonic()
    end_at = next_at + send_seconds
    sent = 0
    poster = 0
    while time.monotonic() < end_at:
        if plan.fault and fault_task is None and time.monotonic() >= fault_at:
            fault_task = asyncio.create_task(inject(plan.fault, pg, redis, server, timeline, start, run, burst))
        now = time.monotonic()
        if now < next_at:
            await asyncio.sleep(next_at - now)
        next_at += interval
        for _ in range(len(clients)):
            poster = (poster + 7) % len(clients)
            if clients[poster].open and not clients[poster].done:
                break
        else:
            continue  # nobody connected: a person would post the form instead; not counted
        client = clients[poster]
        client_id = uuid.uuid4().hex
        run.first_sent[client_id] = time.monotonic()
        run.thread_of[client_id] = client.thread_id
        client.post(client_id, f"lt {client_id}")
        sent += 1
    if fault_task is not None:
        await fault_task
    load_stopped = time.monotonic()
    # Server CPU while sending (workers that lived through it): seconds of CPU per message sent.
    cpu_after = server.worker_cpu_ticks()
    services_after = (tree_cpu_ticks(pg.pid()), tree_cpu_ticks(redis.pid()))
    # PostgreSQL's and Redis's CPU meanwhile (None across a restart of that service).
    services_cpu = [
        (after - before) / os.sysconf("SC_CLK_TCK") if None not in (before, after) and after >= before else None
        for before, after in zip(services_before, services_after, strict=True)
    ]
    cpu_seconds = sum(cpu_after[pid] - cpu_before[pid] for pid in cpu_after if pid in cpu_before) / os.sysconf(
        "SC_CLK_TCK"
    )
    conns_after = redis.connections_received()
    load_after = os.getloadavg()[0]

    # Drain: every client should hold every harness message stored in its thread.
    def missing() -> int:
        stored = stored_ids()
        return sum(len(stored.get(c.thread_id, set()) - c.seen) for c in clients if not c.done) + sum(
            len(c.outbox) for c in clients if not c.done
        )

    def stored_ids() -> dict[int, set[str]]:
        rows = pg.query(
            "SELECT thread_id, body FROM discussions_message WHERE body LIKE 'lt %%' AND thread_id = ANY(%s)",
            (thread_ids,),
        )
        out: dict[int, set[str]] = {}
        for thread_id, body in rows:
            out.setdefault(thread_id, set()).add(body[3:].strip())
        return out

    caught_up = None
    drain_end = load_stopped + max(args.drain, 10)
    if timeline.down:
        # Clients back off while a service is away (up to 15 s between tries, as thread.js, and a
        # try may wait 20 s on a server still starting): give them that long after its return.
        drain_end = max(drain_end, start + timeline.down[-1][2] + 45)
    while time.monotonic() < drain_end:
        try:
            left = await asyncio.to_thread(missing)
        except Exception:  # noqa: BLE001 - database still coming back
            left = -1
        if left == 0:
            caught_up = time.monotonic() - load_stopped
            break
        await asyncio.sleep(1)

    # Results, read from the database itself (acknowledgements counted at the same moment).
    acked_now = set(run.acked)
    rows = pg.query(
        "SELECT body, count(*) FROM discussions_message WHERE body LIKE 'lt %%' AND thread_id = ANY(%s) GROUP BY body",
        (thread_ids,),
    )
    stored = {body[3:].strip(): count for body, count in rows}
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    expected = delivered = 0
    for thread_id, members in by_thread.items():
        ids = {cid for cid in stored if run.thread_of.get(cid) == thread_id}
        for client in members:
            expected += len(ids)
            delivered += len(ids & client.seen)
    acked_not_stored = sum(1 for cid in acked_now if cid not in stored)
    unacked = sum(len(c.outbox) for c in clients)
    lost = acked_not_stored + (expected - delivered)

    run.stopping = True
    await asyncio.sleep(2)  # let the health and resource samples see the run at rest
    await asyncio.gather(*(c.stop() for c in clients))
    await asyncio.sleep(8)  # CHANNEL_LAYER_IDLE_SECONDS (5) and a little
    stop.set()
    await asyncio.gather(*watchers)
    redis_after = redis.clients()

    forms = None
    if burst is not None:
        forms = burst.summary()
        forms["stored"] = sum(1 for client_id in forms["client_ids"] if client_id in stored)
    lat = sorted(run.latencies)
    p50 = statistics.median(lat) if lat else float("nan")
    p95 = lat[int(0.95 * (len(lat) - 1))] if lat else float("nan")
    health = judge_health(timeline)
    result = {
        "scenario": plan.name,
        "sockets": plan.sockets,
        "rate": plan.rate,
        "sent": sent,
        "acked": len(acked_now),
        "stored": len(stored),
        "unacked": unacked,
        "refused": dict(run.refused),
        "retry_errors": run.retry_errors,
        "expected": expected,
        "delivered": delivered,
        "duplicates": duplicates,
        "lost": lost,
        "p50": p50,
        "p95": p95,
        "caught_up": caught_up,
        "closes": dict(run.closes),
        "revoked": run.revoked,
        "reads": run.reads_sent,
        "health": health,
        "samples": timeline.samples,
        "redis_after": redis_after,
        "faults": timeline.down,
        "cpu_seconds": cpu_seconds if set(cpu_after) == set(cpu_before) else None,
        "services_cpu": services_cpu,
        "send_seconds": send_seconds,
        "redis_opened": (conns_after - conns_before) if None not in (conns_after, conns_before) else None,
        "load": (load_before, load_after),
        "forms": forms,
        "harness_lag_p95": sorted(timeline.lags)[int(0.95 * (len(timeline.lags) - 1))] if timeline.lags else 0.0,
    }
    print_result(result)
    return result


def judge_health(timeline: Timeline) -> dict:
    """503s while every service was up (a grace of 2 s after each recovery), and how long after each
    recovery /health/ said 200 for good."""
    false_down = 0
    probes = 0
    reasons: Counter = Counter()
    for at, status, body in timeline.health:
        if status == 0:
            continue  # the server itself was restarting
        in_fault = any(down - 0.5 <= at <= back + 2 for _, down, back in timeline.down)
        if not in_fault:
            probes += 1
            if status != 200:
                false_down += 1
                checks = body.get("checks", {})
                reasons.update(name for name, check in checks.items() if check.get("status") != "ok")
    recoveries = []
    for service, _down, back in timeline.down:
        if service == "sigterm":
            continue  # the server itself restarted: there is no service to be truthful about
        after = [(at, status) for at, status, _ in timeline.health if at >= back]
        recovered = None
        for index, (at, status) in enumerate(after):
            if status == 200 and all(s == 200 for _, s in after[index:]):
                recovered = at - back
                break
        recoveries.append((service, recovered))
        if recovered is None:
            failing = [body for at, status, body in timeline.health if at >= back and status != 200][-1:]
            for body in failing:
                for name, check in body.get("checks", {}).items():
                    if check.get("status") != "ok":
                        reasons[f"after {service}: {name}: {check.get('error', '')[:120]}"] += 1
    return {"probes": probes, "false_down": false_down, "recoveries": recoveries, "reasons": dict(reasons)}


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds == seconds else "n/a"


def print_result(r: dict) -> None:
    health = r["health"]
    recov = ", ".join(
        f"{service} back -> 200 after {f'{lag:.1f} s' if lag is not None else 'NEVER'}"
        for service, lag in health["recoveries"]
    )
    print(
        f"[{r['scenario']}] {r['sockets']} sockets, {r['rate']:g} msg/s\n"
        f"  sent {r['sent']}  acknowledged {r['acked']}  stored {r['stored']}  unacked {r['unacked']}"
        f"  refused {r['refused'] or 0}  retry-errors {r['retry_errors']}\n"
        f"  delivered {r['delivered']}/{r['expected']}  duplicates {r['duplicates']}  lost {r['lost']}"
        f"  caught up {f'{r["caught_up"]:.1f} s' if r['caught_up'] is not None else 'NO'} after the load\n"
        f"  delivery latency p50 {fmt_ms(r['p50'])}  p95 {fmt_ms(r['p95'])}  read frames {r['reads']}\n"
        f"  server-closed sockets {sum(r['closes'].values())} {r['closes'] or ''}  revoked (4403) {r['revoked']}\n"
        f"  /health/: {health['false_down']} of {health['probes']} probes said 503 with every service up"
        f" {health['reasons'] or ''}{'; ' + recov if recov else ''}",
        flush=True,
    )
    series = "  ".join(
        f"{at:4.0f}s {'+'.join(f'{mb:.0f}' for mb in rss) or '-'} MB/{conns if conns is not None else 'down'}"
        for at, rss, conns in r["samples"][:: max(1, len(r["samples"]) // 12)]
    )
    print(f"  worker RSS / Redis connections over time: {series}", flush=True)
    print(f"  Redis connections 8 s after every socket closed: {r['redis_after']}", flush=True)
    cpu = r["cpu_seconds"]
    cpu_text = f"{cpu:.1f} s, {1000 * cpu / max(1, r['sent']):.1f} ms a message" if cpu is not None else "n/a"
    for service, seconds in zip(("PostgreSQL", "Redis"), r["services_cpu"], strict=True):
        share = f"{1000 * seconds / max(1, r['sent']):.1f} ms" if seconds is not None else "n/a"
        cpu_text += f"; {service} {share}"
    print(
        f"  server CPU while sending: {cpu_text}; Redis connections opened meanwhile {r['redis_opened']};"
        f" load average {r['load'][0]:.1f} -> {r['load'][1]:.1f}; harness event-loop lag p95"
        f" {fmt_ms(r['harness_lag_p95'])} (included in every latency)",
        flush=True,
    )
    forms = r["forms"]
    if forms is not None:
        print(
            f"  reply forms posted just before SIGTERM: {forms['sent']}, in flight at the signal {forms['in_flight']},"
            f" finished (302) {forms['finished']}, cut {len(forms['cut'])} {forms['cut'] or ''}, resubmitted"
            f" {forms['resubmitted']}, stored {forms['stored']}/{forms['sent']}, slowest {forms['slowest']:.2f} s",
            flush=True,
        )


def failures(r: dict) -> list[str]:
    problems = []
    if r["lost"]:
        problems.append(f"{r['lost']} lost")
    if r["duplicates"]:
        problems.append(f"{r['duplicates']} duplicates")
    if r["unacked"]:
        problems.append(f"{r['unacked']} never acknowledged")
    if r["revoked"]:
        problems.append(f"{r['revoked']} wrongful revokes")
    if r["health"]["false_down"]:
        problems.append(f"/health/ said 503 {r['health']['false_down']} times with every service up")
    for service, lag in r["health"]["recoveries"]:
        if lag is None or lag > 2.5:
            problems.append(f"/health/ not 200 within 2 s of {service} coming back ({lag})")
    forms = r.get("forms")
    if forms is not None:
        if forms["cut"]:
            problems.append(f"{len(forms['cut'])} in-flight form posts cut by the shutdown")
        if forms["stored"] != forms["sent"]:
            problems.append(f"{forms['sent'] - forms['stored']} form posts never stored")
    return problems


def raise_open_file_limit(sockets: int) -> None:
    """Every socket is a descriptor in the harness and in a worker (the server inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = sockets * 2 + 1000
    if soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        if new < want:
            print(f"open-file limit {new} (hard limit): {sockets} sockets may not all connect", flush=True)


async def main_async(args) -> int:
    root = Path(args.root).resolve()
    workdir = Path(tempfile.mkdtemp(prefix="boost-live-faults-"))
    pg = Postgres(workdir)
    redis = Redis(workdir)
    server = None
    try:
        pg.start()
        redis.start()
        pg.createdb("boost")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "boost.settings.production",
            "SECRET_KEY": "live-faults-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_HOST": "smtp.invalid",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": pg.url(),
            "REDIS_URL": redis.url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(root),
            **dict(kv.split("=", 1) for kv in args.env),
        }
        print(f"PostgreSQL :{pg.port}, Redis :{redis.port}, work dir {workdir}", flush=True)
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=root, env=env, check=True)  # noqa: S603
        scenarios = [s for s in args.scenarios.split(",") if s]
        raise_open_file_limit(max(PLANS[n].sockets if n == "crowd" else args.sockets or 200 for n in scenarios))
        for name in scenarios:
            if name != "crowd":
                PLANS[name].sockets = args.sockets or PLANS[name].sockets
                PLANS[name].rate = args.rate or PLANS[name].rate
        threads = {name: PLANS[name].threads for name in scenarios}
        people = max(PLANS[name].sockets for name in scenarios)
        out = subprocess.run(  # noqa: S603
            [PY, "manage.py", "shell", "-c", SETUP % {"people": people, "threads": json.dumps(threads)}],
            cwd=root, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        data = json.loads(out.stdout.strip().splitlines()[-1])
        server = Server(workdir, root, env, args.workers)
        server.start()
        print(f"server :{server.port} ({args.workers} workers), {args.seconds:g} s per scenario", flush=True)
        results = []
        for name in scenarios:
            print(f"\n== {name} ==", flush=True)
            results.append(await run_scenario(PLANS[name], args, pg, redis, server, data))
            await asyncio.sleep(3)
        log = server.log_path.read_text(errors="replace")
        print(
            f"\nserver log: {log.count('Traceback')} tracebacks, {log.count('MaxConnectionsError')} MaxConnectionsError"
        )
        print("\nSummary")
        bad = 0
        for r in results:
            problems = failures(r)
            bad += bool(problems)
            print(
                f"  {r['scenario']:9s} sent {r['sent']:5d} acked {r['acked']:5d} stored {r['stored']:5d} "
                f"delivered {r['delivered']}/{r['expected']} dup {r['duplicates']} lost {r['lost']} "
                f"p50 {fmt_ms(r['p50'])} p95 {fmt_ms(r['p95'])} closed {sum(r['closes'].values())} "
                f"revoked {r['revoked']} load {r['load'][0]:.1f}  "
                f"{'FAIL: ' + '; '.join(problems) if problems else 'ok'}"
            )
        return 1 if (args.check and bad) else 0
    finally:
        if server is not None:
            server.terminate(timeout=30)
        redis.kill()
        pg.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--seconds", type=float, default=60, help="per scenario, drain included")
    parser.add_argument("--drain", type=float, default=15, help="seconds allowed to catch up after the load")
    parser.add_argument("--read-debounce", type=float, default=3.0, help="0: a read frame per message received")
    parser.add_argument("--sockets", type=int, help="sockets in every scenario but crowd (default 200)")
    parser.add_argument("--rate", type=float, help="messages/s in every scenario but crowd (default 20)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--form-posts", type=int, default=20, help="reply forms posted just before SIGTERM (sigterm scenario)"
    )
    parser.add_argument("--root", default=str(ROOT), help="the checkout to serve (to measure another version)")
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the server, repeatable")
    parser.add_argument("--check", action="store_true", help="exit 1 on any loss, duplicate, revoke or bad health")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
