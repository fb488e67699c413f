"""Content-Security-Policy: one strict policy for every page we write, and the allowances some
staff tools need, granted only under their own paths.

Our templates carry no inline script, no inline style and no event-handler attribute, so the
site's policy allows scripts, styles, fonts and connections from our own origin only.
"""

from __future__ import annotations

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts


def path_allowances(path: str) -> dict[str, list[str]]:
    """The directives replaced for `path` (the longest matching prefix wins), or none."""
    prefixes = [p for p in settings.CONTENT_SECURITY_POLICY_PATH_REPLACE if path.startswith(p)]
    if not prefixes:
        return {}
    return settings.CONTENT_SECURITY_POLICY_PATH_REPLACE[max(prefixes, key=len)]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        # Wagtail renders a preview by sending a dummy request for the page's public URL through
        # the middleware; the policy belongs to the real request (under /cms/) that frames it.
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        allowances = path_allowances(request.path_info)
        # A view's own @csp_replace/@csp_update still wins over the path's allowances.
        if not report_only and parts.config is None and allowances:
            parts.replace = {**allowances, **(parts.replace or {})}
        return parts
