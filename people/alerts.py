"""Signal alerts: who hears about a new signal on a measure, and telling them.

The people who follow the write-up, one of its priorities or one of its communities, and who may
see the write-up now (the one rights rule, :func:`boost.permissions.can_view_page`): a private or
restricted write-up's signal never reaches anyone outside it. Each record is claimed once
(``announced_at``), and each person gets one notification per record (a unique constraint), so a
retried task announces nothing twice. The notification is discussions' own: the bell, live, and
email at the person's frequency, whose digest says the signal in words and links to the chart.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from boost.permissions import can_view_page, community_of, page_view_restrictions
from people.models import Follow
from projects.models import MeasureSignal, ProjectPage


def audience_pages(project: ProjectPage) -> list[int]:
    """The pages whose followers hear about this write-up: itself, its priorities, its communities."""
    return [
        project.pk,
        *project.priorities.values_list("pk", flat=True),
        *project.communities.values_list("pk", flat=True),
    ]


def recipients_for(project: ProjectPage) -> list:
    """Active followers of the write-up's audience pages who may see the write-up."""
    if not project.live:
        return []
    followers = Follow.objects.filter(page_id__in=audience_pages(project)).values("user_id")
    people = get_user_model().objects.filter(pk__in=followers, is_active=True)
    restrictions = page_view_restrictions(project)
    community = community_of(project)
    return [
        person for person in people if can_view_page(person, project, restrictions=restrictions, community=community)
    ]


def announce(record_ids: list[int]) -> int:
    """Notify the audience of each not yet announced record; returns how many notifications were made."""
    from discussions.models import Notification
    from discussions.services import deliver_notifications

    made: list[int] = []
    records = MeasureSignal.objects.filter(pk__in=record_ids, is_current=True, announced_at__isnull=True)
    for record in records.select_related("measure"):
        project = ProjectPage.objects.filter(pk=record.measure.project_id).first()
        if project is None or not project.live:
            continue  # a draft's signals are kept, not announced: nobody outside its team may see them
        with transaction.atomic():
            claimed = MeasureSignal.objects.filter(pk=record.pk, announced_at__isnull=True).update(
                announced_at=timezone.now()
            )
            if not claimed:
                continue
            people = recipients_for(project)
            from discussions.delivery import silenced

            quiet = silenced([person.pk for person in people], Notification.Kind.SIGNAL)
            people = [person for person in people if person.pk not in quiet]
            Notification.objects.bulk_create(
                [Notification(recipient=person, kind=Notification.Kind.SIGNAL, signal=record) for person in people],
                ignore_conflicts=True,
            )
            ids = list(
                Notification.objects.filter(signal=record, recipient__in=[p.pk for p in people]).values_list(
                    "pk", flat=True
                )
            )
            transaction.on_commit(lambda ids=ids: deliver_notifications(ids), robust=True)
        made += ids
    return len(made)
