"""Serving a page in fewer queries than Wagtail's own walk down the tree.

Wagtail routes from the site's root page, made specific (one query), one level at a time. A
page's URL path identifies it, so one query finds it, and a second its own type's row; with a
hint kept from an earlier request (which page and type that was), one query finds both. Then
its own `route` runs as Wagtail's would (live check, a routable page's own sub-paths).
Anything not found that way (a routable page's sub-path, the home page, a true 404) takes
Wagtail's walk, unchanged.
"""

import functools
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import Http404
from django.urls import re_path

from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from config.prepared import PreparedQuery
from content.sites import site_for_request

HINT_SECONDS = 24 * 60 * 60


def route_by_url_path(request, path: str) -> None:
    """Put the page at `path` where Wagtail looks for the request's route, when found."""
    site = Site.find_for_request(request)
    components = [component for component in path.split("/") if component]
    if site is None or not components:
        return
    root = site.root_page  # read with the site
    url_path = f"{root.url_path}{'/'.join(components)}/"
    depth = root.depth + len(components)
    page = _page_by_hint(url_path) or _page_by_url_path(url_path, components[-1], depth)
    if page is None:
        return
    try:
        request._wagtail_route_for_request = page.route(request, [])
    except Http404:
        request._wagtail_route_for_request = None


def _page_by_url_path(url_path: str, slug: str, depth: int) -> Page | None:
    """The page (as its own type) at `url_path`: two queries, the page (found by its indexed
    slug), then its type's row. Which page and type that was is kept as a hint."""
    page = Page.objects.filter(slug=slug, depth=depth, url_path=url_path).first()
    if page is None:
        return None
    cache.set(_hint_key(url_path), (page.pk, page.content_type_id), HINT_SECONDS)
    return page.specific


def _page_by_hint(url_path: str) -> Page | None:
    """The page at `url_path` in one query, when a hint says which page and type it was. The
    hint is checked, not trusted: a page moved or deleted since is simply not found."""
    key = _hint_key(url_path)
    hint = cache.get(key)
    if hint is None:
        return None
    page_id, content_type_id = hint
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = None
    if model is not None and issubclass(model, Page):
        page = next(iter(_page_at(model)(page_id=page_id, url_path=url_path)), None)
    if page is None:
        cache.delete(key)
    return page


@functools.cache
def _page_at(model: type[Page]) -> PreparedQuery:
    """The page of type `model` with this pk at this URL path, compiled to SQL once per type:
    every page view runs it (config.prepared)."""
    return PreparedQuery(
        lambda page_id, url_path: model.objects.filter(pk=page_id, url_path=url_path),
        strings=("url_path",),
    )


def _hint_key(url_path: str) -> str:
    return f"page-at:{hashlib.sha256(url_path.encode()).hexdigest()}"


def serve(request, path):
    if not hasattr(request, "_wagtail_site"):  # where Site.find_for_request looks first
        request._wagtail_site = site_for_request(request)
    route_by_url_path(request, path)
    return wagtail_views.serve(request, path)


# Wagtail's URL patterns with this serve view in place of its own (same name, same pattern).
urlpatterns = [
    *[p for p in wagtail_urls.urlpatterns if getattr(p, "name", "") != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
]
