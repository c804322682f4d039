"""Follow, unfollow, watch and mute: POST forms that work without JavaScript. Thin: the services
decide; a refusal for something the person may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.models import Page

from boost.permissions import visible_pages
from people import feed, services
from people.models import Follow, FollowKind


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the person acted on (``next``, this site only), else ``fallback``."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _run(request: HttpRequest, verb, **kwargs):
    try:
        return verb(user=request.user, **kwargs)
    except services.NotFound:
        raise Http404("Not found") from None
    except services.PeopleError as error:
        messages.error(request, error.message)
        return None


@login_required
@require_POST
def follow_page(request: HttpRequest, page_id: int) -> HttpResponse:
    follow = _run(request, services.follow_page, page_id=page_id)
    if follow is not None:
        messages.success(request, f"You are following {follow.page.title}.")
        return _back(request, follow.page.url or "/")
    return _back(request, "/")


@login_required
@require_POST
def unfollow_page(request: HttpRequest, page_id: int) -> HttpResponse:
    _run(request, services.unfollow_page, page_id=page_id)
    messages.success(request, "You are no longer following it.")
    return _back(request, "people:following")


@login_required
@require_POST
def follow_person(request: HttpRequest, user_id: int) -> HttpResponse:
    follow = _run(request, services.follow_person, person_id=user_id)
    if follow is not None:
        messages.success(request, f"You are following {follow.person.display_name}.")
    return _back(request, reverse("accounts:profile", args=[user_id]))


@login_required
@require_POST
def unfollow_person(request: HttpRequest, user_id: int) -> HttpResponse:
    _run(request, services.unfollow_person, person_id=user_id)
    messages.success(request, "You are no longer following them.")
    return _back(request, "people:following")


@login_required
@require_POST
def watch_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    level = request.POST.get("level", "")
    watch = _run(request, services.set_thread_watch, thread_id=thread_id, level=level)
    if level in {"watch", "mute", "none"}:
        text = {
            "watch": "You are watching this discussion: its replies reach your feed.",
            "mute": "You have muted this discussion: nothing from it reaches your feed.",
            "none": "This discussion is back to your usual settings.",
        }[level]
        if watch is not None or level == "none":
            messages.success(request, text)
    return _back(request, reverse("discussions:thread", args=[thread_id]))


@login_required
def following(request: HttpRequest) -> HttpResponse:
    """Everything the person follows, grouped by kind, each with an unfollow button."""
    follows = list(
        Follow.objects.filter(user=request.user).select_related("page", "person__profile").order_by("kind", "-id")
    )
    groups = [
        {"kind": kind, "label": label, "items": [follow for follow in follows if follow.kind == kind]}
        for kind, label in [
            (FollowKind.COMMUNITY, "Communities"),
            (FollowKind.PROJECT, "Write-ups"),
            (FollowKind.PRIORITY, "Priorities"),
            (FollowKind.PERSON, "People"),
        ]
    ]
    page_ids = [follow.page_id for follow in follows if follow.page_id]
    # What has since become private or unpublished is listed without its title, so it can be unfollowed.
    visible = set(
        visible_pages(Page.objects.filter(pk__in=page_ids), request.user, request=request).values_list("pk", flat=True)
    )
    return render(request, "people/following.html", {"groups": groups, "total": len(follows), "visible": visible})


def feed_items(page: feed.FeedPage, request: HttpRequest) -> list[dict]:
    return [
        {
            "text": feed.describe(event),
            "url": feed.target_url(event, request),
            "when": event.created_at,
            "kind": event.get_kind_display(),
            "good": event.signal_id is not None and event.signal.is_improvement,
        }
        for event in page.items
    ]


@login_required
def activity_feed(request: HttpRequest) -> HttpResponse:
    """The whole feed, page by page, older items after a signed cursor (a changed one is a 400)."""
    try:
        page = feed.feed_page(request.user, cursor=request.GET.get("before"), request=request)
    except feed.BadCursor as error:
        return render(request, "people/feed_bad_cursor.html", {"message": error.message}, status=400)
    return render(
        request,
        "people/feed.html",
        {
            "items": feed_items(page, request),
            "next_cursor": page.next_cursor,
            "first_page": not request.GET.get("before"),
            "upcoming": feed.upcoming_events(request.user) if not request.GET.get("before") else [],
        },
    )
