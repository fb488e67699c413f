"""The licensee's forms: sharing a licence's CE with a board, and evidence of CE taken
elsewhere. They check types and ranges; the rules that need the database are in
boards.services."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from assessments.practice import PracticeRefused, evidence_check
from boards.models import Delivery

HOURS_RANGE = "Hours must be from 0.25 to 1,000."


class DateInput(forms.DateInput):
    input_type = "date"


class ConsentForm(forms.Form):
    licence = forms.IntegerField(widget=forms.HiddenInput)
    board = forms.IntegerField(widget=forms.HiddenInput)
    renews_on = forms.DateField(
        required=False,
        widget=DateInput,
        label="Your licence's next renewal date",
        help_text="As printed on your licence. The board can correct it from its register.",
    )

    def __init__(self, *args, anchored: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchored = anchored
        if anchored:
            self.fields["renews_on"].required = True
            self.fields["renews_on"].error_messages["required"] = (
                "This board's cycles end on each licence's renewal date: give the date on your "
                "licence."
            )
        else:
            self.fields[
                "renews_on"
            ].help_text = (
                "Optional: this board renews every licence of this type on the same dates."
            )


class EvidenceForm(forms.Form):
    title = forms.CharField(max_length=300, label="Title of the activity")
    provider = forms.CharField(max_length=300, help_text="Who gave the CE, e.g. a university.")
    completed_on = forms.DateField(widget=DateInput, label="Completed on")
    hours = forms.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal(1000),
        label="CE hours",
        error_messages={"min_value": HOURS_RANGE, "max_value": HOURS_RANGE},
    )
    delivery = forms.ChoiceField(choices=Delivery.choices, label="How it was delivered")
    area = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="The board's subject area it covers",
        help_text="Optional: the board decides the area when it accepts it.",
    )
    credit_type = forms.CharField(
        required=False,
        max_length=120,
        label="Credit type",
        help_text="As on the certificate, e.g. AMA PRA Category 1 Credit.",
    )
    file = forms.FileField(
        label="Certificate or transcript",
        help_text="PDF, PNG or JPEG, at most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, areas=(), **kwargs):
        """`areas`: the board's subject areas, already read (one form per consent on a page
        must not query for its choices)."""
        super().__init__(*args, **kwargs)
        self.areas = {area.pk: area for area in areas}
        self.fields["area"].choices = [
            ("", "Not sure"),
            *[(area.pk, area.name) for area in areas],
        ]
        if not areas:
            self.fields["area"].widget = forms.HiddenInput()

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The completion date is in the future.")
        return day

    def clean_area(self):
        area_id = self.cleaned_data["area"]
        return None if area_id is None else self.areas[area_id]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            evidence_check(upload)
        except PracticeRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return upload
