"""What api/ holds about a person: their API tokens (names and dates; the tokens themselves are never stored)."""

from __future__ import annotations

from wagtail.models import APIToken

from privacy.registry import DataSection, ErasureOptions, register


def _rows(user) -> list[dict]:
    return [
        {
            "name": token.name,
            "starts_with": token.prefix,
            "created_at": token.created,
            "expires_at": getattr(getattr(token, "lifetime", None), "expires_at", None),
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
        for token in APIToken.objects.filter(user=user).select_related("lifetime").order_by("pk")
    ]


def _erase(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = APIToken.objects.filter(user=user).delete()
    return {"deleted": deleted}


register(
    DataSection(
        name="api_tokens",
        title="API tokens",
        description="The personal tokens you made for Boost's API: their names and dates, never the tokens.",
        rows=_rows,
        erase=_erase,
    )
)
