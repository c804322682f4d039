"""Page benchmark: every page type served as production serves it, beside a static file.

    .venv/bin/python bench/pages.py                       # demo content, SQLite, 2 rounds
    .venv/bin/python bench/pages.py --scale 100           # 100x the content
    DATABASE_URL=postgres://boost@127.0.0.1:55432/boost_bench .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --modes uncached --who anonymous --only home,write-up
    .venv/bin/python bench/pages.py --profile write-up    # pyinstrument of one page, in-process

Builds a database (SQLite at bench/.pages.sqlite3 unless DATABASE_URL is set; rebuilt each run)
with the demo content (``load_demo``), grown ``--scale`` times (communities, write-ups with
measures, memberships and discussion messages bulk-inserted), collects static files, then starts
the site as the README's production command does: uvicorn, 2 workers, production settings, DEBUG
off. One server runs with the anonymous page cache on and one with it off (``PAGE_CACHE_SECONDS=0``).

Load comes from wrk (Debian: ``apt-get install wrk``) at ``--connections`` connections. Pages are
run in interleaved rounds (each page once per round, the order rotating); per page and audience
it prints requests/s, p50/p95 latency, the server's CPU milliseconds per request (user + system
time of the uvicorn worker processes, from /proc, divided by requests served) and the page's query
count (counted in this process with Django's test client on the same database). A hashed static
file is measured in the same rounds as the floor. It asserts nothing: it is a measurement.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
UVICORN = str(Path(PY).with_name("uvicorn"))
SQLITE_PATH = ROOT / "bench" / ".pages.sqlite3"
MEMBER_EMAIL = "lucy.chen@boost.localhost"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# p50 and p95 in microseconds, then the request and error counts, on one line wrk's Lua can print.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    summary.requests, errors))
end
"""


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="boost.settings.production",
        SECRET_KEY="bench-only-not-a-secret",  # noqa: S106 - a throwaway local server
        EMAIL_HOST="localhost",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(ROOT / "bench" / ".pages-static"),
        MEDIA_ROOT=str(ROOT / "bench" / ".pages-media"),
        TASK_BACKEND="immediate",
        # wrk sends thousands of signed-out searches from one address: measure the page, not the limit.
        RATE_LIMIT_ANONYMOUS_SEARCH="0",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


# --- Content ----------------------------------------------------------------------------------


def build(scale: int) -> None:
    """Fresh database with the demo content, grown ``scale`` times."""
    from django.core.management import call_command

    if os.environ["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_demo", quiet=True, password="bench-password-1")  # noqa: S106 - throwaway demo accounts
    if scale > 1:
        grow(scale)
    call_command("collectstatic", interactive=False, verbosity=0)


def _step(number: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        text = alphabet[digit] + text
    return text


def _bulk_pages(model, parent, count: int, offset: int, fields) -> list[int]:
    """Insert ``count`` live children of ``parent`` without Wagtail's per-page save."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page

    content_type = ContentType.objects.get_for_model(model)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        slug = f"bench-{model._meta.model_name}-{i}"
        rows.append(
            Page(
                title=f"{model._meta.verbose_name.capitalize()} {i}",
                draft_title=f"{model._meta.verbose_name.capitalize()} {i}",
                slug=slug,
                content_type=content_type,
                path=parent.path + _step(offset + i + 1),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                locale_id=parent.locale_id,
                live=True,
                first_published_at=when + timedelta(hours=i),
                last_published_at=when + timedelta(hours=i),
            )
        )
    Page.objects.bulk_create(rows, batch_size=500)
    ids = list(
        Page.objects.filter(content_type=content_type, slug__startswith="bench-")
        .order_by("path")
        .values_list("pk", flat=True)
    )
    local = [f for f in model._meta.local_fields if f.column != "page_ptr_id"]
    columns = ["page_ptr_id", *[f.column for f in local]]
    defaults = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in local}
    data = []
    for position, page_id in enumerate(ids):
        values = {**defaults, **fields(position)}
        data.append([page_id, *[values[c] for c in columns[1:]]])
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        # Table and column names come from the model's own metadata; every value is a parameter.
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, data)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(ids))
    return ids


def grow(scale: int) -> None:
    """Multiply the demo's communities, write-ups, memberships, messages and data points."""
    import json

    from django.db import transaction

    from accounts.models import User
    from communities.models import CommunityIndexPage, CommunityPage, Membership
    from discussions.models import Message, Thread
    from projects.measurement import refresh_measure
    from projects.models import DataPoint, Measure, PriorityPage, ProjectIndexPage, ProjectPage

    with transaction.atomic():
        community_index = CommunityIndexPage.objects.get()
        demo_community = CommunityPage.objects.live().filter(access="open").order_by("path").first()
        n_communities = CommunityPage.objects.count() * (scale - 1)
        community_fields = {
            f.column: f.get_db_prep_save(getattr(demo_community, f.attname), None)
            for f in CommunityPage._meta.local_fields
            if f.column != "page_ptr_id"
        }
        for key, value in community_fields.items():
            if isinstance(value, (list, dict)):
                community_fields[key] = json.dumps(value)
        _bulk_pages(
            CommunityPage,
            community_index,
            n_communities,
            community_index.numchild,
            lambda i: {**community_fields, "access": "open"},
        )

        project_index = ProjectIndexPage.objects.get()
        demo_project = ProjectPage.objects.live().order_by("path").first()
        n_projects = ProjectPage.objects.count() * (scale - 1)
        project_ids = _bulk_pages(
            ProjectPage,
            project_index,
            n_projects,
            project_index.numchild,
            lambda i: {"summary": f"A plain summary of write-up {i}.", "aim": "Halve the wait.", "stage": "testing"},
        )
        priority = PriorityPage.objects.live().order_by("path").first()
        links = ProjectPage.priorities.through
        links.objects.bulk_create([links(projectpage_id=pid, prioritypage_id=priority.pk) for pid in project_ids])
        measures = Measure.objects.bulk_create(
            [
                Measure(project_id=pid, name="Waiting list", operational_definition="Count", better="lower")
                for pid in project_ids
            ]
        )
        points = []
        for measure in measures:
            points += [
                DataPoint(measure=measure, date=date(2023, 1 + m, 1), value=Decimal(800 - m * 40)) for m in range(12)
            ]
        DataPoint.objects.bulk_create(points, batch_size=2000)
        for measure in measures:
            refresh_measure(measure)
        # The benchmarked write-up's own measures get scale x the points (one a week).
        for measure in Measure.objects.filter(project=demo_project):
            last = measure.points.order_by("-date").first()
            start = last.date if last else date(2020, 1, 1)
            DataPoint.objects.bulk_create(
                [
                    DataPoint(
                        measure=measure,
                        date=start + timedelta(days=7 * (k + 1)),
                        value=Decimal(500 + (k * 7919) % 61),
                    )
                    for k in range(measure.points.count() * (scale - 1))
                ],
                batch_size=2000,
            )
            refresh_measure(measure)

        # Members and messages on the benchmarked community.
        existing = Membership.objects.filter(community=demo_community).count()
        users = User.objects.bulk_create(
            [User(email=f"bench-{k}@boost.localhost", is_active=True) for k in range(existing * (scale - 1))]
        )
        Membership.objects.bulk_create(
            [Membership(community=demo_community, user=u, role="member", state="active") for u in users]
        )
        thread = Thread.objects.filter(community=demo_community).order_by("pk").first()
        if thread is not None:
            count = Message.objects.filter(thread=thread).count() * (scale - 1)
            Message.objects.bulk_create(
                [Message(thread=thread, author=users[k % len(users)], body=f"Reply {k}") for k in range(count)],
                batch_size=2000,
            )


def targets() -> dict[str, str]:
    """The page of each type that the benchmark loads, by name."""
    from communities.models import CommunityPage
    from projects.models import PriorityPage, ProjectPage

    community = CommunityPage.objects.live().filter(access="open").order_by("path").first()
    write_up = ProjectPage.objects.live().order_by("path").first()
    priority = PriorityPage.objects.live().order_by("path").first()
    measure = write_up.measures.order_by("pk").first()
    pages = {
        "home": "/",
        "communities": "/communities/",
        "community": community.url,
        "write-up": write_up.url,
        "projects": "/projects/",
        "priority": priority.url,
        "search": "/search/?q=discharge",
    }
    if measure is not None:
        pages["data-csv"] = f"/improvement/{write_up.pk}/measures/{measure.pk}/data.csv"
    return pages


def static_file(static_root: Path) -> str:
    """The URL of the hashed main stylesheet."""
    import json

    manifest = json.loads((static_root / "staticfiles.json").read_text())
    for name in ("css/boost.css", "css/main.css"):
        if name in manifest["paths"]:
            return "/static/" + manifest["paths"][name]
    name = next(n for n in manifest["paths"] if n.endswith(".css"))
    return "/static/" + manifest["paths"][name]


def member_cookie() -> str:
    """A signed-in member's session cookie, as a Cookie header value."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def count_queries(pages: dict[str, str], cookie: str) -> dict[tuple[str, str], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for who in ("anonymous", "member"):
        client = Client(HTTP_HOST="127.0.0.1", **({"HTTP_COOKIE": cookie} if who == "member" else {}))
        for name, url in pages.items():
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                print(f"  ! {who} {name} {url}: HTTP {response.status_code}")
            counts[(name, who)] = len(captured.captured_queries)
    return counts


# --- Load -------------------------------------------------------------------------------------


def worker_pids(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


class Server:
    def __init__(self, env: dict[str, str], page_cache: bool, log: Path):
        self.port = free_port()
        self.env = {**env, "PAGE_CACHE_SECONDS": "600" if page_cache else "0"}
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                UVICORN,
                "boost.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--ws",
                "websockets-sansio",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.port)
        time.sleep(2)
        self.workers = worker_pids(self.process.pid)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def wrk(port: int, url: str, seconds: float, connections: int, headers: list[str], script: str) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s", "-s", script]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"BENCH (\d+) (\d+) (\d+) (\d+)", output)
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "p50": int(match.group(1)) / 1000,
        "p95": int(match.group(2)) / 1000,
        "requests": int(match.group(3)),
        "errors": int(match.group(4)) + (int(non2xx.group(1)) if non2xx else 0),
        "rps": float(rate.group(1)),
    }


def run(args: argparse.Namespace) -> None:
    env = environment(args)
    os.environ.update(env)
    # Queries are counted in this process, on rendered pages: never on the page cache's copies.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)

    if not args.reuse:
        started = time.perf_counter()
        build(args.scale)
        print(f"content: demo x{args.scale}, built in {time.perf_counter() - started:.0f} s")
    pages = targets()
    if args.only:
        pages = {k: v for k, v in pages.items() if k in args.only.split(",")}
    cookie = member_cookie()
    queries = count_queries(pages, cookie)
    static_url = static_file(Path(env["STATIC_ROOT"]))
    from django.db import connections

    connections.close_all()

    script = Path(args.workdir) / "report.lua"
    script.write_text(WRK_SCRIPT)
    audiences = [w for w in ("anonymous", "member") if w in args.who.split(",")]
    results: dict[tuple, list[dict]] = defaultdict(list)
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    for mode in args.modes.split(","):
        server = Server(env, page_cache=(mode == "cached"), log=Path(args.workdir) / f"server-{mode}.log")
        try:
            jobs = [("static", "anonymous", static_url)]
            for name, url in pages.items():
                for who in audiences:
                    if mode == "cached" and who == "member" and not args.member_cached:
                        continue
                    jobs.append((name, who, url))
            # Warm every page once (first renders fill caches and import templates).
            for _name, who, url in jobs:
                wrk(server.port, url, 1, 2, [f"Cookie: {cookie}"] if who == "member" else [], str(script))
            for round_number in range(args.rounds):
                shift = round_number % len(jobs)
                for name, who, url in jobs[shift:] + jobs[:shift]:
                    headers = ["Accept-Encoding: gzip"]
                    if who == "member":
                        headers.append(f"Cookie: {cookie}")
                    before = cpu_seconds(server.workers)
                    figures = wrk(server.port, url, args.seconds, args.connections, headers, str(script))
                    figures["cpu_ms"] = (cpu_seconds(server.workers) - before) * 1000 / max(figures["requests"], 1)
                    results[(mode, name, who)].append(figures)
        finally:
            server.stop()
        errors = Path(args.workdir, f"server-{mode}.log").read_text().count("Traceback")
        if errors:
            print(f"  ! {errors} tracebacks in the {mode} server's log ({args.workdir}/server-{mode}.log)")

    print(
        f"\n{engine}, demo x{args.scale}, uvicorn 2 workers, wrk {args.connections} connections, "
        f"{args.rounds} rounds x {args.seconds:g} s"
    )
    print(
        f"{'mode':9} {'page':12} {'who':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>11} {'queries':>8}"
    )
    floor = {}
    for (mode, name, who), runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        if name == "static":
            floor[mode] = rps
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        query_count = "-" if name == "static" else queries.get((name, who), "?")
        note = f"  ({errors} errors)" if errors else ""
        ratio = f"  {rps / floor[mode]:.2f}x static" if mode in floor and name != "static" else ""
        print(
            f"{mode:9} {name:12} {who:10} {rps:8.0f} {statistics.median(r['p50'] for r in runs):8.1f} "
            f"{statistics.median(r['p95'] for r in runs):8.1f} {cpu:11.2f} {query_count!s:>8}{ratio}{note}"
        )


def profile(args: argparse.Namespace) -> None:
    """Render one page many times in-process under pyinstrument and print where the time goes."""
    env = environment(args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from django.test import Client
    from pyinstrument import Profiler

    pages = targets()
    url = pages[args.profile]
    client = Client(HTTP_HOST="127.0.0.1", **({"HTTP_COOKIE": member_cookie()} if args.who == "member" else {}))
    client.get(url)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.profile_runs):
            client.get(url)
    print(profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total"))
    if args.profile_flat:
        print(profiler.output_text(unicode=True, color=False, flat=True, time="percent_of_total"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="content size as a multiple of the demo's")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--modes", default="uncached,cached", help="uncached, cached or both")
    parser.add_argument("--who", default="anonymous,member", help="anonymous, member or both")
    parser.add_argument("--only", default="", help="comma-separated page names (home, write-up, ...)")
    parser.add_argument("--member-cached", action="store_true", help="also load signed-in pages on the cached server")
    parser.add_argument("--reuse", action="store_true", help="keep the database from the last run")
    parser.add_argument("--profile", default="", help="profile one page in-process instead of loading the server")
    parser.add_argument("--profile-runs", type=int, default=200)
    parser.add_argument("--profile-flat", action="store_true", help="also list functions by own time")
    parser.add_argument("--workdir", default="")
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.profile:
        sys.exit("wrk is needed: apt-get install wrk")
    cleanup = None
    if not args.workdir:
        cleanup = tempfile.TemporaryDirectory(prefix="boost-bench-pages-")
        args.workdir = cleanup.name
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    if args.profile:
        profile(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
