"""StreamField blocks shared by every page type, built on the NHS.UK design system blocks."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtailnhsukfrontend import blocks as nhsuk


class ResourceLinkBlock(blocks.StructBlock):
    """A link to a document or an external resource, with a line saying why it is useful."""

    title = blocks.CharBlock(max_length=160)
    document = DocumentChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Use this or a document.")
    description = blocks.TextBlock(required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        template = "components/blocks/resource_link_block.html"
        description = "A document or web link with a short description"


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "components/blocks/rich_text_block.html"
        description = "Paragraphs, lists and links"
        features = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


def content_blocks() -> list[tuple[str, blocks.Block]]:
    """The block palette for body and resources fields: prose plus the NHS.UK components."""
    return [
        ("text", RichTextBlock()),
        ("inset_text", nhsuk.InsetTextBlock()),
        ("warning_callout", nhsuk.WarningCalloutBlock()),
        ("action_link", nhsuk.ActionLinkBlock()),
        ("details", nhsuk.DetailsBlock()),
        ("do_list", nhsuk.DoBlock()),
        ("dont_list", nhsuk.DontBlock()),
        ("summary_list", nhsuk.SummaryListBlock()),
        ("card_group", nhsuk.CardGroupBlock()),
        ("resource", ResourceLinkBlock()),
    ]
