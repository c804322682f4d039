from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from learning.models import ModuleProgress, ProgrammeIndexPage, SkillsFramework


class SkillsFrameworkViewSet(SnippetViewSet):
    """Curators edit the improvement-skills framework; publishing it makes it the one learners take."""

    model = SkillsFramework
    icon = "list-ol"
    menu_label = "Skills frameworks"
    list_display = ["name", "live"]


register_snippet(SkillsFrameworkViewSet)


@hooks.register("boost_dashboard_sections")
def my_learning_section(request):
    in_progress = list(
        ModuleProgress.objects.filter(
            user=request.user, state=ModuleProgress.State.IN_PROGRESS, module__live=True
        ).select_related("module")[:5]
    )
    from boost.structure import remembered

    # The same for everyone: read once per content generation.
    programmes_url = remembered(
        ("programmes-url",), lambda: index.url if (index := ProgrammeIndexPage.objects.live().first()) else ""
    )
    return {
        "key": "my-learning",
        "title": "Your learning",
        "template": "learning/sections/my_learning.html",
        "items": in_progress,
        "programmes_url": programmes_url,
        "order": 18,
    }


@hooks.register("boost_demo_loaders")
def demo_loader():
    from learning.demo import load

    return (60, load)


@hooks.register("boost_community_sections")
def community_learning_section(request, community):
    """On a team's (or cohort's) workspace, or any community with value work: links to them."""
    from boost.structure import remembered
    from learning.models import Cohort, Team, ValueExercise

    # The same for every reader of the community page: read once per content generation.
    team, cohort, exercises = remembered(
        ("community-learning", community.pk),
        lambda: (
            Team.objects.filter(community=community).first(),
            Cohort.objects.filter(community=community).first(),
            list(ValueExercise.objects.filter(community=community)[:5]),
        ),
    )
    if not (team or cohort or exercises):
        return None
    return {
        "key": "learning",
        "title": "Programme and value work",
        "template": "learning/sections/community_learning.html",
        "items": exercises,
        "team": team,
        "cohort": cohort,
        "order": 50,
    }


@hooks.register("boost_priority_sections")
def priority_value_proposals(request, priority):
    """Leaders see the resource-shift proposals serving the priority, across teams, on its page."""
    from django.utils.functional import SimpleLazyObject

    from learning.value import visible_proposals

    proposals = SimpleLazyObject(lambda: list(visible_proposals(request.user, priority)))
    return {
        "key": "value-proposals",
        "template": "learning/includes/priority_value_proposals.html",
        "proposals": proposals,
        # The board report's Reach counts the same list the section shows (one query for both,
        # and never a proposal this viewer could not see). A callable: the template calls it.
        "reach": {"noun": "value-work proposal", "count": lambda: len(proposals), "anchor": "value-proposals"},
        "order": 50,
    }
