"""Profile one page: `make profile PAGE=lesson` (or course, module, program, dashboard,
catalogue, or a path). Prints the queries of one request and the cProfile of many.

The site is the benchmark's (load_demo plus a generated 50-course curriculum, the demo learner
part-way through ten courses), built once into PROFILE_DB (default /tmp/rl-profile.sqlite3) and
reused: delete the file to rebuild it.
"""

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

DB = Path(os.environ.get("PROFILE_DB", Path(tempfile.gettempdir()) / "rl-profile.sqlite3"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")

from tests.bench.run import configure, generate_curriculum  # noqa: E402


def build() -> None:
    from django.core.management import call_command

    from accounts.models import User
    from courses import services
    from courses.models import CoursePage, LessonPage

    devnull = open(os.devnull, "w")  # noqa: SIM115
    if not CoursePage.objects.filter(slug="course-50").exists():
        call_command("load_demo", "--allow-without-debug", stdout=devnull)
        large = generate_curriculum(Path(tempfile.mkdtemp()), courses=50, modules=5, lessons=4)
        call_command("load_curricula", str(large), stdout=devnull)
    user = User.objects.get(email="learner@example.org")
    courses = list(CoursePage.objects.filter(slug__startswith="course-").order_by("path"))
    for course in courses[:10]:
        for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")[:3]:
            services.lesson_complete(user=user, lesson=lesson, course=course)


def named_path(name: str) -> str:
    from courses.models import CoursePage, LessonPage, ModulePage, ProgramPage

    course = CoursePage.objects.filter(slug="course-6").first()
    paths = {
        "lesson": lambda: LessonPage.objects.live().descendant_of(course).order_by("path")[3].url,
        "course": lambda: course.url,
        "module": lambda: ModulePage.objects.child_of(course).order_by("path").first().url,
        "program": lambda: ProgramPage.objects.live().order_by("path").first().url,
        "dashboard": lambda: "/dashboard/",
        "catalogue": lambda: "/courses/",
    }
    return paths[name]() if name in paths else name


def main() -> None:
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from courses.models import LessonProgress

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    runs = int(os.environ.get("RUNS", "200"))
    with override_settings(STORAGES=storages, LESSON_MIN_TIME_SHARE=0):
        call_command("migrate", verbosity=0)
        if not LessonProgress.objects.filter(course__slug="course-1").exists():
            build()
        client = Client()
        if os.environ.get("ANONYMOUS") != "1":
            client.force_login(User.objects.get(email="learner@example.org"))
        path = named_path(sys.argv[1] if len(sys.argv) > 1 else "lesson")
        for _ in range(20):
            assert client.get(path).status_code == 200, path
        sql_chars = int(os.environ.get("SQL_CHARS", "300"))
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        query_count = len(queries.captured_queries)  # the next request resets the log
        for n, query in enumerate(queries.captured_queries[:query_count], 1):
            sys.stdout.write(f"{n:>3} {query['sql'][:sql_chars]}\n")
        timings, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        sys.stdout.write(
            f"{path}: median {statistics.median(timings):.2f} ms, CPU "
            f"{statistics.median(cpu):.2f} ms (without profiling)\n"
        )
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(runs):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("TOP", "45")))
        sys.stdout.write(f"{path}: {query_count} queries\n")


if __name__ == "__main__":
    main()
