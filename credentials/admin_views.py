"""CMS views for administrators: issue a credential by hand, revoke one with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.models import User
from credentials.issuance import (
    IssuanceRefused,
    credential_issue,
    credential_revoke,
    credential_suspend,
)
from credentials.models import Achievement, Credential
from credentials.regulator_exports import ce_broker_roster, pars_batch


def _inspect_url(credential: Credential) -> str:
    return reverse(Credential.snippet_viewset.get_url_name("inspect"), args=[credential.pk])


class IssueForm(forms.Form):
    learner_email = forms.EmailField(label="Learner's email address")
    achievement = forms.ModelChoiceField(queryset=Achievement.objects.all())

    def clean_learner_email(self):
        email = self.cleaned_data["learner_email"]
        learner = User.objects.filter(email__iexact=email.strip()).first()
        if learner is None:
            raise forms.ValidationError("Nobody has an account with this email address.")
        self.cleaned_data["learner"] = learner
        return email


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the credential. Verifiers see only that it is revoked.",
    )


class _AdminFormView(WagtailAdminTemplateMixin, FormView):
    template_name = "cms/form.html"
    header_icon = "tick-inverse"
    permission = ""
    submit_button_label = "Save"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label="Working…",
            **kwargs,
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class IssueView(_AdminFormView):
    """Issue without the rules: recorded as issued by this administrator."""

    form_class = IssueForm
    page_title = "Issue a credential"
    permission = "credentials.add_credential"
    submit_button_label = "Issue"

    def form_valid(self, form):
        try:
            issued = credential_issue(
                learner=form.cleaned_data["learner"],
                achievement=form.cleaned_data["achievement"],
                issued_by=self.request.user,
            )
        except IssuanceRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        if issued.created:
            messages.success(self.request, "The credential is issued and signed.")
        else:
            messages.info(self.request, "This learner already holds it for the current period.")
        return redirect(_inspect_url(issued.credential))


class _CredentialActionView(_AdminFormView):
    """A form about one credential (`self.credential`), for administrators who may change it."""

    permission = "credentials.change_credential"

    def dispatch(self, request, *args, **kwargs):
        self.credential = get_object_or_404(
            Credential.objects.select_related("achievement"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)


class RevokeView(_CredentialActionView):
    form_class = RevokeForm
    submit_button_label = "Revoke"

    def get_page_title(self):
        return f"Revoke: {self.credential}"

    def form_valid(self, form):
        try:
            credential_revoke(
                credential=self.credential, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except IssuanceRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, "Revoked. Verifiers see it within a minute.")
        return redirect(_inspect_url(self.credential))


class SuspendView(_CredentialActionView):
    """Suspend a credential, or lift its suspension: one button, confirmed on this page."""

    form_class = forms.Form

    @property
    def suspend(self) -> bool:
        return self.credential.suspended_at is None

    @property
    def submit_button_label(self) -> str:
        return "Suspend" if self.suspend else "Lift the suspension"

    def get_page_title(self):
        return f"{'Suspend' if self.suspend else 'Reinstate'}: {self.credential}"

    def form_valid(self, form):
        try:
            credential_suspend(
                credential=self.credential, by=self.request.user, suspend=self.suspend
            )
        except IssuanceRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        done = "Suspended" if self.suspend else "The suspension is lifted"
        messages.success(self.request, f"{done}. Verifiers see it within a minute.")
        return redirect(_inspect_url(self.credential))


class CompletionExportForm(forms.Form):
    FORMATS = {
        "roster": ("CE Broker-style roster (one row per licence)", ce_broker_roster),
        "pars": ("ACCME PARS-style learner batch (one row per learner and course)", pars_batch),
    }
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="Format", choices=[(key, label) for key, (label, _) in FORMATS.items()]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError("The period ends before it starts.")
        return cleaned


class CompletionExportView(_AdminFormView):
    """Course completions of a period as a regulator's CSV (course credentials, not revoked)."""

    form_class = CompletionExportForm
    page_title = "CE completion exports"
    permission = "credentials.view_credential"
    submit_button_label = "Download CSV"

    def form_valid(self, form):
        start, end, kind = (form.cleaned_data[k] for k in ("start", "end", "kind"))
        _label, build = CompletionExportForm.FORMATS[kind]
        response = HttpResponse(build(start, end), content_type="text/csv; charset=utf-8")
        name = f"ce-completions-{kind}-{start}-{end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
