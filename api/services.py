"""Verbs for personal API tokens: make one (shown once), revoke it, find the person behind one.

Tokens are Wagtail's ``APIToken`` (HMAC-SHA-256 digest, prefix, revocation, last use) with Boost's
``TokenLifetime`` beside it. Boost's API only reads, so every token is read-only: nothing a token
opens can change anything, and the API answers a write with a token 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import APIToken

from api.models import TokenLifetime

MAX_TOKENS = 10


class TokenError(Exception):
    """A token could not be made or revoked; the message says why, for the person."""


class TokenRejected(Exception):
    """A request's token cannot be used; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class NewToken:
    token: APIToken
    secret: str  # shown to its owner once; never stored


def tokens_of(user):
    return APIToken.objects.filter(user=user).select_related("lifetime").order_by("-created", "-pk")


def is_usable(token: APIToken) -> bool:
    lifetime = getattr(token, "lifetime", None)
    return token.revoked_at is None and not (lifetime and lifetime.expired)


@transaction.atomic
def create_token(*, user, name: str, days: int | None = None) -> NewToken:
    """A new read-only token for ``user``, working for ``days`` (None: until revoked)."""
    if not user.is_authenticated or not user.is_active:
        raise TokenError("Sign in to make an API token.")
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name, so you can tell it apart from others.")
    if sum(1 for token in tokens_of(user) if is_usable(token)) >= MAX_TOKENS:
        raise TokenError(f"You can have up to {MAX_TOKENS} working tokens. Revoke one you no longer use first.")
    token, secret = APIToken.create_token(user=user, name=name[:80])
    TokenLifetime.objects.create(token=token, expires_at=timezone.now() + timedelta(days=days) if days else None)
    return NewToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, user, token_id: int) -> APIToken:
    """Revoke one of ``user``'s own tokens; someone else's token is "not found", like a missing one."""
    token = APIToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise TokenError("No such token.")
    if token.revoked_at is None:
        token.revoke()
    return token


def authenticate(secret: str) -> APIToken:
    """The usable token ``secret`` is, with its user; :class:`TokenRejected` says why not."""
    secret = secret.strip()
    if not APIToken.validate_token_format(secret):
        raise TokenRejected("invalid_token", "The API token is not recognised.")
    token = (
        APIToken.objects.select_related("user", "lifetime")
        .filter(key_hash__in=APIToken.candidate_key_hashes(secret))
        .first()
    )
    if token is None:
        raise TokenRejected("invalid_token", "The API token is not recognised.")
    if token.revoked_at is not None:
        raise TokenRejected("revoked_token", "The API token has been revoked.")
    lifetime = getattr(token, "lifetime", None)
    if lifetime is not None and lifetime.expired:
        raise TokenRejected("expired_token", "The API token has expired.")
    user = token.user
    if not user.is_active or user.is_suspended:
        raise TokenRejected("invalid_token", "The API token's account cannot use the API.")
    now = timezone.now()
    interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= interval:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
