from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from content.models import Reference


class ReferenceViewSet(SnippetViewSet):
    model = Reference
    icon = "doc-full"
    list_display = ["authors", "year", "title", "key"]
    search_fields = ["authors", "title", "key"]
    ordering = ["authors", "year"]


register_snippet(ReferenceViewSet)
