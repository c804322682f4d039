"""Learning and improvement capability: programmes and modules (pages), each person's progress and
certificates, cohorts and teams, value work. Split by concern; import from here."""

from learning.models.assessment import SelfAssessment, SkillsFramework
from learning.models.cohorts import Application, Cohort, ManagerConfirmation, PhaseGate, SessionAttendance, Team
from learning.models.pages import LearningModulePage, ProgrammeIndexPage, ProgrammePage
from learning.models.progress import Certificate, CheckAnswer, ModuleProgress, Reflection
from learning.models.value import Intervention, ResourceShift, ValueExercise

__all__ = [
    "Application",
    "Certificate",
    "CheckAnswer",
    "Cohort",
    "Intervention",
    "LearningModulePage",
    "ManagerConfirmation",
    "ModuleProgress",
    "PhaseGate",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "Reflection",
    "ResourceShift",
    "SelfAssessment",
    "SessionAttendance",
    "SkillsFramework",
    "Team",
    "ValueExercise",
]
