"""Behaviour shared by every page type of the site."""

from django.db.models import Q

from wagtail.models import Page, PageViewRestriction


class ViewRestrictionsInOneQuery:
    """Wagtail reads a page's ancestors, then the view restrictions on them: two queries for
    every page it serves. Ancestors' paths are prefixes of the page's own, so one query finds
    the restrictions on the page, its ancestors, and the pages any of them is an alias of
    (an alias has the restrictions of its source, never its own)."""

    def get_view_restrictions(self):
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of")
        return PageViewRestriction.objects.filter(Q(page__path__in=paths) | Q(page__in=sources))
