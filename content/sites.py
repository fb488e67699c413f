"""The request's Wagtail site, kept between requests (content.serving asks for it).

Wagtail looks the site up by host and port with one query on every request
(`Site.find_for_request`, cached only on the request). Sites and their root pages change rarely;
saving or deleting a site, or publishing or moving a page, bumps the content version
(content.fragments) that the key holds, so an edit is seen at once where the cache is shared.
"""

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port

from wagtail.models import Site

from content.fragments import content_version

_MISSING = object()


def site_for_request(request) -> Site | None:
    """What `Site.find_for_request` answers (the site with its root page), from the cache when
    it has it."""
    hostname = split_domain_port(request._get_raw_host())[0]
    key = f"site-for:{hostname}:{request.get_port()}:{content_version()}"
    site = cache.get(key, _MISSING)
    if site is _MISSING:
        site = Site._find_for_request(request)
        cache.set(key, site, settings.FRAGMENT_CACHE_SECONDS)
    return site
