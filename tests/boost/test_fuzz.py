"""Property-based fuzzing of every way in: URL paths, form posts and thread-socket frames.

Hostile input must get a clear refusal, never a server error, never a dropped socket, and never a
stored change. Three properties, each over everything the site offers:

- every URL pattern the project resolves (its own, Wagtail's and allauth's), with extreme and
  malformed path values: ids beyond 64 bits, negative and zero, unicode, NUL and broken UTF-8 as
  percent-escapes, very long strings; as an admin (who reaches the deepest code) and signed out;
- every form on the pages of a small world (its fields found by reading the pages, as a robot
  would), posted with NUL, lone surrogates, 100,000-character strings and huge numbers; a refused
  post (the form again, or a 4xx) leaves the database exactly as it was;
- every action of the discussion thread socket with extreme field values and malformed frames:
  each gets an answer on an open socket, and a refused one stores nothing.

Runtime is bounded (modest ``max_examples``, no deadline): the whole file runs in about two minutes on
a busy machine. It runs on SQLite and, with ``DATABASE_URL`` set, on PostgreSQL, where NUL and
sizes behave differently.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.db import connection
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from communities.models import Access, Membership
from discussions.routing import websocket_urlpatterns
from tests.factories.communities import add_member, make_event
from tests.factories.discussions import join, make_community, make_thread, post
from tests.factories.ecomaps import make_map
from tests.factories.projects import make_measure, make_project

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    deadline=None,
    derandomize=True,  # the same examples on every run and database: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- URL patterns --------------------------------------------------------------------------------

PLACEHOLDER = "\ue000"
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
EXTREME_PATH_VALUES = [
    "99999999999999999999",
    "9223372036854775808",  # 2⁶³: one past the largest id
    "18446744073709551616",  # 2⁶⁴
    "0",
    "-1",
    "%00",
    "x%00y",
    "%ED%A0%80",  # a lone surrogate, UTF-8-encoded: not valid UTF-8
    "%C0%AF",  # an overlong "/"
    "%FF%FE",
    "%C3%BCn%C3%AFc%C3%B8d%C3%A9",
    "%F0%9F%98%80",
    "a" * 5000,
    "%2e%2e%2f%2e%2e%2f",
    "1e309",
]
path_values = st.one_of(
    st.sampled_from(EXTREME_PATH_VALUES),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).map(lambda s: quote(s, safe="")),
    st.binary(min_size=1, max_size=12).map(lambda b: quote(b, safe="")),
)


def _regex_template(source: str) -> str | None:
    """A regex route as literal text with PLACEHOLDER for each top-level group, or None when the
    route has optional or repeated parts that cannot be written as one literal path."""
    source = source.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    out, depth, i = [], 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if depth == 0:
                escaped = source[i + 1]
                if escaped.isalnum():
                    return None
                out.append(escaped)
            i += 2
            continue
        if char == "(":
            if depth == 0:
                if source.startswith("(?:", i):
                    return None
                out.append(PLACEHOLDER)
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            if char in ".*+?[]{}|^$":
                return None
            out.append(char)
        i += 1
    return "".join(out)


def _templates(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern.pattern, RoutePattern):
            part = ROUTE_PARAMETER.sub(PLACEHOLDER, str(pattern.pattern))
        else:
            part = _regex_template(pattern.pattern.regex.pattern)
            if part is None:
                continue
        if isinstance(pattern, URLResolver):
            yield from _templates(pattern, prefix + part)
        else:
            yield "/" + prefix + part


def parameterised_routes() -> list[str]:
    """Every resolvable route that takes path values, as a template with PLACEHOLDERs."""
    return sorted({template for template in _templates() if PLACEHOLDER in template})


def fill(template: str, values: list[str]) -> str:
    parts = template.split(PLACEHOLDER)
    return parts[0] + "".join(value + rest for value, rest in zip(values, parts[1:], strict=True))


def _request(client, method: str, url: str):
    response = client.get(url) if method == "get" else client.post(url)
    assert response.status_code < 500, f"{method.upper()} {url[:200]} answered {response.status_code}"
    return response


def test_the_route_list_covers_the_project_wagtail_and_allauth():
    routes = parameterised_routes()
    assert any(route.startswith("/people/") for route in routes)
    assert any(route.startswith("/admin/pages/") for route in routes)
    assert any(route.startswith("/accounts/") for route in routes)
    assert len(routes) > 150


def test_every_route_with_an_id_beyond_64_bits(client, admin_user):
    """Each parameterised route, as an admin, with the value the issue found answering 500."""
    client.force_login(admin_user)
    for template in parameterised_routes():
        _request(client, "get", fill(template, ["99999999999999999999"] * template.count(PLACEHOLDER)))


def test_routes_with_generated_path_values(client, admin_user):
    routes = parameterised_routes()

    @hypothesis_settings(FUZZ, max_examples=100)
    @given(data=st.data(), signed_in=st.booleans(), method=st.sampled_from(["get", "post"]))
    def check(data, signed_in, method):
        template = data.draw(st.sampled_from(routes))
        values = data.draw(
            st.lists(path_values, min_size=template.count(PLACEHOLDER), max_size=template.count(PLACEHOLDER))
        )
        if signed_in:
            client.force_login(admin_user)
        else:
            client.logout()
        _request(client, method, fill(template, values))

    check()


# --- Forms ---------------------------------------------------------------------------------------

HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "a" * 100_000,
    "9" * 25,
    "-" + "9" * 25,
    "1e309",
    "NaN",
    "-Infinity",
    "99999-12-31",
    "0000-00-00",
    "[" * 5000,
    "<script>alert(1)</script>",
    "\u202e\u200b\ufeff",
    "@[" + "a" * 300 + "]",
    "",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=200),
    st.integers(min_value=-(2**90), max_value=2**90).map(str),
)


class _FormReader(HTMLParser):
    """The POST (and GET) forms on a page: action, method, fields with their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "choices": {},
                "buttons": [],
            }
            self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                return
            if kind in ("submit", "button"):
                self._form["buttons"].append((name, attrs.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                self._form["choices"].setdefault(name, []).append(attrs.get("value") or "on")
                if "checked" in attrs or name not in self._form["fields"]:
                    self._form["fields"][name] = attrs.get("value") or "on"
            else:
                self._form["fields"][name] = attrs.get("value") or ""
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            self._form["buttons"].append((name, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self._form["fields"][name] = ""
        elif tag == "select":
            self._select = name
            self._form["fields"][name] = ""
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            self._form["choices"].setdefault(self._select, []).append(value)
            if "selected" in attrs or not self._form["fields"][self._select]:
                self._form["fields"][self._select] = value

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


# Forms that end the session the fuzzing runs in, or that only the browser's JavaScript sends.
SKIPPED_ACTIONS = ("/accounts/logout/", "/me/close/", "/accounts/2fa/", "/accounts/passkey")
# Tables that legitimately change on any request (sessions, sign-in records) are not compared.
SNAPSHOT_APPS = {
    "accounts",
    "communities",
    "projects",
    "discussions",
    "ecomaps",
    "privacy",
    "boost",
    "wagtailcore",
    "wagtaildocs",
    "wagtailimages",
}


def snapshot() -> dict[str, int]:
    """A fingerprint of every row the site stores about its content and people."""
    state = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label in SNAPSHOT_APPS and not model._meta.proxy:
                # The raw rows, as the database holds them: no field conversion on the way.
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                state[model._meta.label] = hash(tuple(sorted(map(repr, cursor.fetchall()))))
    return state


@pytest.fixture
def world(db, admin_user, member, other_member):
    """A little of everything, with the admin as a facilitator and author, so every form shows."""
    community = make_community(title="Discharge")
    community.access = Access.REQUEST
    community.save()
    join(admin_user, community, role=Membership.Role.FACILITATOR)
    join(member, community)
    add_member(other_member, community, state=Membership.State.PENDING)
    thread = make_thread(member, community, title="Criteria-led discharge")
    theirs = post(member, thread, body="A reply to moderate")
    project = make_project(admin_user, title="Shorter waits")
    measure = make_measure(project, [10 + i for i in range(12)])
    event = make_event(community)
    ecomap = make_map(admin_user, community)
    return {
        "community": community,
        "thread": thread,
        "message": theirs,
        "project": project,
        "measure": measure,
        "event": event,
        "map": ecomap,
    }


def pages_with_forms(world, admin_user, member) -> list[str]:
    community, project, thread = world["community"], world["project"], world["thread"]
    measure, event, message, ecomap = world["measure"], world["event"], world["message"], world["map"]
    slug = community.slug
    return [
        "/search/?q=discharge",
        "/me/profile/",
        "/notifications/settings/",
        "/me/data/",
        "/communities/propose/",
        community.url,
        f"/communities/{slug}/members/",
        f"/communities/{slug}/requests/",
        f"/communities/{slug}/invite/",
        f"/communities/{slug}/events/new/",
        f"/communities/{slug}/events/{event.pk}/",
        f"/communities/{slug}/events/{event.pk}/edit/",
        f"/communities/{slug}/events/{event.pk}/cancel/",
        f"/communities/{slug}/leave/",
        f"/discussions/community/{community.pk}/",
        f"/discussions/community/{community.pk}/new/",
        f"/discussions/community/{community.pk}/moderation/",
        f"/discussions/page/{project.pk}/ask/",
        f"/discussions/{thread.pk}/",
        f"/discussions/messages/{message.pk}/edit/",
        f"/discussions/messages/{message.pk}/delete/",
        f"/discussions/messages/{message.pk}/flag/",
        "/improvement/write/",
        project.url,
        f"/improvement/{project.pk}/edit/about/",
        f"/improvement/{project.pk}/team/",
        f"/improvement/{project.pk}/measures/",
        f"/improvement/{project.pk}/measures/{measure.pk}/",
        f"/improvement/{project.pk}/submit/",
        f"/improvement/{project.pk}/adopt/",
        f"/improvement/{project.pk}/contact/",
        f"/maps/community/{slug}/",
        f"/maps/{ecomap.pk}/",
    ]


def find_forms(client, urls: list[str]) -> list[dict]:
    found, seen = [], set()
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page_url = response.request["PATH_INFO"]
        reader = _FormReader()
        reader.feed(response.content.decode())
        for form in reader.forms:
            action = urljoin(page_url, form["action"]) if form["action"] else url
            form["action"] = action
            key = (urlsplit(action).path, form["method"], tuple(sorted(form["fields"])))
            if key in seen or any(skip in action for skip in SKIPPED_ACTIONS):
                continue
            if not form["fields"] or urlsplit(action).netloc:
                continue
            seen.add(key)
            found.append(form)
    return found


def _encoded(fields: dict[str, str]) -> str:
    """A form body as a hostile client can send it: a lone surrogate goes as its raw UTF-8-style bytes."""
    return "&".join(
        f"{quote(name, safe='')}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in fields.items()
    )


def _submit(client, form: dict, fields: dict[str, str]):
    if form["method"] == "post":
        return client.post(form["action"], _encoded(fields), content_type="application/x-www-form-urlencoded")
    url = urlsplit(form["action"])
    query = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in fields.items()})
    return client.get(f"{url.path}?{query}")


def test_every_form_with_extreme_field_values(client, world, admin_user, member, settings):
    # Limits would answer 429 before the forms are reached; they have their own tests.
    settings.RATE_LIMITS = {}
    settings.DISCUSSIONS_RATE_LIMIT = (0, 60)
    client.force_login(admin_user)
    forms = find_forms(client, pages_with_forms(world, admin_user, member))
    client.logout()
    forms += find_forms(client, ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"])
    assert len(forms) >= 25, [form["action"] for form in forms]

    for form in forms:
        fuzz_form(client, admin_user, form)()


def fuzz_form(client, admin_user, form: dict):
    """A property over one form: any mix of its current values and hostile ones."""
    signed_in = not form["action"].startswith("/accounts/")

    @hypothesis_settings(FUZZ, max_examples=4)
    @given(data=st.data())
    def check(data):
        if signed_in:
            client.force_login(admin_user)
        else:
            client.logout()
        fields = {
            name: data.draw(st.one_of(st.just(value), hostile_text), label=name)
            for name, value in form["fields"].items()
        }
        if form["buttons"]:
            name, value = data.draw(st.sampled_from(form["buttons"]), label="button")
            fields[name] = value
        before = snapshot()
        response = _submit(client, form, fields)
        where = f"{form['method'].upper()} {form['action']}"
        assert response.status_code < 500, f"{where} answered {response.status_code}"
        if form["method"] == "post" and (response.status_code == 200 or 400 <= response.status_code < 500):
            # Refused (the form again with its errors, or a 4xx): nothing stored.
            changed = {label for label, value in snapshot().items() if before.get(label) != value}
            assert not changed, f"{where} refused the input but changed {sorted(changed)}"

    return check


# --- The discussion thread socket ----------------------------------------------------------------

socket_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([value for value in HOSTILE_VALUES if len(value) < 10_000] + ["a" * 100_000]),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
ACTIONS = [
    "resume",
    "post",
    "edit",
    "delete",
    "source",
    "react",
    "flag",
    "hide",
    "unhide",
    "pin",
    "lock",
    "typing",
    "read",
    "ping",
    "whoami",
    "__init__",
    "\ud800",
    "a" * 1000,
]
socket_frames = st.one_of(
    st.fixed_dictionaries(
        {"action": st.sampled_from(ACTIONS)},
        optional=dict.fromkeys(
            ("id", "body", "reason", "kind", "value", "client_id", "since", "reply_to", "ref"), socket_values
        ),
    ).map(lambda frame: json.dumps(frame)),
    st.sampled_from(
        [
            "[" * 100_000,
            "{" * 10_000,
            '{"action": "post", "body": "\\u0000", "client_id": "c1"}',
            '{"action": "post", "body": "\\ud800", "client_id": "c2"}',
            '{"action": "post", "body": "' + "a" * 100_000 + '", "client_id": "c3"}',
            '{"action": 1e999}',
            "null",
            "not json",
            " ",
        ]
    ),
    st.text(min_size=1, max_size=100),
)


@pytest.fixture
def socket_world(db, admin_user, member):
    community = make_community(title="Discharge")
    join(admin_user, community, role=Membership.Role.FACILITATOR)
    join(member, community)
    thread = make_thread(member, community, title="Criteria-led discharge")
    post(member, thread, body="Something to react to")
    return thread


@pytest.mark.django_db(transaction=True)
@hypothesis_settings(FUZZ, max_examples=50)
@given(frame=socket_frames)
async def test_socket_actions_with_extreme_values(socket_world, admin_user, settings, frame):
    settings.RATE_LIMITS = {}
    settings.DISCUSSIONS_RATE_LIMIT = (0, 60)
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/discussions/thread/{socket_world.pk}/")
    socket.scope["user"] = admin_user
    assert (await socket.connect())[0]
    before = await database_sync_to_async(snapshot)()
    await socket.send_to(text_data=frame)
    # "whoami" waits in the socket's queue behind the fuzzed action: its answer means that one is done.
    await socket.send_json_to({"action": "whoami", "ref": "after-fuzz"})
    answers = []
    while True:
        output = await socket.receive_output(timeout=10)
        assert output["type"] == "websocket.send", f"the socket closed after {frame[:200]!r}: {output}"
        answer = json.loads(output["text"])
        if answer.get("ref") == "after-fuzz":
            break
        answers.append(answer)
    errors = [answer for answer in answers if answer.get("type") == "error"]
    assert not [error for error in errors if error.get("code") == "server_error"], (frame[:200], errors)
    if errors:
        assert await database_sync_to_async(snapshot)() == before, f"{frame[:200]!r} was refused but stored"
    await socket.disconnect()
