"""The demo's learning content: real modules with checks, loaded twice without change."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from learning.models import LearningModulePage, ProgrammePage

pytestmark = pytest.mark.django_db


def _state():
    return sorted(LearningModulePage.objects.values_list("pk", "title", "latest_revision_id")), sorted(
        ProgrammePage.objects.values_list("pk", "title", "latest_revision_id")
    )


def test_demo_programmes_and_modules(client):
    call_command("load_demo", "--quiet", "--password", "demo-password-123", stdout=StringIO())
    first = _state()
    fundamentals = ProgrammePage.objects.get(slug="improvement-fundamentals")
    titles = [module.title for module in fundamentals.module_pages()]
    assert titles == ["The Model for Improvement", "Plan, Do, Study, Act", "Reading an SPC chart"]
    for module in fundamentals.module_pages():
        assert len(module.checks()) >= 2
        assert any(block.block_type == "reflection" for block in module.body)
        assert client.get(module.url).status_code == 200
    stewardship = ProgrammePage.objects.get(slug="stewardship-groups")
    assert stewardship.phase_keys() == ["crawl", "walk", "run"]
    html = client.get(stewardship.url).content.decode()
    assert "A map of your pathway" in html and "A value workshop" in html
    assert "Rate your improvement skills" in html
    from learning import assessment
    from learning.models import ManagerConfirmation, SelfAssessment

    curator = get_user_model().objects.get(email="curator@boost.localhost")
    summary = assessment.aggregate_change(actor=curator, programme=stewardship)
    assert all(not row.people.suppressed and row.change > 0 for row in summary["rows"])
    assessments = SelfAssessment.objects.count()
    assert ManagerConfirmation.objects.filter(decision="confirmed", application__nominated_by__isnull=False).exists()
    call_command("load_demo", "--quiet", "--password", "demo-password-123", stdout=StringIO())
    assert _state() == first
    assert SelfAssessment.objects.count() == assessments
