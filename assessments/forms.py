"""Forms for supervised practice, training taken elsewhere and observations. They check types
and ranges; the rules that need the database live in assessments.practice."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from assessments.models import Competency, Rating


class DateInput(forms.DateInput):
    input_type = "date"


def _not_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError("The date is in the future.")
    return day


def competency_choices():
    return [(c.code, c.name) for c in Competency.objects.filter(retired=False)]


class PracticeLogForm(forms.Form):
    supervisor_email = forms.EmailField(
        label="Your supervisor's email address",
        help_text="They attest your hours; only attested hours count.",
    )
    date = forms.DateField(widget=DateInput)
    hours = forms.DecimalField(
        min_value=Decimal("0.25"),
        max_value=Decimal(24),
        decimal_places=2,
        help_text="Between 0.25 and 24.",
    )
    setting = forms.CharField(max_length=200, help_text="Where, e.g. a peer-run respite centre.")
    activities = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    competencies = forms.MultipleChoiceField(
        required=False,
        choices=competency_choices,
        widget=forms.CheckboxSelectMultiple,
        label="Competencies practised",
    )

    def clean_date(self):
        return _not_future(self.cleaned_data["date"])


class ExternalTrainingForm(forms.Form):
    title = forms.CharField(max_length=300)
    provider = forms.CharField(max_length=300)
    completed_on = forms.DateField(widget=DateInput, label="Completed on")
    hours = forms.DecimalField(min_value=Decimal("0.25"), max_value=Decimal(1000), decimal_places=2)
    person_centered = forms.BooleanField(
        required=False, label="This was training in person-centered services"
    )
    evidence = forms.FileField(
        help_text="A certificate or transcript: PDF, PNG or JPEG, at most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def clean_completed_on(self):
        return _not_future(self.cleaned_data["completed_on"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return")])
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def observable_competency_choices():
    """Competencies with an observation checklist, grouped by domain."""
    groups: dict[str, list] = {}
    for competency in (
        Competency.objects.filter(retired=False, behaviours__retired=False)
        .select_related("domain")
        .distinct()
    ):
        groups.setdefault(competency.domain.name, []).append((competency.code, competency.name))
    return [("", "Choose a competency")] + list(groups.items())


class ObservationStartForm(forms.Form):
    """Who and what the supervisor observed: it opens that competency's checklist."""

    learner = forms.ChoiceField(label="Person observed")
    competency = forms.ChoiceField(choices=observable_competency_choices)

    def __init__(self, *args, supervisees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [("", "Choose a person")] + [
            (str(person.public_id), person.get_full_name() or person.email)
            for person in supervisees
        ]


BEHAVIOUR_PREFIX = "behaviour-"


class ObservationChecklistForm(forms.Form):
    """One rating per behaviour of the competency's checklist, a date and a comment."""

    observed_on = forms.DateField(widget=DateInput, label="Observed on")
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What you saw and heard."
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        for behaviour in checklist:
            self.fields[BEHAVIOUR_PREFIX + behaviour.code] = forms.ChoiceField(
                label=behaviour.text,
                choices=Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Rate this behaviour."},
            )

    def clean_observed_on(self):
        return _not_future(self.cleaned_data["observed_on"])

    def behaviour_fields(self):
        return [field for field in self if field.name.startswith(BEHAVIOUR_PREFIX)]

    def ratings(self) -> dict[str, str]:
        return {
            name.removeprefix(BEHAVIOUR_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(BEHAVIOUR_PREFIX)
        }
