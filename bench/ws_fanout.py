"""Fan-out benchmark: Boost's discussion path beside the stock Channels consumer, in one run.

    .venv/bin/python bench/ws_fanout.py                 # 100 and 500 clients at 1 and 5 msg/s
    .venv/bin/python bench/ws_fanout.py --quick         # 100 clients only
    BENCH_HARNESS=/path/to/ws-fanout .venv/bin/python bench/ws_fanout.py

Starts two uvicorn processes on free loopback ports, one serving the harness's stock consumer
(``stockproj``) and one serving Boost's real thread consumer through ``bench/ws_fanout_asgi.py``
(every message goes through ``post_message`` into a fresh SQLite database and back out through
the per-process hub), then runs the harness's ``fanout_client.py`` against each, alternating
which goes first, and prints p50/p95 delivery latency, loss and the Boost/stock p95 ratio.
Both servers use the in-memory channel layer (one process each). Boost is served as `./bin/boost run`
serves it (``--ws websockets-sansio``), the stock consumer as the harness README starts it; a third
server, ``bench/ws_floor.py`` (bare ``websockets`` broadcast, no Django), shows the floor. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(os.environ.get("BENCH_HARNESS", ROOT.parent / "shared" / "bench" / "ws-fanout"))
PY = sys.executable
RESULT_RE = re.compile(r"(\w+)=([0-9.]+)(ms|s)?")


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
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def prepare_database(env: dict) -> tuple[int, int]:
    """Migrate a fresh SQLite file and create one community, member and thread."""
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    script = (
        "from accounts.models import User\n"
        "from boost.models import HomePage\n"
        "from communities.models import CommunityIndexPage, CommunityPage, Membership\n"
        "from discussions import services\n"
        "home = HomePage.objects.get()\n"
        "index = CommunityIndexPage.objects.first() or home.add_child("
        "instance=CommunityIndexPage(title='Communities', slug='communities'))\n"
        "community = index.add_child(instance=CommunityPage(title='Bench', slug='bench', purpose='Bench.'))\n"
        "user = User.objects.create_user(email='bench@example.nhs.uk', password='x')\n"
        "Membership.objects.create(user=user, community=community)\n"
        "thread = services.start_thread(author=user, community=community, title='Bench', body='Start', "
        "client_id='bench-start')\n"
        "print(thread.pk, user.pk)\n"
    )
    out = subprocess.run(  # noqa: S603
        [PY, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    thread_id, user_id = out.stdout.split()[-2:]
    return int(thread_id), int(user_id)


def run_client(url: str, n: int, m: int, period: float) -> dict[str, float]:
    deadline = max(60, m * period + 45)
    env = {**os.environ, "URL": url, "N": str(n), "M": str(m), "PERIOD": str(period), "DEADLINE": str(deadline)}
    out = subprocess.run(  # noqa: S603
        [PY, str(HARNESS / "fanout_client.py")], env=env, capture_output=True, text=True, timeout=deadline + 60
    )
    line = next((line for line in out.stdout.splitlines() if line.startswith("RESULT")), None)
    if line is None:
        raise RuntimeError(f"harness failed: {out.stdout}\n{out.stderr}")
    figures: dict[str, float] = {}
    for key, value, _ in RESULT_RE.findall(line):
        figures[key] = float(value)
    delivered = re.search(r"delivered=(\d+)/(\d+)", line)
    figures["delivered"], figures["expected"] = float(delivered[1]), float(delivered[2])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 clients only")
    parser.add_argument("--seconds", type=float, default=15, help="how long each run sends for")
    parser.add_argument("--clients", default="100,500", help="client counts, comma-separated")
    parser.add_argument("--rates", default="1,5", help="messages per second, comma-separated")
    parser.add_argument(
        "--boost-ws", default="websockets-sansio", help="uvicorn --ws for Boost (default: as ./bin/boost run serves)"
    )
    parser.add_argument("--stock-ws", default="auto", help="uvicorn --ws for the stock consumer (harness default)")
    args = parser.parse_args()
    if not (HARNESS / "fanout_client.py").exists():
        sys.exit(f"fan-out harness not found at {HARNESS} (set BENCH_HARNESS)")

    workdir = Path(tempfile.mkdtemp(prefix="boost-bench-"))
    boost_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.ws_fanout_settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    thread_id, user_id = prepare_database(boost_env)
    boost_env.update(BENCH_THREAD_ID=str(thread_id), BENCH_USER_ID=str(user_id))
    stock_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stockproj.settings",
        "LAYER": "memory",
        "PYTHONPATH": str(HARNESS),
    }

    uvicorn = [PY, "-m", "uvicorn", "--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    ports = {name: free_port() for name in ("stock", "boost", "floor")}
    servers = {
        "stock": subprocess.Popen(  # noqa: S603
            [*uvicorn, "--ws", args.stock_ws, "--port", str(ports["stock"]), "stockproj.asgi:application"],
            cwd=HARNESS,
            env=stock_env,
        ),
        "boost": subprocess.Popen(  # noqa: S603
            [*uvicorn, "--ws", args.boost_ws, "--port", str(ports["boost"]), "bench.ws_fanout_asgi:application"],
            cwd=ROOT,
            env=boost_env,
        ),
        "floor": subprocess.Popen([PY, str(ROOT / "bench" / "ws_floor.py"), str(ports["floor"])]),  # noqa: S603
    }
    urls = {name: f"ws://127.0.0.1:{port}/ws/" for name, port in ports.items()}
    try:
        for port in ports.values():
            wait_for_port(port)
        clients = [100] if args.quick else [int(n) for n in args.clients.split(",")]
        rates = [float(r) for r in args.rates.split(",")]
        scenarios = [(n, rate) for rate in rates for n in clients]
        rows = []
        for index, (n, rate) in enumerate(scenarios):
            period = 1 / rate
            m = int(args.seconds * rate)
            order = ["stock", "boost", "floor"] if index % 2 == 0 else ["boost", "stock", "floor"]
            results = {}
            for name in order:
                results[name] = run_client(urls[name], n, m, period)
                time.sleep(2)
            rows.append((n, rate, results))
            print_row(n, rate, results)
        print()
        print("Summary (p95 delivery latency; ratio = Boost / stock; goal <= 0.30 and 0 loss at 5 msg/s;")
        print("floor = a bare websockets broadcast server, no Django: the harness client's own cost)")
        for n, rate, results in rows:
            print_row(n, rate, results)
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(timeout=20)


def print_row(n: int, rate: float, results: dict[str, dict[str, float]]) -> None:
    stock, boost, floor = results["stock"], results["boost"], results["floor"]
    ratio = boost["deliv_p95"] / stock["deliv_p95"] if stock["deliv_p95"] else float("nan")
    floor_ratio = floor["deliv_p95"] / stock["deliv_p95"] if stock["deliv_p95"] else float("nan")

    def fmt(r: dict[str, float]) -> str:
        lost = int(r["expected"] - r["delivered"])
        return f"p50 {r['deliv_p50']:8.1f} ms  p95 {r['deliv_p95']:8.1f} ms  lost {lost:5d}/{int(r['expected'])}"

    print(
        f"N={n:4d} {rate:.0f} msg/s | stock {fmt(stock)} | boost {fmt(boost)} | p95 ratio {ratio:.2f}"
        f" | floor p95 {floor['deliv_p95']:6.1f} ms (ratio {floor_ratio:.2f})",
        flush=True,
    )


if __name__ == "__main__":
    main()
