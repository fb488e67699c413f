"""The folders a backup carries besides the database: media, private media and the signing key
files. Listing them for a backup; putting a restored copy in place of each."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

TREE_SETTINGS = {
    "media": "MEDIA_ROOT",
    "private-media": "PRIVATE_MEDIA_ROOT",
    "keys": "CREDENTIALS_KEY_DIR",
}
# Personal records and private keys are readable by the site's own user only.
FILE_MODES = {"media": 0o644, "private-media": 0o600, "keys": 0o600}


def tree_root(tree: str) -> Path:
    """The folder itself, a symbolic link followed: a restore replaces what the site reads."""
    return Path(getattr(settings, TREE_SETTINGS[tree])).resolve()


@dataclass
class TreeListing:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (path in the tree, file)
    skipped: list[Path] = field(default_factory=list)  # links and other non-files


def tree_files(tree: str) -> TreeListing:
    """The regular files of a tree, in a stable order; a missing folder has none. Keys are the
    files directly in the key folder, less the temporary files of an interrupted write."""
    root, listing = tree_root(tree), TreeListing()
    if not root.is_dir():
        return listing
    for folder, folders, names in os.walk(root):
        folders.sort()
        if tree == "keys":
            folders.clear()
        for name in sorted(names):
            path = Path(folder) / name
            if tree == "keys" and name.startswith(".") and name.endswith(".tmp"):
                continue
            if path.is_symlink() or not path.is_file():
                listing.skipped.append(path)
                continue
            listing.files.append((path.relative_to(root).as_posix(), path))
    return listing


def staging_folder(tree: str) -> Path:
    """An empty folder beside the tree (same file system, so it can be renamed into place)."""
    root = tree_root(tree)
    root.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{root.name}.restore-", dir=root.parent))


def tree_replace(tree: str, staged: Path) -> None:
    """Put the staged copy where the tree is and remove what was there."""
    root = tree_root(tree)
    if tree == "keys":
        mode = 0o700
    elif root.is_dir():
        mode = stat.S_IMODE(root.stat().st_mode)
    else:
        mode = 0o755 if tree == "media" else 0o700
    os.chmod(staged, mode)
    if not root.exists():
        os.replace(staged, root)
        return
    replaced = root.with_name(f".{root.name}.replaced-{secrets.token_hex(4)}")
    try:
        os.replace(root, replaced)
    except OSError:  # a mount point cannot be renamed: exchange what is inside instead
        _contents_replace(root, staged)
        return
    os.replace(staged, root)
    shutil.rmtree(replaced)


def _contents_replace(root: Path, staged: Path) -> None:
    replaced = root / f".replaced-{secrets.token_hex(4)}"
    replaced.mkdir()
    for entry in list(root.iterdir()):
        if entry != replaced:
            os.replace(entry, replaced / entry.name)
    for entry in list(staged.iterdir()):
        shutil.move(entry, root / entry.name)
    shutil.rmtree(replaced)
    staged.rmdir()
