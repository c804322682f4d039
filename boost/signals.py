"""Keep cached site-wide links and the anonymous page cache in step with the content."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from boost.context_processors import forget_site_links


def connect() -> None:
    from wagtail.models import Page, Site

    from boost import page_cache
    from boost.models import FooterLink, SiteSettings

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_site_links, dispatch_uid=f"boost-links-{signal!r}")
    for model in (Page, Site, SiteSettings, FooterLink):
        post_save.connect(forget_site_links, sender=model, dispatch_uid=f"boost-links-save-{model.__name__}")
        post_delete.connect(forget_site_links, sender=model, dispatch_uid=f"boost-links-delete-{model.__name__}")
    page_cache.connect()
