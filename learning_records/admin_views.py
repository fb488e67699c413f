"""CMS view for administrators: send a statement the LRS refused again, once the cause is fixed
(at the LRS, or by a corrected statement)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from learning_records.delivery import requeue_failed
from learning_records.models import OutboxState, OutboxStatement


class RequeueView(WagtailAdminTemplateMixin, FormView):
    template_name = "cms/form.html"
    form_class = forms.Form
    header_icon = "redirect"
    page_title = "Send this statement again"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("learning_records.requeue_outboxstatement"):
            raise PermissionDenied
        self.statement = get_object_or_404(
            OutboxStatement, pk=kwargs["pk"], state=OutboxState.FAILED
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.statement.verb}: {self.statement.activity_name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label="Send again",
            submit_button_active_label="Working…",
            **kwargs,
        )

    def form_valid(self, form):
        requeue_failed([self.statement.pk])
        messages.success(
            self.request, "The statement waits to be sent again with the next delivery round."
        )
        inspect = OutboxStatement.snippet_viewset.get_url_name("inspect")
        return redirect(reverse(inspect, args=[self.statement.pk]))
