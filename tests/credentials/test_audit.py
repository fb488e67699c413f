"""The append-only, hash-chained audit log: every issuance, revocation, suspension and key
change is recorded with the change itself, and any edit or removal is found."""

from io import StringIO
from itertools import pairwise

from django.core.management import CommandError, call_command

import pytest

from accounts.roles import Role
from credentials.audit import GENESIS, audit_chain_check, entry_hash
from credentials.issuance import credential_issue, credential_revoke, credential_suspend
from credentials.models import AuditAnchor, AuditChainHead, AuditEntry
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
        assert "The audit log is intact: 5 entries, 0 anchors." in verify()

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


def rewrite_whole_chain(entry: AuditEntry, **changes) -> None:
    """What someone with write access to the database could do: change an entry and recompute
    every hash after it, so that the chain alone looks intact."""
    AuditEntry.objects.filter(pk=entry.pk).update(**changes)
    previous = GENESIS
    for row in AuditEntry.objects.order_by("pk"):
        digest = entry_hash(
            previous,
            at=row.at,
            actor_label=row.actor_label,
            action=row.action,
            subject=row.subject,
            details=row.details,
        )
        AuditEntry.objects.filter(pk=row.pk).update(previous_hash=previous, entry_hash=digest)
        previous = digest
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)


@pytest.mark.django_db
class AnchorTests:
    def test_a_chain_rewritten_whole_is_found_by_its_signed_anchor(self, history, tmp_path):
        exported = tmp_path / "anchors.jsonl"
        call_command("audit_anchor", "--output", str(exported), stdout=StringIO())
        assert "5 entries, 1 anchors" in verify()
        revoked = AuditEntry.objects.get(action="credential revoked")
        rewrite_whole_chain(revoked, details={"reason": "Quietly changed."})
        assert audit_chain_check()[1] is None  # the hashes alone no longer tell
        with pytest.raises(CommandError, match="the chain was rewritten"):
            verify()
        # Removing the anchors from the database does not help: the export still holds them.
        AuditAnchor.objects.all().delete()
        assert "0 anchors" in verify()
        with pytest.raises(CommandError, match="the chain was rewritten"):
            call_command("audit_verify", "--anchors", str(exported), stdout=StringIO())

    def test_an_altered_or_forged_anchor_is_found(self, history):
        call_command("audit_anchor", stdout=StringIO())
        anchor = AuditAnchor.objects.get()
        AuditAnchor.objects.filter(pk=anchor.pk).update(entry_hash="0" * 64)
        with pytest.raises(CommandError, match="signature does not match"):
            verify()

    def test_a_bad_export_file_is_a_clear_error(self, history, tmp_path):
        bad = tmp_path / "anchors.jsonl"
        bad.write_text("not json\n")
        with pytest.raises(CommandError, match="anchors.jsonl:1 is not a JSON anchor"):
            call_command("audit_verify", "--anchors", str(bad), stdout=StringIO())
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("audit_verify", "--anchors", str(tmp_path / "missing"), stdout=StringIO())
