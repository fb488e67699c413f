"""Lesson files read before: an unchanged lesson file is not parsed again.

Parsing a lesson's Markdown is most of what reading a curriculum costs. A load that wrote its
pages keeps, for each lesson file it parsed, a digest of the file and of the reader's own code
with the LessonSpec the file gave (courses.models.LessonFileRead); the next load takes that spec
for a file whose digest is unchanged instead of parsing it again. Whatever checks a lesson
against other files (reference keys, objective ids, outcomes, items, computed time) runs on every
load, on the spec either way; the images a lesson's figures show are other files, so they are
checked again too, and a lesson whose image is gone is parsed again to report it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import markdown_it
import yaml

from content import links
from courses.curriculum import lessons, render, sources
from courses.curriculum.lessons import LessonSpec, figure_image_problem, lesson_from_data

# What a lesson's spec depends on besides the file: this code, and the parsers it uses.
READER_MODULES = (lessons, render, sources, links)

# A lesson file's absolute path -> (digest, the LessonSpec as data).
KnownReads = dict[str, tuple[str, dict]]


@functools.cache
def reader_version() -> str:
    parts = [Path(module.__file__).read_bytes() for module in READER_MODULES]
    parts += [markdown_it.__version__.encode(), yaml.__version__.encode()]
    return hashlib.sha256(b"\x1f".join(parts)).hexdigest()


def lesson_read_digest(path: str, text: str) -> str:
    """Of the reader's code, the lesson's path in its curricula folder and the file's text."""
    return hashlib.sha256("\x1f".join((reader_version(), path, text)).encode()).hexdigest()


def lesson_reads_known(root: Path) -> KnownReads:
    """What earlier loads kept of the lesson files under `root`, in one query."""
    from courses.models import LessonFileRead  # the reader itself needs no database

    rows = LessonFileRead.objects.filter(path__startswith=f"{root.resolve()}/")
    rows = rows.values_list("path", "digest", "spec")
    return {path: (digest, spec) for path, digest, spec in rows}


def lesson_from_known(data: dict, root: Path) -> LessonSpec | None:
    """The spec kept for an unchanged file, or None if an image it shows is no longer usable
    (then the file is parsed again, which reports it)."""
    spec = lesson_from_data(data)
    for block in spec.blocks:
        if any(figure_image_problem(root, src) for src in block.images):
            return None
    return spec


def lesson_reads_remember(reads: KnownReads) -> None:
    """Keep what the lesson files parsed by this load gave, replacing what was kept before."""
    from courses.models import LessonFileRead

    LessonFileRead.objects.bulk_create(
        [
            LessonFileRead(path=path, digest=digest, spec=spec)
            for path, (digest, spec) in reads.items()
        ],
        update_conflicts=True,
        unique_fields=["path"],
        update_fields=["digest", "spec"],
    )
