"""Data-rights pages: the privacy notice, download my data, close my account. All plain forms."""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from wagtail.models import Site

from privacy import services
from privacy.forms import CloseAccountForm
from privacy.models import DataExport, PrivacySettings


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice: the site's editable text (Settings → Privacy notice), or the built-in one."""
    site = Site.find_for_request(request)
    # Not PrivacySettings.for_site(): that creates the row, and reading a page must never write.
    notice = PrivacySettings.objects.filter(site=site).first() if site else None
    return render(
        request,
        "privacy/notice.html",
        {"notice": notice, "grace_days": services.grace_days(), "export_hours": services.export_hours()},
    )


@login_required
def download_data(request: HttpRequest) -> HttpResponse:
    """Ask for a copy of your data; once the worker has built it, download it here."""
    if request.method == "POST":
        services.request_export(actor=request.user)
        flash.success(request, "We are preparing your data. We will email you when it is ready to download.")
        return redirect("privacy:download_data")
    exports = list(
        DataExport.objects.filter(recipient=request.user)
        .select_related("subject")
        .exclude(state=DataExport.State.EXPIRED)
        .defer("archive")[:5]
    )
    return render(request, "privacy/download.html", {"exports": exports, "export_hours": services.export_hours()})


@login_required
def download_archive(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The archive itself, for its recipient alone, until it expires. Anyone else gets a 404."""
    export = services.downloadable_export(viewer=request.user, token=token)
    if export is None:
        raise Http404("No such download")
    response = HttpResponse(bytes(export.archive), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def close_account(request: HttpRequest) -> HttpResponse:
    """Confirm closing your account; while it waits out the grace period, this page offers to cancel."""
    closure = services.pending_closure(request.user)
    form = CloseAccountForm(request.POST or None)
    if closure is None and request.method == "POST" and form.is_valid():
        closure = services.request_closure(actor=request.user, messages=form.cleaned_data["messages"])
        logout(request)
        return render(request, "privacy/closing.html", {"closure": closure, "grace_days": services.grace_days()})
    return render(
        request,
        "privacy/close.html",
        {"form": form, "closure": closure, "grace_days": services.grace_days()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def cancel_closure(request: HttpRequest) -> HttpResponse:
    if services.cancel_closure(actor=request.user):
        flash.success(request, "Your account will not be closed. Welcome back.")
    return redirect("accounts:dashboard")
