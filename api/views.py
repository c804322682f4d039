"""Your API tokens, on your account pages: make one (shown once), see when each was used, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_token(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except services.TokenError as error:
            form.add_error(None, str(error))
        else:
            new_secret = made.secret
            form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "new_secret": new_secret, "tokens": _listed(request.user)},
    )
    response["Cache-Control"] = "private, no-store"  # the new token is on this page, once
    return response


def _listed(user) -> list:
    tokens = list(services.tokens_of(user))
    for token in tokens:
        token.usable = services.is_usable(token)
        token.expires_at = getattr(getattr(token, "lifetime", None), "expires_at", None)
    return tokens


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.revoke_token(user=request.user, token_id=token_id)
    except services.TokenError:
        raise Http404("No such token") from None
    messages.success(request, f"The token '{token.name}' is revoked: it no longer works.")
    return redirect("api_tokens")
