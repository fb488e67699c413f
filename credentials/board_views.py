"""The licensing board portal: transcripts learners shared, bulk verification by CSV, API
tokens. Board accounts only (and, like every staff role, signed in with a second factor)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Licence
from credentials import boards
from credentials.forms import BulkCsvForm, TokenForm
from credentials.models import BoardApiToken


def board_only(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not boards.is_board(request.user):
            raise PermissionDenied("The board portal is for licensing board accounts.")
        return view(request, *args, **kwargs)

    return wrapped


def _portal(request, *, bulk_form=None, token_form=None, status=200):
    board = request.user
    return render(
        request,
        "credentials/board/portal.html",
        {
            "shares": boards.shares_with(board),
            "bulk_form": bulk_form or BulkCsvForm(),
            "token_form": token_form or TokenForm(),
            "tokens": board.board_api_tokens.all(),
        },
        status=status,
    )


@board_only
def portal(request):
    return _portal(request)


@board_only
@require_POST
def bulk_verify(request):
    form = BulkCsvForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = boards.bulk_csv_verify(form.cleaned_data["file"].read())
        except boards.BoardRefused as refused:
            form.add_error("file", str(refused))
        else:
            response = HttpResponse(result, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="verification-results.csv"'
            return response
    return _portal(request, bulk_form=form, status=400)


@board_only
def shared_transcript(request, share_id):
    share = get_object_or_404(boards.shares_with(request.user), pk=share_id)
    data = boards.shared_transcript_read(board=request.user, share=share)
    licences = share.learner.licences.all()
    return render(
        request,
        "credentials/board/share.html",
        {"share": share, "transcript": data, "licences": licences},
    )


@board_only
@require_http_methods(["POST"])
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        _row, token = boards.api_token_create(board=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"Your new API token (copy it now, it is shown once): {token}")
        return redirect("board:portal")
    return _portal(request, token_form=form, status=400)


@board_only
@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(BoardApiToken, pk=token_id, board=request.user)
    boards.api_token_revoke(token=token, board=request.user)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("board:portal")


@board_only
@require_POST
def licence_confirm(request, share_id, licence_id):
    """Confirm, from the board's own register, a licence of someone who shared with it."""
    share = get_object_or_404(boards.shares_with(request.user), pk=share_id)
    licence = get_object_or_404(Licence, pk=licence_id, user_id=share.learner_id)
    try:
        boards.board_licence_verify(board=request.user, licence=licence)
    except boards.BoardRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Confirmed: {licence.jurisdiction} {licence.number}.")
    return redirect("board:share", share_id=share.pk)
