"""Supervised practice, training taken elsewhere and observed competencies: the rules.

Each refusal raises PracticeRefused with a sentence the person can act on, before any write.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, user_roles
from assessments import events
from assessments.models import (
    Behaviour,
    BehaviourRating,
    Competency,
    ExternalTraining,
    Observation,
    PracticeLog,
    Rating,
    ReviewStatus,
)

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# What an evidence file must start with, by extension: the name alone proves nothing.
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


class PracticeRefused(Exception):
    """A request the rules do not allow; `str()` is the message for the person."""


def _not_in_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise PracticeRefused(f"The {what} is in the future.")


def _competencies(codes: list[str]) -> list[Competency]:
    found = list(Competency.objects.filter(code__in=codes, retired=False))
    missing = sorted(set(codes) - {c.code for c in found})
    if missing:
        raise PracticeRefused(f"Unknown competency: {', '.join(missing)}.")
    return found


def supervisor_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or Role.SUPERVISOR not in user_roles(user):
        raise PracticeRefused(
            "No supervisor is registered with that email address. Ask your supervisor which "
            "address they use here."
        )
    return user


@transaction.atomic
def practice_log_record(
    *,
    learner: User,
    supervisor_email: str,
    date: datetime.date,
    hours: Decimal,
    setting: str,
    activities: str,
    competency_codes: list[str] = (),
) -> PracticeLog:
    supervisor = supervisor_by_email(supervisor_email)
    if supervisor.pk == learner.pk:
        raise PracticeRefused("You cannot supervise your own practice: name your supervisor.")
    if not Decimal(0) < hours <= Decimal(24):
        raise PracticeRefused("Hours must be more than 0 and at most 24.")
    _not_in_future(date, "practice date")
    # Lock the learner's row so two tabs cannot both squeeze under the daily limit.
    User.objects.select_for_update().filter(pk=learner.pk).first()
    logged = PracticeLog.objects.filter(learner=learner, date=date).exclude(
        status=ReviewStatus.RETURNED
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > 24:
        raise PracticeRefused(
            f"That would make {format((logged + hours).normalize(), 'f')} hours on "
            f"{date:%d %B %Y}; a day has 24."
        )
    competencies = _competencies(list(competency_codes))
    log = PracticeLog.objects.create(
        learner=learner,
        supervisor=supervisor,
        date=date,
        hours=hours,
        setting=setting.strip(),
        activities=activities.strip(),
    )
    log.competencies.set(competencies)
    return log


@transaction.atomic
def practice_log_decide(
    *, log: PracticeLog, supervisor: User, attest: bool, comment: str = ""
) -> PracticeLog:
    log = PracticeLog.objects.select_for_update().get(pk=log.pk)
    if supervisor.pk == log.learner_id:
        raise PracticeRefused("You cannot attest your own hours.")
    if supervisor.pk != log.supervisor_id or not supervisor.has_perm(
        "assessments.attest_practicelog"
    ):
        raise PracticeRefused("Only the supervisor named on the log can attest it.")
    if log.status != ReviewStatus.SUBMITTED:
        raise PracticeRefused("This log has already been attested or returned.")
    if not attest and not comment.strip():
        raise PracticeRefused("Say what needs to change when you return a log.")
    log.status = ReviewStatus.APPROVED if attest else ReviewStatus.RETURNED
    log.supervisor_comment = comment.strip()
    log.decided_at = timezone.now()
    log.save(update_fields=["status", "supervisor_comment", "decided_at"])
    if attest:
        events.practice_attested.send(sender=PracticeLog, log=log)
    return log


def evidence_check(upload) -> None:
    name = (upload.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise PracticeRefused("The evidence file is larger than 5 MB.")
    signatures = EVIDENCE_SIGNATURES.get(suffix)
    head = upload.read(16)
    upload.seek(0)
    if not signatures or not head.startswith(signatures):
        raise PracticeRefused("The evidence must be a PDF, PNG or JPEG file.")


@transaction.atomic
def external_training_record(
    *,
    learner: User,
    title: str,
    provider: str,
    completed_on: datetime.date,
    hours: Decimal,
    person_centered: bool,
    evidence,
) -> ExternalTraining:
    if not Decimal(0) < hours <= Decimal(1000):
        raise PracticeRefused("Hours must be more than 0 and at most 1,000.")
    _not_in_future(completed_on, "completion date")
    evidence_check(evidence)
    return ExternalTraining.objects.create(
        learner=learner,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        hours=hours,
        person_centered=person_centered,
        evidence=evidence,
    )


@transaction.atomic
def external_training_decide(
    *, training: ExternalTraining, reviewer: User, approve: bool, comment: str = ""
) -> ExternalTraining:
    training = ExternalTraining.objects.select_for_update().get(pk=training.pk)
    if not reviewer.has_perm("assessments.review_externaltraining"):
        raise PracticeRefused("Only program staff can approve training taken elsewhere.")
    if reviewer.pk == training.learner_id:
        raise PracticeRefused("You cannot approve your own training.")
    if training.status != ReviewStatus.SUBMITTED:
        raise PracticeRefused("This training has already been approved or returned.")
    if not approve and not comment.strip():
        raise PracticeRefused("Say what is missing when you return a training record.")
    training.status = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    training.reviewer = reviewer
    training.reviewer_comment = comment.strip()
    training.decided_at = timezone.now()
    training.save(update_fields=["status", "reviewer", "reviewer_comment", "decided_at"])
    if approve:
        events.training_approved.send(sender=ExternalTraining, training=training)
    return training


def supervisees_of(supervisor: User):
    """People who named this supervisor on at least one practice log."""
    return (
        User.objects.filter(practice_logs__supervisor=supervisor)
        .distinct()
        .order_by("last_name", "first_name")
    )


def observation_checklist(competency: Competency) -> list[Behaviour]:
    """The behaviours a supervisor rates when observing this competency, in order."""
    return list(competency.behaviours.filter(retired=False))


@transaction.atomic
def observation_record(
    *,
    supervisor: User,
    learner: User,
    competency_code: str,
    observed_on: datetime.date,
    ratings: dict[str, str],
    comment: str,
) -> Observation:
    """Record a checklist: `ratings` maps each behaviour's code to a Rating. The observation
    counts as its weakest rating, so "competent" needs every behaviour seen as competent."""
    if supervisor.pk == learner.pk:
        raise PracticeRefused("You cannot observe yourself.")
    if not supervisor.has_perm("assessments.observe_competency"):
        raise PracticeRefused("Only supervisors can record observed competencies.")
    if not PracticeLog.objects.filter(learner=learner, supervisor=supervisor).exists():
        raise PracticeRefused(
            "You can record observations only for people who named you as their supervisor."
        )
    _not_in_future(observed_on, "observation date")
    if not comment.strip():
        raise PracticeRefused("Describe what you observed.")
    [competency] = _competencies([competency_code])
    checklist = {behaviour.code: behaviour for behaviour in observation_checklist(competency)}
    if not checklist:
        raise PracticeRefused(f"“{competency.name}” has no observation checklist yet.")
    unknown = sorted(set(ratings) - set(checklist))
    if unknown:
        raise PracticeRefused(f"Not on the checklist of “{competency.name}”: {', '.join(unknown)}.")
    unrated = [code for code in checklist if not ratings.get(code)]
    if unrated:
        raise PracticeRefused(
            f"Rate every behaviour on the checklist: {len(unrated)} of {len(checklist)} not rated."
        )
    invalid = sorted(set(ratings.values()) - set(Rating.values))
    if invalid:
        raise PracticeRefused(f"Unknown rating: {', '.join(invalid)}.")
    observation = Observation.objects.create(
        supervisor=supervisor,
        learner=learner,
        competency=competency,
        observed_on=observed_on,
        rating=Rating.weakest(ratings.values()),
        comment=comment.strip(),
    )
    BehaviourRating.objects.bulk_create(
        BehaviourRating(observation=observation, behaviour=behaviour, rating=ratings[code])
        for code, behaviour in checklist.items()
    )
    events.observation_recorded.send(sender=Observation, observation=observation)
    return observation
