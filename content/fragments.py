"""Rendered page fragments (a lesson's body and reference list) cached between requests.

A fragment's key holds the page's live revision, so publishing changes it everywhere at once.
What a body shows of other objects (a reference's title, an image, a document) changes without
a new revision, so saving or deleting one bumps CONTENT_VERSION, which every key also holds.
The bump reaches every process that shares the cache (CACHE_URL, e.g. Redis); a process with a
cache of its own (the default local-memory cache) sees other processes' edits when its copy
expires, after FRAGMENT_CACHE_SECONDS.
"""

import time

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

CONTENT_VERSION = "content-fragments-version"


def content_version() -> int:
    # Started from the clock, so a version set again after an eviction never repeats one that
    # keys still in the cache were made with.
    return cache.get_or_set(CONTENT_VERSION, time.time_ns, timeout=None)


def content_version_bump(**_kwargs) -> None:
    try:
        cache.incr(CONTENT_VERSION)
    except ValueError:  # not set (or evicted): a new start
        cache.set(CONTENT_VERSION, time.time_ns(), timeout=None)


def connect(models) -> None:
    for model in models:
        post_save.connect(content_version_bump, sender=model, dispatch_uid=f"fragments-{model}")
        post_delete.connect(content_version_bump, sender=model, dispatch_uid=f"fragments-{model}")
