"""Forms of courses: the catalogue filter (GET parameters in, typed filters or clear messages
out), the course page's CMS form (credit designations are the provider's to change) and the
lesson's (a material correction with its summary)."""

from django import forms

from wagtail.admin.forms import WagtailAdminPageForm

from accounts.forms import LongSelect


def _ce_hours_field(label: str, bound: str) -> forms.DecimalField:
    ignored = "that filter was ignored."
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        # Text, not number: a browser blanks a number box it cannot parse, which would hide
        # the value the error message is about.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "6"}),
        error_messages={
            "invalid": f"The {bound} CE hours must be a number such as 1 or 1.5; {ignored}",
            "min_value": f"The {bound} CE hours cannot be below 0; {ignored}",
            "max_digits": f"The {bound} CE hours is too large; {ignored}",
            "max_whole_digits": f"The {bound} CE hours is too large; {ignored}",
            "max_decimal_places": f"The {bound} CE hours has more than 2 decimals; {ignored}",
        },
    )


def _taxonomy_field(noun: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=noun.capitalize(),
        required=False,
        widget=LongSelect,  # the catalogue renders on every visit: options in Python
        error_messages={
            "invalid_choice": f"There is no {noun} “%(value)s”, so every {noun} is shown."
        },
    )


class CatalogueFilterForm(forms.Form):
    """Every field is optional. A value that does not validate is reported and left out of
    `cleaned_data`, so the catalogue drops that one filter instead of failing the page."""

    q = forms.CharField(
        label="Search courses and lessons",
        max_length=200,
        required=False,
        widget=forms.SearchInput,
        error_messages={"max_length": "The search is over %(limit_value)d characters; ignored."},
    )
    audience = _taxonomy_field("audience")
    topic = _taxonomy_field("topic")
    ce_min = _ce_hours_field("CE hours, at least", "minimum")
    ce_max = _ce_hours_field("CE hours, at most", "maximum")

    def __init__(self, data, *, audiences, topics):
        """`audiences` and `topics` are taxonomy rows the page already has, so checking a slug
        costs no query."""
        super().__init__(data)
        self.fields["audience"].choices = [("", "All audiences")] + [
            (a.slug, a.name) for a in audiences
        ]
        self.fields["topic"].choices = [("", "All topics")] + [(t.slug, t.name) for t in topics]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("ce_min"), cleaned.get("ce_max")
        if low is not None and high is not None and low > high:
            del cleaned["ce_min"], cleaned["ce_max"]
            raise forms.ValidationError(
                "The minimum CE hours (%(low)s) is more than the maximum (%(high)s), so the CE "
                "hours filter was ignored.",
                params={"low": f"{low.normalize():f}", "high": f"{high.normalize():f}"},
            )
        return cleaned

    def messages(self) -> list[str]:
        """Every problem as a sentence for the page, in field order."""
        return [message for errors in self.errors.values() for message in errors]


# The provider decides what credit an activity carries; course authors do not.
DESIGNATE_CREDIT_PERMISSION = "accreditation.change_credittype"


class CoursePageForm(WagtailAdminPageForm):
    """A course's edit form: only people who manage the provider's credit types may add, change
    or remove its credit designations (authors edit everything else)."""

    def clean(self):
        cleaned = super().clean()
        designations = self.formsets.get("credit_designations")
        user = self.for_user
        if (
            designations is not None
            and designations.has_changed()
            and user is not None
            and not user.has_perm(DESIGNATE_CREDIT_PERMISSION)
        ):
            raise forms.ValidationError(
                "Only the provider's administrators may change the credit designations; the "
                "rest of the course can be saved without that change."
            )
        return cleaned


class LessonPageForm(WagtailAdminPageForm):
    """A lesson's edit form, with the 'material correction' an editor ticks when a change to a
    published lesson alters what it teaches: learners who completed the course are told."""

    material_correction = forms.BooleanField(
        required=False,
        label="This edit is a material correction",
        help_text="Tick when the change alters what the lesson teaches (a fact, a figure, a "
        "safety point), not for wording. Learners who completed the course are told once the "
        "corrected lesson is live, and it is listed on the course's corrections log.",
    )
    correction_summary = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What changed, for learners",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("material_correction"):
            if not (cleaned.get("correction_summary") or "").strip():
                self.add_error(
                    "correction_summary", "Say what changed: learners read this summary."
                )
            if self.instance.pk is None or not self.instance.first_published_at:
                self.add_error(
                    "material_correction",
                    "A lesson that was never published has no learners to tell; untick this.",
                )
        return cleaned
