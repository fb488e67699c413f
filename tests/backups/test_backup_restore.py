"""`manage.py backup` and `manage.py restore`: a real round trip through the database engine in
use (SQLite's backup API, or pg_dump and pg_restore), real files and a sealed signing key; and
every archive a restore must refuse, refused before anything is changed."""

import io
import json
import shutil
import stat
import tarfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

import pytest

from accounts.models import User
from accounts.roles import Role
from credentials import key_wrapping
from credentials.audit import audit_chain_check
from credentials.issuance import credential_revoke
from credentials.models import Credential
from credentials.signing_keys import current_signing_key, key_file, signing_key_add
from credentials.verification import verify_document
from tests.credentials.factories import issued_credential
from tests.factories import staff_user

PHOTO = b"\x89PNG\r\n\x1a\n a photograph"
EVIDENCE = b"%PDF-1.7 a certificate of training taken elsewhere"
OTHER_ENGINE = {"sqlite": "postgresql", "postgresql": "sqlite"}
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@pytest.fixture
def site(settings, tmp_path):
    """The site's folders in a throw-away place, and a key-encryption key configured."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
    (tmp_path / "backups").mkdir()
    return tmp_path


def files_write(site: Path) -> None:
    (site / "media" / "original_images").mkdir(parents=True)
    (site / "media" / "original_images" / "photo.png").write_bytes(PHOTO)
    (site / "private-media" / "evidence").mkdir(parents=True)
    (site / "private-media" / "evidence" / "certificate.pdf").write_bytes(EVIDENCE)


def backup(site: Path, *extra: str) -> tuple[Path, str]:
    archive = site / "backups" / "site.tar.gz"
    out = StringIO()
    call_command("backup", "--output", str(archive), *extra, stdout=out, stderr=out)
    return archive, out.getvalue()


def restore(archive: Path) -> str:
    out = StringIO()
    call_command("restore", str(archive), "--noinput", stdout=out, stderr=out)
    return out.getvalue()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar.getmembers()}


def rewritten(archive: Path, *, change=None, manifest=None, rename=None, add=None) -> Path:
    """A copy of the archive with a member's bytes changed, the manifest edited, members renamed
    or added (a TarInfo and its bytes); the manifest's checksums are left as they were."""
    rename = rename or {}
    target = archive.with_name("rewritten.tar.gz")
    with tarfile.open(archive, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            if info.name == "manifest.json":
                document = json.loads(data)
                document["members"] = {rename.get(k, k): v for k, v in document["members"].items()}
                data = json.dumps(manifest(document) if manifest else document).encode()
            elif change:
                data = change(info.name, data)
            info.name, info.size = rename.get(info.name, info.name), len(data)
            new.addfile(info, io.BytesIO(data))
        for info, data in add or []:
            new.addfile(info, io.BytesIO(data) if data is not None else None)
    return target


def leftovers(site: Path) -> list[str]:
    return sorted(path.name for path in site.iterdir() if ".restore-" in path.name)


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_everything_and_every_credential_still_verifies(site, settings):
    signing_key_add()  # sealed under the KEK
    kept = issued_credential("sdm")
    revoked = issued_credential("wrap")
    administrator = staff_user(Role.ADMINISTRATOR, is_superuser=True)
    credential_revoke(credential=revoked, by=administrator, reason="Issued in error.")
    documents = {"kept": kept.document, "revoked": revoked.document}
    files_write(site)
    users = User.objects.count()

    archive, said = backup(site)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert "key-encryption key (CREDENTIALS_KEY_ENCRYPTION_KEY)" in said
    inside = members(archive)
    key_name = f"keys/{key_file(current_signing_key()[0].key_id).name}"
    assert {
        DUMPS[connection.vendor],
        "media/original_images/photo.png",
        "private-media/evidence/certificate.pdf",
        key_name,
        "manifest.json",
    } == set(inside)
    manifest = json.loads(inside["manifest.json"])
    assert manifest["counts"]["credentials"] == 2
    assert manifest["credential_statuses"] == {"revoked": 1, "valid": 1}
    assert manifest["plaintext_keys"] is False
    # The key is in the archive sealed; neither the KEK nor the key in clear is anywhere in it.
    sealed = inside[key_name].decode()
    plain = key_wrapping.unseal(sealed, key_id=current_signing_key()[0].key_id)
    kek = settings.CREDENTIALS_KEY_ENCRYPTION_KEY.encode()
    assert all(plain.encode() not in data and kek not in data for data in inside.values())

    # Disaster: after the backup one more credential is issued, then rows, files and key are lost.
    issued_credential("later")
    Credential.objects.all().delete()
    User.objects.all().delete()
    for folder in ("media", "private-media", "keys"):
        shutil.rmtree(site / folder)

    said = restore(archive)

    assert "Credentials: 2 checked: 1 valid, 1 revoked" in said
    assert "Every credential verifies as it did; the audit log is intact." in said
    assert verify_document(documents["kept"]).status == "valid"
    assert verify_document(documents["revoked"]).status == "revoked"
    assert set(Credential.objects.values_list("pk", flat=True)) == {kept.pk, revoked.pk}
    assert User.objects.count() == users
    assert (site / "media" / "original_images" / "photo.png").read_bytes() == PHOTO
    evidence = site / "private-media" / "evidence" / "certificate.pdf"
    assert evidence.read_bytes() == EVIDENCE
    assert stat.S_IMODE(evidence.stat().st_mode) == 0o600
    key = current_signing_key()[0]  # the sealed key opens under the KEK again
    assert stat.S_IMODE(key_file(key.key_id).stat().st_mode) == 0o600
    assert stat.S_IMODE((site / "keys").stat().st_mode) == 0o700
    assert audit_chain_check()[1] is None
    assert leftovers(site) == []


@pytest.fixture
def archived(site, transactional_db):
    """A site with a credential and files, its backup, and then one change made since."""
    signing_key_add()
    issued_credential("sdm")
    files_write(site)
    archive, _ = backup(site)
    (site / "media" / "since.txt").write_text("uploaded after the backup")
    issued_credential("since")
    return archive


def assert_nothing_changed(site: Path) -> None:
    assert Credential.objects.count() == 2
    assert (site / "media" / "since.txt").exists()
    assert (site / "private-media" / "evidence" / "certificate.pdf").read_bytes() == EVIDENCE
    assert leftovers(site) == []


def refused(archive: Path, match: str) -> None:
    with pytest.raises(CommandError, match=match):
        restore(archive)


def test_one_byte_changed_in_a_member_is_refused(site, archived):
    def tamper(name, data):
        if name == "private-media/evidence/certificate.pdf":
            return data[:5] + bytes([data[5] ^ 1]) + data[6:]
        return data

    refused(
        rewritten(archived, change=tamper),
        "'private-media/evidence/certificate.pdf' does not match its checksum",
    )
    assert_nothing_changed(site)


def test_an_archive_of_another_engine_is_refused(site, archived):
    other = OTHER_ENGINE[connection.vendor]

    def engine(manifest):
        manifest["database"].update(vendor=other, member=DUMPS[other])
        return manifest

    refused(
        rewritten(archived, manifest=engine, rename={DUMPS[connection.vendor]: DUMPS[other]}),
        f"holds a {other} database; this site's DATABASES is {connection.vendor}",
    )
    assert_nothing_changed(site)


def test_an_archive_from_newer_code_names_the_unknown_migration(site, archived):
    def newer(manifest):
        manifest["migrations"]["credentials"] = "9999_from_the_future"
        return manifest

    refused(
        rewritten(archived, manifest=newer),
        "does not know its migrations credentials.9999_from_the_future",
    )
    assert_nothing_changed(site)


def test_an_archive_of_another_format_is_refused(site, archived):
    def format_2(manifest):
        manifest["format"] = 2
        return manifest

    refused(rewritten(archived, manifest=format_2), "its format is 2; this version .* format 1")
    assert_nothing_changed(site)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore --clean keeps the rest")
def test_postgresql_refuses_a_database_with_tables_the_backup_lacks(site, archived):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stray_since_backup (id integer)")
    try:
        refused(archived, "tables the backup does not: stray_since_backup. Restore into an empty")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE stray_since_backup")
    assert_nothing_changed(site)


def test_verify_only_names_what_changed_since_the_backup(site, archived):
    credential = Credential.objects.order_by("valid_from").first()  # the one backed up
    document = {
        **credential.document,
        "credentialSubject": {**credential.document["credentialSubject"], "creditsEarned": 40},
    }
    Credential.objects.filter(pk=credential.pk).update(document=document)
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(archived), "--verify-only", stdout=StringIO())
    assert f"Credential {credential.pk} no longer verifies" in str(refusal.value)
    assert "The backup had 1 credentials; the database has 2." in str(refusal.value)


@pytest.mark.django_db(transaction=True)
def test_after_restoring_an_older_database_it_says_to_run_migrate(site):
    leaf = MigrationLoader(connection).graph.leaf_nodes("credentials")[0]
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied(*leaf)  # as a backup made before this migration existed
    try:
        archive, _ = backup(site)
        said = restore(archive)
    finally:
        recorder.record_applied(*leaf)
    assert f"migration(s) the backup does not (credentials.{leaf[1]})" in said
    assert "run `python manage.py migrate`, then `python manage.py restore" in said


def _listed(path: str, data: bytes):
    """A member added with a manifest entry that matches it, so only its name can refuse it."""
    import hashlib

    def manifest(document):
        document["members"][path] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        return document

    info = tarfile.TarInfo(path)
    info.size = len(data)
    return manifest, [(info, data)]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("media/../../escaped.txt", "leaves its folder"),
        ("../escaped.txt", "leaves its folder"),
        ("/var/escaped.txt", "absolute"),
        ("settings.py", "not something a backup holds"),
    ],
)
def test_a_member_outside_the_archive_s_folders_is_refused(site, archived, path, reason):
    manifest, add = _listed(path, b"written where it should not be")
    refused(rewritten(archived, manifest=manifest, add=add), reason)
    assert not (site / "escaped.txt").exists()
    assert not (site.parent / "escaped.txt").exists()
    assert_nothing_changed(site)


def test_a_link_member_is_refused(site, archived):
    link = tarfile.TarInfo("keys/key.multikey.link")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    refused(rewritten(archived, add=[(link, None)]), "is a link, folder or device")
    assert_nothing_changed(site)


def test_a_restore_not_confirmed_changes_nothing(site, archived, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled. Nothing was changed."):
        call_command("restore", str(archived), stdout=StringIO())
    assert_nothing_changed(site)


@pytest.mark.django_db(transaction=True)
def test_a_key_in_plain_text_is_refused_unless_allowed(site, settings):
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = ""
    signing_key_add()  # no KEK: stored in plain text
    with pytest.raises(CommandError, match="credentials_key_wrap"):
        backup(site)
    assert list((site / "backups").iterdir()) == []

    archive, said = backup(site, "--allow-plaintext-keys")

    assert "holds signing keys in plain text" in said
    assert json.loads(members(archive)["manifest.json"])["plaintext_keys"] is True


def test_a_backup_is_not_written_over_a_file_or_inside_media(site):
    existing = site / "backups" / "site.tar.gz"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="exists already"):
        backup(site)
    (site / "media").mkdir()
    with pytest.raises(CommandError, match="Write the backup outside"):
        call_command("backup", "--output", str(site / "media"), stdout=StringIO())
    assert existing.read_text() == "an older backup"
