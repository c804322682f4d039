"""What the programme and module pages show a given viewer, worked out in a fixed number of queries."""

from __future__ import annotations

from django.urls import reverse

from learning.models import CheckAnswer, ModuleProgress, Reflection

NOT_STARTED = "Not started"


def progress_by_module(user, module_ids: list[int]) -> dict[int, ModuleProgress]:
    if not user.is_authenticated or not module_ids:
        return {}
    return {p.module_id: p for p in ModuleProgress.objects.filter(user=user, module_id__in=module_ids)}


def programme_context(request, programme) -> dict:
    """Phases with their modules and the viewer's state in each (one query for all progress)."""
    phases = programme.phase_list()
    modules = programme.module_pages()
    progress = progress_by_module(request.user, [module.pk for module in modules])
    live = {module.pk for module in modules}
    for phase in phases:
        rows = []
        for module in phase["modules"]:
            if module is None or module.pk not in live:
                continue
            state = progress.get(module.pk)
            rows.append(
                {
                    "page": module,
                    "state": state.get_state_display() if state else NOT_STARTED,
                    "state_key": state.state if state else "not_started",
                }
            )
        phase["module_rows"] = rows
    completed = sum(1 for p in progress.values() if p.state == ModuleProgress.State.COMPLETED)
    from learning.assessment import framework_for

    return {
        **programme_cohorts(request, programme),
        "skills_framework": framework_for(programme),
        "phases": phases,
        "module_count": len(modules),
        "completed_count": completed,
        "all_completed": bool(modules) and completed == len(modules),
    }


def programme_cohorts(request, programme) -> dict:
    """The programme's cohorts with places taken, and the viewer's application to each: two queries."""
    from django.db.models import Count, Q

    from learning.models import Application, Cohort

    cohorts = list(
        Cohort.objects.filter(programme=programme).annotate(
            accepted_count=Count("applications", filter=Q(applications__state=Application.State.ACCEPTED))
        )
    )
    mine = {}
    if request.user.is_authenticated and cohorts:
        mine = {
            a.cohort_id: a for a in Application.objects.filter(user=request.user, cohort_id__in=[c.pk for c in cohorts])
        }
    for cohort in cohorts:
        cohort.places_left = max(cohort.capacity - cohort.accepted_count, 0)
        cohort.my_application = mine.get(cohort.pk)
    return {"cohorts": cohorts}


def module_context(request, module, *, errors: dict[str, str] | None = None, drafts: dict[str, str] | None = None):
    """The module's blocks as steps, each with the viewer's own answer or reflection."""
    user = request.user
    errors = errors or {}
    drafts = drafts or {}
    answers: dict[str, CheckAnswer] = {}
    reflections: dict[str, Reflection] = {}
    progress = None
    if user.is_authenticated:
        answers = {a.block_id: a for a in CheckAnswer.objects.filter(user=user, module=module)}
        reflections = {r.block_id: r for r in Reflection.objects.filter(user=user, module=module)}
        progress = ModuleProgress.objects.filter(user=user, module=module).first()
    steps = []
    check_number = 0
    for block in module.body:
        step = {"block": block, "id": block.id, "type": block.block_type, "error": errors.get(block.id, "")}
        if block.block_type == "knowledge_check":
            check_number += 1
            answer = answers.get(block.id)
            step["number"] = check_number
            step["answer"] = answer
            step["options"] = [
                {
                    "index": index,
                    "text": option["text"],
                    "correct": option["correct"],
                    "feedback": option["feedback"],
                    "chosen": answer is not None and answer.choice == index,
                }
                for index, option in enumerate(block.value["options"])
            ]
            step["action"] = reverse("learning:answer", args=[module.pk, block.id])
        elif block.block_type == "reflection":
            reflection = reflections.get(block.id)
            step["text"] = drafts.get(block.id, reflection.text if reflection else "")
            step["saved"] = reflection is not None
            step["action"] = reverse("learning:reflect", args=[module.pk, block.id])
        steps.append(step)
    error_list = [
        {"href": f"#{step['id']}-{'input' if step['type'] == 'reflection' else 'option-0'}", "text": step["error"]}
        for step in steps
        if step["error"]
    ]
    if errors.get("complete"):
        error_list.append({"href": "#complete", "text": errors["complete"]})
    correct = {block_id for block_id, answer in answers.items() if answer.correct}
    checks = [step for step in steps if step["type"] == "knowledge_check"]
    return {
        "steps": steps,
        "progress": progress,
        "state": progress.get_state_display() if progress else NOT_STARTED,
        "resume_anchor": progress.last_block_id if progress and progress.state != "completed" else "",
        "checks_total": len(checks),
        "checks_correct": sum(1 for step in checks if step["id"] in correct),
        "error_list": error_list,
        "complete_error": errors.get("complete", ""),
        "programme": module.get_parent().specific,
    }
