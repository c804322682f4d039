"""Uploaded files are served only after the viewer's right to what they belong to is checked.

Every upload belongs to a context, worked out at request time from what the stored name belongs to:

- a profile picture belongs to its profile: the owner, or (with "show my picture" on) whoever may
  see the profile, or a facilitator of a community the person is in;
- a Wagtail document or image (and each of an image's renditions) belongs to its collection's
  context (:mod:`boost.file_contexts`: a community, a write-up, or the public site) AND to the pages
  that use it (Wagtail's reference index): when pages use a file, at least one of them must be
  visible to the viewer, so an image used only on a restricted page is as restricted as the page.

The rule for a page is :func:`boost.permissions.can_view_page`. Nothing is cached: a member who is
removed, a write-up that is unpublished or restricted, a picture that is hidden, take effect on
the next request. An outsider gets the same 404 as for a file that does not exist.

The bytes: locally (and by default) the view streams the file; in production, with ``FILES_ACCEL``
set, the app answers with ``X-Accel-Redirect`` (nginx) or ``X-Sendfile`` and the proxy sends them.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import patch_cache_control
from django.views.decorators.http import require_safe

CHUNK = 64 * 1024


# --- who may see a stored file ------------------------------------------------------------------


def may_view_stored_name(user, name: str, *, request=None) -> bool:
    """May ``user`` fetch the file stored under ``name`` (a path inside MEDIA_ROOT)? False when nothing owns it."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from accounts.models import Profile

    top = name.split("/", 1)[0]
    if top == "avatars":
        profile = Profile.objects.filter(avatar=name).select_related("user").first()
        return profile is not None and may_view_avatar(user, profile)
    if top == "documents":
        document = get_document_model().objects.filter(file=name).first()
        return document is not None and may_view_document(user, document, request=request)
    image_model = get_image_model()
    if top == "original_images":
        image = image_model.objects.filter(file=name).first()
        return image is not None and may_view_image(user, image, request=request)
    if top == "images":
        rendition = image_model.get_rendition_model().objects.filter(file=name).select_related("image").first()
        return rendition is not None and may_view_image(user, rendition.image, request=request)
    return False


def may_view_avatar(user, profile) -> bool:
    """The owner always; others only with "show my picture" on and the right to see the person."""
    from accounts.permissions import can_view_profile
    from communities.models import Membership
    from communities.permissions import sees_all_communities

    if not profile.avatar:
        return False
    if user.is_authenticated and user.pk == profile.user_id:
        return True
    if not profile.show_avatar:
        return False
    if can_view_profile(user, profile):
        return True
    # An "only me" profile still shows inside a community to its facilitators (members page).
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_all_communities(user):
        return True
    facilitated = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values("community_id")
    return Membership.objects.filter(
        user_id=profile.user_id, state=Membership.State.ACTIVE, community_id__in=facilitated
    ).exists()


def may_view_document(user, document, *, request=None) -> bool:
    return _context_allows(user, document, request) and _usage_allows(user, document, request)


def may_view_image(user, image, *, request=None) -> bool:
    return _context_allows(user, image, request) and _usage_allows(user, image, request)


def _context_allows(user, item, request) -> bool:
    from boost.file_contexts import context_allows

    return context_allows(user, item, request=request)


def _usage_allows(user, item, request) -> bool:
    """A file no page uses follows its collection alone; a file pages use needs one the viewer may see."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    from boost.permissions import can_view_page

    page_type = ContentType.objects.get_for_model(Page)
    page_ids = set(
        ReferenceIndex.get_references_to(item)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        .distinct()
    )
    if not page_ids:
        return True
    pages = Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).specific()
    return any(can_view_page(user, page, request=request) for page in pages)


# --- sending the bytes ---------------------------------------------------------------------------


def file_response(
    request, name: str, *, filename: str | None = None, attachment: bool = False, content_type: str | None = None
) -> HttpResponse:
    """The response that sends MEDIA_ROOT/``name`` once rights are checked: by the proxy, or streamed.

    Private files must not sit in shared caches, so every answer is ``Cache-Control: private``.
    """
    root = os.path.realpath(settings.MEDIA_ROOT)
    path = os.path.realpath(os.path.join(root, name))
    if not path.startswith(root + os.sep) or not os.path.isfile(path):
        raise Http404("No such file")
    content_type = content_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
    filename = filename or os.path.basename(path)
    mode = getattr(settings, "FILES_ACCEL", "")
    if mode == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = getattr(settings, "FILES_ACCEL_PREFIX", "/protected-media/").rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{name}")
    elif mode == "sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = path
    else:
        response = _streamed(request, path, content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    # Never run what was uploaded as a page of this site.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    return response


def _streamed(request, path: str, content_type: str) -> FileResponse:
    size = os.path.getsize(path)
    if isinstance(request, ASGIRequest):
        # Under ASGI a file object would be read whole in a thread, with Django's "must consume
        # synchronous iterators" warning; an async generator streams it chunk by chunk instead.
        response = FileResponse(_chunks_async(path), content_type=content_type)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 (closed by Django)
    response["Content-Length"] = str(size)
    return response


async def _chunks_async(path: str):
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


# --- the view -----------------------------------------------------------------------------------


@require_safe
def media(request, path: str):
    """Every ``/media/…`` URL (originals, renditions, avatars): the file if the viewer may see it, else 404."""
    name = path.replace("\\", "/")
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise Http404("No such file")
    if not may_view_stored_name(request.user, name, request=request):
        raise Http404("No such file")
    return file_response(request, name)
