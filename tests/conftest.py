from django.core.cache import cache

import pytest

from content.services import site_ensure_home
from tests.factories import UserFactory


@pytest.fixture
def home_page(db):
    """The site's home page. Created here because transactional tests flush the page tree."""
    return site_ensure_home()


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _lessons_complete_without_waiting(settings):
    """Most tests are not about time on a lesson; tests/courses/test_engagement.py and the
    engagement browser test set the share explicitly and exercise the real rule."""
    settings.LESSON_MIN_TIME_SHARE = 0
