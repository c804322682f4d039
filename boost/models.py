"""Site-wide pages and settings: the home page, shared taxonomy and footer links."""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from boost.blocks import content_blocks


class CareArea(models.Model):
    """A field of care (frailty, cancer, discharge…) used to tag communities, projects and interests."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FileContext(models.Model):
    """The page whose rights a Wagtail collection's files follow: a community's or a write-up's.

    Files in a collection without one belong to the public site. When the page is deleted the row
    stays with no page, and its files are served to nobody. See :mod:`boost.file_contexts`.
    """

    collection = models.OneToOneField("wagtailcore.Collection", on_delete=models.CASCADE, related_name="file_context")
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="file_context"
    )

    def __str__(self) -> str:
        return f"Files of page {self.page_id}"


class BasePage(Page):
    """Shared behaviour for Boost's content pages; not creatable on its own."""

    is_creatable = False

    class Meta:
        abstract = True


class HomePage(BasePage):
    """The front door: an introduction, then what is moving across the system."""

    template = "pages/home_page.html"
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    body = StreamField(content_blocks(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    def get_context(self, request, *args, **kwargs):
        from django.utils.functional import SimpleLazyObject

        from boost.home import home_sections
        from boost.page_cache import current_generation

        context = super().get_context(request, *args, **kwargs)
        # The sections are rendered once per content generation and viewer ({% cache %} in the
        # template); they are only looked up when that fragment is not cached.
        context["sections"] = SimpleLazyObject(lambda: home_sections(request))
        context["content_generation"] = current_generation()
        context["viewer_key"] = f"user-{request.user.pk}" if request.user.is_authenticated else "anonymous"
        return context


class StandardPage(BasePage):
    """An about, help or policy page (accessibility statement, privacy notice…)."""

    template = "pages/standard_page.html"
    parent_page_types = ["boost.HomePage", "boost.StandardPage"]
    subpage_types = ["boost.StandardPage"]

    intro = models.TextField(blank=True, max_length=400)
    body = StreamField(content_blocks(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]


@register_setting(icon="list-ul")
class SiteSettings(ClusterableModel, BaseSiteSetting):
    """Editable site-wide text: the footer links and the contact address."""

    contact_email = models.EmailField(blank=True)
    panels = [FieldPanel("contact_email"), InlinePanel("footer_links", label="Footer links")]


class FooterLink(Orderable):
    settings = ParentalKey(SiteSettings, related_name="footer_links", on_delete=models.CASCADE)
    label = models.CharField(max_length=60)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("label"), FieldPanel("page")]
