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

    def get_view_restrictions(self):
        """While the page is being served, the restrictions ``boost.wagtail_hooks.page_rights`` has
        just read (the same rows: this page's and its ancestors'), so Wagtail's own check before
        serving (password form, sign-in redirect) does not read them again with two more queries.
        Everywhere else, Wagtail's query."""
        serving = getattr(self, "_restrictions_while_serving", None)
        if serving is not None:
            return serving
        return super().get_view_restrictions()


class HomePage(BasePage):
    """The front door: an introduction, then what is moving across the system."""

    template = "pages/home_page.html"
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    body = StreamField(content_blocks(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    def route(self, request, path_components):
        """Wagtail's routing, with the pages along the path read in one query.

        Wagtail walks the path a step at a time, two queries a step (the child, then its specific
        row). Here every page whose URL is a prefix of the path comes in one query, and the walk
        carries on from the deepest one with Wagtail's own ``route`` (its live check, any deeper
        path, a 404). It gives the same answer as the step-by-step walk because no page on the way
        routes differently (a page type that overrides ``route`` ends the shortcut there).
        """
        from boost.structure import own_copy, remembered

        if not path_components:
            return super().route(request, path_components)
        # The walk is the same for everyone until the content generation moves on (boost.structure);
        # only walks that reach a page for the whole path are kept, so probing for missing URLs
        # fills nothing.
        consumed, target, parent = remembered(
            ("route", self.pk, tuple(path_components)),
            lambda: self._walk(path_components),
            keep=lambda walk: walk[0] == len(path_components),
        )
        if not consumed:
            return super().route(request, path_components)
        target = own_copy(target)
        target._cached_parent_obj = own_copy(parent) if parent is not None else self  # as Wagtail's walk does
        return target.route(request, path_components[consumed:])

    def _walk(self, path_components):
        """(components consumed, the deepest page reached (specific), its parent or None for this page)."""
        prefixes, url = [], self.url_path
        for component in path_components:
            url = f"{url}{component}/"
            prefixes.append(url)
        # By slug (indexed), then matched on the full URL here: a slug may repeat elsewhere.
        candidates = Page.objects.filter(
            slug__in=set(path_components),
            depth__gt=self.depth,
            depth__lte=self.depth + len(path_components),
            path__startswith=self.path,
        )
        found = {page.url_path: page for page in candidates}
        chain: list[Page] = []
        for depth, url in enumerate(prefixes, start=self.depth + 1):
            page = found.get(url)
            if page is None or page.depth != depth or not page.path.startswith((chain[-1] if chain else self).path):
                break
            if chain and getattr(chain[-1].specific_class, "route", None) is not Page.route:
                break  # the page before routes its own sub-paths: let it
            chain.append(page)
        if not chain:
            return 0, None, None
        return len(chain), chain[-1].specific, chain[-2] if len(chain) > 1 else None

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
