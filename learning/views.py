"""Learning views: thin; each change goes through :mod:`learning.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from learning import services
from learning.certificates import certificate_pdf_bytes
from learning.display import module_context
from learning.models import Certificate, LearningModulePage, ProgrammePage
from learning.record import learning_record


def _module(module_id: int) -> LearningModulePage:
    # A module that was never published does not exist for anyone outside the admin; one that was
    # published and then withdrawn gets a clear refusal from the services instead.
    module = LearningModulePage.objects.filter(pk=module_id, first_published_at__isnull=False).first()
    if module is None:
        raise Http404("No such module")
    return module


def _module_page(request: HttpRequest, module: LearningModulePage, *, status: int, **kwargs) -> HttpResponse:
    context = {"page": module, "self": module, **module_context(request, module, **kwargs)}
    return TemplateResponse(request, module.template, context, status=status)


def _withdrawn(request: HttpRequest, error: services.ModuleWithdrawn) -> HttpResponse:
    return render(request, "learning/withdrawn.html", {"message": str(error)}, status=409)


def _back(module: LearningModulePage, anchor: str) -> HttpResponse:
    return redirect(f"{module.url}#{anchor}")


@login_required
@require_POST
def answer(request: HttpRequest, module_id: int, block: str) -> HttpResponse:
    block_id = block
    module = _module(module_id)
    raw = request.POST.get("choice", "")
    choice = int(raw) if raw.isdigit() and len(raw) < 3 else None
    try:
        services.answer_check(user=request.user, module=module, block_id=block_id, choice=choice)
    except services.ModuleWithdrawn as error:
        return _withdrawn(request, error)
    except services.NotVisible as error:
        raise Http404("No such module") from error
    except services.LearningError as error:
        return _module_page(request, module, status=400, errors={block_id: str(error)})
    return _back(module, block_id)


@login_required
@require_POST
def reflect(request: HttpRequest, module_id: int, block: str) -> HttpResponse:
    block_id = block
    module = _module(module_id)
    text = request.POST.get("text", "")
    try:
        services.save_reflection(user=request.user, module=module, block_id=block_id, text=text)
    except services.ModuleWithdrawn as error:
        return _withdrawn(request, error)
    except services.NotVisible as error:
        raise Http404("No such module") from error
    except services.LearningError as error:
        return _module_page(request, module, status=400, errors={block_id: str(error)}, drafts={block_id: text})
    messages.success(request, "Your reflection is saved. Only you can see it.")
    return _back(module, block_id)


@login_required
@require_POST
def complete(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _module(module_id)
    try:
        services.complete_module(user=request.user, module=module)
    except services.ModuleWithdrawn as error:
        return _withdrawn(request, error)
    except services.NotVisible as error:
        raise Http404("No such module") from error
    except services.LearningError as error:
        return _module_page(request, module, status=400, errors={"complete": str(error)})
    messages.success(request, f"You have completed “{module.title}”.")
    return redirect(module.get_parent().url)


@login_required
@require_POST
def certificate_issue(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(ProgrammePage, pk=programme_id)
    try:
        certificate = services.issue_certificate(user=request.user, programme=programme)
    except services.NotVisible as error:
        raise Http404("No such programme") from error
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(programme.url)
    messages.success(request, "Your certificate is ready.")
    return redirect(f"{reverse('learning:record')}#certificate-{certificate.code}")


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own learning record; nobody else's is reachable."""
    crumbs = [{"url": "/", "label": "Home"}, {"url": reverse("accounts:dashboard"), "label": "Your dashboard"}]
    return render(request, "learning/record.html", {**learning_record(request.user), "crumbs": crumbs})


def certificate_verify(request: HttpRequest, code) -> HttpResponse:
    """Public: the name, programme and date on a certificate, and nothing else."""
    certificate = get_object_or_404(Certificate, code=code)
    return render(request, "learning/verify.html", {"certificate": certificate})


@login_required
def certificate_pdf(request: HttpRequest, code) -> HttpResponse:
    certificate = Certificate.objects.filter(code=code, user=request.user).first()
    if certificate is None:
        raise Http404("No such certificate")
    verify_url = request.build_absolute_uri(reverse("learning:certificate_verify", args=[certificate.code]))
    response = HttpResponse(certificate_pdf_bytes(certificate, verify_url), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="boost-certificate.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
