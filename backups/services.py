"""Backing up and restoring the site: the database, media, private media and signing key files
in one archive (backups/archive.py), and, after a restore, proof that every credential still
verifies and the audit log is intact.

The key-encryption key is never in an archive: the sealed key files in it sign nothing without
it, so a stolen backup cannot issue credentials.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from backups.archive import (
    DATABASE_MEMBERS,
    FORMAT_VERSION,
    TREES,
    ArchiveReader,
    ArchiveWriter,
)
from backups.databases import (
    database_load,
    database_load_check,
    database_snapshot,
    database_vendor,
)
from backups.errors import BackupError
from backups.file_trees import FILE_MODES, staging_folder, tree_files, tree_replace, tree_root
from credentials import key_wrapping
from credentials.audit import audit_chain_check
from credentials.models import AuditChainHead, AuditEntry, Credential, SigningKey
from credentials.signing_keys import SigningKeyUnavailable, current_signing_key
from credentials.verification import Verifier, verify_stored

# Rows counted at backup and compared after a restore.
COUNTED = {
    "users": lambda: get_user_model().objects,
    "credentials": lambda: Credential.objects,
    "audit_entries": lambda: AuditEntry.objects,
    "signing_keys": lambda: SigningKey.objects,
}
WRAP_HINT = (
    "run `python manage.py credentials_key_wrap` first (with CREDENTIALS_KEY_ENCRYPTION_KEY "
    "set) so the backup holds them encrypted, or pass --allow-plaintext-keys"
)


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())


def _counts() -> dict[str, int]:
    return {name: rows().count() for name, rows in COUNTED.items()}


def _audit_head() -> str | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    return head.last_hash if head else None


def _migration_heads() -> dict[str, str]:
    """The last migration applied of each app this code has migrations for (rows left by apps
    since removed are not the code's business, and would make every backup unrestorable)."""
    apps = MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    heads = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("id").values_list("app", "name"):
        if app in apps:
            heads[app] = name
    return dict(sorted(heads.items()))


def _credential_statuses() -> tuple[dict[str, int], list[str]]:
    """How many credentials verify with each status, and which are not authentic at all (a
    key revoked as compromised, say): those are not expected to verify after a restore."""
    verifier, statuses, invalid = Verifier(), Counter(), []
    for credential in Credential.objects.only("id", "document", "document_digest").iterator():
        status = verify_stored(credential, verifier=verifier).status
        statuses[status] += 1
        if status == "invalid":
            invalid.append(str(credential.pk))
    return dict(sorted(statuses.items())), sorted(invalid)


def _output_path(output: Path) -> Path:
    output = output.expanduser().absolute()
    if output.is_dir():
        output = output / f"recovery-learning-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
    if output.exists():
        raise BackupError(f"{output} exists already: choose another name.")
    if not output.parent.is_dir():
        raise BackupError(f"There is no folder {output.parent}.")
    for tree in TREES:
        if output.resolve().is_relative_to(tree_root(tree)):
            # Inside media it would be served to anyone; inside any tree, backed up next time.
            raise BackupError(f"Write the backup outside {tree_root(tree)}.")
    return output


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    skipped: list[Path] = field(default_factory=list)

    def files_in(self, tree: str) -> int:
        return sum(name.startswith(f"{tree}/") for name in self.manifest["members"])


def backup_create(output: Path, *, allow_plaintext_keys: bool = False) -> BackupResult:
    """Write the archive: the database and the facts a restore is checked against, read in one
    snapshot, then the file trees. Key files must be sealed unless plain ones are allowed."""
    output = _output_path(output)
    vendor = database_vendor()
    listings = {tree: tree_files(tree) for tree in TREES}
    plaintext = [
        name
        for name, path in listings["keys"].files
        if not key_wrapping.is_sealed(path.read_text(encoding="utf-8", errors="replace"))
    ]
    if plaintext and not allow_plaintext_keys:
        raise BackupError(
            f"The signing key file(s) {', '.join(plaintext)} in {tree_root('keys')} are not "
            f"encrypted: {WRAP_HINT}. No backup was written."
        )
    skipped = [path for listing in listings.values() for path in listing.skipped]
    member = DATABASE_MEMBERS[vendor]
    with (
        tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as scratch,
        ArchiveWriter(output) as writer,
    ):
        dump = Path(scratch) / member
        with database_snapshot() as snapshot:
            snapshot.dump(dump)
            statuses, invalid = _credential_statuses()
            facts = {
                "database": {"vendor": vendor, "member": member, **snapshot.details},
                "migrations": _migration_heads(),
                "counts": _counts(),
                "credential_statuses": statuses,
                "credentials_invalid": invalid,
                "audit_chain_head": _audit_head(),
            }
        writer.add_file(member, dump)
        dump.unlink()
        for tree, listing in listings.items():
            for name, path in listing.files:
                try:
                    writer.add_file(f"{tree}/{name}", path)
                except FileNotFoundError:  # deleted since it was listed: nothing to keep
                    skipped.append(path)
        manifest = writer.finish(
            {
                "format": FORMAT_VERSION,
                "created_at": timezone.now().astimezone(UTC).isoformat(),
                **facts,
                "plaintext_keys": bool(plaintext),
            }
        )
    return BackupResult(output, manifest, skipped)


def _known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)  # squashed away, still recorded in old databases
    return known


def _compatibility_check(manifest: dict) -> None:
    vendor = database_vendor()
    archived = manifest["database"]["vendor"]
    if archived != vendor:
        raise BackupError(
            f"The archive holds a {archived} database; this site's DATABASES is {vendor}. "
            f"Restore it with DATABASE_URL pointing at a {archived} database. Nothing was changed."
        )
    known = _known_migrations()
    unknown = [
        f"{app}.{name}"
        for app, name in sorted(manifest["migrations"].items())
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "The archive comes from a newer version of the site: this code does not know its "
            f"migrations {', '.join(unknown)}. Deploy that version (or a later one), then "
            "restore. Nothing was changed."
        )


@dataclass
class PreparedRestore:
    """An archive checked in full and unpacked beside what it replaces; nothing live changed."""

    manifest: dict
    database_file: Path
    staged: dict[str, Path]
    workspace: Path

    def discard(self) -> None:
        for folder in [self.workspace, *self.staged.values()]:
            shutil.rmtree(folder, ignore_errors=True)


def restore_prepare(path: Path) -> PreparedRestore:
    """Check the archive (structure, names, manifest, engine, migrations, every checksum) and
    unpack it into folders of its own, or raise BackupError having changed nothing."""
    reader = ArchiveReader(path)
    try:
        manifest = reader.manifest
        _compatibility_check(manifest)
        member = DATABASE_MEMBERS[manifest["database"]["vendor"]]
        workspace = Path(tempfile.mkdtemp(prefix="recovery-learning-restore-"))
        prepared = PreparedRestore(manifest, workspace / member, {}, workspace)
        try:
            for tree in TREES:
                prepared.staged[tree] = staging_folder(tree)

            def destination(name: str) -> tuple[Path, int]:
                if name == member:
                    return prepared.database_file, 0o600
                tree, _, inside = name.partition("/")
                # archive.member_problem allowed only these trees and no '..': it stays inside.
                return prepared.staged[tree].joinpath(*inside.split("/")), FILE_MODES[tree]

            reader.extract(destination)
            database_load_check(prepared.database_file, manifest["database"])
        except BaseException:
            prepared.discard()
            raise
    finally:
        reader.close()
    return prepared


def backup_restore(prepared: PreparedRestore) -> None:
    """Replace the database, then each file tree, with the prepared archive's."""
    try:
        database_load(prepared.database_file)
        ContentType.objects.clear_cache()  # ids cached from the database replaced
        for tree in TREES:
            tree_replace(tree, prepared.staged[tree])
    finally:
        prepared.discard()


def _expected_status(credential: Credential) -> str | None:
    if credential.revoked_at is not None:
        return "revoked"
    if credential.suspended_at is not None:
        return "suspended"
    return None  # valid, or expired since


@dataclass
class RestoreReport:
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    invalid_before: int = 0  # of the credentials not verifying, those that did not at backup
    audit_entries: int = 0
    signing_key: str = ""
    signing_key_problem: str = ""
    unapplied_migrations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _credentials_verify(manifest: dict, report: RestoreReport) -> None:
    invalid_before = set(manifest.get("credentials_invalid", []))
    verifier = Verifier()
    for credential in Credential.objects.order_by("pk").iterator():
        verification = verify_stored(credential, verifier=verifier)
        status, expected = verification.status, _expected_status(credential)
        report.statuses[status] += 1
        if status == "invalid":
            if str(credential.pk) in invalid_before:
                report.invalid_before += 1
            else:
                reasons = "; ".join(c.detail for c in verification.checks if not c.passed)
                report.failures.append(f"Credential {credential.pk} no longer verifies: {reasons}")
        elif expected is None and status in ("revoked", "suspended"):
            report.failures.append(
                f"Credential {credential.pk} is not {status} in its record, but its status "
                f"list says it is."
            )
        elif expected is not None and status != expected:
            report.failures.append(
                f"Credential {credential.pk} is {expected} in its record, but verifies as "
                f"{status}: its status list was not restored."
            )


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards]


def archive_manifest(path: Path) -> dict:
    """The manifest of an archive whose structure checks, without unpacking it."""
    reader = ArchiveReader(path)
    reader.close()
    return reader.manifest


def restore_verify(manifest: dict) -> RestoreReport:
    """Check the restored site against what the backup recorded: every credential verifies as
    it did (revoked and suspended ones as such), the audit chain is intact and ends where it
    ended, the rows are all there, and the signing key opens. With migrations still to apply,
    the code's models may not match the tables yet: only those are reported."""
    report = RestoreReport(unapplied_migrations=_unapplied_migrations())
    if report.unapplied_migrations:
        return report
    _credentials_verify(manifest, report)
    for name, count in _counts().items():
        expected = manifest.get("counts", {}).get(name)
        if expected is not None and count != expected:
            report.failures.append(f"The backup had {expected} {name}; the database has {count}.")
    report.audit_entries, chain_break = audit_chain_check()
    if chain_break is not None:
        where = f"entry {chain_break.entry_id}" if chain_break.entry_id else "the end of the log"
        report.failures.append(f"The audit log is broken at {where}: {chain_break.reason}.")
    elif _audit_head() != manifest.get("audit_chain_head"):
        report.failures.append("The audit log does not end where the backup's ended.")
    try:
        report.signing_key = current_signing_key()[0].key_id
    except SigningKeyUnavailable as unavailable:
        report.signing_key_problem = str(unavailable)
    return report
