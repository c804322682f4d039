"""What people/ holds about a person, for downloads and erasure (see ``privacy.registry``)."""

from __future__ import annotations

from people.models import Follow, ThreadWatch
from privacy.registry import DataSection, ErasureOptions, register


def _follow_rows(user) -> list[dict]:
    return [
        {
            "kind": follow.get_kind_display(),
            "what": follow.person.display_name if follow.person_id else follow.page.title,
            "page_url": follow.page.url if follow.page_id and follow.page.live else "",
            "person_id": follow.person_id,
            "since": follow.created_at,
        }
        for follow in Follow.objects.filter(user=user).select_related("page", "person__profile").order_by("created_at")
    ]


def _erase_follows(user, options: ErasureOptions) -> dict[str, int]:
    # Their follows, and other people's follows of them: a follow of an erased person points at no one.
    mine, _ = Follow.objects.filter(user=user).delete()
    of_them, _ = Follow.objects.filter(person=user).delete()
    return {"deleted": mine + of_them}


def _watch_rows(user) -> list[dict]:
    return [
        {"discussion": watch.thread.title, "choice": watch.get_level_display(), "since": watch.created_at}
        for watch in ThreadWatch.objects.filter(user=user).select_related("thread").order_by("created_at")
    ]


def _erase_watches(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = ThreadWatch.objects.filter(user=user).delete()
    return {"deleted": deleted}


register(
    DataSection(
        name="follows",
        title="What you follow",
        description="The communities, write-ups, priorities and people you follow.",
        rows=_follow_rows,
        erase=_erase_follows,
        order=60,
    )
)
register(
    DataSection(
        name="discussion_watches",
        title="Discussions you watch or muted",
        description="Discussions you chose to watch (hear about every reply) or to mute.",
        rows=_watch_rows,
        erase=_erase_watches,
        order=61,
    )
)
