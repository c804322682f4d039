"""The Wagtail admin screen where an administrator answers a data request received by email.

Admins only (anyone else gets 404, as for a page that does not exist). An export or a closure runs
at once; an immediate erasure first shows who will be erased and asks again. The verbs, their
rights check and the audit entry are :func:`privacy.services.answer_data_request`.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from privacy import services
from privacy.forms import AdminDataRequestForm
from privacy.models import DataExport, ErasureRecord


class DataRequestView(WagtailAdminTemplateMixin, FormView):
    form_class = AdminDataRequestForm
    template_name = "privacy/admin/data_request.html"
    page_title = "Data requests"
    header_icon = "lock"
    breadcrumbs_items = [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": "", "label": "Data requests"}]
    success_url = reverse_lazy("privacy_data_requests")

    def dispatch(self, request, *args, **kwargs):
        if not services.is_data_admin(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exports"] = (
            DataExport.objects.filter(recipient=self.request.user)
            .exclude(subject=self.request.user)
            .exclude(state=DataExport.State.EXPIRED)
            .select_related("subject")
            .defer("archive")[:10]
        )
        context["erasures"] = ErasureRecord.objects.all()[:10]
        context["download_url"] = reverse("privacy:download_data")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        if data["action"] == "erase" and self.request.POST.get("confirmed") != "yes":
            subject = get_user_model().objects.filter(email__iexact=data["email"]).first()
            if subject is None:
                form.add_error("email", f"Nobody on Boost has the email address {data['email']}.")
                return self.form_invalid(form)
            return self.render_to_response(self.get_context_data(form=form, confirm_subject=subject))
        try:
            result = services.answer_data_request(actor=self.request.user, **data)
        except services.PrivacyError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if data["action"] == "export":
            flash.success(
                self.request,
                "Their data is being prepared. You will be emailed when it is ready; it can then be "
                "downloaded from this page, by you alone.",
            )
        elif data["action"] == "close":
            flash.success(
                self.request,
                f"Their account is closed and will be erased on {result.erase_after:%d %B %Y} "
                "unless they sign in and keep it.",
            )
        else:
            flash.success(self.request, f"Their account is erased. Audit reference: {result.reference}.")
        return redirect(self.get_success_url())
