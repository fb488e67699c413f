"""The xAPI outbox: every learning event's statement, written in the event's own transaction,
kept until an LRS has it. Nothing is dropped: with no LRS configured, statements wait here."""

import uuid

from django.conf import settings
from django.contrib import admin
from django.db import models


class OutboxState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Stored by the LRS"
    FAILED = "failed", "Refused by the LRS (kept, with its reason)"


class OutboxStatement(models.Model):
    # The statement's own id, fixed when the event happened, so a retry can never duplicate it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    statement = models.JSONField()
    verb = models.CharField(max_length=40)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose record it is, for 'my learning record'.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    # Listed in the CMS as a snippet, but it refers to nothing there: without this, Wagtail would
    # index its references on every save, adding queries (and a task) to each learning event.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            # Delivery reads the oldest pending rows, a batch at a time: in this order from the
            # index, rather than sorting every pending row for each batch (after an LRS outage,
            # a backlog of them: 0.4 s a batch with 128,000 on PostgreSQL).
            models.Index(fields=["state", "created_at", "id"], name="outbox_pending_order"),
        ]
        permissions = [("requeue_outboxstatement", "Can send statements the LRS refused again")]
        verbose_name = "learning record statement"

    def __str__(self) -> str:
        return f"{self.verb} {self.id} ({self.state})"

    @property
    @admin.display(description="Activity")
    def activity_name(self) -> str:
        """The object's name in the statement (any language), else its id."""
        obj = self.statement.get("object", {})
        names = obj.get("definition", {}).get("name", {})
        return next(iter(names.values()), obj.get("id", ""))
