"""Demo people: one or more of every role, with profiles drawn from real kinds of work."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from accounts import roles, services
from accounts.models import Profession, Profile, ProfileVisibility, User
from boost.demo.context import DemoContext
from boost.vocabulary import CareSetting

# A fixed base32 secret so the demo admin's codes can be generated with `manage.py demo_totp`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo-only, printed on purpose


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email: str
    display_name: str
    organisation: str
    profession: str
    job_title: str
    bio: str
    roles: tuple[str, ...] = (roles.MEMBER,)
    visibility: str = ProfileVisibility.MEMBERS
    superuser: bool = False


# Where the demo people work, by organisation, so the leaders' "members by care setting" has figures.
CARE_SETTINGS = {
    "Age Well Community Trust": CareSetting.VOLUNTARY,
    "City Hospital NHS Trust": CareSetting.ACUTE,
    "Community Health Trust": CareSetting.COMMUNITY,
    "Community MSK Service": CareSetting.COMMUNITY,
    "ICS Improvement Hub": CareSetting.WHOLE_SYSTEM,
    "Integrated Care Board": CareSetting.WHOLE_SYSTEM,
    "Mid and South Essex NHS FT": CareSetting.ACUTE,
    "Primary Care Network": CareSetting.PRIMARY,
    "South Eastern HSC Trust": CareSetting.SOCIAL_CARE,
}

PEOPLE: list[DemoPerson] = [
    DemoPerson(
        "admin",
        "admin@boost.localhost",
        "Alex Morgan",
        "Boost platform team",
        Profession.MANAGER,
        "Platform administrator",
        "Keeps Boost running and helps communities get started.",
        (roles.MEMBER, roles.ADMIN),
        superuser=True,
    ),
    DemoPerson(
        "curator",
        "curator@boost.localhost",
        "Priya Shah",
        "ICS Improvement Hub",
        Profession.IMPROVEMENT,
        "Improvement advisor",
        "Reviews improvement stories and coaches teams on measurement.",
        (roles.MEMBER, roles.CURATOR),
    ),
    DemoPerson(
        "leader",
        "leader@boost.localhost",
        "Dr Helen Okafor",
        "Integrated Care Board",
        Profession.DOCTOR,
        "Chief medical officer",
        "Leads the system's improvement priorities.",
        (roles.MEMBER, roles.LEADER),
        visibility=ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "facilitator_frailty",
        "nia.evans@boost.localhost",
        "Nia Evans",
        "Community Health Trust",
        Profession.NURSE,
        "Frailty nurse consultant",
        "Brought a shared frailty, end-of-life and dementia assessment to 300 staff.",
        (roles.MEMBER, roles.FACILITATOR),
        visibility=ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "facilitator_domcare",
        "ciaran.byrne@boost.localhost",
        "Ciarán Byrne",
        "South Eastern HSC Trust",
        Profession.SOCIAL_CARE,
        "Domiciliary care service manager",
        "Helped bring the wait for a care package down from 803 people to 270.",
        (roles.MEMBER, roles.FACILITATOR),
        visibility=ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "facilitator_cancer",
        "grace.adeyemi@boost.localhost",
        "Grace Adeyemi",
        "Mid and South Essex NHS FT",
        Profession.MANAGER,
        "Cancer pathway manager",
        "Runs a zero-day patient tracking list for skin cancer.",
        (roles.MEMBER, roles.FACILITATOR),
    ),
    DemoPerson(
        "member_physio",
        "tom.hughes@boost.localhost",
        "Tom Hughes",
        "Community MSK Service",
        Profession.AHP,
        "Advanced practice physiotherapist",
        "Interested in one-stop assessment days for MSK waits.",
    ),
    DemoPerson(
        "member_pharmacist",
        "fatima.rahman@boost.localhost",
        "Fatima Rahman",
        "Primary Care Network",
        Profession.PHARMACY,
        "Clinical pharmacist",
        "Structured medication reviews for people living with frailty.",
    ),
    DemoPerson(
        "patient_partner",
        "joan.murray@boost.localhost",
        "Joan Murray",
        "",
        Profession.LIVED_EXPERIENCE,
        "Carer and patient partner",
        "Cared for my dad through three hospital discharges; now I help redesign them.",
    ),
    DemoPerson(
        "voluntary",
        "sam.okoro@boost.localhost",
        "Sam Okoro",
        "Age Well Community Trust",
        Profession.VOLUNTARY,
        "Volunteer coordinator",
        "Home-from-hospital volunteers and befriending.",
    ),
    DemoPerson(
        "member_ward",
        "lucy.chen@boost.localhost",
        "Lucy Chen",
        "City Hospital NHS Trust",
        Profession.NURSE,
        "Ward sister, acute medicine",
        "Working on earlier discharge planning.",
    ),
]


def load(context: DemoContext) -> None:
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
    for person in PEOPLE:
        user, created = User.objects.get_or_create(email=person.email)
        if created:
            user.set_password(context.password)
        user.is_superuser = person.superuser
        user.is_staff = person.superuser
        user.first_name, _, user.last_name = person.display_name.partition(" ")
        user.save()
        user.groups.add(*(groups[name] for name in person.roles))
        EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        profile = services.get_profile(user)
        Profile.objects.filter(pk=profile.pk).update(
            display_name=person.display_name,
            organisation=person.organisation,
            profession=person.profession,
            care_setting=CARE_SETTINGS.get(person.organisation, ""),
            job_title=person.job_title,
            bio=person.bio,
            visibility=person.visibility,
            searchable=person.visibility == ProfileVisibility.PUBLIC,
        )
        if (
            services.requires_mfa(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        context.people[person.key] = user
