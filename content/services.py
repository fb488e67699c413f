"""Writes on the page tree that every environment needs: a root, a home page and a site."""

from django.conf import settings
from django.db import transaction

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from content.models import HomePage

HOME_INTRO = (
    "<p>Recovery Learning trains clinicians, peer specialists and advocates in "
    "recovery-oriented mental health care: what psychiatric medications do in the short and "
    "long term, the approaches that do not rely on medication, and how to make decisions "
    "together with the people we serve. Courses earn continuing-education hours; "
    "certifications and competencies are issued as credentials that licensing boards can "
    "verify.</p>"
)


@transaction.atomic
def site_ensure_home(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make sure the tree has a HomePage served by the default site. Idempotent.

    Wagtail's first migration plants a placeholder "Welcome" page; it is removed only while it is
    still a plain, childless Page, so nothing an editor made is ever deleted. The default locale
    (also made by a Wagtail migration) is recreated if a database flush removed it.
    """
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.first()
    if home is None:
        for placeholder in root.get_children().exact_type(Page):
            if placeholder.is_leaf():
                placeholder.delete()
        slug = "recovery-learning" if root.get_children().filter(slug="home") else "home"
        home = root.add_child(
            instance=HomePage(title="Recovery Learning", slug=slug, intro=HOME_INTRO)
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname,
            port=port,
            site_name="Recovery Learning",
            root_page=home,
            is_default_site=True,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Recovery Learning"
        site.save(update_fields=["root_page", "site_name"])
    return home
