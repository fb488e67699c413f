"""Behaviour shared by every page type of the site."""

from django.db.models import Exists, OuterRef, Q

from wagtail.models import Page, PageViewRestriction


class ViewRestrictionsInOneQuery:
    """Wagtail reads a page's ancestors, then the view restrictions on them: two queries for
    every page it serves, and the breadcrumb reads the ancestors again. Ancestors' paths are
    prefixes of the page's own, so one query reads the page and its ancestors (`ancestry`, kept
    on the page for the rest of the request), each marked when it (or the page it is an alias
    of: an alias has the restrictions of its source, never its own) is restricted. Most pages
    are public, so the restrictions themselves are read only when one is marked."""

    def get_view_restrictions(self):
        paths = self._ancestor_paths()
        if not any(page.restricted for page in self.ancestry()):
            return PageViewRestriction.objects.none()
        sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of")
        return PageViewRestriction.objects.filter(Q(page__path__in=paths) | Q(page__in=sources))

    def ancestry(self) -> list[Page]:
        """The page's ancestors and itself, top down, as plain pages, each with `restricted`."""
        if not hasattr(self, "_ancestry"):
            restrictions = PageViewRestriction.objects.filter(
                Q(page_id=OuterRef("pk")) | Q(page_id=OuterRef("alias_of_id"))
            )
            self._ancestry = list(
                Page.objects.filter(path__in=self._ancestor_paths())
                .annotate(restricted=Exists(restrictions))
                .order_by("path")
            )
        return self._ancestry

    def _ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
