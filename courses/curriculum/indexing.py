"""Search and reference indexing of what a curriculum load saves: once per object, by one task.

Wagtail enqueues a search-index task and a reference-index task on every save of an indexed
model, and a load saves each new page three times (add, revision, publish): thousands of tasks
for 1,000 lessons, each redoing the last one's work. While a load runs those two save handlers
are disconnected and every object they would have indexed is recorded instead; the load then
enqueues `courses.tasks.index_saved_objects` once with that list. Delete handlers stay connected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import post_save

from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import update_reference_index_on_save as references_on_save

from modelsearch import index as search_index
from modelsearch.signal_handlers import post_save_signal_handler as search_on_save

# (app_label, model_name, pk): the arguments Wagtail's own index tasks take.
SavedObject = tuple[str, str, str]


@contextmanager
def indexing_deferred() -> Iterator[set[SavedObject]]:
    """Record, instead of indexing, every save of a search-indexed or reference-tracked model.

    Signal connections are process-wide: a save in another thread meanwhile is recorded too (and
    so still indexed). Meant for management commands, not the web process."""
    searched = {
        model
        for model in search_index.get_indexed_models()
        if getattr(model, "search_auto_update", True)
    }
    tracked = set(ReferenceIndex.tracked_models)
    saved: set[SavedObject] = set()

    def record(sender, instance, raw=False, **kwargs):
        if not raw and (sender in searched or sender in tracked):
            saved.add((sender._meta.app_label, sender._meta.model_name, str(instance.pk)))

    disconnected = [
        (handler, model)
        for handler, models in ((search_on_save, searched), (references_on_save, tracked))
        for model in models
        if post_save.disconnect(handler, sender=model)
    ]
    post_save.connect(record, weak=False, dispatch_uid="curriculum-indexing-deferred")
    try:
        yield saved
    finally:
        post_save.disconnect(dispatch_uid="curriculum-indexing-deferred")
        for handler, model in disconnected:
            post_save.connect(handler, sender=model)
