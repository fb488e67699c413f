"""The claim form: the evaluation first, then the credit type, the hours and the attestation."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from accreditation.follow_ups import QUESTION
from accreditation.models import AGREEMENT_SCALE, YES_NO, PracticeChange, QuestionKind
from accreditation.selectors import claimable_hours


class FollowUpForm(forms.Form):
    changed = forms.ChoiceField(
        label=QUESTION, choices=PracticeChange.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="What changed, or what got in the way? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClaimForm(forms.Form):
    """Evaluation questions are fields named `q-<code>`; a claim cannot skip a required one."""

    def __init__(self, *args, designations, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.designations = {str(d.pk): d for d in designations}
        self.questions = questions
        for question in questions:
            self.fields[f"q-{question.code}"] = self._question_field(question)
        self.fields["designation"] = forms.ChoiceField(
            label="Credit type",
            choices=[
                (
                    key,
                    f"{d.credit_type.name} (for {d.credit_type.professions}; at most "
                    f"{d.max_hours.normalize():f} hours)",
                )
                for key, d in self.designations.items()
            ],
            widget=forms.RadioSelect,
            help_text="Choose the credit that fits your profession. You claim once per course.",
        )
        top = max((d.max_hours for d in designations), default=0)
        self.fields["hours"] = forms.TypedChoiceField(
            label="Hours you spent",
            choices=[(f"{h.normalize():f}",) * 2 for h in claimable_hours(top)],
            coerce=str,
            help_text="Claim only the time you actually spent, in quarter hours, up to the "
            "maximum for the credit type.",
        )
        self.fields["attest"] = forms.BooleanField(
            label="I attest that this is the time I spent on this activity, that it is my own "
            "work, and that I claim it once.",
        )

    @staticmethod
    def _question_field(question) -> forms.Field:
        common = {"label": question.text, "required": question.required}
        if question.kind == QuestionKind.AGREEMENT:
            return forms.ChoiceField(choices=AGREEMENT_SCALE, widget=forms.RadioSelect, **common)
        if question.kind == QuestionKind.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)

    def evaluation_fields(self):
        return [self[f"q-{q.code}"] for q in self.questions]

    def clean(self):
        cleaned = super().clean()
        designation = self.designations.get(cleaned.get("designation", ""))
        hours = cleaned.get("hours")
        if designation and hours is not None and Decimal(hours) > designation.max_hours:
            self.add_error(
                "hours",
                f"{designation.credit_type.name} for this course is at most "
                f"{designation.max_hours.normalize():f} hours.",
            )
        return cleaned

    def claim_parts(self) -> tuple[object, object, dict]:
        data = self.cleaned_data
        answers = {
            q.code: data.get(f"q-{q.code}", "")
            for q in self.questions
            if data.get(f"q-{q.code}", "") != ""
        }
        return self.designations[data["designation"]], Decimal(data["hours"]), answers
