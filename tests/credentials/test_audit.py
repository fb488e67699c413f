"""The append-only, hash-chained audit log: every issuance, revocation, suspension and key
change is recorded with the change itself, and any edit or removal is found."""

from io import StringIO
from itertools import pairwise

from django.core.management import CommandError, call_command

import pytest

from accounts.roles import Role
from credentials.audit import audit_chain_check
from credentials.issuance import credential_issue, credential_revoke, credential_suspend
from credentials.models import AuditEntry
from credentials.signing_keys import signing_key_add
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user


@pytest.fixture
def history(db):
    """A key, an issuance, a suspension and its lifting, a revocation."""
    signing_key_add()
    achievement = course_achievement()
    learner = UserFactory()
    complete_course(learner, achievement)
    credential = credential_issue(learner=learner, achievement=achievement).credential
    admin = staff_user(Role.ADMINISTRATOR)
    credential_suspend(credential=credential, by=admin, suspend=True)
    credential_suspend(credential=credential, by=admin, suspend=False)
    credential_revoke(credential=credential, by=admin, reason="Issued in error.")
    return credential


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class AuditLogTests:
    def test_each_change_is_an_entry_chained_to_the_one_before(self, history):
        entries = list(AuditEntry.objects.all())
        assert [e.action for e in entries] == [
            "signing key added",
            "credential issued",
            "credential suspended",
            "credential reinstated",
            "credential revoked",
        ]
        assert entries[-1].details == {"reason": "Issued in error."}
        assert entries[-1].actor_label.endswith(">")  # name and email as they were
        assert all(b.previous_hash == a.entry_hash for a, b in pairwise(entries))
        assert "The audit log is intact: 5 entries." in verify()

    def test_a_changed_entry_is_found(self, history):
        entry = AuditEntry.objects.get(action="credential revoked")
        AuditEntry.objects.filter(pk=entry.pk).update(details={"reason": "Quietly changed."})
        with pytest.raises(CommandError, match=f"broken at entry {entry.pk}: its content was"):
            verify()

    def test_a_removed_entry_in_the_middle_is_found(self, history):
        middle = AuditEntry.objects.get(action="credential suspended")
        AuditEntry.objects.filter(pk=middle.pk)._raw_delete(AuditEntry.objects.db)
        count, broken = audit_chain_check()
        assert broken is not None and "does not follow" in broken.reason
        assert count == 3  # the key, the issuance, then the entry after the gap

    def test_a_removed_last_entry_is_found(self, history):
        last = AuditEntry.objects.order_by("-pk").first()
        AuditEntry.objects.filter(pk=last.pk)._raw_delete(AuditEntry.objects.db)
        with pytest.raises(CommandError, match="removed from the end of the log"):
            verify()

    def test_entries_refuse_to_be_edited_or_deleted_through_the_model(self, history):
        entry = AuditEntry.objects.first()
        entry.action = "nothing happened"
        with pytest.raises(ValueError, match="append-only"):
            entry.save()
        with pytest.raises(ValueError, match="append-only"):
            entry.delete()


@pytest.mark.django_db
def test_administrators_read_the_log_in_the_cms_and_nobody_changes_it(client, history):
    from django.urls import reverse

    entry = AuditEntry.objects.get(action="credential revoked")
    listing = reverse(AuditEntry.snippet_viewset.get_url_name("list"))
    inspect = reverse(AuditEntry.snippet_viewset.get_url_name("inspect"), args=[entry.pk])
    edit = reverse(AuditEntry.snippet_viewset.get_url_name("edit"), args=[entry.pk])
    client.force_login(staff_user(Role.ADMINISTRATOR, is_superuser=True, is_staff=True))
    assert "credential revoked" in client.get(listing).content.decode()
    assert "Issued in error." in client.get(inspect).content.decode()
    assert client.get(edit).status_code in {302, 403}
    assert client.post(edit, {"action": "x"}).status_code in {302, 403}
    client.force_login(staff_user(Role.AUTHOR))
    assert client.get(listing).status_code in {302, 403}
