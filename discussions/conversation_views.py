"""Direct-message pages: the inbox, writing to someone, blocking. A conversation itself is shown
by the discussion page (``views.thread_detail``) and its socket, with :func:`direct_page_context`.

Thin, like the other views; refusals come from ``discussions.conversations``. Without JavaScript
every action is an ordinary form post, answered with a redirect.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from boost.converters import parse_id
from discussions import conversations
from discussions.bell import forget_bell_counts
from discussions.forms import BlockForm, ConversationForm, PeoplePickerForm, new_client_id
from discussions.models import Block, Notification, Thread
from discussions.permissions import is_participant
from discussions.services import DiscussionError

INBOX_PAGE_SIZE = 25
PICKER_RESULTS = 20


def direct_page_context(request: HttpRequest, thread: Thread) -> dict:
    """What the discussion page adds for a private conversation: who is in it, whom the reader
    has blocked; and, for a curator reading a report, an audit entry. Opening it reads its
    message notifications."""
    user = request.user
    others = list(
        get_user_model()
        .objects.filter(conversations__thread=thread)
        .exclude(pk=user.pk)
        .select_related("profile")
        .order_by("pk")
    )
    if is_participant(user, thread):
        Notification.objects.filter(
            recipient=user, thread=thread, kind=Notification.Kind.DIRECT, read_at__isnull=True
        ).update(read_at=_now())
        forget_bell_counts(user)
        blocked = set(Block.objects.filter(blocker=user, blocked__in=others).values_list("blocked_id", flat=True))
        oversight = False
    else:
        conversations.note_oversight_read(user=user, thread=thread)
        blocked, oversight = set(), True
    names = ", ".join(person.display_name for person in others) or "nobody else"
    thread.title = f"Conversation with {names}"
    return {"others": [{"person": p, "blocked": p.pk in blocked} for p in others], "oversight": oversight}


def _now():
    return timezone.now()


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's private conversations, newest activity first, unread ones marked."""
    page = Paginator(conversations.conversations_of(request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "thread": thread,
            "names": ", ".join(p.user.display_name for p in thread.others) or "Only you",
            "unread": bool(thread.last_message_id and thread.last_message_id > (thread.last_read or 0)),
        }
        for thread in page.object_list
    ]
    blocked = Block.objects.filter(blocker=request.user).select_related("blocked__profile").order_by("-created_at")
    return render(request, "discussions/inbox.html", {"page": page, "rows": rows, "blocked": list(blocked[:100])})


def _recipient_ids(request: HttpRequest) -> list[int]:
    values = request.POST.getlist("to") if request.method == "POST" else request.GET.getlist("to")
    ids = [parse_id(value) for value in values[:20]]
    # Anything that is not an id is kept as 0: it is nobody, so the answer is "nobody".
    return [pk or 0 for pk in ids]


def _chosen(values: list[int]) -> list[int]:
    """The people chosen so far, in the order chosen, once each (no zero: nobody to show)."""
    return list(dict.fromkeys(pk for pk in values if pk))


def _pick(request: HttpRequest, ids: list[int]) -> tuple[list[int], PeoplePickerForm, dict]:
    """The people picker (a GET form): search, then add the ticked results to ``ids``. Adding
    beyond the size limit is refused with a message and changes nothing."""
    query = request.GET.get("q", "").strip()[:100]
    candidates = conversations.pick_candidates(request.user, query, exclude=ids, limit=PICKER_RESULTS + 1)
    bound = request.method == "GET" and ("q" in request.GET or "add" in request.GET)
    picker = PeoplePickerForm(request.GET if bound else None, candidates=candidates[:PICKER_RESULTS])
    if picker.is_bound and picker.is_valid() and picker.cleaned_data["add"]:
        added = [pk for pk in picker.cleaned_data["add"] if pk not in ids]
        if len(ids) + len(added) + 1 > conversations.max_participants():
            picker.add_error(
                "add",
                f"A conversation can have at most {conversations.max_participants()} people, you included. "
                "Remove someone before adding more.",
            )
        else:
            ids = ids + added
            candidates = [person for person in candidates if person.pk not in added]
            picker = PeoplePickerForm(initial={"q": query}, candidates=candidates[:PICKER_RESULTS])
    searched = bool(query) and not picker.errors.get("q")
    return ids, picker, {"query": query if searched else "", "more": len(candidates) > PICKER_RESULTS}


@login_required
def new_conversation(request: HttpRequest) -> HttpResponse:
    """Write to one or a few people (``?to=<id>``, repeatable), chosen on a profile or with the
    people picker on this page. Whoever cannot be written to, for whatever reason, gets the same
    answer as nobody at all, and is never among the picker's results."""
    from accounts.permissions import can_view_profile

    ids = _recipient_ids(request) if request.method == "POST" else _chosen(_recipient_ids(request))
    form = ConversationForm(request.POST or None, initial={"client_id": new_client_id()})
    if request.method == "POST" and form.is_valid():
        try:
            thread = conversations.start_conversation(
                sender=request.user,
                recipient_ids=ids,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
            )
        except DiscussionError as error:
            form.add_error("body" if error.code in {"empty", "too_long", "html", "unsafe_link", "mention"} else None,
                           error.message)  # fmt: skip
        else:
            return redirect(reverse("discussions:thread", args=[thread.pk]) + "#reply")
    ids, picker, found = _pick(request, ids)
    people = {
        person.pk: person
        for person in get_user_model().objects.filter(pk__in=[pk for pk in ids if pk]).select_related("profile")
    }
    # Names are shown only for people the sender may see on a profile; the rest stay unnamed, so
    # the page discloses nothing the send itself would not.
    chosen = []
    for pk in _chosen(ids):
        person = people.get(pk)
        name = person.display_name if person and can_view_profile(request.user, person.profile) else ""
        chosen.append({"pk": pk, "name": name, "others": [other for other in _chosen(ids) if other != pk]})
    return render(
        request,
        "discussions/new_conversation.html",
        {
            "form": form,
            "picker": picker,
            "ids": ids,
            "chosen": chosen,
            "names": [row["name"] for row in chosen if row["name"]],
            "max_people": conversations.max_participants(),
            **found,
        },
        status=400 if form.errors or picker.errors else 200,
    )


@login_required
@require_POST
def block_person(request: HttpRequest) -> HttpResponse:
    form = BlockForm(request.POST)
    if not form.is_valid():
        flash.error(request, "There is nobody with that name to block.")
        return redirect("discussions:inbox")
    try:
        made = conversations.block(blocker=request.user, blocked_id=form.cleaned_data["person"])
    except DiscussionError as error:
        flash.error(request, error.message)
    else:
        flash.success(
            request,
            f"You have blocked {made.blocked.display_name}. They cannot send you messages; "
            "you can unblock them from your messages page.",
        )
    return redirect("discussions:inbox")


@login_required
@require_POST
def unblock_person(request: HttpRequest) -> HttpResponse:
    form = BlockForm(request.POST)
    if form.is_valid() and conversations.unblock(blocker=request.user, blocked_id=form.cleaned_data["person"]):
        flash.success(request, "Unblocked. They can message you again, if your settings allow it.")
    else:
        flash.error(request, "You had not blocked that person.")
    return redirect("discussions:inbox")
