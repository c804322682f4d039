"""The gallery: a full-page screenshot of every page type, for every kind of visitor, at two widths.

    ./bin/boost gallery                 # writes .local/gallery/index.html and its PNGs
    ./bin/boost gallery --only home,thread --width 375

It builds a throwaway copy of the site (its own SQLite database, media and static folders in a
temporary directory), loads the demo content, serves it with uvicorn on a free port, signs in
through the real sign-in form (the admin with the demo authenticator's code, `manage.py
demo_totp`), and drives Debian's Chromium with Playwright. Automated checks cannot tell whether
a page *looks* right; this is for people to look at, before and after every visual change.

The same site, page list and sign-in serve the layout tests (``tests/e2e/test_layout.py``).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
WIDTHS = (375, 1280)
TOTP_PERIOD = 30  # allauth's default MFA_TOTP_PERIOD, which Boost keeps
PASSWORD = "gallery-demo-password"  # noqa: S105 - throwaway accounts on a throwaway database

# Who looks at the pages: the demo account each one signs in as (None: signed out).
AUDIENCES: dict[str, str | None] = {
    "signed-out": None,
    "member": "fatima.rahman@boost.localhost",
    "facilitator": "nia.evans@boost.localhost",
    "admin": "admin@boost.localhost",
}
SITE_AUDIENCES = ("signed-out", "member", "facilitator")


@dataclass(frozen=True)
class PageType:
    key: str
    label: str
    audiences: tuple[str, ...]
    admin: bool = False  # Wagtail's own admin, outside the NHS.UK templates


PAGE_TYPES: list[PageType] = [
    PageType("home", "Home", SITE_AUDIENCES),
    PageType("communities", "Communities", ("signed-out", "member")),
    PageType("community", "A community", SITE_AUDIENCES),
    PageType("discussions", "A community's discussions", SITE_AUDIENCES),
    PageType("thread", "A discussion thread", SITE_AUDIENCES),
    PageType("members", "Community members (facilitator)", ("facilitator",)),
    PageType("events", "A community's events", ("signed-out", "member")),
    PageType("event", "An event", ("signed-out", "member")),
    PageType("priorities", "Improvement priorities", ("signed-out",)),
    PageType("priority", "A priority", ("signed-out", "member")),
    PageType("projects", "Improvement projects", ("signed-out", "member")),
    PageType("write-up", "A write-up, with charts", ("signed-out", "member")),
    PageType("search", "Search results", ("signed-out", "member")),
    PageType("profile", "A person's profile", ("signed-out", "member")),
    PageType("dashboard", "Your dashboard", ("member",)),
    PageType("profile-edit", "Edit your profile", ("member",)),
    PageType("notifications", "Notifications", ("member",)),
    PageType("notification-settings", "Notification settings", ("member",)),
    PageType("sign-in", "Sign in", ("signed-out",)),
    PageType("sign-up", "Create an account", ("signed-out",)),
    PageType("password-reset", "Reset your password", ("signed-out",)),
    PageType("account-email", "Account: email addresses", ("member",)),
    PageType("account-2fa", "Account: two-factor authentication", ("member",)),
    PageType("privacy", "Privacy notice", ("signed-out",)),
    PageType("data", "Download my data", ("member",)),
    PageType("close", "Close my account", ("member",)),
    PageType("programmes", "Learning programmes", ("signed-out", "member")),
    PageType("programme", "A programme", ("signed-out", "member")),
    PageType("module", "A learning module, with knowledge checks", ("signed-out", "member")),
    PageType("learning-record", "Your learning record", ("member",)),
    PageType("self-assessment", "Self-assessment (learner)", ("member",)),
    PageType("self-assessment-summary", "Self-assessment summary (programme lead)", ("admin",)),
    PageType("cohort", "A cohort", ("signed-out", "member")),
    PageType("nominate", "Nominate someone for a cohort", ("member",)),
    PageType("cohort-dashboard", "Cohort dashboard (programme lead)", ("admin",)),
    PageType("applications", "Cohort applications (programme lead)", ("admin",)),
    PageType("team", "A stewardship group (programme lead)", ("admin",)),
    PageType("value-exercise", "A value exercise (STAR)", ("admin",)),
    PageType("admin-dashboard", "Wagtail admin dashboard", ("admin",), admin=True),
    PageType("admin-editor", "Wagtail page editor (a write-up)", ("admin",), admin=True),
]


def resolve_urls() -> dict[str, str]:
    """Each page type's URL on the demo content (run inside the site's Django, see ``DemoSite``)."""
    from accounts.models import User
    from communities.models import CommunityPage, Event
    from discussions.models import Thread
    from projects.models import PriorityPage, ProjectPage

    community = CommunityPage.objects.live().filter(access="open").order_by("path").first()
    thread = Thread.objects.filter(community_id=community.pk).order_by("pk").first()
    event = Event.objects.filter(community=community).order_by("pk").first() or Event.objects.order_by("pk").first()
    write_up = ProjectPage.objects.live().filter(measures__isnull=False).order_by("path").first()
    priority = PriorityPage.objects.live().order_by("path").first()
    person = User.objects.get(email=AUDIENCES["facilitator"])
    learning = _learning_urls()
    return {
        **learning,
        "home": "/",
        "communities": "/communities/",
        "community": community.url,
        "discussions": f"/discussions/community/{community.pk}/",
        "thread": f"/discussions/{thread.pk}/",
        "members": f"/communities/{community.slug}/members/",
        "events": f"/communities/{event.community.slug}/events/",
        "event": f"/communities/{event.community.slug}/events/{event.pk}/",
        "priorities": priority.get_parent().url,
        "priority": priority.url,
        "projects": write_up.get_parent().url,
        "write-up": write_up.url,
        "search": "/search/?q=discharge",
        "profile": f"/people/{person.pk}/",
        "dashboard": "/me/",
        "profile-edit": "/me/profile/",
        "notifications": "/notifications/",
        "notification-settings": "/notifications/settings/",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "account-email": "/accounts/email/",
        "account-2fa": "/accounts/2fa/",
        "privacy": "/privacy/",
        "data": "/me/data/",
        "close": "/me/close/",
        "admin-dashboard": "/admin/",
        "admin-editor": f"/admin/pages/{write_up.pk}/edit/",
    }


def _learning_urls() -> dict[str, str]:
    """The learning pages on the demo's stewardship programme, its 2026 cohort and stroke group."""
    from learning.models import Cohort, LearningModulePage, ProgrammePage, Team, ValueExercise

    programme = ProgrammePage.objects.get(slug="stewardship-groups")
    cohort = Cohort.objects.get(programme=programme, name="2026 cohort")
    stroke = Team.objects.get(cohort=cohort, name="Stroke stewardship group")
    module = LearningModulePage.objects.live().get(slug="pdsa-cycles")
    return {
        "programmes": programme.get_parent().url,
        "programme": programme.url,
        "module": module.url,
        "learning-record": "/learning/record/",
        "self-assessment": f"/learning/programmes/{programme.pk}/self-assessment/",
        "self-assessment-summary": f"/learning/programmes/{programme.pk}/self-assessment/summary/",
        "cohort": f"/learning/cohorts/{cohort.pk}/",
        "nominate": f"/learning/cohorts/{cohort.pk}/nominate/",
        "cohort-dashboard": f"/learning/cohorts/{cohort.pk}/dashboard/",
        "applications": f"/learning/cohorts/{cohort.pk}/applications/",
        "team": f"/learning/teams/{stroke.pk}/",
        "value-exercise": f"/learning/value/{ValueExercise.objects.get(community=stroke.community).pk}/",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSite:
    """The site on its demo content in a temporary directory, served by uvicorn on a free port."""

    def __init__(self, log=sys.stderr) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="boost-gallery-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None
        self.urls: dict[str, str] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "boost.settings.dev",
            "DEBUG": "false",
            "SECRET_KEY": "gallery-only-not-a-secret",
            "DATABASE_URL": f"sqlite:///{self.directory / 'db.sqlite3'}",
            "TASK_BACKEND": "immediate",
            "MEDIA_ROOT": str(self.directory / "media"),
            "STATIC_ROOT": str(self.directory / "static"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        for name in ("REDIS_URL", "ELASTICSEARCH_URL", "EMAIL_HOST"):
            self.env.pop(name, None)

    def _manage(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def start(self) -> DemoSite:
        print("Building the demo site (migrate, demo content, static files)…", file=self.log)
        self._manage("migrate", "--noinput", "-v", "0")
        self._manage("load_demo", "--quiet", "--password", PASSWORD)
        self._manage("collectstatic", "--noinput", "-v", "0")
        code = "import json; from boost.gallery import resolve_urls; print(json.dumps(resolve_urls()))"
        self.urls = json.loads(self._manage("shell", "-v", "0", "-c", code).strip().splitlines()[-1])
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("uvicorn")),
                "boost.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws",
                "websockets-sansio",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "server.log").open("w"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the gallery server did not start; see {self.directory / 'server.log'}")

    def totp_code(self) -> str:
        return self._manage("demo_totp").strip()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def signed_in_context(browser, site: DemoSite, audience: str):
    """A browser context signed in as ``audience``'s demo account, through the sign-in form."""
    context = browser.new_context(base_url=site.url, viewport={"width": WIDTHS[-1], "height": 900})
    context.set_default_timeout(30_000)
    email = AUDIENCES[audience]
    if email is None:
        return context
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    for _attempt in range(3):  # staff accounts: the demo authenticator's current code
        if "/2fa/" not in page.url:
            break
        # A code is good for its 30-second window only (no tolerance), and making one takes a
        # few seconds on a busy machine: start early in a window, and try the next if it closed.
        left = TOTP_PERIOD - time.time() % TOTP_PERIOD
        if left < 12:
            time.sleep(left + 0.5)
        page.fill("input[name=code]", site.totp_code())
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    if "/accounts/login/" in page.url or "/2fa/" in page.url:
        raise RuntimeError(f"could not sign in as {email} (still at {page.url})")
    page.close()
    return context


def show(page, url: str, width: int) -> int:
    """Open ``url`` at ``width`` px, wait for fonts and scripts; returns the HTTP status."""
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    return response.status if response else 0


def shots(site: DemoSite, out: Path, only: set[str], widths: tuple[int, ...]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    entries = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        for audience in AUDIENCES:
            wanted = [p for p in PAGE_TYPES if audience in p.audiences and (not only or p.key in only)]
            if not wanted:
                continue
            context = signed_in_context(browser, site, audience)
            page = context.new_page()
            for page_type in wanted:
                for width in widths:
                    status = show(page, site.urls[page_type.key], width)
                    name = f"{page_type.key}--{audience}--{width}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    entries.append(
                        {
                            "key": page_type.key,
                            "label": page_type.label,
                            "audience": audience,
                            "width": width,
                            "url": site.urls[page_type.key],
                            "status": status,
                            "file": name,
                        }
                    )
                    print(f"  {status} {audience:11} {width:4} {site.urls[page_type.key]}", file=sys.stderr)
            context.close()
        browser.close()
    return entries


def write_index(out: Path, entries: list[dict]) -> Path:
    """index.html: one row per page type and visitor, the widths side by side."""
    rows: dict[tuple[str, str], list[dict]] = {}
    for entry in entries:
        rows.setdefault((entry["key"], entry["audience"]), []).append(entry)
    parts = []
    for (_, audience), shots_in_row in rows.items():
        first = shots_in_row[0]
        cells = "".join(
            f'<figure><a href="{html.escape(s["file"])}"><img src="{html.escape(s["file"])}" '
            f'alt="{html.escape(first["label"])}, {audience}, {s["width"]} pixels wide" width="{s["width"] // 2}">'
            f"</a><figcaption>{s['width']} px · HTTP {s['status']}</figcaption></figure>"
            for s in shots_in_row
        )
        parts.append(
            f"<section><h2>{html.escape(first['label'])} <small>{audience} · "
            f"<code>{html.escape(first['url'])}</code></small></h2><div class=row>{cells}</div></section>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Boost gallery</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 1rem 2rem; background: #f0f4f5; color: #212b32; }}
section {{ margin-bottom: 2rem; }} h2 {{ font-size: 1.2rem; }} small {{ font-weight: normal; color: #4c6272; }}
.row {{ display: flex; gap: 1.5rem; align-items: flex-start; }}
figure {{ margin: 0; }} img {{ border: 1px solid #aeb7bd; background: #fff; height: auto; }}
</style></head><body>
<h1>Boost gallery</h1>
<p>{len(entries)} screenshots, taken {time.strftime("%Y-%m-%d %H:%M")}.
Each is the whole page; open one for full size.</p>
{"".join(parts)}
</body></html>
"""
    index = out / "index.html"
    index.write_text(page)
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".local" / "gallery", help="folder for the screenshots")
    parser.add_argument("--only", default="", help="comma-separated page types, e.g. home,thread")
    parser.add_argument("--width", type=int, action="append", help="viewport width (repeatable); 375 and 1280")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"The gallery needs Chromium at {CHROMIUM} (./bin/boost setup installs it).", file=sys.stderr)
        return 1
    only = {key for key in args.only.split(",") if key}
    unknown = only - {p.key for p in PAGE_TYPES}
    if unknown:
        parser.error(f"unknown page types: {', '.join(sorted(unknown))}")
    if args.out.exists():
        for old in args.out.glob("*.png"):
            old.unlink()
    args.out.mkdir(parents=True, exist_ok=True)
    with DemoSite() as site:
        entries = shots(site, args.out, only, tuple(args.width or WIDTHS))
    index = write_index(args.out, entries)
    print(f"{len(entries)} screenshots: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
