"""Serving a page in fewer queries than Wagtail's own walk down the tree.

Wagtail routes from the site's root page, made specific (one query), one level at a time. A
page's URL path identifies it, so one query finds it; then its own `route` runs as Wagtail's
would (live check, a routable page's own sub-paths). Anything not found that way (a routable
page's sub-path, the home page, a true 404) takes Wagtail's walk, unchanged.
"""

from django.http import Http404
from django.urls import re_path

from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.models import Page, Site


def route_by_url_path(request, path: str) -> None:
    """Put the page at `path` where Wagtail looks for the request's route, when found."""
    site = Site.find_for_request(request)
    components = [component for component in path.split("/") if component]
    if site is None or not components:
        return
    root = site.root_page  # read with the site, in the same query
    page = Page.objects.filter(
        slug=components[-1],
        depth=root.depth + len(components),
        url_path=f"{root.url_path}{'/'.join(components)}/",
    ).first()
    if page is None:
        return
    try:
        request._wagtail_route_for_request = page.specific.route(request, [])
    except Http404:
        request._wagtail_route_for_request = None


def serve(request, path):
    route_by_url_path(request, path)
    return wagtail_views.serve(request, path)


# Wagtail's URL patterns with this serve view in place of its own (same name, same pattern).
urlpatterns = [
    *[p for p in wagtail_urls.urlpatterns if getattr(p, "name", "") != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
]
