"""The authoring journey through the site's forms, CSV upload through the form, and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.csv_import import MAX_BYTES, read_csv
from projects.models import DataPoint, Measure, ProjectPage
from tests.factories.projects import make_measure, make_project

pytestmark = pytest.mark.django_db


def test_member_writes_a_story_step_by_step_and_submits(client, member):
    client.force_login(member)
    response = client.post(reverse("projects:start"), {"title": "Zero-day list", "stage": "testing"})
    project = ProjectPage.objects.get(title="Zero-day list")
    assert response.url == reverse("projects:edit", args=[project.pk, "problem"])
    client.post(reverse("projects:edit", args=[project.pk, "problem"]), {"problem": "Long waits", "aim": "Halve"})
    client.post(reverse("projects:edit", args=[project.pk, "approach"]), {"changes": "Daily list"})
    response = client.get(reverse("projects:submit", args=[project.pk]))
    html = response.content.decode()
    assert "Write the plain-English summary." in html and "Write the &#x27;Results&#x27; section." in html
    assert "Submit for review" not in html
    client.post(reverse("projects:edit", args=[project.pk, "results"]), {"results": "Waits halved"})
    about = {"title": "Zero-day list", "stage": "testing", "summary": "We halved waits."}
    client.post(reverse("projects:edit", args=[project.pk, "about"]), about)
    response = client.post(reverse("projects:submit", args=[project.pk]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.current_workflow_state is not None and not project.live
    assert "In review" in client.get(reverse("projects:mine")).content.decode()


def test_changes_requested_comment_is_shown_to_the_author(client, member, curator):
    project = make_project(member, publish=False)
    services.submit_for_review(user=member, project=project)
    client.force_login(curator)
    response = client.post(reverse("projects:review", args=[project.pk]), {"decision": "changes", "comment": ""})
    assert "Say what needs to change" in response.content.decode()
    client.post(reverse("projects:review", args=[project.pk]), {"decision": "changes", "comment": "Add dates please"})
    client.force_login(member)
    assert "Add dates please" in client.get(reverse("projects:mine")).content.decode()
    assert "Add dates please" in client.get(reverse("projects:edit", args=[project.pk, "about"])).content.decode()


def test_non_coauthors_get_404_on_every_authoring_page(client, member, other_member):
    project = make_project(member)
    measure = make_measure(project, [1, 2, 3])
    client.force_login(other_member)
    for url in (
        reverse("projects:edit", args=[project.pk, "about"]),
        reverse("projects:team", args=[project.pk]),
        reverse("projects:submit", args=[project.pk]),
        reverse("projects:measures", args=[project.pk]),
        reverse("projects:measure", args=[project.pk, measure.pk]),
        reverse("projects:preview", args=[project.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("projects:edit", args=[project.pk, "about"]), {"title": "x"}).status_code == 404
    assert client.get(reverse("projects:review_queue")).status_code == 404


def test_a_target_without_a_direction_is_refused(client, member):
    project = make_project(member)
    client.force_login(member)
    data = {"name": "Waits", "operational_definition": "Count", "measure_type": "outcome", "better": "", "target": "5"}
    response = client.post(reverse("projects:measures", args=[project.pk]), data)
    assert "a target needs a direction" in response.content.decode()
    assert not Measure.objects.filter(project=project).exists()


def test_measures_with_no_data_or_one_point_render(client, member):
    project = make_project(member)
    make_measure(project, [], name="Empty one")
    make_measure(project, [42], name="Single point")
    html = client.get(project.url).content.decode()
    assert "No data yet" in html
    assert "Single point: 42" in html


def _upload(client, project, measure, content: bytes, replace=False):
    data = {"action": "upload", "upload-file": SimpleUploadedFile("data.csv", content, "text/csv")}
    if replace:
        data["upload-replace"] = "on"
    return client.post(reverse("projects:measure", args=[project.pk, measure.pk]), data)


def test_csv_upload_reports_every_bad_row_and_saves_nothing_then_a_clean_file_imports(client, member):
    project = make_project(member)
    measure = make_measure(project, [])
    client.force_login(member)
    bad = b"date,value\n2024-01-01,10\n2024-02-30,11\n2024-03-01,abc\n2024-01-01,12\n2024-04-01,\n"
    response = _upload(client, project, measure, bad)
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Line 3: &#x27;2024-02-30&#x27; is not a date" in html
    assert "Line 4: &#x27;abc&#x27; is not a number" in html
    assert "Line 5: 2024-01-01 is already on line 2" in html
    assert "Line 6: the value is empty" in html
    assert DataPoint.objects.filter(measure=measure).count() == 0

    response = _upload(client, project, measure, b'Date,Value\n2024-01-01,10\n01/02/2024,"1,200"\n2024-03,11.5\n')
    assert response.status_code == 302
    assert list(measure.points.values_list("value", flat=True)) == [Decimal("10"), Decimal("1200"), Decimal("11.5")]
    measure.refresh_from_db()
    assert measure.n_points == 3 and "10.0 → 11.5" in measure.headline

    html = _upload(client, project, measure, b"date,value\n2024-01-01,99\n").content.decode()
    assert "already has a value in this measure" in html and "Line 2" in html
    assert _upload(client, project, measure, b"date,value\n2024-01-01,99\n", replace=True).status_code == 302
    assert list(measure.points.values_list("value", flat=True)) == [Decimal("99")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"when,amount\n2024-01-01,3\n", "the columns must be exactly 'date' and 'value'"),
        (b"date,value\n", "no data"),
        (b"date,value\n" + b"2024-01-01,1\n" * (MAX_BYTES // 13 + 10), "too big"),
        (b"\xff\xfe\x00d", "not UTF-8"),
        (b"date,value\n2024-01-01,nan\n", "'nan' is not a number"),
        (b"date,value\n2024-01-01,1e400\n", "is not a number"),
        (b"date,value,note\n2024-01-01,1,x\n", "the columns must be exactly"),
    ],
)
def test_csv_bad_files_get_precise_messages(content, message):
    result = read_csv(content)
    assert not result.ok and not result.rows
    assert message in " ".join(result.errors)


def test_data_point_duplicate_date_is_refused(member):
    project = make_project(member)
    measure = make_measure(project, [5])
    with pytest.raises(services.ProjectError, match="already a value"):
        services.add_data_point(user=member, measure=measure, when=measure.points.get().date, value=Decimal(6))


def test_chart_is_recomputed_only_when_data_changes(member, client, monkeypatch):
    project = make_project(member)
    measure = make_measure(project, [5, 6, 7])
    calls = []
    from projects import measurement

    original = measurement.analyse_measure
    monkeypatch.setattr(measurement, "analyse_measure", lambda *a, **k: calls.append(1) or original(*a, **k))
    client.get(project.url)
    client.get(project.url)
    assert calls == []
    services.add_annotation(user=member, measure=measure, when=measure.points.first().date, label="PDSA 1")
    assert calls == [1]
    measure.refresh_from_db()
    assert "PDSA 1" in measure.chart_svg


def test_phase_recalculates_limits_from_a_date(member):
    project = make_project(member)
    measure = make_measure(project, [10, 12] * 6 + [30, 32] * 6)
    assert measure.analysis["n_phases"] == 1
    start = measure.points.order_by("date")[12].date
    services.add_phase(user=member, measure=measure, start=start, label="New rota")
    measure.refresh_from_db()
    assert measure.analysis["n_phases"] == 2
    assert measure.analysis["rows"][-1]["centre"] == "31.0"  # one decimal more than the data
    with pytest.raises(services.ProjectError):
        services.add_phase(user=member, measure=measure, start=start)


def test_a_phase_must_start_on_a_date_with_a_value(member):
    from datetime import date

    from projects.models import Phase

    project = make_project(member)
    empty = make_measure(project, [], name="Empty")
    with pytest.raises(services.ProjectError, match="Add the measure's data first"):
        services.add_phase(user=member, measure=empty, start=date(2023, 1, 1))
    measure = make_measure(project, [10, 12] * 6)  # monthly from 1 October 2022
    with pytest.raises(services.ProjectError) as error:
        services.add_phase(user=member, measure=measure, start=date(2023, 1, 15))
    assert str(error.value) == (
        "There is no value on 15 January 2023: limits are recalculated from a date that has one. "
        "The nearest dates with a value: 1 January 2023 or 1 February 2023."
    )
    with pytest.raises(services.ProjectError, match="1 October 2022 is the first value"):
        services.add_phase(user=member, measure=measure, start=date(2022, 10, 1))
    services.add_phase(user=member, measure=measure, start=date(2023, 1, 1))
    with pytest.raises(services.ProjectError, match="already recalculated from 1 January 2023"):
        services.add_phase(user=member, measure=measure, start=date(2023, 1, 1))
    assert Phase.objects.filter(measure=measure).count() == 1


def test_outlier_screening_is_a_per_measure_option(member, client):
    # 10, 12, … with a 30 at point 5 (see test_spc's SPIKE): screened MR̄ = 2, UCL 17.82;
    # unscreened MR̄ = 58/11, UCL 26.53; the table shows limits to one decimal more than the whole-number data.
    project = make_project(member)
    spike = [10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12]
    measure = make_measure(project, spike)
    assert measure.screen_outliers is True
    assert measure.analysis["rows"][0]["ucl"] == "17.8"
    client.force_login(member)
    url = reverse("projects:measure", args=[project.pk, measure.pk])
    page = client.get(url).content.decode()
    assert "Screen out unusual jumps" in page
    data = {
        "action": "definition",
        "definition-name": measure.name,
        "definition-operational_definition": measure.operational_definition,
        "definition-measure_type": "outcome",
        "definition-unit": "",
        "definition-better": "lower",
        "definition-target": "",
    }
    assert client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.screen_outliers is False
    assert measure.analysis["rows"][0]["ucl"] == "26.5"


def test_decimal_places_is_a_per_measure_setting_that_every_figure_follows(member, client):
    # Rates entered to four places but reported to one: values get 1 decimal, limits 2, everywhere.
    project = make_project(member)
    measure = make_measure(project, [12.3456, 14.1, 11.27, 13.5, 15.0625], unit="%", better="higher")
    assert measure.analysis["rows"][0]["value"] == "12.3456%"
    client.force_login(member)
    url = reverse("projects:measure", args=[project.pk, measure.pk])
    data = {
        "action": "definition",
        "definition-name": measure.name,
        "definition-operational_definition": measure.operational_definition,
        "definition-measure_type": "outcome",
        "definition-unit": "%",
        "definition-better": "higher",
        "definition-target": "",
        "definition-decimal_places": "1",
        "definition-screen_outliers": "on",
    }
    assert client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.decimal_places == 1
    rows = measure.analysis["rows"]
    assert [row["value"] for row in rows] == ["12.3%", "14.1%", "11.3%", "13.5%", "15.1%"]
    assert rows[0]["centre"] == "13.50%"  # the median of a run chart, one decimal more
    assert "12.3456" not in measure.chart_svg and "13.50%" in measure.chart_svg

    too_many = client.post(url, {**data, "definition-decimal_places": "7"})
    assert "Ensure this value is less than or equal to 4." in too_many.content.decode()
    measure.refresh_from_db()
    assert measure.decimal_places == 1

    assert client.post(url, {**data, "definition-decimal_places": ""}).status_code == 302
    measure.refresh_from_db()
    assert measure.decimal_places is None
    assert measure.analysis["rows"][0]["value"] == "12.3456%"


def test_only_leaders_may_feature_bright_spots_and_order_priorities(client, member, leader, curator):
    from tests.factories.projects import make_priority

    project = make_project(member)
    with pytest.raises(services.NotAllowed):
        services.feature_bright_spot(user=curator, project=project)
    services.feature_bright_spot(user=leader, project=project, note="Great")
    make_priority("First")
    second = make_priority("Second")
    with pytest.raises(services.NotAllowed):
        services.move_priority(user=curator, priority=second, direction="up")
    client.force_login(curator)
    assert client.get(reverse("projects:order_priorities")).status_code == 404
    client.force_login(leader)
    client.post(reverse("projects:order_priorities"), {"priority": second.pk, "direction": "up"})
    from projects.models import PriorityPage

    assert list(PriorityPage.objects.order_by("path").values_list("title", flat=True)) == ["Second", "First"]


def test_wagtail_page_permissions_let_only_leaders_add_and_reorder_priorities(leader, curator):
    from projects.models import PriorityIndexPage, ProjectIndexPage

    index = PriorityIndexPage.objects.get()
    assert index.permissions_for_user(leader).can_add_subpage()
    assert index.permissions_for_user(leader).can_reorder_children()
    assert not index.permissions_for_user(curator).can_add_subpage()
    assert not index.permissions_for_user(curator).can_reorder_children()
    assert ProjectIndexPage.objects.get().permissions_for_user(curator).can_add_subpage()


def test_contact_the_team_emails_the_coauthors(client, member, other_member, mailoutbox):
    project = make_project(member)
    client.force_login(other_member)
    response = client.post(reverse("projects:contact", args=[project.pk]), {"message": "How did you staff it?"})
    assert response.status_code == 302
    assert mailoutbox[-1].to == [member.email]
    assert "How did you staff it?" in mailoutbox[-1].body


def test_we_are_trying_this_creates_a_linked_draft_and_the_source_shows_the_adopter(client, member, other_member):
    source = make_project(member, title="Original")
    make_measure(source, [5, 6, 7, 8])
    client.force_login(other_member)
    response = client.post(reverse("projects:adopt", args=[source.pk]))
    adopted = ProjectPage.objects.get(adapted_from=source)
    assert response.url == reverse("projects:edit", args=[adopted.pk, "about"])
    assert "No other team has published an adaptation" in client.get(source.url).content.decode()
    adopted.get_latest_revision().publish()
    adopted.refresh_from_db()
    html = client.get(source.url).content.decode()
    assert "1 team is trying this" in html and adopted.title in html
    assert "Adapted from" in client.get(adopted.url).content.decode()


def test_authors_attach_documents_to_the_draft_and_bad_files_are_refused(client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(member)
    client.force_login(member)
    url = reverse("projects:submit", args=[project.pk])
    bad = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(url, {"action": "attach", "attach-title": "Tool", "attach-file": bad})
    assert "cannot be attached" in response.content.decode()
    good = SimpleUploadedFile("driver.pdf", b"%PDF-1.4", "application/pdf")
    client.post(url, {"action": "attach", "attach-title": "Driver diagram", "attach-file": good})
    assert [str(a) for a in services.latest_draft(project).attachments.all()] == ["Driver diagram"]
    assert "Driver diagram" not in client.get(project.url).content.decode()  # not published yet
    services.latest_draft(project).get_latest_revision().publish()
    assert "Driver diagram" in client.get(project.url).content.decode()


def test_in_the_wagtail_admin_leaders_can_add_priorities_and_curators_cannot(client, leader, curator, admin_user):
    from projects.models import PriorityIndexPage

    index = PriorityIndexPage.objects.get()
    add_url = f"/admin/pages/add/projects/prioritypage/{index.pk}/"
    client.force_login(leader)
    assert client.get(add_url).status_code == 200
    client.force_login(curator)
    assert client.get(add_url).status_code in (302, 403)
    project = make_project(curator)
    client.force_login(admin_user)
    assert client.get(f"/admin/pages/{project.pk}/edit/").status_code == 200


def test_contacting_teams_is_rate_limited(member, other_member, mailoutbox, settings):
    from boost.ratelimit import RateLimited

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_team": "5/h"}
    project = make_project(member)
    for _ in range(5):
        services.contact_team(sender=other_member, project=project, message="A question")
    with pytest.raises(RateLimited, match="Try again in"):
        services.contact_team(sender=other_member, project=project, message="One more")
    assert len(mailoutbox) == 5


def test_a_change_followed_by_a_sustained_shift_offers_to_recalculate_limits(member, client):
    # Monthly from Oct 2022 (point i is Oct 2022 + i months): 1,200 / 1,210 × 6, then 1,190,
    # 1,180, 1,170, 1,160 (points 12-15), then 8 values near 100 (points 16-23).
    # * "Zero-day PTL" on 15 Jan 2024: its first value is 1 Feb 2024 (point 16). Mean before
    #   it: (7,200 + 7,260 + 4,700)/16 = 1,197.5; the 8 values after it are all below: a
    #   sustained shift (7 needed). Offered.
    # * "Audit" on 1 Jan 2023 (point 3): mean before it (1,200 + 1,210 + 1,200)/3 = 1,203.3;
    #   the run below it at the end is points 12-23 (12 points; point 11, 1,210, is above),
    #   so it is offered too: the rule cannot tell which change moved the process, the
    #   author chooses. Once the limits start at the PTL, the audit's phase ends at point
    #   15 and its run below 1,203.3 is 4 points: no longer offered.
    from datetime import date

    from projects.models import Annotation, Phase

    project = make_project(member)
    values = [1200, 1210] * 6 + [1190, 1180, 1170, 1160] + [120, 110, 100, 105, 98, 102, 99, 101]
    measure = make_measure(project, values, name="Waiting over 62 days")
    early = services.add_annotation(user=member, measure=measure, when=date(2023, 1, 1), label="Audit")
    change = services.add_annotation(user=member, measure=measure, when=date(2024, 1, 15), label="Zero-day PTL")
    measure.refresh_from_db()
    offers = measure.analysis["rebase_offers"]
    assert [offer["annotation"] for offer in offers] == [early.pk, change.pk]
    assert offers[1]["points"] == 8 and offers[1]["where"] == "below"
    client.force_login(member)
    url = reverse("projects:measure", args=[project.pk, measure.pk])
    page = client.get(url).content.decode()
    assert "Recalculate limits from this change" in page
    rebase = reverse("projects:measure_rebase", args=[project.pk, measure.pk, change.pk])
    assert client.post(rebase).status_code == 302
    phase = Phase.objects.get(measure=measure)
    assert (phase.start_date, phase.label) == (date(2024, 2, 1), "Zero-day PTL")
    measure.refresh_from_db()
    assert measure.analysis["n_phases"] == 2
    assert measure.analysis["rebase_offers"] == []
    # Again: refused with the reason, nothing changed.
    client.post(rebase)
    assert Phase.objects.filter(measure=measure).count() == 1
    # A change with no values after it cannot start a phase.
    late = Annotation.objects.create(measure=measure, date=date(2030, 1, 1), label="Later")
    with pytest.raises(services.ProjectError, match="no values on or after 1 January 2030"):
        services.rebase_at_annotation(user=member, annotation=late)


def test_only_editors_may_rebase_at_an_annotation(member, other_member, client):
    from datetime import date

    project = make_project(member)
    measure = make_measure(project, [5] * 12 + [1] * 8)
    change = services.add_annotation(user=member, measure=measure, when=date(2023, 10, 1), label="Change")
    client.force_login(other_member)
    response = client.post(reverse("projects:measure_rebase", args=[project.pk, measure.pk, change.pk]))
    assert response.status_code == 404
    with pytest.raises(services.NotAllowed):
        services.rebase_at_annotation(user=other_member, annotation=change)
    assert not measure.phases.exists()
