"""Domain events of assessments: sent by assessments.services inside their transaction.

Receivers record (an outbox row, an audit entry) or enqueue work after commit; they never hold
business rules. Every signal is sent with `sender=Attempt`.
"""

from django.dispatch import Signal

# attempt: Attempt (just created, items drawn)
attempt_started = Signal()

# attempt: Attempt (just graded); sent before attempt_passed or attempt_failed
attempt_submitted = Signal()

# attempt: Attempt (graded, score >= the assessment's passing score)
attempt_passed = Signal()

# attempt: Attempt (graded, below the passing score)
attempt_failed = Signal()

# attempt: Attempt (a course pre-test, scored; neither passed nor failed)
pretest_completed = Signal()

# sender=PracticeLog; log: PracticeLog (just attested by its supervisor)
practice_attested = Signal()

# sender=Observation; observation: Observation (just recorded, with its behaviour ratings)
observation_recorded = Signal()

# sender=ExternalTraining; training: ExternalTraining (just approved by program staff)
training_approved = Signal()
