"""The CMS editor of an item's wording: stem, options with key and rationales, difficulty and
competencies. The rules are the items.yaml rules (assessments.item_versions.item_revise); an
answered item gets a new version, so graded attempts keep what they saw."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from assessments.item_status import item_status_change
from assessments.item_versions import ItemRefused, item_revise
from assessments.models import Competency, Difficulty, Item, ItemKind, ItemPool, Response
from courses.models import LessonObjective, ModulePage


class ItemWordingForm(forms.Form):
    pool = forms.ChoiceField(
        choices=ItemPool.choices,
        help_text="Formative items are asked in their module's knowledge check, whose result "
        "shows the key; summative items only in the course exam.",
    )
    module = forms.ChoiceField(
        required=False, help_text="Formative items: the module whose knowledge check asks it."
    )
    stem = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    difficulty = forms.ChoiceField(choices=Difficulty.choices)
    competencies = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="What the item gives evidence of: at least one.",
    )
    objectives = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The lesson objectives it assesses: at least one for a summative item.",
    )

    def __init__(self, *args, item: Item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [
            (c.code, f"{c.code}: {c.name}") for c in Competency.objects.filter(retired=False)
        ]
        self.fields["module"].choices = [("", "None (summative)")] + [
            (m.slug, m.title) for m in ModulePage.objects.child_of(item.course)
        ]
        self.fields["objectives"].choices = [
            (o.code, f"{o.code}: {o.text}")
            for o in LessonObjective.objects.filter(course=item.course)
        ]


class OptionForm(forms.Form):
    text = forms.CharField(max_length=1000)
    correct = forms.BooleanField(required=False, label="Correct answer")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown after grading: why this option is right or wrong.",
    )
    fixed = forms.BooleanField(
        required=False,
        label="Keep in place",
        help_text="Not shuffled, e.g. 'None of the above' stays last.",
    )


OptionFormSet = forms.formset_factory(
    OptionForm, extra=1, can_delete=True, min_num=2, validate_min=True
)


class ItemWordingEditView(WagtailAdminTemplateMixin, FormView):
    template_name = "assessments/cms/item_edit.html"
    header_icon = "help"
    form_class = ItemWordingForm

    def dispatch(self, request, pk):
        if not request.user.has_perm("assessments.change_item"):
            raise PermissionDenied
        self.item = get_object_or_404(
            Item.objects.select_related("current_version", "vignette", "course", "module"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"Edit item {self.item.code}"

    def get_breadcrumbs_items(self):
        viewset = Item.snippet_viewset
        return [
            *self.breadcrumbs_items,
            {"url": reverse(viewset.get_url_name("list")), "label": "Items"},
            {"url": self.inspect_url, "label": self.item.code},
            {"url": "", "label": "Edit"},
        ]

    @property
    def inspect_url(self) -> str:
        return reverse(Item.snippet_viewset.get_url_name("inspect"), args=[self.item.pk])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.item}

    def get_initial(self):
        version = self.item.current_version
        return {
            "pool": self.item.pool,
            "module": self.item.module.slug if self.item.module else "",
            "stem": version.stem if version else "",
            "difficulty": self.item.difficulty,
            "competencies": [c.code for c in self.item.competencies.all()],
            "objectives": [o.code for o in self.item.objectives.all()],
        }

    def options_formset(self):
        if self.request.method == "POST":
            return OptionFormSet(self.request.POST, prefix="options")
        version = self.item.current_version
        initial = [
            {
                "text": o["text"],
                "correct": o["correct"],
                "rationale": o["rationale"],
                "fixed": o.get("fixed", False),
            }
            for o in (version.options if version else [])
        ]
        return OptionFormSet(initial=initial, prefix="options")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.item.current_version
        context.update(
            item=self.item,
            options=kwargs.get("options") or self.options_formset(),
            answered=version is not None and Response.objects.filter(item_version=version).exists(),
            is_true_false=self.item.kind == ItemKind.TRUE_FALSE,
            inspect_url=self.inspect_url,
            action_url=self.request.path,
            submit_button_label="Save",
            submit_button_active_label="Saving…",
            items_file=f"content/curricula/courses/{self.item.course.slug}/items.yaml",
        )
        return context

    def post(self, request, *args, **kwargs):
        form, options = self.get_form(), self.options_formset()
        if form.is_valid() and options.is_valid():
            kept = [o for o in options.cleaned_data if o and not o.get("DELETE")]
            try:
                version = item_revise(
                    item=self.item,
                    editor=request.user,
                    stem=form.cleaned_data["stem"],
                    difficulty=form.cleaned_data["difficulty"],
                    competency_codes=form.cleaned_data["competencies"],
                    options=kept,
                    pool=form.cleaned_data["pool"],
                    module_slug=form.cleaned_data["module"],
                    objective_codes=form.cleaned_data["objectives"],
                )
            except ItemRefused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, f"Item {self.item.code} saved as version {version.number}."
                )
                return redirect(self.inspect_url)
        response = self.render_to_response(self.get_context_data(form=form, options=options))
        response.status_code = 400
        return response


@require_POST
def item_status_view(request, pk):
    """Retire or restore an item, or mark it exposed (with a note) or no longer exposed."""
    item = get_object_or_404(Item, pk=pk)
    inspect_url = reverse(Item.snippet_viewset.get_url_name("inspect"), args=[item.pk])
    action = request.POST.get("action", "")
    try:
        item_status_change(
            item=item, editor=request.user, action=action, note=request.POST.get("note", "")
        )
    except ItemRefused as refused:
        if not request.user.has_perm("assessments.expose_item"):
            raise PermissionDenied from refused
        for message in refused.messages:
            messages.error(request, message)
    else:
        done = {
            "expose": "marked exposed: no exam draws it any more",
            "unexpose": "no longer marked exposed",
            "retire": "retired: nothing draws it any more",
            "restore": "back in use",
        }
        messages.success(request, f"Item {item.code} {done[action]}.")
    return redirect(inspect_url)
