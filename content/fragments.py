"""What a page shows that is the same for every reader, cached between requests: rendered
fragments (a lesson's body and reference list) and read-only data (`page_data`: a course's
disclosures, topics, programs, credit designations...).

A key holds the page's live revision, so publishing changes it everywhere at once. What a page
shows of other objects (a reference's title, another page's title or URL, a topic's name)
changes without a new revision of it, so saving or deleting one of those, or publishing,
unpublishing, moving or deleting any page, bumps CONTENT_VERSION, which every key also holds.
The bump reaches every process that shares the cache (CACHE_URL, e.g. Redis); a process with a
cache of its own (the default local-memory cache) sees other processes' edits when its copy
expires, after FRAGMENT_CACHE_SECONDS.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail import signals as wagtail_signals
from wagtail.models import Page

CONTENT_VERSION = "content-fragments-version"


def content_version() -> int:
    # Started from the clock, so a version set again after an eviction never repeats one that
    # keys still in the cache were made with.
    return cache.get_or_set(CONTENT_VERSION, time.time_ns, timeout=None)


def content_version_bump(**_kwargs) -> None:
    _bump()
    # Again once the change is visible to other connections: one of them reading between the
    # first bump and the commit may have kept the old data under the new version.
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(CONTENT_VERSION)
    except ValueError:  # not set (or evicted): a new start
        cache.set(CONTENT_VERSION, time.time_ns(), timeout=None)


def _page_saved(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        content_version_bump()


def connect(models) -> None:
    for model in models:
        post_save.connect(content_version_bump, sender=model, dispatch_uid=f"fragments-{model}")
        post_delete.connect(content_version_bump, sender=model, dispatch_uid=f"fragments-{model}")


def connect_pages() -> None:
    """Any page's publication, withdrawal, move, save or deletion can change what another page
    shows of it (a prerequisite's title, a program listing its courses)."""
    for name in ("page_published", "page_unpublished", "post_page_move", "page_slug_changed"):
        signal = getattr(wagtail_signals, name)
        signal.connect(content_version_bump, dispatch_uid=f"fragments-{name}")
    # Saved as any page type: post_save names the page's own class as its sender.
    post_save.connect(_page_saved, dispatch_uid="fragments-page-saved")
    post_delete.connect(content_version_bump, sender=Page, dispatch_uid="fragments-page-deleted")


_MISSING = object()


def page_data(request, page, name: str, read: Callable[[], Any]) -> Any:
    """`read()` for `page`, kept between requests for its live revision and the content version
    (read afresh for a preview, which shows a draft)."""
    if getattr(request, "is_preview", False) or page.live_revision_id is None:
        return read()
    key = f"page-data:{name}:{page.pk}.{page.live_revision_id}.{content_version()}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = read()
        cache.set(key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value
