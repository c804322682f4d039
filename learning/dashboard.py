"""The programme lead's cohort dashboard: teams by phase, attendance, module completion, outputs and
backfill time. A fixed number of queries whatever the number of teams, people or sessions: each
figure is one grouped query over the whole cohort."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import Profession
from communities.models import Event, Membership
from learning.models import Cohort, ModuleProgress, PhaseGate, SessionAttendance, Team


@dataclass
class TeamRow:
    team: Team
    phase_name: str
    members: int = 0
    professions: Counter = field(default_factory=Counter)
    lived_experience: int = 0
    sessions: int = 0
    attended: int = 0
    modules_completed: int = 0
    modules_possible: int = 0
    gates: int = 0
    outputs: int = 0

    @property
    def attendance_percent(self) -> int | None:
        possible = self.sessions * self.members
        return round(100 * self.attended / possible) if possible else None

    @property
    def completion_percent(self) -> int | None:
        return round(100 * self.modules_completed / self.modules_possible) if self.modules_possible else None

    @property
    def profession_mix(self) -> str:
        labels = dict(Profession.choices)
        return ", ".join(f"{labels.get(key, 'Not given')}: {n}" for key, n in sorted(self.professions.items()))


def cohort_dashboard(cohort: Cohort) -> dict:
    programme = cohort.programme
    phases = programme.phase_list()
    module_ids = [module.pk for module in programme.module_pages()]
    teams = list(Team.objects.filter(cohort=cohort).select_related("care_area", "coach__profile"))
    rows = {team.pk: TeamRow(team=team, phase_name=programme.phase_name(team.phase)) for team in teams}
    team_of_community = {team.community_id: team.pk for team in teams}
    # Members of each team (the coach facilitates and is not counted) and their professions.
    member_rows = Membership.objects.filter(
        community_id__in=list(team_of_community), state=Membership.State.ACTIVE, role=Membership.Role.MEMBER
    ).values_list("community_id", "user_id", "user__profile__profession")
    members_of: dict[int, list[int]] = defaultdict(list)
    team_of_user: dict[int, int] = {}
    for community_id, user_id, profession in member_rows:
        row = rows[team_of_community[community_id]]
        row.members += 1
        row.professions[profession or ""] += 1
        if profession == Profession.LIVED_EXPERIENCE:
            row.lived_experience += 1
        members_of[row.team.pk].append(user_id)
        team_of_user[user_id] = row.team.pk
    # Sessions: the cohort's own events (everyone) plus each team's workspace events.
    session_communities = [*team_of_community, *([cohort.community_id] if cohort.community_id else [])]
    sessions = Event.objects.filter(community_id__in=session_communities, cancelled_at__isnull=True)
    per_community = dict(sessions.values("community_id").annotate(n=Count("pk")).values_list("community_id", "n"))
    shared = per_community.get(cohort.community_id, 0)
    for community_id, team_pk in team_of_community.items():
        rows[team_pk].sessions = shared + per_community.get(community_id, 0)
    attended = (
        SessionAttendance.objects.filter(event__in=sessions, user_id__in=list(team_of_user))
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    for user_id, n in attended:
        rows[team_of_user[user_id]].attended += n
    completed = (
        ModuleProgress.objects.filter(
            user_id__in=list(team_of_user), module_id__in=module_ids, state=ModuleProgress.State.COMPLETED
        )
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    for user_id, n in completed:
        rows[team_of_user[user_id]].modules_completed += n
    for row in rows.values():
        row.modules_possible = row.members * len(module_ids)
    gates = (
        PhaseGate.objects.filter(team__cohort=cohort)
        .values("team_id")
        .annotate(
            n=Count("pk", distinct=True),
            w=Count("writeups", distinct=True),
            m=Count("measures", distinct=True),
            e=Count("maps", distinct=True),
            v=Count("value_exercises", distinct=True),
        )
    )
    for gate in gates:
        row = rows[gate["team_id"]]
        row.gates = gate["n"]
        row.outputs = gate["w"] + gate["m"] + gate["e"] + gate["v"]
    by_phase = [
        {"key": phase["key"], "name": phase["name"], "rows": [r for r in rows.values() if r.team.phase == phase["key"]]}
        for phase in phases
    ]
    return {
        "cohort": cohort,
        "programme": programme,
        "rows": list(rows.values()),
        "by_phase": by_phase,
        "accepted": cohort.applications.filter(state="accepted").count(),
        "module_count": len(module_ids),
        "applications": dict(cohort.applications.values("state").annotate(n=Count("pk")).values_list("state", "n")),
    }


CSV_HEADER = [
    "team",
    "care area",
    "phase",
    "members",
    "lived-experience members",
    "sessions",
    "attendances",
    "attendance %",
    "modules completed",
    "modules possible",
    "completion %",
    "gates signed off",
    "evidence items",
    "backfill days used",
    "backfill days agreed",
]


def dashboard_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in data["rows"]:
        team = row.team
        writer.writerow(
            [
                team.name,
                team.care_area.name if team.care_area else "",
                row.phase_name,
                row.members,
                row.lived_experience,
                row.sessions,
                row.attended,
                "" if row.attendance_percent is None else row.attendance_percent,
                row.modules_completed,
                row.modules_possible,
                "" if row.completion_percent is None else row.completion_percent,
                row.gates,
                row.outputs,
                team.backfill_days_used,
                team.backfill_days_agreed,
            ]
        )
    return out.getvalue()
