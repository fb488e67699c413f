"""The catalogue and the dashboard as the site grows: `make bench` (after run.py). Writes
tests/bench/reports/pages_large.md and pages_large.json.

Issue 17 asks for the catalogue in at most 8 queries and 20 ms with 250 courses, and the
dashboard in at most 12 ms for a learner with 50 enrolments, each query count constant as the
site grows. So both pages are measured twice on one database: first with load_demo plus a
generated 50-course x 5-module x 4-lesson curriculum and the demo learner part-way through ten
of those courses (the site of pages.md), then with 200 more courses (1 module, 1 lesson each) and
the learner part-way through all 50 generated courses.

Same conditions as run.py: real settings, DEBUG off, in-process test client, SQLite unless
DATABASE_URL says otherwise. Set DATABASE_URL to an existing file to reuse a site built before.
"""

import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import REPORTS, WARMUP, N, configure, generate_curriculum, measure, report_path

EXTRA_COURSES = 200
STARTED = (10, 50)  # generated courses the learner has started, at each size


def load(root: Path) -> None:
    from django.core.management import call_command

    call_command("load_curricula", str(root), stdout=open(os.devnull, "w"))  # noqa: SIM115


def extra_curriculum(count: int) -> Path:
    """`count` small courses whose slugs (extra-N) do not meet the generated course-N."""
    root = generate_curriculum(Path(tempfile.mkdtemp()), courses=count, modules=1, lessons=1)
    for folder in sorted((root / "courses").iterdir()):
        number = folder.name.removeprefix("course-")
        meta = folder / "course.yaml"
        text = meta.read_text().replace(f"Course {number}", f"Extra course {number}")
        # Two audiences and two topics each, so the catalogue shows several of each per card.
        text = text.replace("audiences: [resident]", "audiences: [resident, peer]")
        text = text.replace("topics: [shared-decision-making]", "topics: [recovery, rights]")
        meta.write_text(text.replace("ce_hours: 1\n", "ce_hours: 0.25\n"))
        shutil.move(folder, folder.with_name(f"extra-{number}"))
    return root


def start_courses(user, count: int) -> None:
    """The learner completes the first three lessons of the first `count` generated courses."""
    from courses import services
    from courses.models import CoursePage, LessonPage, LessonProgress

    courses = CoursePage.objects.filter(slug__startswith="course-").order_by("path")[:count]
    for course in courses:
        lessons = LessonPage.objects.live().descendant_of(course).order_by("path")[:3]
        for lesson in lessons:
            if not LessonProgress.objects.filter(user=user, lesson=lesson).exists():
                services.lesson_complete(user=user, lesson=lesson, course=course)


def main() -> None:
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts.models import User
    from courses.models import CoursePage, Enrolment

    call_command("migrate", verbosity=0)
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    with override_settings(STORAGES=storages, LESSON_MIN_TIME_SHARE=0):
        if not CoursePage.objects.filter(slug="course-50").exists():
            call_command("load_demo", "--allow-without-debug", stdout=open(os.devnull, "w"))  # noqa: SIM115
            load(generate_curriculum(Path(tempfile.mkdtemp()), courses=50, modules=5, lessons=4))
        user = User.objects.get(email="learner@example.org")
        anonymous, learner = Client(), Client()
        learner.force_login(user)
        for size, started in enumerate(STARTED):
            if size and not CoursePage.objects.filter(slug=f"extra-{EXTRA_COURSES}").exists():
                load(extra_curriculum(EXTRA_COURSES))
            start_courses(user, started)
            site = {
                "courses": CoursePage.objects.live().count(),
                "enrolments": Enrolment.objects.filter(user=user).count(),
            }
            for who, client, path in [
                ("anonymous", anonymous, "/courses/"),
                ("learner", learner, "/courses/"),
                ("learner", learner, "/dashboard/"),
            ]:
                results.append({"who": who, **site, **measure(client, path)})

    REPORTS.mkdir(exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "database": os.environ["DATABASE_URL"].split(":", 1)[0],
        "requests_per_page": N,
    }
    report_path("pages_large", "json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2)
    )
    lines = [
        "# Catalogue and dashboard as the site grows",
        "",
        f"{meta['requests_per_page']} requests per page after {WARMUP} warm-up requests; "
        f"Python {meta['python']}, {meta['machine']}, {meta['database']}. "
        "In-process (Django test client), DEBUG off.",
        "",
        "Live courses on the site, and the learner's enrolments (courses and programs). Targets "
        "(issue 17): catalogue at most 8 queries and 20 ms with 250 courses; dashboard at most "
        "12 ms with 50 enrolments; query counts constant as either grows.",
        "",
        "| who | path | courses | enrolments | median ms | p95 ms | queries |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {r['who']} | `{r['path']}` | {r['courses']} | {r['enrolments']} "
            f"| {r['median_ms']} | {r['p95_ms']} | {r['queries']} |"
            for r in results
        ],
        "",
    ]
    report_path("pages_large", "md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
