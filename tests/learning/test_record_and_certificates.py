"""The learning record, certificates (PDF and public check) and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import services
from learning.models import Certificate
from tests.factories.learning import list_modules, make_module, make_programme

pytestmark = pytest.mark.django_db


def _complete(user, module):
    for block in module.checks():
        services.answer_check(user=user, module=module, block_id=block.id, choice=1)
    services.complete_module(user=user, module=module)


def test_certificate_refused_until_every_module_completed_then_pdf_and_public_check(client, member, other_member):
    programme = make_programme()
    first, second = make_module(programme, "Aims"), make_module(programme, "Measures")
    list_modules(programme, [first, second])
    client.force_login(member)
    _complete(member, first)
    response = client.post(f"/learning/programmes/{programme.pk}/certificate/", follow=True)
    assert "Complete every module first. Still to do: Measures." in response.content.decode()
    assert not Certificate.objects.exists()
    _complete(member, second)
    response = client.post(f"/learning/programmes/{programme.pk}/certificate/", follow=True)
    certificate = Certificate.objects.get(user=member)
    html = response.content.decode()
    assert "Your certificate is ready." in html and "Aims" in html and "Measures" in html
    pdf = client.get(f"/learning/certificates/{certificate.code}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # Only its owner downloads the PDF; anyone may check it, and sees name, programme and date only.
    client.force_login(other_member)
    assert client.get(f"/learning/certificates/{certificate.code}/certificate.pdf").status_code == 404
    client.logout()
    check = client.get(f"/learning/certificates/{certificate.code}/").content.decode()
    assert member.display_name in check and programme.title in check
    assert member.email not in check and "Aims" not in check


def test_unknown_certificate_code_is_404(client):
    assert client.get("/learning/certificates/3f2504e0-4f89-11d3-9a0c-0305e82c3301/").status_code == 404


def test_record_is_only_ones_own(client, member, other_member):
    programme = make_programme()
    module = make_module(programme, "Aims")
    list_modules(programme, [module])
    _complete(member, module)
    client.force_login(other_member)
    assert "Aims" not in client.get("/learning/record/").content.decode()
    client.force_login(member)
    assert "Aims" in client.get("/learning/record/").content.decode()
    client.logout()
    assert client.get("/learning/record/").status_code == 302


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_programme_page_and_record_queries_do_not_grow_with_modules(client, member, django_assert_num_queries):
    """1 module against 5 (each started and completed by the viewer): the same number of queries."""
    small = make_programme("Small")
    module = make_module(small, "Only", checks=1)
    list_modules(small, [module])
    _complete(member, module)
    client.force_login(member)
    client.get(small.url)  # warm the session and the footer and menu caches
    small_count = _queries(client, small.url)
    record_count = _queries(client, "/learning/record/")

    large = make_programme("Large")
    modules = [make_module(large, f"Module {n}", checks=1) for n in range(5)]
    list_modules(large, modules)
    for module in modules:
        _complete(member, module)
    client.get(large.url)  # the footer and menus are cached per content generation: warm them again
    with django_assert_num_queries(small_count):
        client.get(large.url)
    with django_assert_num_queries(record_count):
        client.get("/learning/record/")


def test_record_lists_sessions_attended_and_outputs(client, member, leader):
    from learning.models import SessionAttendance, ValueExercise
    from tests.factories.communities import add_member, make_community, make_event
    from tests.factories.projects import make_project

    workspace = make_community("Stroke group", is_private=True, access="invite")
    add_member(member, workspace)
    session = make_event(workspace, days=-2, title="Launch day")
    SessionAttendance.objects.create(event=session, user=member, marked_by=leader)
    make_project(member, title="Zero-day tracking list")
    ValueExercise.objects.create(community=workspace, title="Stroke STAR", pathway="Stroke", created_by=member)
    client.force_login(member)
    html = client.get("/learning/record/").content.decode()
    assert "Launch day (Stroke group)" in html
    assert "Zero-day tracking list</a> (write-up)" in html and "Stroke STAR</a> (value exercise)" in html
