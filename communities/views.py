"""Community views outside the Wagtail page itself: membership, member directory, events, calendars,
invitations and proposals. Thin: they check visibility, validate forms and call the services.

Privacy: every view finds its community through :func:`_community`, which raises 404 for anyone
who may not see it (and, for a discoverable private community, allows only the join paths).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Profile
from accounts.permissions import can_view_profile, visible_fields
from boost.converters import parse_id
from communities import ics, services
from communities.forms import (
    CancelEventForm,
    DeclineForm,
    EventForm,
    InviteForm,
    JoinRequestForm,
    ProposalDeclineForm,
    ProposalForm,
)
from communities.models import CommunityPage, CommunityProposal, Event, Membership, Rsvp
from communities.permissions import CommunityAccess, can_see_member_details, community_access, sees_all_communities

MEMBERS_PER_PAGE = 48
EVENTS_PER_PAGE = 20


def _community(request: HttpRequest, slug: str, *, teaser_ok: bool = False) -> tuple[CommunityPage, CommunityAccess]:
    community = CommunityPage.objects.filter(slug=slug).select_related("care_area").first()
    if community is None:
        raise Http404("No such community")
    access = community_access(request.user, community)
    if access.can_view or (teaser_ok and access.can_see_teaser):
        return community, access
    raise Http404("No such community")


def _moderator_community(request: HttpRequest, slug: str) -> tuple[CommunityPage, CommunityAccess]:
    community, access = _community(request, slug)
    if not access.can_moderate:
        # Members know the community exists, so a plain refusal hides nothing; outsiders got 404 above.
        raise Http404("Not found")
    return community, access


def _crumbs(community: CommunityPage, request: HttpRequest, *extra: dict) -> list[dict]:
    crumbs = [{"url": "/", "label": "Home"}]
    index = community.get_parent()
    crumbs.append({"url": index.get_url(request=request), "label": index.title})
    crumbs.append({"url": community.get_url(request=request), "label": community.title})
    return [*crumbs, *extra]


def _back(community: CommunityPage, request: HttpRequest) -> HttpResponse:
    """Back to where the person acted: a page of this site they came from (``next``), else the community."""
    target = request.POST.get("next") or request.GET.get("next")
    hosts = {request.get_host()}
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure()):
        return redirect(target)
    return redirect(community.get_url(request=request))


def _login_or_404(request: HttpRequest, community_slug: str, teaser_ok: bool = False):
    """Anonymous people are sent to log in only where the community is publicly listed."""
    if request.user.is_authenticated:
        return None
    community = CommunityPage.objects.filter(slug=community_slug).first()
    if community is None:
        raise Http404("No such community")
    access = community_access(request.user, community)
    if access.can_view or (teaser_ok and access.can_see_teaser):
        return redirect_to_login(request.get_full_path())
    raise Http404("No such community")


# --- Membership -------------------------------------------------------------------------


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    if response := _login_or_404(request, slug, teaser_ok=True):
        return response
    community, _ = _community(request, slug, teaser_ok=True)
    try:
        services.join_community(user=request.user, community=community)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have joined {community.title}.")
    return _back(community, request)


def request_join(request: HttpRequest, slug: str) -> HttpResponse:
    if response := _login_or_404(request, slug, teaser_ok=True):
        return response
    community, access = _community(request, slug, teaser_ok=True)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(user=request.user, community=community, message=form.cleaned_data["message"])
        except services.CommunityError as error:
            messages.error(request, str(error))
            return _back(community, request)
        messages.success(request, "Your request has been sent. We will email you when a facilitator answers.")
        return _back(community, request)
    return render(
        request,
        "communities/request_join.html",
        {"community": community, "access": access, "form": form, "crumbs": _crumbs(community, request)},
    )


def leave(request: HttpRequest, slug: str) -> HttpResponse:
    if response := _login_or_404(request, slug, teaser_ok=True):
        return response
    community, access = _community(request, slug, teaser_ok=True)
    if not (access.is_member or access.is_pending):
        raise Http404("Not a member")
    if request.method == "POST":
        try:
            services.leave_community(user=request.user, community=community)
        except services.CommunityError as error:
            messages.error(request, str(error))
            return _back(community, request)
        messages.success(
            request, "Your request has been withdrawn." if access.is_pending else f"You have left {community.title}."
        )
        # After leaving a private community the page would be a 404: go to the directory.
        if community.is_private and not access.sees_all:
            return redirect(community.get_parent().get_url(request=request))
        return _back(community, request)
    return render(
        request,
        "communities/leave.html",
        {"community": community, "access": access, "crumbs": _crumbs(community, request)},
    )


def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The member directory: profile cards that show only what each person chose to share."""
    if response := _login_or_404(request, slug):
        return response
    community, access = _community(request, slug)
    memberships = (
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE)
        .select_related("user__profile")
        .prefetch_related(Prefetch("user__profile__interests"))
        .order_by("-role", "user__profile__display_name", "user__email")
    )
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    cards = []
    for membership in page.object_list:
        person = membership.user
        profile: Profile = person.profile
        profile.user = person
        open_profile = can_view_profile(request.user, profile)
        details = open_profile or can_see_member_details(request.user, person, access)
        cards.append(
            {
                "membership": membership,
                "user": person,
                "shown": visible_fields(request.user, profile) if details else {"display_name": person.display_name},
                "profile_url": profile.get_absolute_url() if open_profile else "",
            }
        )
    return render(
        request,
        "communities/members.html",
        {
            "community": community,
            "access": access,
            "page_obj": page,
            "cards": cards,
            "crumbs": _crumbs(community, request),
        },
    )


@require_POST
def member_action(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    if response := _login_or_404(request, slug):
        return response
    community, _ = _moderator_community(request, slug)
    action = request.POST.get("action")
    verbs = {
        "remove": (services.remove_member, "{name} has been removed."),
        "promote": (services.make_facilitator, "{name} is now a facilitator."),
        "demote": (services.stop_facilitating, "{name} is no longer a facilitator."),
    }
    if action not in verbs:
        messages.error(request, "Choose what to do.")
    else:
        verb, done = verbs[action]
        try:
            membership = verb(actor=request.user, community=community, membership_id=membership_id)
        except services.CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done.format(name=membership.user.display_name))
    return redirect("communities:members", slug=community.slug)


def requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators answer requests to join."""
    if response := _login_or_404(request, slug):
        return response
    community, access = _moderator_community(request, slug)
    if request.method == "POST":
        membership_id = parse_id(request.POST.get("membership")) or 0  # 0: no such request
        try:
            if request.POST.get("action") == "approve":
                membership = services.approve_request(
                    actor=request.user, community=community, membership_id=membership_id
                )
                messages.success(request, f"{membership.user.display_name} is now a member.")
            else:
                form = DeclineForm(request.POST)
                form.is_valid()
                services.decline_request(
                    actor=request.user,
                    community=community,
                    membership_id=membership_id,
                    reason=form.cleaned_data.get("reason", ""),
                )
                messages.success(request, "The request has been declined and the person told.")
        except services.CommunityError as error:
            messages.error(request, str(error))
        return redirect("communities:requests", slug=community.slug)
    pending = (
        Membership.objects.filter(community=community, state=Membership.State.PENDING)
        .select_related("user__profile")
        .order_by("created_at")
    )
    return render(
        request,
        "communities/requests.html",
        {"community": community, "access": access, "pending": pending, "crumbs": _crumbs(community, request)},
    )


def invite(request: HttpRequest, slug: str) -> HttpResponse:
    if response := _login_or_404(request, slug):
        return response
    community, access = _moderator_community(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(actor=request.user, community=community, email=form.cleaned_data["email"])
        except services.CommunityError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("communities:invite", slug=community.slug)
    recent = community.invitations.select_related("used_by__profile")[:20]
    return render(
        request,
        "communities/invite.html",
        {
            "community": community,
            "access": access,
            "form": form,
            "recent": recent,
            "crumbs": _crumbs(community, request),
        },
    )


SESSION_INVITE_KEY = "communities_invitation_token"


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation link lands. New people sign up from here (their email counts as verified
    because the link proved they receive it) and join as soon as the account exists."""
    from allauth.account.adapter import get_adapter

    found = services.invitation_for_token(token)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.accept_invitation(user=request.user, token=token)
        except services.CommunityError as error:
            messages.error(request, str(error))
            return redirect("communities:invitation", token=token)
        request.session.pop(SESSION_INVITE_KEY, None)
        messages.success(request, f"Welcome to {membership.community.title}.")
        return redirect(membership.community.get_url(request=request))
    if (
        found is not None
        and request.user.is_authenticated
        and found.used_by_id == request.user.pk
        and Membership.objects.filter(user=request.user, community=found.community, state="active").exists()
    ):
        return redirect(found.community.get_url(request=request))
    problem = ""
    if found is None:
        problem = "This invitation link is not valid. Check you copied all of it."
    elif found.used_at is not None:
        problem = "This invitation has already been used. Ask a facilitator for a new one."
    elif found.is_expired:
        problem = "This invitation has expired. Ask a facilitator for a new one."
    if not problem and not request.user.is_authenticated:
        request.session[SESSION_INVITE_KEY] = token
        get_adapter(request).stash_verified_email(request, found.email)
    next_url = request.path
    return render(
        request,
        "communities/invitation.html",
        {
            "invitation": found,
            "problem": problem,
            "signup_url": f"{reverse('account_signup')}?next={next_url}",
            "login_url": f"{reverse('account_login')}?next={next_url}",
            "crumbs": [{"url": "/", "label": "Home"}],
        },
        status=404 if found is None else 200,
    )


# --- Events -----------------------------------------------------------------------------


def _event(community: CommunityPage, event_id: int) -> Event:
    event = Event.objects.filter(pk=event_id, community=community).with_going_count().first()
    if event is None:
        raise Http404("No such event")
    return event


def events(request: HttpRequest, slug: str) -> HttpResponse:
    community, access = _community(request, slug)
    upcoming = Event.objects.filter(community=community).upcoming().with_going_count()
    past = Event.objects.filter(community=community).past().with_going_count()
    past_page = Paginator(past, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Rsvp.objects.filter(user=request.user, event__community=community).values_list("event_id", "status")
        )
    feed_url = request.build_absolute_uri(reverse("communities:feed", args=[community.slug]))
    if community.is_private and access.is_member:
        feed_url += f"?token={access.membership.calendar_token}"
    return render(
        request,
        "communities/events.html",
        {
            "community": community,
            "access": access,
            "upcoming": list(upcoming[:50]),
            "past_page": past_page,
            "mine": mine,
            "feed_url": feed_url,
            "feed_is_personal": community.is_private and access.is_member,
            "crumbs": _crumbs(community, request),
        },
    )


def event_detail(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    community, access = _community(request, slug)
    event = _event(community, event_id)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        going = request.POST.get("answer") == "going"
        try:
            answer = services.rsvp(user=request.user, event=event, going=going)
        except services.CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                {
                    Rsvp.Status.GOING: "You are going. Add it to your calendar below.",
                    Rsvp.Status.WAITING: "The event is full, so you are on the waiting list. "
                    "We will email you if a place comes up.",
                    Rsvp.Status.NOT_GOING: "Thanks for letting us know you cannot come.",
                }[answer.status],
            )
        return redirect("communities:event", slug=community.slug, event_id=event.pk)
    mine = None
    position = None
    if request.user.is_authenticated:
        mine = Rsvp.objects.filter(event=event, user=request.user).first()
        if mine and mine.status == Rsvp.Status.WAITING:
            position = (
                Rsvp.objects.filter(
                    event=event, status=Rsvp.Status.WAITING, status_changed_at__lt=mine.status_changed_at
                ).count()
                + 1
            )
    attendees = []
    waiting_count = 0
    if access.can_moderate:
        attendees = list(
            Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING)
            .select_related("user__profile")
            .order_by("status_changed_at")
        )
        waiting_count = Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITING).count()
    places_left = None if event.capacity is None else max(event.capacity - event.going_count, 0)
    return render(
        request,
        "communities/event_detail.html",
        {
            "community": community,
            "access": access,
            "event": event,
            "mine": mine,
            "position": position,
            "attendees": attendees,
            "waiting_count": waiting_count,
            "places_left": places_left,
            "crumbs": _crumbs(
                community, request, {"url": reverse("communities:events", args=[community.slug]), "label": "Events"}
            ),
        },
    )


def event_form(request: HttpRequest, slug: str, event_id: int | None = None) -> HttpResponse:
    if response := _login_or_404(request, slug):
        return response
    community, access = _moderator_community(request, slug)
    event = _event(community, event_id) if event_id else None
    initial = EventForm.initial_for(event) if event else {"kind": Event.Kind.MEETING, "timezone": "Europe/London"}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if event:
                event = services.update_event(actor=request.user, event=event, **form.event_values())
            else:
                event = services.create_event(actor=request.user, community=community, **form.event_values())
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The event has been saved.")
            return redirect("communities:event", slug=community.slug, event_id=event.pk)
    return render(
        request,
        "communities/event_form.html",
        {
            "community": community,
            "access": access,
            "event": event,
            "form": form,
            "crumbs": _crumbs(
                community, request, {"url": reverse("communities:events", args=[community.slug]), "label": "Events"}
            ),
        },
    )


def event_cancel(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    if response := _login_or_404(request, slug):
        return response
    community, access = _moderator_community(request, slug)
    event = _event(community, event_id)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_event(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except services.CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The event has been cancelled and everyone who was going has been told.")
        return redirect("communities:event", slug=community.slug, event_id=event.pk)
    return render(
        request,
        "communities/event_cancel.html",
        {"community": community, "access": access, "event": event, "form": form, "crumbs": _crumbs(community, request)},
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def event_ics(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    community, _ = _community(request, slug)
    event = _event(community, event_id)
    url = request.build_absolute_uri(reverse("communities:event", args=[community.slug, event.pk]))
    return _ics_response(ics.event_calendar(event, url), f"{community.slug}-{event.pk}.ics")


def feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A subscribable calendar. For a private community, calendar apps (which carry no session)
    use the member's personal ``?token=``; it stops working when they leave."""
    community = CommunityPage.objects.filter(slug=slug).first()
    if community is None:
        raise Http404("No such community")
    access = community_access(request.user, community)
    token = request.GET.get("token", "")
    if not access.can_view:
        allowed = (
            bool(token)
            and community.live
            and Membership.objects.filter(
                community=community, state=Membership.State.ACTIVE, calendar_token=token
            ).exists()
        )
        if not allowed:
            raise Http404("No such community")
    events_qs = Event.objects.filter(community=community).order_by("starts_at")
    # Keep the feed small: everything still to come and the last few months.
    from datetime import timedelta

    from django.utils import timezone

    events_qs = events_qs.filter(ends_at__gte=timezone.now() - timedelta(days=120))
    base = request.build_absolute_uri("/").rstrip("/")
    pairs = [(event, base + reverse("communities:event", args=[community.slug, event.pk])) for event in events_qs]
    return _ics_response(ics.community_calendar(community, pairs), f"{community.slug}.ics")


# --- Proposals --------------------------------------------------------------------------


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_community(user=request.user, **form.cleaned_data)
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. A curator will review your proposal and email you.")
            return redirect("communities:propose")
    mine = CommunityProposal.objects.filter(proposer=request.user).select_related("community")[:20]
    return render(
        request,
        "communities/propose.html",
        {"form": form, "mine": mine, "crumbs": [{"url": "/", "label": "Home"}]},
    )


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """Curators review proposals; everyone else gets 404."""
    if not sees_all_communities(request.user):
        raise Http404("Not found")
    pending = CommunityProposal.objects.filter(state=CommunityProposal.State.PENDING).select_related(
        "proposer__profile", "care_area"
    )
    decided = CommunityProposal.objects.exclude(state=CommunityProposal.State.PENDING).select_related(
        "proposer__profile", "community", "decided_by__profile"
    )[:20]
    return render(
        request,
        "communities/proposals.html",
        {"pending": pending, "decided": decided, "crumbs": [{"url": "/", "label": "Home"}]},
    )


@login_required
def proposal_review(request: HttpRequest, proposal_id: int) -> HttpResponse:
    if not sees_all_communities(request.user):
        raise Http404("Not found")
    proposal = CommunityProposal.objects.filter(pk=proposal_id).select_related("proposer__profile", "care_area").first()
    if proposal is None:
        raise Http404("No such proposal")
    decline_form = ProposalDeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                page = services.approve_proposal(actor=request.user, proposal_id=proposal.pk)
                messages.success(request, f"{page.title} is live, with its proposer as facilitator.")
                return redirect(page.get_url(request=request))
            if decline_form.is_valid():
                services.decline_proposal(
                    actor=request.user, proposal_id=proposal.pk, reason=decline_form.cleaned_data["reason"]
                )
                messages.success(request, "The proposal has been declined and the proposer told why.")
                return redirect("communities:proposals")
        except services.CommunityError as error:
            messages.error(request, str(error))
            return redirect("communities:proposal", proposal_id=proposal.pk)
    return render(
        request,
        "communities/proposal_review.html",
        {
            "proposal": proposal,
            "form": decline_form,
            "crumbs": [{"url": "/", "label": "Home"}, {"url": reverse("communities:proposals"), "label": "Proposals"}],
        },
    )
