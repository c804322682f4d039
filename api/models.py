"""Personal API tokens are Wagtail's own (``wagtail.models.APIToken``: only an HMAC digest is
stored, the token is shown once, it can be revoked, its last use is kept). Boost adds a lifetime,
so a member can make a token that stops working by itself."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TokenLifetime(models.Model):
    """When a personal API token stops working (no row, or no date: when it is revoked)."""

    token = models.OneToOneField(
        "wagtailcore.APIToken", on_delete=models.CASCADE, primary_key=True, related_name="lifetime"
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.token} until {self.expires_at or 'revoked'}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
