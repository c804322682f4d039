"""Projects: write-ups, measures, priorities and spread. Split by concern; import from here."""

from projects.models.history import StageChange
from projects.models.measures import Annotation, Better, DataPoint, Measure, MeasureType, Phase
from projects.models.pages import (
    SECTION_FIELDS,
    SQUIRE_SECTIONS,
    BrightSpot,
    CareSetting,
    ProjectAttachment,
    ProjectIndexPage,
    ProjectPage,
    ProjectTeamMember,
    Stage,
)
from projects.models.priorities import PriorityIndexPage, PriorityPage, is_leader
from projects.models.signal_records import MeasureSignal
from projects.models.taxonomy import Method, Organisation

__all__ = [
    "SECTION_FIELDS",
    "SQUIRE_SECTIONS",
    "Annotation",
    "Better",
    "BrightSpot",
    "CareSetting",
    "DataPoint",
    "Measure",
    "MeasureSignal",
    "MeasureType",
    "Method",
    "Organisation",
    "Phase",
    "PriorityIndexPage",
    "PriorityPage",
    "ProjectAttachment",
    "ProjectIndexPage",
    "ProjectPage",
    "ProjectTeamMember",
    "Stage",
    "StageChange",
    "is_leader",
]
