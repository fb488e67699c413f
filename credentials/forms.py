"""The public form that checks a credential file someone holds (a holder's download, an email
attachment): it reads the JSON and says what is wrong with it, before any verification."""

from django import forms

from config.json_input import JsonRefused, json_parse

MAX_UPLOAD_BYTES = 512 * 1024


class CredentialCheckForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="Credential file (JSON)",
        help_text="The .json file of the credential, at most 512 KiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    text = forms.CharField(
        required=False,
        label="Or paste the credential's JSON",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError("Choose a credential file or paste its JSON (one of them).")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"The file is {upload.size // 1024} KiB; a credential is at most 512 KiB."
                )
            raw = upload.read()
        else:
            raw = text.encode()
            if len(raw) > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("The text is over 512 KiB; a credential is smaller.")
        try:
            document = json_parse(raw, max_bytes=MAX_UPLOAD_BYTES)
        except JsonRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        if not isinstance(document, dict):
            raise forms.ValidationError("A credential is one JSON object, not a list or a value.")
        cleaned["document"] = document
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput)
    end = forms.DateField(label="To", widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The period ends before it starts.")
        return cleaned


LINK = "link"


class ShareForm(PeriodForm):
    recipient = forms.ChoiceField(
        label="Share with",
        help_text="A licensing board with an account here, or anyone you give the link to.",
    )

    def __init__(self, *args, boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.boards = {str(board.public_id): board for board in boards}
        self.fields["recipient"].choices = [
            *[(key, board.get_full_name() or board.email) for key, board in self.boards.items()],
            (LINK, "Anyone with a link (made once; copy it when it is shown)"),
        ]


class BulkCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV of credential ids",
        help_text="One credential id per row in the first column (a header row is fine); at "
        "most 1,000 rows and 512 KiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is {upload.size // 1024} KiB; at most 512 KiB.")
        return upload


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="What will use it.")
