"""Add pages that a load creates, published, in about a third of the queries Wagtail takes.

A page the files add for the first time is new in every sense: it has no past revisions,
comments, aliases, scheduled publication or workflow. Wagtail's general path (treebeard's
`add_child`, then `save_revision().publish()`) is written for any page and pays for that: it
locks and re-reads the parent for every child, validates the draft and then the live page,
checks that every foreign key it has just set exists, and validates and writes each log entry
on its own. `NewPages` does what that path does for such a page, once:

- the same tree position (treebeard's next child path; the parent locked once per load),
  `url_path` and `numchild` (each parent's count updated once, by `flush()`);
- one full validation of the live page (`Page.full_clean`, as `Page.save` does for a live
  page), leaving out only the checks of what is set here from rows in hand;
- the same revision, fields, `page_published`/`published` signals and logger lines;
- the same two log entries ("wagtail.create", then "wagtail.publish"), written together by
  `flush()` inside the load's transaction.

tests/courses/test_new_pages.py compares the rows this writes with those Wagtail's path writes.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.models.pages import COMMENTS_RELATION_NAME
from wagtail.signals import page_published, published

from treebeard.exceptions import PathOverflow

logger = logging.getLogger("wagtail")

# Set here from objects in hand (the parent's locale, the revision just written, the page's own
# type, and the tree path computed from the parent, whose uniqueness the database enforces);
# every other field is validated as Wagtail validates a live page.
SET_HERE = ("content_type", "locale", "latest_revision", "live_revision", "path")


class NewPages:
    def __init__(self) -> None:
        self._last_child_path: dict[int, str | None] = {}  # parent pk -> its last child's path
        self._log_entries: list[PageLogEntry] = []
        self._children_added: Counter[int] = Counter()  # parent pk -> children added

    def add_published(self, parent: Page, page: Page) -> Revision:
        """Add `page` (unsaved) as the last child of `parent` and publish it."""
        self._place(parent, page)
        now = timezone.now()
        page.live = True
        page.has_unpublished_changes = False
        page.expired = False
        page.first_published_at = page.last_published_at = now
        page.locale_id = parent.locale_id
        page._is_site_root = False  # a new translation key: no site has it as root page
        page.full_clean(exclude=SET_HERE)
        page.save(clean=False, log_action=None)  # logged below, with the publication
        # It has no comments yet: saying so spares the revision a query for them.
        setattr(page, COMMENTS_RELATION_NAME, [])
        self._children_added[parent.pk] += 1
        parent.numchild += 1

        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            user=None,
            approved_go_live_at=None,
            content=page.serializable_data(),
            object_str=str(page),
        )
        logger.info('Page edited: "%s" id=%d revision_id=%d', page.title, page.id, revision.id)
        page.latest_revision = page.live_revision = revision
        page.latest_revision_created_at = revision.created_at
        Page.objects.filter(pk=page.pk).update(
            latest_revision=revision,
            live_revision=revision,
            latest_revision_created_at=revision.created_at,
        )
        page_published.send(sender=page.specific_class, instance=page, revision=revision)
        published.send(sender=type(page), instance=page, revision=revision)
        # As Page.save logs a creation (by the page's owner) and publishing logs a publication.
        self._log(page, "wagtail.create", page.owner, revision=None, timestamp=now)
        self._log(page, "wagtail.publish", None, revision=revision, timestamp=timezone.now())
        logger.info('Published: "%s" pk=%s revision_id=%d', str(page), str(page.pk), revision.id)
        return revision

    def add_draft(self, parent: Page, page: Page) -> None:
        """Add `page` (unsaved, not live) as the last child of `parent`, as `add_child` does."""
        self._place(parent, page)
        page.locale_id = parent.locale_id
        page._is_site_root = False
        page.save()  # Wagtail's draft validation (title and slug) and its creation log entry
        self._children_added[parent.pk] += 1
        parent.numchild += 1

    def flush(self) -> None:
        """Count the children added in their parents, and write the log entries."""
        for parent_pk, added in self._children_added.items():
            Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + added)
        PageLogEntry.objects.bulk_create(self._log_entries)
        self._children_added.clear()
        self._log_entries = []

    def _place(self, parent: Page, page: Page) -> None:
        """treebeard's position for a new last child, with the parent read and locked once."""
        if parent.pk not in self._last_child_path:
            locked = Page.objects.select_for_update().only("numchild").get(pk=parent.pk)
            last = parent.get_last_child() if locked.numchild else None
            self._last_child_path[parent.pk] = last.path if last else None
        page.depth = parent.depth + 1
        last_path = self._last_child_path[parent.pk]
        if last_path is None:
            page.path = Page._get_path(parent.path, page.depth, 1)
        else:
            page.path = Page(path=last_path)._inc_path()
        if len(page.path) > Page._meta.get_field("path").max_length:
            raise PathOverflow(f"'{page.slug}' is too deep in the page tree")
        self._last_child_path[parent.pk] = page.path
        page._cached_parent_obj = parent
        page.set_url_path(parent)
        page.draft_title = page.title

    def _log(self, page: Page, action: str, user, *, revision: Revision | None, timestamp) -> None:
        context = get_active_log_context()
        self._log_entries.append(
            PageLogEntry(
                content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
                label=page.get_admin_display_title(),
                action=action,
                timestamp=timestamp,
                data={},
                page=page,
                revision=revision,
                user=user or context.user,
                uuid=context.uuid,
                content_changed=True,
            )
        )
