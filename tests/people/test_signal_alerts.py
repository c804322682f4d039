"""Signal alerts: a measure's new special-cause signal or assurance change is recorded once and
announced to the followers of the write-up, its priorities and its communities who may see it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import PageViewRestriction

from discussions.models import Notification, NotificationPreference
from discussions.tasks import send_digests
from people.models import Follow
from projects import services
from projects.models import MeasureSignal
from tests.factories.discussions import make_community
from tests.factories.projects import FALLING, make_measure, make_priority, make_project, month

pytestmark = pytest.mark.django_db


def _csv(values, start=0) -> bytes:
    rows = [f"{month(start + i).isoformat()},{v}" for i, v in enumerate(values)]
    return ("date,value\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture(autouse=True)
def _committed(monkeypatch, django_capture_on_commit_callbacks):
    """Each service call runs its on-commit work (the announcement, the bell) as a committed request would."""
    for name in ("import_csv", "add_data_point", "save_measure"):
        verb = getattr(services, name)

        def committed(*args, _verb=verb, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _verb(*args, **kwargs)

        monkeypatch.setattr(services, name, committed)


@pytest.fixture
def world(member, other_member, user_factory):
    author = user_factory()
    priority = make_priority("Discharge")
    community = make_community(title="Frailty")
    project = make_project(author, title="Home first")
    project.priorities.add(priority)
    project.communities.add(community)
    project.save_revision().publish()
    measure = make_measure(project, FALLING[:12], name="Delayed discharges")
    via_priority = user_factory()
    Follow.objects.create(user=member, page=project, kind="project")
    Follow.objects.create(user=via_priority, page=priority, kind="priority")
    Follow.objects.create(user=other_member, page=community, kind="community")
    return {"author": author, "project": project, "measure": measure, "followers": [member, via_priority, other_member]}


def test_new_data_announces_each_new_signal_once_to_every_follower(world, user_factory):
    bystander = user_factory()
    before = MeasureSignal.objects.count()
    services.import_csv(user=world["author"], measure=world["measure"], raw=_csv(FALLING[12:], start=12))
    current = list(MeasureSignal.objects.filter(is_current=True, announced_at__isnull=False))
    assert current, "a sustained fall after the baseline is a special-cause signal"
    assert MeasureSignal.objects.count() > before
    for person in world["followers"]:
        got = Notification.objects.filter(recipient=person, kind="signal")
        assert got.count() == len(current)
        note = got.first()
        assert "Delayed discharges" in note.text and note.signal.description in note.text
        assert note.target_url == f"{world['project'].url}#measure-{world['measure'].pk}-heading"
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert not Notification.objects.filter(recipient=world["author"]).exists()  # not a follower

    # The same data again (replace): nothing new is recorded or announced.
    count = Notification.objects.count()
    records = MeasureSignal.objects.count()
    services.import_csv(user=world["author"], measure=world["measure"], raw=_csv(FALLING), replace=True)
    assert Notification.objects.count() == count
    assert MeasureSignal.objects.count() == records


def test_a_new_point_extending_a_running_signal_announces_nothing_more(world):
    services.import_csv(user=world["author"], measure=world["measure"], raw=_csv(FALLING[12:], start=12))
    count = Notification.objects.count()
    from decimal import Decimal

    services.add_data_point(user=world["author"], measure=world["measure"], when=month(24), value=Decimal("268"))
    assert Notification.objects.count() == count


def test_a_change_of_assurance_is_announced(world):
    member = world["followers"][0]
    services.import_csv(user=world["author"], measure=world["measure"], raw=_csv(FALLING[12:], start=12))
    Notification.objects.all().delete()
    services.save_measure(
        user=world["author"], project=world["project"], measure=world["measure"], data={"target": 2000}
    )
    change = MeasureSignal.objects.get(kind="assurance")
    assert change.assurance == "consistently_pass" and "consistently pass" in change.description
    assert Notification.objects.filter(recipient=member, signal=change).count() == 1
    # Saving again with the same target: same assurance, nothing new.
    services.save_measure(
        user=world["author"], project=world["project"], measure=world["measure"], data={"target": 2000}
    )
    assert MeasureSignal.objects.filter(kind="assurance").count() == 1


def test_a_private_write_up_notifies_nobody_outside_it(world, user_factory):
    insiders = Group.objects.create(name="Discharge team")
    insider = user_factory()
    insider.groups.add(insiders)
    Follow.objects.create(user=insider, page=world["project"], kind="project")
    restriction = PageViewRestriction.objects.create(page=world["project"], restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(insiders)
    services.import_csv(user=world["author"], measure=world["measure"], raw=_csv(FALLING[12:], start=12))
    assert Notification.objects.filter(recipient=insider, kind="signal").exists()
    for outsider in world["followers"]:
        assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_draft_write_up_signal_is_recorded_but_not_announced(member, user_factory):
    author = user_factory()
    project = make_project(author, title="Still a draft", publish=False)
    measure = make_measure(project, FALLING[:12])
    Follow.objects.create(user=member, page=project, kind="project")  # followed before it was unpublished
    services.import_csv(user=author, measure=measure, raw=_csv(FALLING[12:], start=12))
    assert MeasureSignal.objects.filter(measure=measure, is_current=True).exists()
    assert not Notification.objects.exists()


def test_the_digest_says_the_signal_in_words_and_links_to_the_chart(world, settings):
    settings.SITE_URL = "https://boost.example"
    member = world["followers"][0]
    NotificationPreference.objects.create(user=member, email_frequency="daily")
    services.import_csv(user=world["author"], measure=world["measure"], raw=_csv(FALLING[12:], start=12))
    mail.outbox.clear()
    send_digests.call("daily")
    sent = [message for message in mail.outbox if message.to == [member.email]]
    assert len(sent) == 1
    body = sent[0].body
    record = MeasureSignal.objects.filter(is_current=True).first()
    assert record.description in body
    assert f"https://boost.example{world['project'].url}#measure-{world['measure'].pk}-heading" in body
    # Exactly once: a second digest run sends nothing more.
    mail.outbox.clear()
    send_digests.call("daily")
    assert not [message for message in mail.outbox if message.to == [member.email]]
