"""Template tags other apps drop into their pages.

``{% community_discussions community %}`` lists a community's threads with unread counts (live when
JavaScript is on); ``{% page_discussion page %}`` shows questions on any page (a project write-up)
and the form to ask one; ``{% notification_bell %}`` is the header bell (its counts come with the
signed-in person, ``discussions.bell``).
"""

from __future__ import annotations

from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from discussions.bell import bell_counts
from discussions.forms import QuestionForm, new_client_id
from discussions.models import Message, ReadMarker, Thread
from discussions.permissions import can_moderate_thread, can_start_thread, can_view_thread, community_for_page

register = template.Library()


def unread_counts(user, thread_ids: list[int]) -> dict[int, int]:
    """Unread messages per thread for ``user`` (others' published messages after their read marker)."""
    if not user.is_authenticated or not thread_ids:
        return {}
    marker = ReadMarker.objects.filter(thread=OuterRef("thread_id"), user=user).values("last_read_id")[:1]
    rows = (
        Message.objects.filter(thread_id__in=thread_ids, state=Message.State.PUBLISHED, hidden_at__isnull=True)
        .exclude(author=user)
        .filter(id__gt=Coalesce(Subquery(marker, output_field=IntegerField()), Value(0)))
        .values("thread_id")
        .annotate(unread=Count("id"))
    )
    return {row["thread_id"]: row["unread"] for row in rows}


@register.inclusion_tag("discussions/includes/community_discussions.html", takes_context=True)
def community_discussions(context, community, limit: int = 20, access=None):
    """``access`` (a ``communities.permissions.CommunityAccess`` the page already worked out for this
    community) saves the membership look-ups; without it the tag asks the permission helpers."""
    request = context["request"]
    user = request.user
    threads = list(Thread.objects.in_community(community).listed().select_related("author__profile")[:limit])
    counts = unread_counts(user, [thread.pk for thread in threads])
    for thread in threads:
        thread.unread = counts.get(thread.pk, 0)
    if access is not None:
        signed_in = user.is_authenticated and user.is_active
        can_start = signed_in and access.can_view and (access.is_member or access.can_moderate)
        is_moderator = user.is_authenticated and access.can_moderate
    else:
        can_start = can_start_thread(user, community)
        is_moderator = user.is_authenticated and can_moderate_thread(user, Thread(community=community))
    return {
        "request": request,
        "community": community,
        "threads": threads,
        "can_start": can_start,
        "is_moderator": is_moderator,
        "live": user.is_authenticated,
    }


@register.inclusion_tag("discussions/includes/page_discussion.html", takes_context=True)
def page_discussion(context, page):
    request = context["request"]
    user = request.user
    probe = Thread(page=page, community=community_for_page(page))
    visible = page.live and can_view_thread(user, probe)
    threads = []
    if visible:
        threads = list(Thread.objects.on_page(page).listed().select_related("author__profile")[:50])
        counts = unread_counts(user, [thread.pk for thread in threads])
        for thread in threads:
            thread.unread = counts.get(thread.pk, 0)
    return {
        "request": request,
        "target_page": page,
        "visible": visible,
        "threads": threads,
        "form": QuestionForm(initial={"client_id": new_client_id()}) if user.is_authenticated else None,
    }


@register.inclusion_tag("discussions/includes/notification_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    # Both header counts came with the signed-in person (discussions.bell): no query here.
    unread, messages = bell_counts(user)
    return {"show": True, "unread": unread, "unread_messages": messages}
