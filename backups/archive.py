"""The backup archive: one .tar.gz with the database dump, the media trees and the signing key
files, and `manifest.json` (written last) giving every other member's sha256 and size.

Reading is strict, since an archive is restored over everything: only regular files under the
names a backup writes, each exactly as the manifest says, or nothing is restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import tarfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from backups.errors import BackupError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
TREES = ("media", "private-media", "keys")
MANIFEST_LIMIT = 64 * 1024 * 1024  # about half a million members; a larger one is not ours
CHUNK = 1024 * 1024
READ_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error)


def member_problem(name: str) -> str:
    """Why a member name is not one a backup writes ("" when it is): nothing absolute, nothing
    that climbs out with `..`, nothing outside the database, the manifest and the three trees."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return "is an absolute or malformed path"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "leaves its folder (an empty, '.' or '..' part)"
    if name == MANIFEST or name in DATABASE_MEMBERS.values():
        return ""
    if parts[0] == "keys":
        return "" if len(parts) == 2 else "is not a file directly in keys/"
    if parts[0] in TREES and len(parts) >= 2:
        return ""
    return "is not something a backup holds"


class _HashingReader:
    """Hands tarfile a file's bytes and hashes exactly those, so the manifest describes what was
    written even if the file changes meanwhile."""

    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Writes the archive to a temporary file beside `path` (mode 600: it holds personal data)
    and renames it into place only when complete, so a failed backup leaves no partial file."""

    def __init__(self, path: Path):
        self.path = path
        self.members: dict[str, dict] = {}
        self._temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        self._handle = None
        self._tar = None

    def __enter__(self) -> ArchiveWriter:
        descriptor = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(fileobj=self._handle, mode="w:gz", compresslevel=6)
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self._tar is not None:  # not finished: an error on the way
            self._tar.close()
            self._handle.close()
            self._temporary.unlink(missing_ok=True)

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(time.time())
        return info

    def add_file(self, name: str, source: Path) -> None:
        with source.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            reader = _HashingReader(handle)
            self._tar.addfile(self._info(name, size), reader)
        self.members[name] = {"sha256": reader.digest.hexdigest(), "size": size}

    def finish(self, manifest: dict) -> dict:
        """Write the manifest (with the members' checksums) and put the archive in place."""
        manifest = {**manifest, "members": self.members}
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = self._info(MANIFEST, len(data))
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._tar = None
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._temporary, self.path)
        return manifest


def _manifest_problem(manifest) -> str:
    if not isinstance(manifest, dict):
        return "it is not a JSON object"
    if manifest.get("format") != FORMAT_VERSION:
        return (
            f"its format is {manifest.get('format')!r}; this version of the site reads format "
            f"{FORMAT_VERSION}"
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in DATABASE_MEMBERS:
        return "it does not say which database engine the dump is for"
    if not isinstance(manifest.get("migrations"), dict):
        return "it does not list the migrations"
    members = manifest.get("members")
    if not isinstance(members, dict):
        return "it does not list the members"
    for name, entry in members.items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
            and len(entry["sha256"]) == 64
        ):
            return f"its entry for {name!r} has no size and sha256"
    if DATABASE_MEMBERS[database["vendor"]] not in members:
        return "it lists no database dump"
    return ""


class ArchiveReader:
    """An archive checked for its structure on opening (names, types, duplicates, manifest,
    sizes); `extract` then checks every member's sha256 as it writes it out."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 -- closed by close()
        except FileNotFoundError as error:
            raise BackupError(f"There is no file {path}.") from error
        except READ_ERRORS as error:
            raise BackupError(f"{path} is not a readable backup archive: {error}.") from error
        try:
            infos = self._tar.getmembers()
        except READ_ERRORS as error:
            self._refuse(f"it is not a readable backup archive ({error})")
        self.members: dict[str, tarfile.TarInfo] = {}
        for info in infos:
            problem = member_problem(info.name)
            if problem:
                self._refuse(f"member {info.name!r} {problem}")
            if not info.isreg():
                self._refuse(f"member {info.name!r} is a link, folder or device, not a file")
            if info.name in self.members:
                self._refuse(f"member {info.name!r} appears twice")
            self.members[info.name] = info
        self.manifest = self._manifest()
        listed = self.manifest["members"]
        unlisted = sorted(set(self.members) - set(listed) - {MANIFEST})
        if unlisted:
            self._refuse(f"it holds members its manifest does not list: {', '.join(unlisted[:5])}")
        missing = sorted(set(listed) - set(self.members))
        if missing:
            self._refuse(f"members its manifest lists are missing: {', '.join(missing[:5])}")
        for name, entry in listed.items():
            if self.members[name].size != entry["size"]:
                self._refuse(
                    f"member {name!r} has {self.members[name].size} bytes, its manifest says "
                    f"{entry['size']}"
                )

    def _refuse(self, reason: str) -> NoReturn:
        self.close()
        raise BackupError(f"{self.path} is refused: {reason}. Nothing was changed.")

    def _manifest(self) -> dict:
        info = self.members.get(MANIFEST)
        if info is None:
            self._refuse("it has no manifest.json")
        if info.size > MANIFEST_LIMIT:
            self._refuse("its manifest.json is too large")
        try:
            manifest = json.loads(self._tar.extractfile(info).read())
        except READ_ERRORS as error:
            self._refuse(f"its manifest cannot be read ({error})")
        except ValueError:
            self._refuse("its manifest.json is not JSON")
        problem = _manifest_problem(manifest)
        if problem:
            self._refuse(f"its manifest is not a backup manifest: {problem}")
        return manifest

    def extract(self, destination: Callable[[str], tuple[Path, int]]) -> None:
        """Write every listed member to `destination(name)` -> (path, mode), checking its sha256.
        The paths must be in folders made for this restore: nothing live is written here."""
        listed = self.manifest["members"]
        for info in sorted((self.members[name] for name in listed), key=lambda i: i.offset):
            path, mode = destination(info.name)
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                source = self._tar.extractfile(info)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                with os.fdopen(descriptor, "wb") as handle:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        handle.write(chunk)
            except READ_ERRORS as error:
                self._refuse(f"member {info.name!r} cannot be extracted ({error})")
            if digest.hexdigest() != listed[info.name]["sha256"]:
                self._refuse(
                    f"member {info.name!r} does not match its checksum: the archive was changed "
                    "or damaged"
                )

    def close(self) -> None:
        self._tar.close()
