from wagtail.models import Locale, Page, Site

import pytest

from content.models import HomePage
from content.services import site_ensure_home


@pytest.mark.django_db
class SiteEnsureHomeTests:
    def test_replaces_wagtails_placeholder_and_points_the_default_site_at_home(self):
        home = site_ensure_home()
        site = Site.objects.get(is_default_site=True)
        assert site.root_page_id == home.pk
        assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail").exists()

    def test_is_idempotent(self):
        first = site_ensure_home()
        pages = Page.objects.count()
        second = site_ensure_home()
        assert first.pk == second.pk
        assert Page.objects.count() == pages
        assert Site.objects.count() == 1

    def test_builds_the_tree_from_nothing(self):
        Site.objects.all().delete()
        Page.objects.all().delete()
        home = site_ensure_home()
        assert home.get_parent().is_root()
        assert Site.objects.get().root_page_id == home.pk

    def test_never_deletes_a_page_someone_made(self):
        root = Page.get_first_root_node()
        for page in root.get_children():
            page.add_child(instance=Page(title="Editor's page", slug="editors-page"))
        site_ensure_home()
        assert Page.objects.filter(slug="editors-page").exists()


@pytest.mark.django_db
class HomePageViewTests:
    def test_anonymous_visitor_sees_the_mission_and_the_way_in(self, client, home_page):
        response = client.get("/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "recovery-oriented mental health care" in body
        assert 'href="/accounts/signup/"' in body
        assert "not medical advice" in body
        assert '<main id="main"' in body

    def test_signed_in_learner_sees_profile_and_sign_out(self, client, home_page, learner):
        client.force_login(learner)
        body = client.get("/").content.decode()
        assert 'href="/accounts/profile/"' in body
        assert "Sign out" in body
        assert 'href="/cms/"' not in body  # learners have no CMS access

    def test_query_count_for_an_anonymous_visitor(
        self, client, home_page, django_assert_num_queries
    ):
        client.get("/")  # warm the site caches, as any running server has them
        # the page by its path, it and its ancestors marked where restricted (content.pages);
        # the site comes from the cache (content.sites)
        with django_assert_num_queries(2):
            client.get("/")

    def test_query_count_for_a_signed_in_learner(
        self, client, home_page, learner, django_assert_num_queries
    ):
        client.force_login(learner)
        client.get("/")
        # session, user (loaded with their MFA and CMS access in the same query); the 2 of the
        # anonymous page
        with django_assert_num_queries(4):
            client.get("/")

    def test_only_one_home_page_may_exist(self, home_page):
        assert HomePage.max_count == 1
        assert not HomePage.can_create_at(Page.get_first_root_node())


@pytest.mark.django_db
class SiteEnsureHomeAfterFlushTests:
    def test_recreates_the_default_locale_a_flush_removed(self):
        Site.objects.all().delete()
        Page.objects.all().delete()
        Locale.objects.all().delete()
        home = site_ensure_home()
        assert home.locale.language_code == "en"
