"""``{% follow_button page %}``, ``{% follow_person_button person %}`` and ``{% watch_buttons thread %}``:
POST forms showing the viewer's current choice (one query each), nothing for signed-out readers."""

from __future__ import annotations

from django import template

from people.models import Follow, ThreadWatch
from people.services import kind_of_page

register = template.Library()

NOUNS = {"community": "community", "project": "write-up", "priority": "priority"}


@register.inclusion_tag("people/includes/follow_button.html", takes_context=True)
def follow_button(context, page):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(page, "live", False):
        return {"show": False}
    kind = kind_of_page(page)
    return {
        "show": kind is not None,
        "following": Follow.objects.filter(user=user, page_id=page.pk).exists(),
        "page": page,
        "noun": NOUNS.get(kind or "", "page"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("people/includes/follow_person_button.html", takes_context=True)
def follow_person_button(context, person):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk == person.pk:
        return {"show": False}
    return {
        "show": True,
        "following": Follow.objects.filter(user=user, person_id=person.pk).exists(),
        "person": person,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("people/includes/watch_buttons.html", takes_context=True)
def watch_buttons(context, thread):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    level = ThreadWatch.objects.filter(user=user, thread_id=thread.pk).values_list("level", flat=True).first()
    return {
        "show": True,
        "level": level or "none",
        "thread": thread,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
