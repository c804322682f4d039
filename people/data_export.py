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


def _expertise_rows(user) -> list[dict]:
    from people.models import Expertise, HelpOffer

    expertise = Expertise.objects.filter(user=user).prefetch_related("methods", "care_areas").first()
    rows = [{"offer_of_help": offer.text} for offer in HelpOffer.objects.filter(user=user)]
    if expertise is not None:
        rows.insert(
            0,
            {
                "methods": ", ".join(method.name for method in expertise.methods.all()),
                "care_areas": ", ".join(area.name for area in expertise.care_areas.all()),
                "region": expertise.get_region_display() if expertise.region else "",
                "open_to_visits": expertise.open_to_visits,
                "open_to_calls": expertise.open_to_calls,
            },
        )
    return rows


def _erase_expertise(user, options: ErasureOptions) -> dict[str, int]:
    from people.models import Expertise, HelpOffer

    offers, _ = HelpOffer.objects.filter(user=user).delete()
    expertise, _ = Expertise.objects.filter(user=user).delete()
    return {"deleted": offers + expertise}


def _visit_rows(user) -> list[dict]:
    from people.models import VisitRequest

    return [
        {
            "write_up": visit.offer.project.title,
            "visit_starts_at": visit.offer.starts_at,
            "hoping_to_learn": visit.hoping_to_learn,
            "state": visit.get_state_display(),
            "what_you_will_try": visit.reflection,
            "asked_at": visit.created_at,
        }
        for visit in VisitRequest.objects.filter(visitor=user).select_related("offer__project")
    ]


def _erase_visits(user, options: ErasureOptions) -> dict[str, int]:
    from people.models import VisitRequest

    deleted, _ = VisitRequest.objects.filter(visitor=user).delete()
    return {"deleted": deleted}


register(
    DataSection(
        name="expertise",
        title="Your expertise and offers of help",
        description="The methods, care areas, region and openness you listed, and your offers of help.",
        rows=_expertise_rows,
        erase=_erase_expertise,
        order=62,
    )
)
register(
    DataSection(
        name="visit_requests",
        title="Visits you asked for",
        description="Peer visits you asked to come on, what you hoped to learn and the team's answer.",
        rows=_visit_rows,
        erase=_erase_visits,
        order=63,
    )
)
