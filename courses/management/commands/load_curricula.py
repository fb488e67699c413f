"""Build or update the course pages from the curriculum files. Safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.curriculum.audit import audit_table, curriculum_audit
from courses.curriculum.lesson_reads import lesson_reads_known
from courses.curriculum.plan import read_curricula
from courses.curriculum.sources import CurriculumInvalid
from courses.curriculum.writer import curriculum_write
from courses.demo import CURRICULA as DEFAULT_PATH


class Command(BaseCommand):
    help = (
        "Validate the curriculum files, then create or update their pages. Writes nothing if "
        "any file is invalid; never deletes pages that are no longer in the files."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Validate and audit the files against the editorial standard; write nothing.",
        )

    def handle(self, *args, path: Path, check: bool, **options):
        try:
            # A lesson file unchanged since a load that wrote it is not parsed again (a check
            # parses every file, and needs no database).
            plan = read_curricula(path, known=None if check else lesson_reads_known(path))
        except CurriculumInvalid as invalid:
            if check and invalid.plan is not None:
                self.stdout.write(audit_table(curriculum_audit(invalid.plan)))
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(invalid.errors)} problem(s) in {path}; nothing was written."
            ) from None
        if check:
            self._audit(plan)
            return
        report = curriculum_write(plan=plan)
        for label, items in (
            ("Created", report.created),
            ("Updated", report.updated),
            ("Awaiting clinical review (saved as drafts)", report.awaiting_review),
            ("No longer in the files (left in place)", report.not_in_files),
        ):
            for item in items:
                self.stdout.write(f"{label}: {item}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
        )

    def _audit(self, plan) -> None:
        audit = curriculum_audit(plan)
        self.stdout.write(audit_table(audit))
        for problem in audit.problems:
            self.stderr.write(problem)
        if audit.problems:
            raise CommandError(
                f"The files are valid but {len(audit.problems)} problem(s) fall short of the "
                "editorial standard."
            )
        self.stdout.write(self.style.SUCCESS("Valid, and every course meets the standard."))
