"""Taking an item out of use: retired (never drawn again) or exposed (its key is known outside
the exam, so it is no longer drawn for one). Both keep the item and every graded attempt that
used it; both can be undone."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from assessments.item_versions import ItemRefused
from assessments.models import Item

ACTIONS = {"expose", "unexpose", "retire", "restore"}


@transaction.atomic
def item_status_change(*, item: Item, editor, action: str, note: str = "") -> Item:
    if not editor.has_perm("assessments.expose_item"):
        raise ItemRefused(["You may not retire items or mark them exposed."])
    if action not in ACTIONS:
        raise ItemRefused([f"Unknown action '{action}' (one of {', '.join(sorted(ACTIONS))})."])
    item = Item.objects.select_for_update().get(pk=item.pk)
    if action == "expose":
        if not note.strip():
            raise ItemRefused(["Say how the key became known, so others can judge the item."])
        item.exposed_at, item.exposed_note = timezone.now(), note.strip()[:300]
    elif action == "unexpose":
        item.exposed_at, item.exposed_note = None, ""
    else:
        item.retired = action == "retire"
    item.save(update_fields=["exposed_at", "exposed_note", "retired"])
    return item
