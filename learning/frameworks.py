"""The default improvement-skills framework: five domains, each on a 1–5 scale with described
levels. Seeded once by a data migration; curators then edit and publish it as a snippet."""

from __future__ import annotations

DEFAULT_NAME = "Improvement skills framework"
DEFAULT_INTRO = (
    "Five areas of skill that improvement work draws on. For each, choose the description that fits you "
    "best today. There are no right answers: it is for you to see how you grow."
)

DEFAULT_DOMAINS: list[tuple[str, str, str, list[str]]] = [
    (
        "system",
        "Understanding the system",
        "Seeing how the parts of a pathway or service fit together: demand, capacity, flow and the people involved.",
        [
            "I have not yet looked at my service as a system.",
            "I can describe the main steps a person goes through in my service.",
            "I can map a pathway and spot where delays, waste or hand-offs happen.",
            "I use data on demand, capacity and flow to explain why the system behaves as it does.",
            "I help others map and understand whole systems across organisations.",
        ],
    ),
    (
        "measurement",
        "Measurement for improvement",
        "Choosing measures for an aim and reading them over time, including run and SPC charts.",
        [
            "I am not sure how to measure whether a change is an improvement.",
            "I can name an outcome, process and balancing measure for an aim.",
            "I collect data over time and plot it as a run chart.",
            "I read SPC charts, telling common-cause from special-cause variation.",
            "I design measurement plans and coach others to read their charts.",
        ],
    ),
    (
        "pdsa",
        "Testing changes (PDSA)",
        "Using the Model for Improvement and Plan-Do-Study-Act cycles to test ideas on a small scale.",
        [
            "I have not tested a change with a PDSA cycle.",
            "I can explain the three questions of the Model for Improvement and the four PDSA stages.",
            "I have run a PDSA cycle with a prediction and learnt from the result.",
            "I run linked cycles that build from small tests to implementation.",
            "I coach teams to plan, run and learn from their own PDSA cycles.",
        ],
    ),
    (
        "people",
        "Working with people and patients",
        "Bringing in colleagues, patients and carers as equal partners, and leading without hierarchy.",
        [
            "I mostly improve things on my own or within my own profession.",
            "I ask colleagues and patients for their views on a change.",
            "I work in mixed teams where patients and carers help decide what to change.",
            "I build shared leadership, so every voice in the team shapes the work.",
            "I help other teams set up co-production and flat, mixed-profession working.",
        ],
    ),
    (
        "spread",
        "Spreading and sustaining",
        "Keeping a change in place once it works, and helping others adopt it in their own setting.",
        [
            "I have not yet thought about how a change would last or spread.",
            "I can name what makes a change stick or fade.",
            "I have planned how a change will be kept up once the project ends.",
            "I have helped another team adapt and adopt a change that worked for us.",
            "I design spread across a system and support many teams to adopt.",
        ],
    ),
]


def default_domains() -> list[dict]:
    """The default domains as StreamField data."""
    return [
        {"type": "domain", "value": {"key": key, "name": name, "description": description, "levels": levels}}
        for key, name, description, levels in DEFAULT_DOMAINS
    ]
