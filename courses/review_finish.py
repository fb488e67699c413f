"""WAGTAIL_FINISH_WORKFLOW_ACTION. Wagtail imports this while wagtail.models is still loading,
so this module imports nothing from Wagtail or from our models."""

from datetime import date

CLINICAL_REVIEW = "Clinical review"


def publish_approved(workflow_state, user=None) -> None:
    """Publish what a workflow approved.

    For lessons under clinical review, the approver and date are written into the revision that
    goes live, so the lesson shows them and the overdue report finds old reviews. Publishing
    skips the per-user check: the approval is the permission (see courses/review.py).
    """
    obj = workflow_state.content_object
    obj = getattr(obj, "specific", obj)  # pages arrive as base Page instances
    revision = obj.get_latest_revision()
    if workflow_state.workflow.name != CLINICAL_REVIEW or not hasattr(obj, "clinical_reviewer"):
        revision.publish(user=user)  # Wagtail's default finishing action
        return
    revision.content["clinically_reviewed_on"] = date.today().isoformat()
    revision.content["clinical_reviewer"] = (user.get_full_name() or user.email) if user else ""
    revision.save(update_fields=["content"])
    revision.publish(user=user, skip_permission_checks=True)
