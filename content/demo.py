"""Demo data for `manage.py load_demo`: the home page (curricula arrive with the CMS issue)."""

from content.services import site_ensure_home


def load(*, stdout) -> None:
    home = site_ensure_home()
    stdout.write(f"Home page: {home.title} (id {home.pk})")
