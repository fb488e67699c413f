"""Clinical review: medication content goes live only through a clinical reviewer's approval.

Three pieces, each enforced on the server:
- pages of a course tagged `medications` use the "Clinical review" workflow, whose only task
  belongs to the Clinical reviewer group;
- nobody, superusers included, may publish such a page directly (see ClinicalContentTester);
- the workflow's approval publishes the page and records who reviewed it and when
  (courses/review_finish.py).
Publishing from files is gated separately: load_curricula publishes a medication lesson only
when its front matter records a clinical review.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PagePermissionTester,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.roles import Role
from courses.review_finish import CLINICAL_REVIEW

EDITORIAL_REVIEW = "Editorial review"

# Who may do what where, on top of the model permissions in accounts/roles.py.
COLLECTION_PERMISSIONS: dict[Role, list[str]] = {
    Role.AUTHOR: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    Role.CLINICAL_REVIEWER: ["wagtailimages.choose_image", "wagtaildocs.choose_document"],
    Role.ADMINISTRATOR: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}
PAGE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AUTHOR: ["add_page", "change_page"],
    Role.CLINICAL_REVIEWER: ["change_page", "publish_page"],
    Role.ADMINISTRATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


class ClinicalContentTester(PagePermissionTester):
    """Permissions on medication content: everything as usual except publishing, which only the
    Clinical review workflow does (it publishes without a per-user permission check)."""

    def can_publish(self) -> bool:
        return False

    def can_publish_subpage(self) -> bool:
        return False


def _approval_workflow(name: str, roles: list[Role]) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=f"{name} approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{name} approval")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    task.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    return workflow


@transaction.atomic
def review_setup(*, root: Page) -> None:
    """Create the review workflows, and the page, image and document permissions each role
    needs to edit content, under `root` (the home page). Idempotent.

    Everything under the home page goes through editorial review by default; medication courses
    switch to clinical review by themselves (CoursePage.get_workflow).
    """
    _approval_workflow(CLINICAL_REVIEW, [Role.CLINICAL_REVIEWER])
    editorial = _approval_workflow(EDITORIAL_REVIEW, [Role.ADMINISTRATOR, Role.CLINICAL_REVIEWER])
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": editorial})
    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for role, names in COLLECTION_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


def clinical_review_workflow() -> Workflow | None:
    return Workflow.objects.filter(name=CLINICAL_REVIEW, active=True).first()


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, if negative), clamped to the 28th so every
    month has it."""
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def next_review_due(reviewed_on: date) -> date:
    return add_months(reviewed_on, settings.CLINICAL_REVIEW_INTERVAL_MONTHS)
