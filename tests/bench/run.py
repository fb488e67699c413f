"""Page benchmarks: `make bench`. Writes tests/bench/reports/pages.md and pages.json.

Runs the real settings module (DEBUG off, real password hashing) against a fresh SQLite file
(or DATABASE_URL if set), in one process with Django's test client, so the numbers measure our
code and the framework, not a network. Each page is requested WARMUP times, then N times; the
report gives median and 95th-percentile milliseconds and the number of queries per request.
"""

import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = Path(__file__).parent / "reports"
N = int(os.environ.get("BENCH_N", "200"))
WARMUP = 20


def configure() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rl-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "testserver",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    # No collectstatic here, so WhiteNoise finds no STATIC_ROOT; static files are not measured.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    import django

    django.setup()


def report_path(stem: str, suffix: str) -> Path:
    """tests/bench/reports/<stem>.<suffix> on SQLite, <stem>_<database>.<suffix> on others, so
    that a PostgreSQL run keeps the SQLite report beside it."""
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    name = stem if database == "sqlite" else f"{stem}_{database}"
    return REPORTS / f"{name}.{suffix}"


def measure(client, path: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        client.get(path)
    timings = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(N):
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return {
        "path": path,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries": len(queries.captured_queries) // N,
    }


OBJECTIVE_ID = re.compile(r"^- \[([a-z0-9-]+)\]", re.MULTILINE)


def generate_curriculum(root: Path, *, courses: int, modules: int, lessons: int) -> Path:
    """A large curriculum in the file format, for timing load_curricula."""
    import shutil

    sample = ROOT / "content" / "curricula"
    target = root / "curricula"
    (target / "courses").mkdir(parents=True)
    for name in ("taxonomy.yaml", "references.yaml"):
        shutil.copy(sample / name, target / name)
    shutil.copytree(sample / "images", target / "images")
    lesson_text = sorted((sample / "courses").glob("*/*/*.md"))[0].read_text()
    for c in range(courses):
        course = target / "courses" / f"course-{c + 1}"
        course.mkdir()
        module_slugs = [f"module-{m + 1}" for m in range(modules)]
        (course / "course.yaml").write_text(
            f"title: Course {c + 1}\nsummary: A generated course.\nobjectives: [Learn.]\n"
            "audiences: [resident]\ntopics: [shared-decision-making]\n"
            "ce_hours: 1\ndisclosures:\n  - {name: Team, role: author, relationships: None}\n"
            f"modules: [{', '.join(module_slugs)}]\n"
        )
        for slug in module_slugs:
            (course / slug).mkdir()
            lesson_slugs = [f"lesson-{n + 1}" for n in range(lessons)]
            (course / slug / "module.yaml").write_text(
                f"title: {slug}\nlessons: [{', '.join(lesson_slugs)}]\n"
            )
            for lesson in lesson_slugs:
                # Objective ids are unique within a course, so each copy gets its own.
                text = OBJECTIVE_ID.sub(rf"- [{slug}-{lesson}-\1]", lesson_text)
                (course / slug / f"{lesson}.md").write_text(text)
    return target


def bench_grading(*, user, course) -> tuple[dict, str]:
    """A 50-item exam: the pure grading function, and a whole submit (validate, save, grade,
    evidence, events) through the service, each timed over many runs."""
    from assessments.grading import grade
    from assessments.services import attempt_start, attempt_submit
    from tests.assessments.factories import build_item, exam, option

    items = [build_item(course, code=f"bench-{n}") for n in range(50)]
    assessment = exam(course, form_length=50)
    answers = {str(i.current_version_id): [option(i, "A")] for i in items}
    versions = {i.current_version_id: i.current_version.correct_ids for i in items}
    selections = {i.current_version_id: frozenset([option(i, "A")]) for i in items}
    pure = []
    for _ in range(N):
        start = time.perf_counter()
        grade(versions=versions, selections=selections)
        pure.append((time.perf_counter() - start) * 1000)
    submits = []
    for _ in range(30):
        attempt = attempt_start(user=user, assessment=assessment)
        start = time.perf_counter()
        attempt_submit(attempt=attempt, answers=answers)
        submits.append((time.perf_counter() - start) * 1000)
        assessment.attempts.filter(pk=attempt.pk).delete()
    open_attempt = attempt_start(user=user, assessment=assessment)
    GRADING.update(
        {
            "grade() of 50 items, median ms": round(statistics.median(pure), 3),
            "attempt_submit of 50 items (save, grade, evidence), median ms": round(
                statistics.median(submits), 2
            ),
        }
    )
    return GRADING, f"/assessments/attempts/{open_attempt.pk}/"


GRADING: dict[str, float] = {}


def time_command(*args) -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command(*args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return round(time.perf_counter() - start, 2)


def main() -> None:
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts.models import User
    from courses import services
    from courses.models import CoursePage, LessonPage, ProgramPage

    call_command("migrate", verbosity=0)
    timings = {
        "load_demo (shipped curricula, first run)": time_command(
            "load_demo", "--allow-without-debug"
        )
    }
    timings["load_demo (second run, nothing changed)"] = time_command(
        "load_demo", "--allow-without-debug"
    )
    large = generate_curriculum(Path(tempfile.mkdtemp()), courses=50, modules=5, lessons=4)
    timings["load_curricula 50x5x4 generated (first run)"] = time_command(
        "load_curricula", str(large)
    )
    timings["load_curricula 50x5x4 generated (second run)"] = time_command(
        "load_curricula", str(large)
    )

    # Hashed static names need collectstatic; the benchmark measures pages, not static files.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    # The learner's history is built directly; engagement time is not what is measured here.
    with override_settings(STORAGES=storages, LESSON_MIN_TIME_SHARE=0):
        anonymous = Client()
        for path in ["/healthz", "/", "/accounts/login/", "/accounts/signup/"]:
            results.append({"who": "anonymous", **measure(anonymous, path)})
        learner = Client()
        user = User.objects.get(email="learner@example.org")
        learner.force_login(user)
        courses = list(CoursePage.objects.filter(slug__startswith="course-").order_by("path"))
        for course in courses[:10]:
            for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")[:3]:
                services.lesson_complete(user=user, lesson=lesson, course=course)
        lesson = LessonPage.objects.live().descendant_of(courses[5]).order_by("path")[3]
        module = lesson.get_parent()
        program = ProgramPage.objects.live().order_by("path").first()
        paths = [
            "/",
            "/accounts/profile/",
            "/courses/",
            program.url,
            courses[5].url,
            module.url,
            lesson.url,
            "/dashboard/",
        ]
        for path in paths:
            results.append({"who": "learner", **measure(learner, path)})
        grading, attempt_path = bench_grading(user=user, course=courses[0])
        results.append({"who": "learner", **measure(learner, attempt_path)})

    REPORTS.mkdir(exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "database": os.environ["DATABASE_URL"].split(":", 1)[0],
        "requests_per_page": N,
    }
    report_path("pages", "json").write_text(
        json.dumps(
            {"meta": meta, "commands": timings, "grading": GRADING, "results": results}, indent=2
        )
    )
    lines = [
        "# Page benchmark",
        "",
        f"{meta['requests_per_page']} requests per page after {WARMUP} warm-up requests; "
        f"Python {meta['python']}, {meta['machine']}, {meta['database']}. "
        "In-process (Django test client), DEBUG off.",
        "",
        "| command | seconds |",
        "|---|---|",
        *[f"| {name} | {seconds} |" for name, seconds in timings.items()],
        "",
        "| grading a 50-item exam | ms |",
        "|---|---|",
        *[f"| {name} | {ms} |" for name, ms in GRADING.items()],
        "",
        "The learner has started 10 of the 50 generated courses (3 lessons each); the last row "
        "is a 50-item exam attempt page.",
        "",
        "| who | path | median ms | p95 ms | queries |",
        "|---|---|---|---|---|",
        *[
            f"| {r['who']} | `{r['path']}` | {r['median_ms']} | {r['p95_ms']} | {r['queries']} |"
            for r in results
        ],
        "",
    ]
    report_path("pages", "md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
