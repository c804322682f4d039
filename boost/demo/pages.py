"""About, accessibility and privacy pages, linked from the footer."""

from __future__ import annotations

from boost.demo.context import DemoContext
from boost.models import FooterLink, HomePage, SiteSettings, StandardPage

PAGES = [
    (
        "about",
        "About Boost",
        "Boost is where people improving health and care across our system find each other, learn "
        "peer to peer and spread what works.",
        "<p>Teams across our trusts, councils, primary care and the voluntary sector are solving the same "
        "problems at the same time. Boost helps them see each other's work: communities of practice for "
        "each area of care, improvement priorities chosen together, and project write-ups that show their "
        "measured results as charts rather than before-and-after numbers.</p>"
        "<p>Patients, carers and voluntary-sector partners take part as equals. Published write-ups can be "
        "read without an account.</p>",
    ),
    (
        "accessibility",
        "Accessibility statement",
        "We want as many people as possible to be able to use Boost.",
        "<p>Boost is built with the NHS.UK design system and aims to meet the Web Content Accessibility "
        "Guidelines (WCAG) 2.2 at level AA. You should be able to navigate it with a keyboard, use it with a "
        "screen reader, zoom to 400% without losing content, and use every page without JavaScript.</p>"
        "<p>Every chart has a data table and a written list of the signals it shows.</p>"
        "<p>If you find a problem, tell the site's administrators using the contact address below.</p>",
    ),
    (
        "privacy",
        "Privacy notice",
        "What Boost stores about you and who can see it.",
        "<p>Boost stores your email address (never shown to other people), the profile details you choose to "
        "add and what you post. You decide who can see your profile and which parts of it are shown. Content "
        "in a private community is visible only to its members, its facilitators, curators and "
        "administrators.</p><p>You can change your email address, password and second factor, and edit "
        "your profile at any time from your dashboard.</p>",
    ),
]


def load(context: DemoContext) -> None:
    home = HomePage.objects.get()
    settings = SiteSettings.for_site(home.get_site())
    for order, (slug, title, intro, body) in enumerate(PAGES):
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:  # created once; later runs leave editors' changes alone
            page = StandardPage(slug=slug, title=title, intro=intro, body=[("text", body)])
            home.add_child(instance=page)
            page.save_revision().publish()
        FooterLink.objects.update_or_create(
            settings=settings, page=page, defaults={"label": title, "sort_order": order}
        )
        context.objects[f"page:{slug}"] = page
