"""Discussion pages that work without JavaScript: every action is an ordinary form post.

Views are thin: they read the request, call a service, and show ``DiscussionError.message``.
Anything a person may not see is a 404, never a 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from boost.breadcrumbs import crumbs_for_page
from boost.converters import parse_id
from communities.models import CommunityPage
from communities.permissions import can_moderate, can_view_community, community_access
from discussions import services
from discussions.conversation_views import direct_page_context
from discussions.delivery import CHOOSABLE
from discussions.forms import (
    EditMessageForm,
    FlagForm,
    HideForm,
    MessageForm,
    NotificationSettingsForm,
    PremoderationForm,
    QuestionForm,
    ThreadForm,
    new_client_id,
)
from discussions.message_html import MessageRenderer
from discussions.models import (
    DiscussionSettings,
    Flag,
    Message,
    ModerationAction,
    Notification,
    NotificationPreference,
    ReadMarker,
    Thread,
)
from discussions.permissions import (
    can_moderate_thread,
    can_post,
    can_start_thread,
    can_use_moderation_queue,
    can_view_thread,
    community_for_page,
    flags_moderated_by,
)
from discussions.reactions import REACTIONS
from discussions.services import DiscussionError
from discussions.tasks import user_id_from_token
from discussions.thread_page import thread_messages


def _visible_thread(request: HttpRequest, thread_id: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("community", "page"), pk=thread_id)
    if not can_view_thread(request.user, thread):
        raise Http404("No such discussion")
    return thread


def _visible_community(request: HttpRequest, community_id: int) -> CommunityPage:
    community = get_object_or_404(CommunityPage, pk=community_id)
    if not can_view_community(request.user, community):
        raise Http404("No such community")
    return community


def _message_url(message: Message) -> str:
    return f"{reverse('discussions:thread', args=[message.thread_id])}#message-{message.pk}"


def thread_detail(
    request: HttpRequest, thread_id: int, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    """A thread: the latest messages, a "load older" link (keyset), and the reply form."""
    thread = _visible_thread(request, thread_id)
    user = request.user
    conversation = direct_page_context(request, thread) if thread.is_direct else None
    before = parse_id(request.GET.get("before"))
    rows, has_older = thread_messages(thread, user, before)
    last_read = 0
    if user.is_authenticated:
        last_read = (
            ReadMarker.objects.filter(user=user, thread=thread).values_list("last_read_id", flat=True).first() or 0
        )
        if rows and not before:
            services.mark_read(user=user, thread=thread, up_to_id=rows[-1].pk)
    first_unread = (
        next((m.pk for m in rows if m.pk > last_read and m.author_id != user.pk), None) if last_read else None
    )
    posting = can_post(user, thread)
    if form is None and posting:
        initial = {"client_id": new_client_id()}
        quote_id = parse_id(request.GET.get("quote") or request.GET.get("reply_to"))
        if quote_id:
            quoted = next((m for m in rows if m.pk == quote_id), None) or (
                thread.messages.published().filter(pk=quote_id).first()
            )
            if quoted is not None and quoted.is_visible:
                initial["reply_to"] = quoted.pk
                if request.GET.get("quote"):
                    initial["body"] = "\n".join(f"> {line}" for line in quoted.body.splitlines()) + "\n\n"
        form = MessageForm(initial=initial)
    replying_to = None
    if form is not None:
        # The raw value when the form was refused: whatever was posted, so only a real id is looked up.
        reply_id = parse_id(form["reply_to"].value())
        if reply_id:
            replying_to = thread.messages.select_related("author__profile").filter(pk=reply_id).first()
    is_moderator = can_moderate_thread(user, thread)
    renderer = MessageRenderer(
        request=request, thread=thread, can_post=posting, is_moderator=is_moderator, first_unread=first_unread
    )
    context = {
        "thread": thread,
        "messages_page": rows,
        "rendered_messages": renderer.render_all(rows),
        "has_older": has_older,
        "older_url": f"?before={rows[0].pk}" if has_older and rows else "",
        "is_older_page": bool(before),
        "first_unread": first_unread,
        "form": form,
        "can_post": posting,
        "is_moderator": is_moderator,
        "replying_to": replying_to,
        "home": _thread_home(request, thread),
        "crumbs": _thread_crumbs(request, thread),
        "reactions": REACTIONS,
        # A signed-in reader who may not post gets the community's own join or request action here.
        "join": _join_offer(user, thread) if user.is_authenticated and not posting else None,
        "max_message_chars": services.max_message_chars(),
        "conversation": conversation,
    }
    return render(request, "discussions/thread.html", context, status=status)


def _join_offer(user, thread: Thread) -> dict | None:
    """The community and the reader's standing in it, for ``communities/includes/join_actions.html``."""
    if thread.page_id is not None or thread.community_id is None:
        return None
    community = thread.community
    return {"community": community, "access": community_access(user, community)}


def _thread_crumbs(request: HttpRequest, thread: Thread) -> list[dict[str, str]]:
    """Home, the page's ancestors, the page (a write-up, or the community) and, for a community
    thread, the community's discussion list."""
    if thread.is_direct:
        return [{"url": "/", "label": "Home"}, {"url": reverse("discussions:inbox"), "label": "Messages"}]
    if thread.page_id is not None:
        return crumbs_for_page(thread.page, request, include_page=True)
    discussions = {"url": reverse("discussions:community", args=[thread.community_id]), "label": "Discussions"}
    return [*crumbs_for_page(thread.community, request, include_page=True), discussions]


def _thread_home(request: HttpRequest, thread: Thread) -> dict[str, str]:
    if thread.is_direct:
        return {"url": reverse("discussions:inbox"), "label": "Messages"}
    if thread.page_id is not None:
        return {"url": thread.page.get_url(request=request) or "/", "label": thread.page.title}
    return {
        "url": reverse("discussions:community", args=[thread.community_id]),
        "label": f"{thread.community.title}: discussions",
    }


@login_required
@require_POST
def post_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _visible_thread(request, thread_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            posted = services.post_message(
                author=request.user,
                thread_id=thread.pk,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                reply_to_id=form.cleaned_data["reply_to"],
            )
        except DiscussionError as error:
            if error.code == "not_found":
                raise Http404(error.message) from None
            form.add_error("body", error.message)
        else:
            if posted.message.state == Message.State.HELD:
                flash.info(request, "Thanks. Your message will appear when a facilitator has approved it.")
            return redirect(_message_url(posted.message))
    return thread_detail(request, thread_id, form=form, status=400)


def _message_for(request: HttpRequest, message_id: int) -> Message:
    message = get_object_or_404(
        Message.objects.select_related("thread__community", "thread__page", "author__profile"), pk=message_id
    )
    if not can_view_thread(request.user, message.thread):
        raise Http404("No such message")
    return message


@login_required
def edit_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request, message_id)
    if message.author_id != request.user.pk:
        raise Http404("No such message")
    form = EditMessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(actor=request.user, message_id=message.pk, body=form.cleaned_data["body"])
        except DiscussionError as error:
            form.add_error("body", error.message)
        else:
            flash.success(request, "Your message has been updated.")
            return redirect(_message_url(message))
    return render(
        request,
        "discussions/edit_message.html",
        {"form": form, "message": message, "thread": message.thread},
        status=400 if form.errors else 200,
    )


@login_required
def delete_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request, message_id)
    if message.author_id != request.user.pk:
        raise Http404("No such message")
    if request.method == "POST":
        services.delete_message(actor=request.user, message_id=message.pk)
        flash.success(request, "Your message has been deleted.")
        return redirect(_message_url(message))
    return render(request, "discussions/delete_message.html", {"message": message, "thread": message.thread})


def _simple_action(request: HttpRequest, message: Message, action, success: str) -> HttpResponse:
    try:
        action()
    except DiscussionError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        flash.error(request, error.message)
    else:
        if success:
            flash.success(request, success)
    return redirect(_message_url(message))


@login_required
@require_POST
def react(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request, message_id)
    kind = request.POST.get("kind", "")
    return _simple_action(
        request, message, lambda: services.toggle_reaction(user=request.user, message_id=message.pk, kind=kind), ""
    )


@login_required
def flag(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_for(request, message_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _simple_action(
            request,
            message,
            lambda: services.flag_message(user=request.user, message_id=message.pk, reason=form.cleaned_data["reason"]),
            "Thank you. Boost's curators will look at this conversation."
            if message.thread.is_direct
            else "Thank you. The community's facilitators will look at this message.",
        )
    return render(
        request, "discussions/flag_message.html", {"form": form, "message": message, "thread": message.thread}
    )


@login_required
@require_POST
def moderate_message(request: HttpRequest, message_id: int, action: str) -> HttpResponse:
    message = _message_for(request, message_id)
    form = HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    verbs = {
        "hide": (
            lambda: services.hide_message(actor=request.user, message_id=message.pk, reason=reason),
            "The message is hidden.",
        ),
        "unhide": (
            lambda: services.unhide_message(actor=request.user, message_id=message.pk, reason=reason),
            "The message is visible again.",
        ),
        "approve": (
            lambda: services.review_held_message(actor=request.user, message_id=message.pk, approve=True),
            "The message is published.",
        ),
        "reject": (
            lambda: services.review_held_message(actor=request.user, message_id=message.pk, approve=False),
            "The message was not approved.",
        ),
        "dismiss": (
            lambda: services.dismiss_flags(actor=request.user, message_id=message.pk, reason=reason),
            "The flags on the message are dismissed.",
        ),
    }
    if action not in verbs:
        raise Http404("No such action")
    verb, success = verbs[action]
    response = _simple_action(request, message, verb, success)
    if request.POST.get("next") == "moderation" and message.thread.community_id:
        return redirect("discussions:moderation", message.thread.community_id)
    if request.POST.get("next") == "queue":
        return redirect("discussions:queue")
    return response


@login_required
@require_POST
def thread_setting(request: HttpRequest, thread_id: int, setting: str) -> HttpResponse:
    thread = _visible_thread(request, thread_id)
    value = request.POST.get("value") == "1"
    kwargs = {"pinned": value} if setting == "pin" else {"locked": value} if setting == "lock" else None
    if kwargs is None:
        raise Http404("No such setting")
    try:
        services.set_thread_flag(actor=request.user, thread_id=thread.pk, **kwargs)
    except DiscussionError as error:
        flash.error(request, error.message)
    return redirect("discussions:thread", thread.pk)


def community_discussions(request: HttpRequest, community_id: int) -> HttpResponse:
    """A community's discussions: the list with unread counts, and a link to start one."""
    community = _visible_community(request, community_id)
    return render(request, "discussions/community.html", {"community": community})


@login_required
def new_thread(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _visible_community(request, community_id)
    if not can_start_thread(request.user, community):
        flash.error(request, "Join the community to start a discussion.")
        return redirect("discussions:community", community.pk)
    form = ThreadForm(request.POST or None, initial={"client_id": new_client_id()})
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(author=request.user, community=community, **form.cleaned_data)
        except DiscussionError as error:
            form.add_error(
                "body" if error.code in {"html", "unsafe_link", "mention", "too_long"} else None, error.message
            )
        else:
            return redirect("discussions:thread", thread.pk)
    return render(
        request,
        "discussions/new_thread.html",
        {"form": form, "community": community},
        status=400 if form.errors else 200,
    )


@login_required
def ask_question(request: HttpRequest, page_id: int) -> HttpResponse:
    """Start a question thread on any live page (a project write-up)."""
    page = get_object_or_404(Page, pk=page_id).specific
    probe = Thread(page=page, community=community_for_page(page))
    if not page.live or not can_view_thread(request.user, probe):
        raise Http404("No such page")
    form = QuestionForm(request.POST or None, initial={"client_id": new_client_id()})
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(author=request.user, page=page, **form.cleaned_data)
        except DiscussionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("discussions:thread", thread.pk)
    return render(
        request,
        "discussions/ask_question.html",
        {"form": form, "target_page": page},
        status=400 if form.errors else 200,
    )


def _mention_response(request: HttpRequest, probe: Thread, may_write: bool) -> JsonResponse:
    if not may_write:
        return JsonResponse({"error": "Join the community to take part in its discussions."}, status=403)
    try:
        people = services.suggest_mentions(viewer=request.user, thread=probe, query=request.GET.get("q", ""))
    except DiscussionError as error:
        return JsonResponse({"error": error.message}, status=429 if error.code == "rate_limited" else 400)
    response = JsonResponse({"people": people})
    response["Cache-Control"] = "private, no-store"
    return response


def _signed_in_json(view):
    """JSON endpoints answer 401 to visitors (before any look-up, so nothing about a private
    community leaks) instead of redirecting a script to the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated or not request.user.is_active:
            return JsonResponse({"error": "Sign in to mention people."}, status=401)
        return view(request, *args, **kwargs)

    return wrapped


@_signed_in_json
def thread_mentions(request: HttpRequest, thread_id: int) -> JsonResponse:
    """@mention suggestions while replying to (or editing in) a thread: ``?q=<start of a name>``."""
    thread = _visible_thread(request, thread_id)
    return _mention_response(request, thread, can_post(request.user, thread))


@_signed_in_json
def community_mentions(request: HttpRequest, community_id: int) -> JsonResponse:
    """@mention suggestions while starting a discussion in a community."""
    community = _visible_community(request, community_id)
    return _mention_response(request, Thread(community=community), can_start_thread(request.user, community))


@_signed_in_json
def page_mentions(request: HttpRequest, page_id: int) -> JsonResponse:
    """@mention suggestions while asking a question on a page (a write-up)."""
    page = get_object_or_404(Page, pk=page_id)
    probe = Thread(page=page, community=community_for_page(page))
    if not page.live or not can_view_thread(request.user, probe):
        raise Http404("No such page")
    return _mention_response(request, probe, can_post(request.user, probe))


@login_required
def moderation(request: HttpRequest, community_id: int) -> HttpResponse:
    """Moderators: flagged and held messages in a community, pre-moderation, and the audit log."""
    community = _visible_community(request, community_id)
    if not can_moderate(request.user, community):
        raise Http404("No such page")
    setting = DiscussionSettings.objects.filter(community=community).first()
    form = PremoderationForm(
        request.POST or None, initial={"first_messages": setting.premoderate_first_messages if setting else 0}
    )
    if request.method == "POST" and form.is_valid():
        services.set_premoderation(
            actor=request.user, community=community, first_messages=form.cleaned_data["first_messages"]
        )
        flash.success(request, "Pre-moderation setting saved.")
        return redirect("discussions:moderation", community.pk)
    flags = (
        Flag.objects.filter(message__thread__community=community, resolved_at__isnull=True)
        .select_related("message__author__profile", "message__thread", "user__profile")
        .order_by("-created_at")[:100]
    )
    held = (
        Message.objects.filter(thread__community=community, state=Message.State.HELD)
        .with_people()
        .select_related("thread")[:100]
    )
    log = ModerationAction.objects.filter(thread__community=community).select_related("actor__profile", "thread")[:100]
    return render(
        request,
        "discussions/moderation.html",
        {"community": community, "flags": flags, "held": held, "log": log, "form": form},
    )


QUEUE_PAGE_SIZE = 25


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Flagged messages waiting for a moderator, oldest first: every open flag on the site for
    curators and admins (questions under a write-up included), their communities' for facilitators.
    Everyone else gets a 404."""
    if not can_use_moderation_queue(request.user):
        raise Http404("No such page")
    flags = flags_moderated_by(request.user)
    flagged = (
        Message.objects.filter(pk__in=flags.values("message_id"))
        .select_related("author__profile", "thread__community", "thread__page")
        .annotate(first_flagged_at=Min("flags__created_at"))
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.open().select_related("user__profile").order_by("created_at", "pk"),
                to_attr="open_flags",
            )
        )
        .order_by("first_flagged_at", "pk")
    )
    page = Paginator(flagged, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    from accounts.sanctions import can_suspend

    return render(request, "discussions/queue.html", {"page": page, "can_suspend": can_suspend(request.user)})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.mark_notifications_read(user=request.user)
        flash.success(request, "All notifications marked as read.")
        return redirect("discussions:notifications")
    items = list(
        Notification.objects.filter(recipient=request.user).shown().select_related("actor__profile", "thread")[:50]
    )
    return render(request, "discussions/notifications.html", {"items": items})


@login_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_notifications_read(user=request.user, ids=[notification.pk])
    return redirect(notification.target_url)


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(user=request.user).first()
    initial = {
        "email_frequency": preference.email_frequency if preference else "daily",
        "messages_from": preference.messages_from if preference else "communities",
    }
    chosen = dict(preference.delivery) if preference else {}
    for kind in CHOOSABLE:
        initial[f"delivery_{kind}"] = chosen.get(kind, "email")
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A kind not sent keeps its choice (a form from before the choice existed changes nothing).
        for kind in CHOOSABLE:
            if choice := data.pop(f"delivery_{kind}", ""):
                chosen[kind] = choice
        services.set_notification_preferences(user=request.user, delivery=chosen, **data)
        flash.success(request, "Your notification settings have been saved.")
        return redirect("discussions:notification_settings")
    return render(request, "discussions/notification_settings.html", {"form": form}, status=400 if form.errors else 200)


# RFC 8058 one-click unsubscribe POSTs come from mail clients, without a CSRF token.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from the signed link in every email (no sign-in needed)."""
    user_id = user_id_from_token(token)
    if user_id is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        from django.contrib.auth import get_user_model

        user = get_object_or_404(get_user_model(), pk=user_id)
        services.set_notification_preferences(user=user, email_frequency="off")
        done = True
    return render(request, "discussions/unsubscribe.html", {"done": done})
