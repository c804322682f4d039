"""Follow every internal link from the home page, as a given visitor, with Django's test client.

Used by the site-wide checks: no page answers 5xx, every page is valid HTML (Nu checker) and
passes axe-core. Demo content gives the crawl something realistic to walk through.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.core.management import call_command

SKIP_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/accounts/logout/")
SKIP_SUFFIXES = (".ics", ".csv", ".xml", ".json", ".png", ".svg")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@dataclass
class CrawledPage:
    url: str
    status: int
    html: str


def load_demo_content() -> None:
    call_command("load_demo", "--quiet", "--password", "crawl-password-123")


MEMBER = "tom.hughes@boost.localhost"
CURATOR = "curator@boost.localhost"
SUSPENDED = "joan.murray@boost.localhost"


def load_known_pages() -> dict[str | None, list[str]]:
    """Pages the demo content does not link to (or has nothing for), by who should see them: an
    eco-map with its text-only view, the moderation screens, privacy and account pages.

    Call after :func:`load_demo_content`; it adds a map to a community its facilitator leads."""
    from accounts.models import User
    from communities.models import Membership
    from tests.factories.ecomaps import make_map

    lead = Membership.objects.filter(role=Membership.Role.FACILITATOR).select_related("user", "community").first()
    ecomap = make_map(lead.user, lead.community)
    member = User.objects.get(email=MEMBER)
    learning = learning_pages(member)
    known = {
        None: [
            "/privacy/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/people/",
            *learning[None],
        ],
        MEMBER: [
            "/me/data/",
            "/me/close/",
            "/accounts/2fa/",
            "/accounts/2fa/totp/activate/",
            "/me/following/",
            "/me/feed/",
            "/me/expertise/",
            "/me/visits/",
            "/people/",
            "/people/?method=zero-day-tracking-list&open_to=visits",
            "/me/api-tokens/",
            "/messages/",
            "/notifications/settings/",
            *_conversation_pages(member),
            *learning[MEMBER],
        ],
        lead.user.email: [
            f"/maps/{ecomap.pk}/",
            f"/maps/{ecomap.pk}/?view=list",
            f"/maps/{ecomap.pk}/import/",
            f"/maps/{ecomap.pk}/changes/",
            f"/maps/{ecomap.pk}/review/",
            f"/maps/{ecomap.pk}/suggestions/",
            f"/maps/{ecomap.pk}/work/",
            f"/maps/{ecomap.pk}/changes/compare/?older=2&newer={ecomap.version}",
            f"/maps/{ecomap.pk}/changes/compare/?older=1&newer=99999",
            f"/maps/{ecomap.pk}/stations/provider/edit/",
            f"/maps/{ecomap.pk}/journeys/mrs-a/edit/",
        ],
        CURATOR: [
            "/moderation/",
            "/moderation/suspensions/",
            f"/moderation/people/{member.pk}/suspend/",
            "/analytics/",
            "/analytics/?start=2026-05-01&end=2026-01-01",
            *learning[CURATOR],
        ],
    }
    for email, urls in _visit_pages().items():
        known.setdefault(email, []).extend(urls)
    return known


def _conversation_pages(member) -> list[str]:
    """The demo's private conversation (Tom's), and the form for writing to the other person in it."""
    from discussions.models import Participant

    mine = Participant.objects.filter(user=member, thread__is_direct=True).select_related("thread").first()
    if mine is None:
        return []
    from discussions.conversations import pick_candidates

    other = Participant.objects.filter(thread_id=mine.thread_id).exclude(user=member).first()
    pages = [
        f"/discussions/{mine.thread_id}/",
        f"/messages/new/?to={other.user_id}",
        "/messages/new/?q=nobody-by-this-name",
    ]
    # The people picker with results, and refusing an id it did not offer (an error summary).
    found = pick_candidates(member, "e", exclude=[other.user_id], limit=1)
    if found:
        first_name = found[0].display_name.split()[0]
        picked = f"/messages/new/?to={other.user_id}&q={first_name}"
        pages += [picked, f"{picked}&add={found[0].pk}", f"{picked}&add=999999999"]
    return pages


def _visit_pages() -> dict[str, list[str]]:
    """The demo's offered visit: its team's page, and the request form for the member."""
    from people.models import VisitOffer

    offer = VisitOffer.objects.select_related("offered_by").first()
    if offer is None:
        return {}
    return {
        offer.offered_by.email: [f"/visits/write-up/{offer.project_id}/", "/me/visits/"],
        MEMBER: [f"/visits/{offer.pk}/request/"],
    }


def learning_pages(member) -> dict[str | None, list[str]]:
    """A learning module the member has half done (answers, feedback, a reflection), their record
    with a certificate, and the certificate's public check."""
    from learning import services
    from learning.models import LearningModulePage, ProgrammePage

    fundamentals = ProgrammePage.objects.get(slug="improvement-fundamentals")
    modules = fundamentals.module_pages()
    for module in modules:
        for block in module.checks():
            right = next(n for n, option in enumerate(block.value["options"]) if option["correct"])
            services.answer_check(user=member, module=module, block_id=block.id, choice=right)
        services.complete_module(user=member, module=module)
    certificate = services.issue_certificate(user=member, programme=fundamentals)
    from learning import assessment

    # A "before" self-assessment, so the member's page shows their levels and the "after" form.
    framework = assessment.framework_for(fundamentals)
    levels = {domain["key"]: 2 for domain in framework.domain_list()}
    assessment.record_self_assessment(user=member, programme=fundamentals, stage="before", levels=levels)
    stewardship = ProgrammePage.objects.get(slug="stewardship-groups")
    manager_link = _manager_link(member)
    started = LearningModulePage.objects.get(slug="model-for-improvement")
    from learning.models import Cohort, Team, ValueExercise

    cohort = Cohort.objects.get(name="2026 cohort")
    stroke = Team.objects.get(name="Stroke stewardship group")
    msk = Team.objects.get(name="MSK stewardship group")
    exercise = ValueExercise.objects.get(community=stroke.community)
    session = cohort.community.events.order_by("starts_at").first()
    return {
        None: [
            f"/learning/certificates/{certificate.code}/",
            "/learning/value/priorities/stroke-care/",
            manager_link,
        ],
        MEMBER: [
            "/learning/record/",
            started.url,
            f"/learning/cohorts/{cohort.pk}/",
            f"/learning/teams/{msk.pk}/",
            f"/learning/programmes/{fundamentals.pk}/self-assessment/",
            f"/learning/programmes/{stewardship.pk}/self-assessment/",
            f"/learning/cohorts/{cohort.pk}/nominate/",
            f"/learning/cohorts/{cohort.pk}/line-manager/",
        ],
        CURATOR: [
            f"/learning/programmes/{stewardship.pk}/self-assessment/summary/",
            f"/learning/programmes/{fundamentals.pk}/self-assessment/summary/",
            f"/learning/cohorts/{cohort.pk}/dashboard/",
            f"/learning/cohorts/{cohort.pk}/applications/",
            f"/learning/teams/{stroke.pk}/",
            f"/learning/value/{exercise.pk}/",
            f"/learning/value/community/{stroke.community_id}/",
            f"/learning/sessions/{session.pk}/attendance/",
            "/learning/value/priorities/stroke-care/",
        ],
    }


def _learning_check_url() -> str:
    from learning.models import LearningModulePage

    module = LearningModulePage.objects.get(slug="pdsa-cycles")
    return f"/learning/modules/{module.pk}/checks/{module.checks()[0].id}/"


def _manager_link(member) -> str:
    """The member asks their line manager to confirm protected time: the manager's page (public)."""
    from django.urls import reverse

    from learning import nominations
    from learning.models import Application, Cohort, ManagerConfirmation

    application = Application.objects.get(cohort=Cohort.objects.get(name="2026 cohort"), user=member)
    confirmation = ManagerConfirmation.objects.filter(application=application, decision="").first()
    if confirmation is None:
        confirmation = nominations.request_manager_confirmation(
            actor=member, application=application, manager_email="line.manager@example.nhs.uk", days_per_month="1.5"
        )
    return reverse("learning:manager_confirm", args=[nominations.link_token(confirmation)])


def _nominate_url() -> str:
    from learning.models import Cohort

    return f"/learning/cohorts/{Cohort.objects.get(name='2026 cohort').pk}/nominate/"


def _self_assessment_url() -> str:
    from learning.models import ProgrammePage

    return f"/learning/programmes/{ProgrammePage.objects.get(slug='stewardship-groups').pk}/self-assessment/"


def recently_signed_in(client) -> None:
    """Record in the session what allauth records on a password sign-in, so the pages it guards
    with "confirm your password first" (two-step verification) show themselves to the crawl."""
    session = client.session
    session["account_authentication_methods_user"] = session["_auth_user_id"]
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session.save()


# Forms posted empty, by who may post them: each page is checked once with its errors shown.
FORMS_WITH_ERRORS: dict[str | None, list[str]] = {
    None: ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "{manager_link}"],
    MEMBER: [
        "/me/close/",
        "/accounts/2fa/totp/activate/",
        "/me/api-tokens/",
        "/messages/new/",
        "{learning_check}",
        "{self_assessment}",
        "{nominate}",
    ],
    CURATOR: ["/moderation/people/{member}/suspend/"],
}


def forms_with_errors(client, email: str | None) -> list[CrawledPage]:
    """Each of ``email``'s forms posted empty: the page answered with its error messages."""
    from accounts.models import User
    from ecomaps.models import EcoMap

    member = User.objects.get(email=MEMBER)
    urls = list(FORMS_WITH_ERRORS.get(email, []))
    # The eco-map import, posted by the facilitator whose map load_known_pages made.
    ecomap = EcoMap.objects.select_related("created_by").order_by("-pk").first()
    if ecomap and email and ecomap.created_by and ecomap.created_by.email == email:
        urls += [
            f"/maps/{ecomap.pk}/import/",
            f"/maps/{ecomap.pk}/stations/provider/edit/",
            f"/maps/{ecomap.pk}/journeys/mrs-a/edit/",
            f"/maps/{ecomap.pk}/suggestions/",
        ]
    pages = []
    for url in urls:
        url = url.format(
            member=member.pk,
            learning_check=_learning_check_url(),
            self_assessment=_self_assessment_url(),
            nominate=_nominate_url(),
            manager_link=_manager_link(member),
        )
        # One blank key: an empty POST is falsy, and ``Form(request.POST or None)`` would stay unbound.
        response = client.post(url, {"crawl": ""})
        assert response.status_code in (200, 400), (url, response.status_code)
        assert b"nhsuk-error-message" in response.content, f"{url} posted empty shows no error"
        pages.append(
            CrawledPage(url=f"{url} (posted empty)", status=response.status_code, html=response.content.decode())
        )
    return pages


def status_pages(client_class) -> list[CrawledPage]:
    """Pages only a state shows: a suspended member's page and the 429 page (searching while signed
    out, over a limit of one an hour)."""
    from django.conf import settings
    from django.core.cache import cache

    from accounts import sanctions
    from accounts.models import User

    client = client_class()
    sanctions.suspend_member(
        actor=User.objects.get(email=CURATOR),
        member=User.objects.get(email=SUSPENDED),
        reason="Crawl check",
        ends_at=None,
        hide_content=False,
    )
    client.force_login(User.objects.get(email=SUSPENDED))
    suspended = client.get("/")
    pages = [CrawledPage(url="/ (suspended)", status=suspended.status_code, html=suspended.content.decode())]
    assert suspended.status_code == 403
    client = client_class()
    limits = settings.RATE_LIMITS
    settings.RATE_LIMITS = {**limits, "anonymous_search": "1/h"}
    try:
        cache.clear()
        client.get("/search/?q=care")
        limited = client.get("/search/?q=care")
    finally:
        settings.RATE_LIMITS = limits
        cache.clear()
    assert limited.status_code == 429
    pages.append(CrawledPage(url="/search/?q=care (429)", status=limited.status_code, html=limited.content.decode()))
    return pages


def crawl(client, *, start: str = "/", limit: int = 120, also: Sequence[str] = ()) -> list[CrawledPage]:
    """Breadth-first over same-site links; query strings are kept only for the first of each path.

    ``also`` are pages no link may reach for this visitor (or not within ``limit``): each is
    fetched first, query string and all, and its links are followed like any other page's."""
    seen_paths: set[str] = set()
    seen_urls: set[str] = set()
    queue: deque[str] = deque([*also, start])
    pages: list[CrawledPage] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in also:
            if url in seen_urls:
                continue
            seen_urls.add(url)
        elif path in seen_paths:
            continue
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        content_type = response.headers.get("Content-Type", "")
        html = response.content.decode() if "text/html" in content_type else ""
        pages.append(CrawledPage(url=url, status=response.status_code, html=html))
        if not html:
            continue
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            absolute, _ = urldefrag(urljoin(url, href))
            parts = urlsplit(absolute)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path not in seen_paths:
                queue.append(target)
    return pages
