"""Which context a Wagtail document or image belongs to, and who may see that context's files.

The contexts are Wagtail collections::

    Root
    ├── Public site              the site's own images and documents (anyone)
    ├── Communities
    │   └── <community> (#id)    one per community: its resources (whoever may see the community)
    └── Write-ups
        └── <write-up> (#id)     one per write-up: its attachments (see below)

Why a collection per context checked by our own function, rather than Wagtail's collection view
restrictions kept in step with membership: a ``CollectionViewRestriction`` admits by group, login
or password, so per-person membership would need one group per community, rewritten on every join,
leave and removal, and a restriction per write-up rewritten on every publish, unpublish and
restriction change. Two copies of the same rights drift apart (a missed signal leaves a removed
member able to download). Wagtail also applies collection restrictions to documents only, never to
image renditions. So each collection points at its page (:class:`boost.models.FileContext`) and the
one page rule, :func:`boost.permissions.can_view_page`, is asked at request time for documents and
images alike. Wagtail's collections still do what they are good at: grouping files, and scoping
the choosers through ``GroupCollectionPermission`` (curators and admins: every collection;
facilitators and leaders: the public site, plus each facilitator's own communities). Any
collection view restriction an admin adds is honoured as well.

A write-up's attachments are seen by its authors and reviewers while it is a draft; by everyone
else only while the write-up is published, visible to them, and the file is on the published
version. Unpublishing or restricting the write-up makes them private again on the next request.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Collection, CollectionViewRestriction, Page

PUBLIC_SITE = "Public site"
COMMUNITIES = "Communities"
WRITE_UPS = "Write-ups"

# Collection permissions by role group: (collection, permission codenames per model).
ROLE_COLLECTIONS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "Curator": (None, ("add", "change", "choose")),
    "Admin": (None, ("add", "change", "delete", "choose")),
    "Facilitator": (PUBLIC_SITE, ("add", "choose")),
    "Leader": (PUBLIC_SITE, ("add", "choose")),
}
FACILITATOR_ACTIONS = ("add", "choose")


def _child(parent: Collection, name: str) -> Collection:
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(name=name)


def top_collection(name: str) -> Collection:
    """One of the three top-level collections, created on first use."""
    return _child(Collection.get_first_root_node(), name)


def public_collection() -> Collection:
    return top_collection(PUBLIC_SITE)


@transaction.atomic
def collection_for(page: Page, *, is_community: bool | None = None) -> Collection:
    """The collection for ``page``'s files (a community or a write-up), created on first use.

    ``is_community`` says which kind of page it is when ``page`` is not the live model (migrations)."""
    from boost.models import FileContext
    from communities.models import CommunityPage

    context = FileContext.objects.filter(page_id=page.pk).select_related("collection").first()
    if context is not None:
        return context.collection
    if is_community is None:
        is_community = isinstance(page.specific, CommunityPage)
    parent = top_collection(COMMUNITIES if is_community else WRITE_UPS)
    collection = parent.add_child(name=f"{page.title[:200]} (#{page.pk})")
    FileContext.objects.create(collection=collection, page_id=page.pk)
    return collection


def grant_collection(group, collection: Collection, actions: tuple[str, ...]) -> None:
    """Give ``group`` these document and image permissions on ``collection`` (and its children)."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupCollectionPermission

    codenames = [f"{action}_{model}" for action in actions for model in ("document", "image")]
    for permission in Permission.objects.filter(
        content_type__app_label__in=("wagtaildocs", "wagtailimages"), codename__in=codenames
    ):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def context_allows(user, item, *, request=None) -> bool:
    """May ``user`` see files of ``item``'s collection (a document or an image)?"""
    from boost.models import FileContext
    from boost.permissions import can_view_page, may_see_draft

    collection = item.collection
    if not _collection_restrictions_allow(collection, request):
        return False
    context = FileContext.objects.filter(collection_id=collection.pk).first()
    if context is None:
        return True
    if context.page_id is None:
        return False
    page = Page.objects.filter(pk=context.page_id).specific().first()
    if page is None:
        return False
    from wagtail.documents import get_document_model

    from projects.models import ProjectAttachment, ProjectPage

    if isinstance(page, ProjectPage):
        if may_see_draft(user, page):
            return True
        if not can_view_page(user, page, request=request):
            return False
        if isinstance(item, get_document_model()):
            # Only what is on the published version: a file added to a newer draft waits for publishing.
            return ProjectAttachment.objects.filter(project_id=page.pk, document_id=item.pk).exists()
        return True
    return can_view_page(user, page, request=request)


def _collection_restrictions_allow(collection: Collection, request) -> bool:
    restrictions = list(
        CollectionViewRestriction.objects.filter(collection__in=collection.get_ancestors(inclusive=True))
    )
    return all(request is not None and restriction.accept_request(request) for restriction in restrictions)
