"""The "Accredited CE" CMS menu: the provider's credit types with their statements, and the
evaluation form learners complete before claiming credit."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accreditation.models import CreditType, EvaluationQuestion


class CreditTypeViewSet(SnippetViewSet):
    model = CreditType
    icon = "pick"
    menu_label = "Credit types"
    list_display = ["name", "accreditor", "professions", "code"]
    search_fields = ["name", "code", "accreditor"]


class EvaluationQuestionViewSet(SnippetViewSet):
    model = EvaluationQuestion
    icon = "help"
    menu_label = "Evaluation form"
    list_display = ["text", "kind", "required", "active", "sort_order"]
    ordering = ["sort_order", "pk"]


class AccreditationGroup(SnippetViewSetGroup):
    menu_label = "Accredited CE"
    menu_icon = "pick"
    menu_order = 260
    items = (CreditTypeViewSet, EvaluationQuestionViewSet)


register_snippet(AccreditationGroup)
