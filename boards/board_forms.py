"""Forms of the board's CE compliance pages. They check the shape of what was typed; the rules
(what a board may do, what makes sense for a rule) are in boards.services, whose refusals the
views add to these forms as errors."""

from decimal import Decimal

from django import forms

from accounts.models import Licence
from accreditation.models import CreditType
from assessments.models import CompetencyDomain
from boards.compliance import STATUS_LABELS, Status
from boards.models import AuditCycle, CycleKind, Delivery, SubjectArea
from courses.models import Topic
from credentials.forms import DateInput

HOURS = {"min_value": Decimal(0), "max_value": Decimal(1000), "decimal_places": 2}
PER_PAGE = 100


def licence_type_choices(types) -> list[tuple[str, str]]:
    labels = dict(Licence.LicenceType.choices)
    return [(t, labels.get(t, t)) for t in sorted(types)]


class LicenseeFilterForm(forms.Form):
    licence_type = forms.ChoiceField(label="Licence type", required=False)
    status = forms.ChoiceField(
        label="Current cycle",
        required=False,
        choices=[("", "Any status"), *((s.value, STATUS_LABELS[s]) for s in Status)],
    )
    show_all = forms.BooleanField(
        label=f"Show every licensee, not {PER_PAGE} a page", required=False
    )

    def __init__(self, *args, licence_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence_type"].choices = [
            ("", "Every licence type"),
            *licence_type_choices(licence_types),
        ]


class RuleVersionForm(forms.Form):
    """A new version of a rule. One minimum field per subject area of the board (`min_<id>`)
    and one maximum field per delivery (`max_<delivery>`): blank means no minimum or maximum."""

    licence_type = forms.ChoiceField(label="Licence type", choices=Licence.LicenceType.choices)
    effective_from = forms.DateField(
        label="Takes effect on",
        widget=DateInput,
        help_text="It governs cycles starting on or after this day.",
    )
    cycle_kind = forms.ChoiceField(
        label="Cycle", choices=CycleKind.choices, widget=forms.RadioSelect
    )
    cycle_months = forms.IntegerField(
        label="Cycle length in months", min_value=1, max_value=120, initial=24
    )
    fixed_start = forms.DateField(
        label="First day of one cycle (fixed cycles only)",
        required=False,
        widget=DateInput,
        help_text="For example 1 July 2025; later and earlier cycles follow from it.",
    )
    total_hours = forms.DecimalField(label="Total CE hours per cycle", **HOURS)
    credit_types = forms.ModelMultipleChoiceField(
        label="Credit types accepted",
        queryset=CreditType.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none to accept every credit type.",
    )
    carry_over_hours = forms.DecimalField(
        label="Hours that may carry over into the next cycle",
        initial=0,
        help_text="Hours earned beyond a cycle's total that count in the next one; 0 for none.",
        **HOURS,
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        for area in self.areas:
            self.fields[f"min_{area.pk}"] = forms.DecimalField(
                label=f"Minimum hours of {area.name}", required=False, **HOURS
            )
        for value, label in Delivery.choices:
            self.fields[f"max_{value}"] = forms.DecimalField(
                label=f"Most hours that count of {label[0].lower()}{label[1:]}",
                required=False,
                **HOURS,
            )

    def minimum_fields(self):
        return [self[f"min_{area.pk}"] for area in self.areas]

    def maximum_fields(self):
        return [self[f"max_{value}"] for value in Delivery.values]

    def terms(self) -> dict:
        """The cleaned data as boards.services.rule_version_add takes it."""
        data = self.cleaned_data
        minimums = {
            area: data[f"min_{area.pk}"]
            for area in self.areas
            if data.get(f"min_{area.pk}") is not None
        }
        maximums = {
            value: data[f"max_{value}"]
            for value in Delivery.values
            if data.get(f"max_{value}") is not None
        }
        return {
            "licence_type": data["licence_type"],
            "effective_from": data["effective_from"],
            "cycle_kind": data["cycle_kind"],
            "cycle_months": data["cycle_months"],
            "fixed_start": data.get("fixed_start"),
            "total_hours": data["total_hours"],
            "minimums": minimums,
            "maximums": maximums,
            "credit_types": list(data["credit_types"]),
            "carry_over_hours": data["carry_over_hours"],
        }


class SubjectAreaForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, help_text="As your rules name it.")
    topics = forms.ModelMultipleChoiceField(
        label="Course topics it covers",
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    domains = forms.ModelMultipleChoiceField(
        label="Competency domains it covers",
        queryset=CompetencyDomain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RenewalDateForm(forms.Form):
    renews_on = forms.DateField(
        label="Renewal date in your register",
        widget=DateInput,
        help_text="The licence's next renewal date; anchored cycles end on it.",
    )


class LateRenewalForm(forms.Form):
    cycle_end = forms.DateField(label="Last day of the cycle", widget=DateInput)
    renewed_on = forms.DateField(
        label="Day the licence was renewed",
        widget=DateInput,
        help_text="CE taken up to this day counts for that cycle, and not again for the next.",
    )


class EvidenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept: it counts"), ("reject", "Reject: it does not count")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note to the licensee",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you reject it: say why.",
    )
    area = forms.ModelChoiceField(
        label="Subject area it counts in",
        queryset=SubjectArea.objects.none(),
        required=False,
        empty_label="None",
        help_text="When you accept it. The licensee's suggestion is chosen to start with.",
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = SubjectArea.objects.filter(pk__in=[a.pk for a in areas])
        self.fields["area"].choices = [("", "None"), *((a.pk, a.name) for a in areas)]


class AuditDrawForm(forms.Form):
    licence_type = forms.ChoiceField(label="Licence type")
    cycle = forms.ChoiceField(label="Cycle", choices=AuditCycle.choices, widget=forms.RadioSelect)
    percent = forms.DecimalField(
        label="Share of licensees to audit (%)",
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        initial=5,
    )
    seed = forms.CharField(
        label="Seed (optional)",
        required=False,
        max_length=64,
        help_text="Leave blank for a random one. Anyone with the seed and the list of licence "
        "numbers draws the same sample.",
    )

    def __init__(self, *args, licence_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence_type"].choices = licence_type_choices(licence_types)
