"""Behaviour shared by every page type of the site."""

from django.db.models import Exists, OuterRef, Q

from wagtail.models import Page, PageViewRestriction

from config.prepared import PreparedQuery


def _ancestry_query(paths: list[str]):
    restrictions = PageViewRestriction.objects.filter(
        Q(page_id=OuterRef("pk")) | Q(page_id=OuterRef("alias_of_id"))
    )
    return Page.objects.filter(path__in=paths).annotate(restricted=Exists(restrictions))


# Every page view reads its ancestry: compiled to SQL once (config.prepared) for pages up to this
# deep (the site's deepest, a lesson, is 6); deeper pages take the ORM's way.
ANCESTRY_SLOTS = 8
_ancestry_prepared = PreparedQuery(
    lambda p0, p1, p2, p3, p4, p5, p6, p7: _ancestry_query([p0, p1, p2, p3, p4, p5, p6, p7]),
    strings=tuple(f"p{n}" for n in range(ANCESTRY_SLOTS)),
)


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
            paths = self._ancestor_paths()
            if len(paths) <= ANCESTRY_SLOTS:
                # The last path again in the slots left: the same pages, one prepared query.
                slots = paths + [paths[-1]] * (ANCESTRY_SLOTS - len(paths))
                found = _ancestry_prepared(**{f"p{n}": path for n, path in enumerate(slots)})
            else:
                found = _ancestry_query(paths)
            self._ancestry = sorted(found, key=lambda page: page.path)
        return self._ancestry

    def _ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
