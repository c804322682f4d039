"""Verbs for learning: answering checks, reflecting, completing modules, certificates.

Keyword-only, one transaction each; a refusal raises :class:`LearningError` (its text is for the
person) and changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from boost.permissions import can_view_page
from learning.models import Certificate, CheckAnswer, LearningModulePage, ModuleProgress, ProgrammePage, Reflection


class LearningError(Exception):
    """A refusal or bad input; ``str(error)`` is a message for the person who asked."""


class ModuleWithdrawn(LearningError):
    """The module was unpublished after the person opened it."""


class NotVisible(LearningError):
    """The person may not see this page: answered with a 404, as for a page that does not exist."""


def _usable_module(user: User, module: LearningModulePage) -> LearningModulePage:
    module = LearningModulePage.objects.select_for_update().get(pk=module.pk)
    if not module.live:
        raise ModuleWithdrawn(
            f"“{module.title}” has been withdrawn by its editors since you opened it, so your answer was not "
            "saved. It will be back if they publish it again."
        )
    if not can_view_page(user, module):
        raise NotVisible("No such module")
    return module


def _touch(user: User, module: LearningModulePage, block_id: str) -> ModuleProgress:
    progress, created = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"last_block_id": block_id}
    )
    if not created and progress.last_block_id != block_id:
        progress.last_block_id = block_id
        progress.save(update_fields=["last_block_id", "updated_at"])
    return progress


def _block(module: LearningModulePage, block_id: str, block_type: str):
    for block in module.body:
        if block.id == block_id and block.block_type == block_type:
            return block
    raise LearningError("That question is no longer in this module. Reload the page to see the current version.")


@transaction.atomic
def answer_check(*, user: User, module: LearningModulePage, block_id: str, choice: int | None) -> CheckAnswer:
    """Record ``user``'s answer to one knowledge check; every answer, right or wrong, gets feedback."""
    module = _usable_module(user, module)
    block = _block(module, block_id, "knowledge_check")
    options = block.value["options"]
    if choice is None or not 0 <= choice < len(options):
        raise LearningError("Choose an answer.")
    correct = bool(options[choice]["correct"])
    answer = CheckAnswer.objects.filter(user=user, module=module, block_id=block_id).first()
    if answer is None:
        answer = CheckAnswer.objects.create(user=user, module=module, block_id=block_id, choice=choice, correct=correct)
    else:
        answer.choice, answer.correct, answer.attempts = choice, correct, answer.attempts + 1
        answer.save(update_fields=["choice", "correct", "attempts", "answered_at"])
    _touch(user, module, block_id)
    return answer


@transaction.atomic
def save_reflection(*, user: User, module: LearningModulePage, block_id: str, text: str) -> Reflection:
    """Keep ``user``'s private answer to a reflection prompt (blank text is refused)."""
    module = _usable_module(user, module)
    _block(module, block_id, "reflection")
    text = text.strip()
    if not text:
        raise LearningError("Write your reflection before saving it.")
    if len(text) > 4000:
        raise LearningError("Keep your reflection to 4,000 characters or fewer.")
    reflection, _ = Reflection.objects.update_or_create(
        user=user, module=module, block_id=block_id, defaults={"text": text}
    )
    _touch(user, module, block_id)
    return reflection


def unanswered_checks(user: User, module: LearningModulePage) -> list:
    """The knowledge checks ``user`` has not yet answered correctly, in page order."""
    right = set(CheckAnswer.objects.filter(user=user, module=module, correct=True).values_list("block_id", flat=True))
    return [block for block in module.checks() if block.id not in right]


@transaction.atomic
def complete_module(*, user: User, module: LearningModulePage) -> ModuleProgress:
    """Mark the module completed once every knowledge check has been answered correctly."""
    module = _usable_module(user, module)
    missing = unanswered_checks(user, module)
    if missing:
        questions = "; ".join(f"“{block.value['question']}”" for block in missing)
        raise LearningError(f"Answer every knowledge check correctly first. Still to do: {questions}.")
    progress, _ = ModuleProgress.objects.get_or_create(user=user, module=module)
    if progress.state != ModuleProgress.State.COMPLETED:
        progress.state = ModuleProgress.State.COMPLETED
        progress.completed_at = timezone.now()
        progress.save(update_fields=["state", "completed_at", "updated_at"])
    return progress


@transaction.atomic
def issue_certificate(*, user: User, programme: ProgrammePage) -> Certificate:
    """A certificate for ``programme`` once ``user`` has completed every one of its live modules."""
    if not can_view_page(user, programme):
        raise NotVisible("No such programme")
    existing = Certificate.objects.filter(user=user, programme=programme).first()
    if existing:
        return existing
    modules = programme.module_pages()
    if not modules:
        raise LearningError("This programme has no learning modules, so there is nothing to certify.")
    done = set(
        ModuleProgress.objects.filter(
            user=user, module__in=[m.pk for m in modules], state=ModuleProgress.State.COMPLETED
        ).values_list("module_id", flat=True)
    )
    missing = [module.title for module in modules if module.pk not in done]
    if missing:
        raise LearningError("Complete every module first. Still to do: " + "; ".join(missing) + ".")
    return Certificate.objects.create(
        user=user,
        programme=programme,
        name=user.display_name,
        programme_title=programme.title,
        issued_on=timezone.localdate(),
    )
