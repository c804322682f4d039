"""A synthetic corpus for performance work: realistic write-ups and discussion threads.

The generator writes ``SearchDocument``s straight into the search index (any backend) rather
than creating content rows, so a 100k/1M corpus builds in minutes. Discussions are indexed the
way ``ThreadDocument`` indexes them, one document per thread: title, the opening message as the
summary, the replies as the body, the community's privacy, and a boost from freshness and
replies. ``threads(n_messages)`` turns a message count into ``MESSAGES_PER_THREAD``-message
threads (so "1,000,000 messages" is 50,000 thread documents). Keys start with ``writeup:syn-``
and ``thread:syn-`` so ``--clear`` removes only synthetic documents.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from search.documents import SearchDocument, freshness_boost

AREAS = [
    ("frailty", "older people living with frailty", "Frailty"),
    ("discharge", "people ready to leave hospital", "Discharge"),
    ("domiciliary care", "people waiting for a home care package", "Domiciliary care"),
    ("skin cancer", "patients on the skin cancer pathway", "Cancer"),
    ("musculoskeletal", "people waiting for MSK physiotherapy", "Musculoskeletal"),
    ("stroke", "stroke survivors", "Stroke"),
    ("emergency department", "patients arriving at A&E", "Urgent and emergency care"),
    ("mental health", "people in mental health crisis", "Mental health"),
    ("COPD", "people living with COPD", "Long-term conditions"),
    ("dementia", "people living with dementia and their carers", "Dementia"),
    ("ambulance handover", "ambulance crews waiting at hospital", "Urgent and emergency care"),
    ("falls", "care home residents at risk of falls", "Frailty"),
]
CHANGES = [
    "a daily huddle with a shared tracking list",
    "a single point of access run by a multidisciplinary team",
    "trusted assessors working across health and social care",
    "a virtual ward with remote monitoring",
    "same day emergency care for suitable patients",
    "a scheduling system rebuilt with care workers",
    "self-referral booked online",
    "a community assessment day with fourteen providers",
    "a pharmacist-led medication review",
    "peer support workers in the evening",
    "a frailty screening tool at the front door",
    "a patient ecosystem map drawn in stakeholder workshops",
]
MEASURES = [
    "length of stay",
    "waiting time",
    "readmissions within 30 days",
    "handover minutes",
    "people waiting over 62 days",
    "care hours released",
    "admissions avoided",
    "falls per 1,000 bed days",
]
ORGS = [
    "Eastport University Hospitals",
    "Northshire ICS",
    "South Eastern HSC Trust",
    "Mid and South Essex",
    "Riverside Trust",
    "Westshire Health and Care Partnership",
    "Millbrook Primary Care Network",
    "Hope Street Mind",
    "Old Town Hospital",
    "Lakeside Council Adult Social Care",
]
SETTINGS = ["Acute", "Community", "Primary care", "Care home", "Mental health", "Voluntary sector"]
METHODS = ["PDSA", "Statistical process control", "Co-production", "Lean", "Experience-based co-design", "Training"]
STAGES = ["Idea", "Testing", "Implementing", "Spreading", "Sustained"]
PRIORITIES = ["Discharge", "Ambulance handover", "Frailty", "Cancer waits", "Elective recovery", "Mental health"]
FILLER = (
    "We met every fortnight and tested each change on one ward before spreading it. Staff told us what got in "
    "the way, and patients and carers helped us rewrite the letters. We plotted the data weekly on a run chart "
    "and annotated every change. Some weeks went backwards when staffing was short; we learned to plan for that."
)
MESSAGE_OPENERS = [
    "Has anyone tried",
    "We are about to start",
    "Thanks for sharing",
    "Quick question about",
    "Our team is struggling with",
    "Great webinar today on",
]


def writeups(count: int, *, seed: int = 6, start: int = 0) -> Iterator[SearchDocument]:
    rng = random.Random(seed + start)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(start, start + count):
        topic, who, area = rng.choice(AREAS)
        change = rng.choice(CHANGES)
        measure = rng.choice(MEASURES)
        org = rng.choice(ORGS)
        before = rng.randint(40, 1200)
        after = rng.randint(5, before)
        published = now - timedelta(days=rng.randint(0, 365 * 6))
        stage = rng.choice(STAGES)
        evidence = 0.0 if stage == "Idea" else rng.random()
        community = rng.randint(1, 60)
        private = rng.random() < 0.05
        yield SearchDocument(
            doc_type="writeup",
            object_id=f"syn-{n}",
            title=f"{change.capitalize()} for {who}",
            url=f"/projects/syn-{n}/",
            summary=f"{measure.capitalize()} for {who} went from {before} to {after} after {change} at {org}.",
            body=(
                f"The problem: {who} in our {topic} service waited too long. What we changed: {change}. "
                f"We measured {measure} and {rng.choice(MEASURES)}. {FILLER} Next we will spread it to "
                f"{rng.choice(ORGS)}."
            ),
            community_id=community if private else None,
            is_private=private,
            published_at=published,
            boost=freshness_boost(published, evidence=evidence, now=now),
            facets={
                "priority": [rng.choice(PRIORITIES)],
                "care_area": [area],
                "care_setting": [rng.choice(SETTINGS)],
                "stage": [stage],
                "organisation": sorted({org, rng.choice(ORGS)}),
                "method": sorted({rng.choice(METHODS), rng.choice(METHODS)}),
            },
            key_facts=[f"{measure.capitalize()}: {before} → {after}", f"Stage: {stage.lower()}"],
        )


MESSAGES_PER_THREAD = 20
THREAD_BODY_CHARS = 20_000  # ThreadDocument.MAX_BODY_CHARS


def thread_count(message_count: int) -> int:
    return -(-message_count // MESSAGES_PER_THREAD)


def threads(message_count: int, *, seed: int = 7, start: int = 0) -> Iterator[SearchDocument]:
    """Threads holding ``message_count`` messages (``start`` counts messages already made)."""
    first = thread_count(start)
    rng = random.Random(seed + first)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(first, first + thread_count(message_count)):
        topic, who, _ = rng.choice(AREAS)
        community = rng.randint(1, 60)
        last_activity = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
        texts = [
            f"{rng.choice(MESSAGE_OPENERS)} {rng.choice(CHANGES)} for {who}? We saw {rng.choice(MEASURES)} "
            f"change in our {topic} work and would love to compare notes."
            for _ in range(MESSAGES_PER_THREAD)
        ]
        replies = len(texts) - 1
        yield SearchDocument(
            doc_type="thread",
            object_id=f"syn-{n}",
            title=f"{topic.capitalize()}: {rng.choice(CHANGES)}",
            url=f"/communities/{community}/discussions/syn-{n}/",
            summary=texts[0],
            body=" ".join(texts[1:])[:THREAD_BODY_CHARS],
            community_id=community,
            is_private=community % 5 == 0,
            published_at=last_activity,
            boost=round(0.9 * freshness_boost(last_activity, evidence=min(replies, 5) / 5, now=now), 4),
            facets={"community": [f"Community {community}"]},
            key_facts=[f"{replies} replies", f"Community {community}"],
        )
