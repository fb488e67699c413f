"""Page URLs worked out from an ancestor's, for listings of many pages.

Page.url and Page.get_url() find the page's site and call reverse() for every page: about 25 µs
each, a good part of a listing of a few hundred. Under one ancestor whose URL is known, a page's
URL is that URL with the rest of the page's URL path added, quoted as reverse() quotes it.
"""

from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS

from wagtail.models import Page

# What django.urls.reverse() leaves unquoted in a path.
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


def url_below(ancestor_url: str | None, ancestor_url_path: str, url_path: str) -> str | None:
    """The URL of the page at `url_path`, below the page at `ancestor_url_path` whose URL is
    `ancestor_url` (None when that page has none, as Page.get_url() gives). Equal to the page's
    own get_url() unless a site is rooted between the two pages."""
    if ancestor_url is None:
        return None
    return ancestor_url + quote(url_path[len(ancestor_url_path) :], safe=PATH_SAFE)


def page_url(url_path: str, request=None) -> str | None:
    """What Page.get_url() gives for the page at `url_path`, from the path alone (which is all
    Page.get_url_parts() reads of a page), without reading the page."""
    return Page(url_path=url_path).get_url(request)
