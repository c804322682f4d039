"""Demo content: the domiciliary-care eco-map of the South Eastern story (people waiting for a
package of care at home, from hospital and from the community), built through the services as a
facilitator would, with one opportunity linked to the write-up "Bringing down the wait for care at
home". Idempotent: a map that already exists is left as it is (and as its editors left it)."""

from __future__ import annotations

from boost.demo.context import DemoContext
from communities.models import CommunityPage
from ecomaps import services
from ecomaps.models import Annotation, EcoMap
from projects.models import ProjectPage

TITLE = "Waiting for a package of care at home"

STATIONS = [
    ("ward", "Acute hospital ward", "service", "South Eastern HSC Trust", "Patients medically fit to leave."),
    ("discharge-hub", "Integrated discharge team", "team", "South Eastern HSC Trust", ""),
    ("gp", "GP practice", "service", "Primary care", ""),
    ("district-nurses", "District nursing team", "team", "South Eastern HSC Trust", ""),
    ("social-worker", "Community social worker", "role", "South Eastern HSC Trust", "Assesses care needs."),
    ("assessment", "Care needs assessment", "touchpoint", "South Eastern HSC Trust", ""),
    ("reablement", "Reablement team", "team", "South Eastern HSC Trust", "Up to six weeks of short-term support."),
    ("waiting-list", "Waiting list for a package of care", "touchpoint", "South Eastern HSC Trust", ""),
    ("care-bureau", "Care bureau", "team", "South Eastern HSC Trust", "Matches each package to a provider."),
    ("scheduling", "Care scheduling system", "touchpoint", "South Eastern HSC Trust", "Builds carers' runs."),
    ("providers", "Independent-sector home care providers", "organisation", "Independent sector", ""),
    ("in-house", "Trust home care service", "service", "South Eastern HSC Trust", ""),
    ("interim-bed", "Interim care home bed", "service", "Independent sector", "While a package is found."),
    ("council", "District council", "organisation", "Local councils", "Community planning partner."),
    ("carers-org", "Carers' support organisation", "organisation", "Voluntary sector", ""),
    ("age-well", "Age Well Community Trust", "asset", "Voluntary sector", "Befriending and meals."),
    ("family-carer", "Family carer", "role", "", ""),
    ("home", "Home with a package of care", "touchpoint", "", ""),
]

JOURNEYS = [
    (
        "mrs-a",
        "Mrs A, 84, waiting in hospital for a package of care",
        "Medically fit to leave after a fall; waited five weeks on the ward.",
        [
            "ward",
            "discharge-hub",
            "social-worker",
            "assessment",
            "care-bureau",
            "scheduling",
            "providers",
            "scheduling",
            "interim-bed",
            "scheduling",
            "providers",
            "home",
        ],
        "",
    ),
    (
        "mrs-a-reablement",
        "Mrs A, if reablement is offered first",
        "The path the workshop wanted: short-term support at home while the package is arranged.",
        ["discharge-hub", "reablement", "assessment", "care-bureau", "scheduling", "in-house", "home"],
        "mrs-a",
    ),
    (
        "mr-b",
        "Mr B, 78, at home, referred by his GP",
        "Living alone; his GP and district nurse asked for help with washing and meals.",
        [
            "gp",
            "district-nurses",
            "social-worker",
            "assessment",
            "waiting-list",
            "care-bureau",
            "scheduling",
            "providers",
            "home",
        ],
        "",
    ),
    (
        "mrs-c",
        "Mrs C, cared for by her daughter while she waits",
        "Her daughter covered the gap, with help from the voluntary sector.",
        [
            "gp",
            "social-worker",
            "assessment",
            "waiting-list",
            "family-carer",
            "carers-org",
            "age-well",
            "family-carer",
            "care-bureau",
            "scheduling",
            "providers",
            "home",
        ],
        "",
    ),
]

LINKS = [
    ("care-bureau", "providers", "contract", "Framework contracts for home care hours"),
    ("scheduling", "providers", "information", "Runs offered to providers, one package at a time"),
    ("social-worker", "care-bureau", "handoff", "Assessed package sent for sourcing"),
    ("council", "age-well", "contract", "Community planning grant"),
    ("carers-org", "family-carer", "information", "Carers' assessments and respite"),
]

# (kind, text, evidence, raised by (demo person key or a name), lived experience, where, links the write-up)
ANNOTATIONS = [
    (
        "data",
        "803 people waiting for a package of care",
        "Trust waiting list, October 2022",
        "facilitator_domcare",
        False,
        {"station": "waiting-list"},
        False,
    ),
    (
        "pain",
        "Ready to go home, but weeks in a hospital bed waiting for carers",
        "Workshop, patient and carer table",
        "patient_partner",
        True,
        {"station": "ward"},
        False,
    ),
    (
        "pain",
        "Packages offered to providers one at a time and turned down for travel time",
        "Care bureau records: most packages offered to three or more providers",
        "Aoife Kelly",
        False,
        {"journey": "mrs-a", "segment": 6},
        False,
    ),
    (
        "pain",
        "My daughter gave up work to care for me while I waited",
        "Workshop, lived experience session",
        "A carer",
        True,
        {"journey": "mrs-c", "segment": 4},
        False,
    ),
    (
        "bright",
        "Carers' organisation offered respite and a named contact while people waited",
        "",
        "voluntary",
        False,
        {"station": "carers-org"},
        False,
    ),
    (
        "opportunity",
        "Schedule care runs by geography so carers spend less time travelling",
        "Pilot: scheduling by postcode released 900 care hours",
        "facilitator_domcare",
        False,
        {"station": "scheduling"},
        True,
    ),
    (
        "opportunity",
        "A weekly huddle on everyone who has waited longest",
        "",
        "member_ward",
        False,
        {"station": "waiting-list"},
        False,
    ),
    (
        "data",
        "Three hand-offs before anyone rings the family",
        "Mapped with 90+ stakeholders",
        "facilitator_domcare",
        False,
        {"journey": "mr-b", "segment": 4},
        False,
    ),
]


def load(context: DemoContext) -> None:
    community = CommunityPage.objects.filter(slug="domiciliary-care").first()
    if community is None or EcoMap.objects.filter(community=community, title=TITLE).exists():
        return
    people = context.people
    facilitator = people["facilitator_domcare"]
    ecomap = services.create_map(
        user=facilitator,
        title=TITLE,
        community=community,
        description=(
            "Everything around a person waiting for care at home, built with more than 90 people: patients, "
            "carers, community and voluntary organisations, independent-sector providers, councils and planners."
        ),
    )
    for key, name, kind, organisation, description in STATIONS:
        services.add_station(
            user=facilitator,
            ecomap=ecomap,
            key=key,
            name=name,
            kind=kind,
            organisation=organisation,
            description=description,
        )
    for key, name, description, stops, branch_of in JOURNEYS:
        services.set_journey(
            user=facilitator,
            ecomap=ecomap,
            key=key,
            name=name,
            station_keys=stops,
            description=description,
            branch_of=branch_of,
        )
    for source, target, kind, description in LINKS:
        services.add_link(
            user=facilitator, ecomap=ecomap, source=source, target=target, kind=kind, description=description
        )
    write_up = ProjectPage.objects.filter(slug="care-package-waiting-list").first()
    for kind, text, evidence, raised_by, lived, where, links_write_up in ANNOTATIONS:
        person = people.get(raised_by)
        services.add_annotation(
            user=person or facilitator,
            ecomap=ecomap,
            kind=kind,
            text=text,
            evidence=evidence,
            raised_by_name="" if person else raised_by,
            lived_experience=lived,
            work=[write_up] if links_write_up and write_up else (),
            **where,
        )
    for note in Annotation.objects.filter(map=ecomap, lived_experience=True):
        for key in ("patient_partner", "voluntary", "member_ward"):
            if key in people:
                services.endorse(user=people[key], annotation=note)
