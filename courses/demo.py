"""Demo data for `manage.py load_demo`: the curricula in content/curricula/."""

from django.conf import settings

from courses.curriculum.plan import read_curricula
from courses.curriculum.writer import curriculum_write

CURRICULA = settings.BASE_DIR / "content" / "curricula"


def load(*, stdout) -> None:
    report = curriculum_write(plan=read_curricula(CURRICULA))
    stdout.write(
        f"Curricula: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
    for url in report.awaiting_review:
        stdout.write(f"  saved as a draft until a clinical reviewer approves it: {url}")
