"""Demo data for `manage.py load_demo`: the demo learner follows the peer certification and has
logged one shift of supervised practice that the demo supervisor can attest."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_account
from accounts.roles import Role
from assessments.models import Competency, PracticeLog
from assessments.practice import practice_log_record
from courses.models import ProgramPage
from courses.services import program_enrol

PEER_PROGRAM = "peer-support-specialist"
PRACTISED = ["peer.role-and-boundaries", "sdm.decision-support"]


def load(*, stdout) -> None:
    program = ProgramPage.objects.filter(slug=PEER_PROGRAM).first()
    if program is None:
        return
    learner, supervisor = demo_account(Role.LEARNER), demo_account(Role.SUPERVISOR)
    program_enrol(user=learner, program=program)  # as the Enrol button does: an event, a statement
    if not PracticeLog.objects.filter(learner=learner).exists():
        practice_log_record(
            learner=learner,
            supervisor_email=supervisor.email,
            date=timezone.localdate() - datetime.timedelta(days=1),
            hours=Decimal("3.5"),
            setting="Peer-run respite house",
            activities=(
                "Co-facilitated a recovery planning group and met one guest to prepare "
                "questions for a medication review."
            ),
            competency_codes=list(
                Competency.objects.filter(code__in=PRACTISED).values_list("code", flat=True)
            ),
        )
    stdout.write(
        "Practice: the demo learner follows the peer certification and has a practice log "
        "waiting for the demo supervisor at /practice/supervision/."
    )
