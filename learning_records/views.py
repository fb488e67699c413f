"""My learning record: the learner's own xAPI statements, on a page and as a download."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from learning_records.models import OutboxStatement

SHOWN = 200


@login_required
@require_safe
def my_record(request):
    statements = OutboxStatement.objects.filter(learner=request.user).order_by("-created_at")
    return render(
        request,
        "learning_records/my_record.html",
        {"statements": statements[:SHOWN], "total": statements.count()},
    )


@login_required
@require_safe
def my_record_download(request):
    """Every statement, as JSON lines, oldest first: what an LRS receives about you."""
    statements = OutboxStatement.objects.filter(learner=request.user).order_by("created_at")
    body = "".join(json.dumps(s.statement) + "\n" for s in statements.iterator())
    response = HttpResponse(body, content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="my-learning-record.jsonl"'
    return response
