"""Receivers: what other apps' changes mean for the people who follow them.

Content apps never import people/; people/ listens (as search/ does). Feed events are written in the
same transaction as the change, so a rolled-back change leaves no event; notifications go out after
commit.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from discussions.models import Message
from projects.models import ProjectPage, Stage, StageChange
from projects.signal_record import signals_recorded


@receiver(signals_recorded)
def announce_new_signals(sender, measure, records, **kwargs) -> None:
    """Put a measure's new signals in followers' feeds, and tell them once the data is committed."""
    current = [record for record in records if record.is_current]
    if not current:
        return
    from people import feed
    from people.alerts import audience_pages
    from people.models import FeedKind

    project = ProjectPage.objects.filter(pk=measure.project_id, live=True).first()
    if project is not None:
        topics = audience_pages(project)
        for record in current:
            feed.record(kind=FeedKind.SIGNAL, page=project, topics=topics, signal=record, detail=record.description)
    from people.tasks import announce_signals

    ids = [record.pk for record in current]
    transaction.on_commit(lambda: announce_signals.enqueue(ids), robust=True)


@receiver(post_save, sender=StageChange)
def write_up_moved(sender, instance: StageChange, created: bool, raw: bool = False, **kwargs) -> None:
    """A write-up published for the first time, or at a new stage, reaches its followers' feeds."""
    if not created or raw:
        return
    from people import feed
    from people.alerts import audience_pages
    from people.models import FeedKind

    project = ProjectPage.objects.filter(pk=instance.project_id).first()
    if project is None:
        return
    before = (
        StageChange.objects.filter(project_id=instance.project_id)
        .exclude(pk=instance.pk)
        .order_by("-changed_at", "-pk")
        .values_list("stage", flat=True)
        .first()
    )
    labels = dict(Stage.choices)
    if before is None:
        kind, detail = FeedKind.NEW_WRITE_UP, f"at stage {labels.get(instance.stage, instance.stage)}"
    else:
        kind = FeedKind.STAGE_CHANGE
        detail = f"{labels.get(before, before)} → {labels.get(instance.stage, instance.stage)}"
    feed.record(
        kind=kind,
        page=project,
        topics=audience_pages(project),
        actor=project.owner,
        detail=detail,
        stage=instance.stage,
        when=instance.changed_at,
    )


@receiver(post_save, sender=Message)
def message_posted(sender, instance: Message, created: bool, raw: bool = False, **kwargs) -> None:
    """A new discussion reaches the followers of its community or page; a reply reaches its watchers."""
    if not created or raw or instance.state != Message.State.PUBLISHED:
        return
    from people import feed
    from people.models import FeedKind

    thread = instance.thread
    if thread.is_direct:
        return  # private conversations never reach anyone's feed
    home = thread.page_id or thread.community_id
    first = not Message.objects.filter(thread_id=thread.pk, pk__lt=instance.pk).exists()
    if first:
        feed.record(
            kind=FeedKind.NEW_THREAD,
            page=home,
            topics=[home],
            actor=instance.author,
            thread=thread,
            when=instance.created_at,
        )
    else:
        feed.record(
            kind=FeedKind.REPLY,
            page=home,
            actor=instance.author,
            thread=thread,
            message=instance,
            when=instance.created_at,
        )
