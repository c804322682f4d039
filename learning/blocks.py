"""StreamField blocks for programmes (their phases) and learning modules (their steps)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from wagtail import blocks

from boost.blocks import ResourceLinkBlock, RichTextBlock


class SessionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=160)
    description = blocks.TextBlock(required=False, max_length=500)

    class Meta:
        icon = "date"
        template = "learning/blocks/session_block.html"
        description = "A taught session or workshop in this phase"


class PhaseBlock(blocks.StructBlock):
    """One phase of a programme (crawl, walk, run…): what happens in it and what it should produce."""

    key = blocks.CharBlock(max_length=32, help_text="Short name used for teams' progress, e.g. “crawl”.")
    name = blocks.CharBlock(max_length=80)
    summary = blocks.TextBlock(max_length=600)
    duration = blocks.CharBlock(required=False, max_length=120, help_text="e.g. “Six months, a day or two a month”.")
    sessions = blocks.ListBlock(SessionBlock(), default=[])
    modules = blocks.ListBlock(blocks.PageChooserBlock(page_type="learning.LearningModulePage"), default=[])
    outputs = blocks.ListBlock(
        blocks.CharBlock(max_length=160), default=[], help_text="Expected outputs, e.g. “a map of your pathway”."
    )

    class Meta:
        icon = "list-ol"
        template = "learning/blocks/phase_block.html"
        description = "A phase: its sessions, learning modules and expected outputs"


def default_phases() -> list[dict]:
    """Crawl, walk, run: the stewardship model's three phases, editable per programme."""
    return [
        {
            "type": "phase",
            "value": {
                "key": key,
                "name": name,
                "summary": summary,
                "duration": "",
                "sessions": [],
                "modules": [],
                "outputs": [],
            },
        }
        for key, name, summary in [
            ("crawl", "Crawl", "Training and team development: learn the methods and become a team."),
            ("walk", "Walk", "Get to know your system: its population, resources, activity and outcomes."),
            ("run", "Run", "Change how things work, and measure whether it helped."),
        ]
    ]


_VIDEO_HOSTS = {
    "www.youtube.com": "youtube",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "www.youtube-nocookie.com": "youtube",
    "vimeo.com": "vimeo",
    "player.vimeo.com": "vimeo",
}


def video_embed_url(url: str) -> str:
    """The player address for a YouTube or Vimeo link (privacy-enhanced YouTube), or "" if unknown.

    Built here rather than through oEmbed so a page never calls out to a provider while rendering."""
    parts = urlsplit(url)
    host = _VIDEO_HOSTS.get(parts.netloc.lower())
    if host == "youtube":
        if parts.netloc.lower() == "youtu.be":
            video = parts.path.strip("/")
        elif parts.path.startswith("/embed/"):
            video = parts.path.split("/")[2]
        else:
            video = parse_qs(parts.query).get("v", [""])[0]
        return (
            f"https://www.youtube-nocookie.com/embed/{video}"
            if video.replace("-", "").replace("_", "").isalnum()
            else ""
        )
    if host == "vimeo":
        video = parts.path.rstrip("/").split("/")[-1]
        return f"https://player.vimeo.com/video/{video}" if video.isdigit() else ""
    return ""


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video with its transcript, which is required: not everyone can watch."""

    title = blocks.CharBlock(max_length=160, help_text="Names the video for screen readers.")
    url = blocks.URLBlock(help_text="A YouTube or Vimeo link.")
    transcript = RichTextBlock()

    class Meta:
        icon = "media"
        template = "learning/blocks/video_block.html"
        description = "A video with its transcript"

    def clean(self, value):
        value = super().clean(value)
        if not video_embed_url(value["url"]):
            raise blocks.StructBlockValidationError({"url": ValidationError("Use a YouTube or Vimeo video link.")})
        return value


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)
    feedback = blocks.TextBlock(max_length=600, help_text="Why this answer is right or wrong.")

    class Meta:
        icon = "radio-full"


class KnowledgeCheckBlock(blocks.StructBlock):
    """A single-choice question with feedback on every answer."""

    question = blocks.CharBlock(max_length=300)
    options = blocks.ListBlock(OptionBlock(), min_num=2, max_num=6)

    class Meta:
        icon = "help"
        template = "learning/blocks/knowledge_check_block.html"
        description = "A question with feedback on each answer"

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for option in value["options"] if option["correct"]) != 1:
            raise blocks.StructBlockValidationError({"options": ValidationError("Mark exactly one answer as correct.")})
        return value


class ReflectionBlock(blocks.StructBlock):
    """A question for the learner to think about; their answer is kept private to them."""

    prompt = blocks.CharBlock(max_length=300)
    hint = blocks.TextBlock(required=False, max_length=400)

    class Meta:
        icon = "edit"
        template = "learning/blocks/reflection_block.html"
        description = "A reflection prompt; answers stay private to each learner"


def module_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("text", RichTextBlock()),
        ("video", VideoBlock()),
        ("resource", ResourceLinkBlock()),
        ("knowledge_check", KnowledgeCheckBlock()),
        ("reflection", ReflectionBlock()),
    ]
