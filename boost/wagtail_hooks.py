"""Wagtail hooks for the whole site: documents are sent only after the viewer's rights are checked."""

from __future__ import annotations

from django.http import Http404
from wagtail import hooks

from boost.files import file_response, may_view_document


@hooks.register("before_serve_document")
def serve_document_if_allowed(document, request):
    """``/documents/<id>/<name>``: the same rule and the same way of sending as ``/media/…``.

    An outsider gets the 404 of a missing document. Otherwise the answer is the file itself (streamed,
    or handed to the proxy with ``FILES_ACCEL``), so Wagtail's own sending code is never reached.
    """
    if not may_view_document(request.user, document, request=request):
        raise Http404("No such document")
    return file_response(
        request,
        document.file.name,
        filename=document.filename,
        attachment=document.content_disposition != "inline",
        content_type=document.content_type,
    )
