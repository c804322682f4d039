from wagtail import hooks

from learning.models import ModuleProgress, ProgrammeIndexPage


@hooks.register("boost_dashboard_sections")
def my_learning_section(request):
    in_progress = list(
        ModuleProgress.objects.filter(
            user=request.user, state=ModuleProgress.State.IN_PROGRESS, module__live=True
        ).select_related("module")[:5]
    )
    index = ProgrammeIndexPage.objects.live().first()
    return {
        "key": "my-learning",
        "title": "Your learning",
        "template": "learning/sections/my_learning.html",
        "items": in_progress,
        "programmes_url": index.url if index else "",
        "order": 18,
    }


@hooks.register("boost_demo_loaders")
def demo_loader():
    from learning.demo import load

    return (60, load)
