"""The CMS listing of xAPI statements: administrators see what waits, what went, and what the
LRS refused with its reason, and send a refused statement again; nobody edits or deletes one."""

from django.urls import reverse

import pytest

from accounts.roles import Role
from learning_records.models import OutboxState, OutboxStatement
from tests.cms import ok, url
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(journey):
    row = OutboxStatement.objects.filter(verb="failed").get()
    row.state, row.attempts, row.last_error = OutboxState.FAILED, 1, "HTTP 400: verb.id: not an IRI"
    row.save()
    return row


def test_an_administrator_finds_a_refused_statement_with_the_lrs_reason(client, refused):
    client.force_login(staff_user(Role.ADMINISTRATOR))
    listing = ok(client.get(url(OutboxStatement, "list") + "?state=failed"))
    assert "HTTP 400: verb.id: not an IRI" in listing
    assert url(OutboxStatement, "inspect", refused.pk) in listing


def test_the_statement_page_shows_the_json_and_sends_it_again(client, refused):
    client.force_login(staff_user(Role.ADMINISTRATOR))
    page = ok(client.get(url(OutboxStatement, "inspect", refused.pk)))
    requeue = reverse("xapi_statement_requeue", args=[refused.pk])
    assert requeue in page and "&quot;registration&quot;" in page

    assert ok(client.get(requeue))  # the confirmation
    response = client.post(requeue)

    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.state == OutboxState.PENDING and refused.next_attempt_at is None
    assert client.post(requeue).status_code == 404  # no longer refused


def test_only_failed_statements_are_sent_again(client, journey):
    client.force_login(staff_user(Role.ADMINISTRATOR))
    pending = OutboxStatement.objects.first()
    assert client.post(reverse("xapi_statement_requeue", args=[pending.pk])).status_code == 404


def test_other_roles_neither_see_nor_resend_statements(client, refused):
    client.force_login(staff_user(Role.AUTHOR))
    assert client.get(url(OutboxStatement, "list")).status_code == 302  # to the CMS home
    refusal = client.post(reverse("xapi_statement_requeue", args=[refused.pk]))
    assert (refusal.status_code, refusal.url) == (302, "/cms/")  # Wagtail's "permission denied"
    refused.refresh_from_db()
    assert refused.state == OutboxState.FAILED


def test_nobody_edits_or_deletes_a_statement(client, refused):
    client.force_login(staff_user(Role.ADMINISTRATOR, is_superuser=True))
    for view in ("edit", "delete"):
        assert client.get(url(OutboxStatement, view, refused.pk)).status_code in (302, 403)
    assert OutboxStatement.objects.filter(pk=refused.pk).exists()
