"""What projects/ holds about a person, for downloads and erasure (see ``privacy.registry``)."""

from __future__ import annotations

from wagtail.models import Page

from privacy.registry import DataSection, ErasureOptions, register
from projects.models import DataPoint, ProjectTeamMember


def _team_rows(user) -> list[dict]:
    return [
        {
            "write_up": place.project.title,
            "published": place.project.live,
            "url": place.project.url if place.project.live else "",
            "role": place.role,
            "organisation": place.organisation,
            "credited_as_coauthor": place.is_coauthor,
            "lived_experience_partner": place.lived_experience,
        }
        for place in ProjectTeamMember.objects.filter(user=user).select_related("project").order_by("pk")
    ]


def _erase_team_places(user, options: ErasureOptions) -> dict[str, int]:
    """The write-ups stay (their teams and readers own them); the person's name leaves each team, and
    Wagtail no longer lists them as a page's owner."""
    count = 0
    for place in ProjectTeamMember.objects.filter(user=user):
        place.delete()
        count += 1
    Page.objects.filter(owner=user).update(owner=None)
    return {"removed": count}


def _measure_rows(user) -> list[dict]:
    """Boost does not record who typed each value, so this is every data point of every measure on
    the write-ups the person is (or was) on the team of: the values they could have entered."""
    points = (
        DataPoint.objects.filter(measure__project__team__user=user)
        .select_related("measure__project")
        .order_by("measure__project__title", "measure__sort_order", "measure_id", "date")
    )
    return [
        {
            "write_up": point.measure.project.title,
            "measure": point.measure.name,
            "unit": point.measure.unit,
            "date": point.date,
            "value": point.value,
        }
        for point in points
    ]


register(
    DataSection(
        name="write_ups",
        title="Write-ups you are on the team of",
        description="Improvement stories you co-authored or are credited on, and your role. After you close your "
        "account the stories stay, without your name.",
        rows=_team_rows,
        erase=_erase_team_places,
        order=40,
    )
)
register(
    DataSection(
        name="measures",
        title="Measures on your write-ups",
        description="The data points of the measures on the write-ups you are on the team of (Boost does not "
        "record which team member typed each value).",
        rows=_measure_rows,
        order=41,
    )
)
