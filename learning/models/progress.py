"""Each person's progress through modules: answers, private reflections, completion, certificates."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ModuleProgress(models.Model):
    """Where one person is in one module. No row means "not started"."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey("learning.LearningModulePage", on_delete=models.CASCADE, related_name="progress")
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    # The block the person last worked on, so "continue" takes them back to it.
    last_block_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="one_progress_per_module")]

    def __str__(self) -> str:
        return f"{self.user} · {self.module}: {self.get_state_display()}"


class CheckAnswer(models.Model):
    """A person's latest answer to one knowledge check (a StreamField block, by its id)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_answers")
    module = models.ForeignKey("learning.LearningModulePage", on_delete=models.CASCADE, related_name="answers")
    block_id = models.CharField(max_length=64)
    choice = models.PositiveSmallIntegerField()
    correct = models.BooleanField()
    attempts = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module", "block_id"], name="one_answer_per_check")]

    def __str__(self) -> str:
        return f"{self.user} · {self.module} · {self.block_id}"


class Reflection(models.Model):
    """A learner's answer to a reflection prompt. Private: only its author ever reads it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    module = models.ForeignKey("learning.LearningModulePage", on_delete=models.CASCADE, related_name="reflections")
    block_id = models.CharField(max_length=64)
    text = models.TextField(max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module", "block_id"], name="one_reflection_per_prompt")]

    def __str__(self) -> str:
        return f"Reflection by {self.user} on {self.module}"


class Certificate(models.Model):
    """Completion of every module of a programme. Its code makes the public verification address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    programme = models.ForeignKey(
        "learning.ProgrammePage", null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Name and title as they were when it was issued: the certificate says what it said then.
    name = models.CharField(max_length=120)
    programme_title = models.CharField(max_length=255)
    issued_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="one_certificate_per_programme")]

    def __str__(self) -> str:
        return f"{self.name}: {self.programme_title}"
