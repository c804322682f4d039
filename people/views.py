"""Follow, unfollow, watch and mute: POST forms that work without JavaScript. Thin: the services
decide; a refusal for something the person may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.models import Page

from boost.permissions import visible_pages
from people import feed, services
from people.forms import ExpertiseForm, FinderForm
from people.models import Follow, FollowKind


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the person acted on (``next``, this site only), else ``fallback``."""
    target = request.POST.get("next") or ""
    # A control character (a NUL byte from a hostile form) is never a page on this site.
    # Only a path on this site: redirect() would read any other string as a view name.
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(target)
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


# --- expertise and the people finder ---------------------------------------------------------------


@login_required
def edit_expertise(request: HttpRequest) -> HttpResponse:
    from people.models import Expertise, HelpOffer

    expertise = Expertise.objects.filter(user=request.user).prefetch_related("methods", "care_areas").first()
    offers = list(HelpOffer.objects.filter(user=request.user).values_list("text", flat=True))
    initial = {f"offer_{n}": text for n, text in enumerate(offers, start=1)}
    if expertise is not None:
        initial.update(
            methods=list(expertise.methods.all()),
            care_areas=list(expertise.care_areas.all()),
            region=expertise.region,
            open_to_visits=expertise.open_to_visits,
            open_to_calls=expertise.open_to_calls,
        )
    form = ExpertiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_expertise(
                user=request.user,
                methods=data["methods"],
                care_areas=data["care_areas"],
                region=data["region"],
                open_to_visits=data["open_to_visits"],
                open_to_calls=data["open_to_calls"],
                offers=[data["offer_1"], data["offer_2"], data["offer_3"]],
            )
        except services.PeopleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your expertise has been saved.")
            return redirect("accounts:profile", request.user.pk)
    return render(request, "people/expertise_form.html", {"form": form}, status=400 if form.errors else 200)


FINDER_PAGE_SIZE = 20


def people_finder(request: HttpRequest) -> HttpResponse:
    """Find people by method, care area, organisation, region and openness, among the profiles the
    viewer may see. A plain GET form."""
    from django.core.paginator import Paginator

    from people.expertise import find_people

    form = FinderForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    filters = form.cleaned_data if searched else {}
    people = find_people(
        request.user,
        name=filters.get("name", ""),
        method=filters.get("method"),
        care_area=filters.get("care_area"),
        organisation=filters.get("organisation", ""),
        region=filters.get("region", ""),
        open_to=filters.get("open_to", ""),
        request=request,
    )
    page = Paginator(people, FINDER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/finder.html",
        {"form": form, "page": page, "results": [_finder_row(person) for person in page.object_list]},
        status=400 if form.errors else 200,
    )


def _finder_row(person) -> dict:
    profile = person.profile
    expertise = getattr(person, "expertise", None)
    return {
        "pk": person.pk,
        "name": person.display_name,
        "organisation": profile.organisation if profile.show_organisation else "",
        "job_title": profile.job_title if profile.show_profession else "",
        "region": expertise.get_region_display() if expertise and expertise.region else "",
        "methods": [method.name for method in expertise.methods.all()] if expertise else [],
        "open_to_visits": bool(expertise and expertise.open_to_visits),
        "open_to_calls": bool(expertise and expertise.open_to_calls),
    }
