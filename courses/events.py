"""Domain events of learning: sent by courses.services inside their transaction.

Receivers record (an outbox row, an audit entry) or enqueue work after commit; they never hold
business rules. Every signal is sent with `sender=` the model class named below.
"""

from django.dispatch import Signal

# sender=Enrolment; enrolment: Enrolment (course or program enrolment just created)
enrolled = Signal()

# sender=LessonProgress; progress: LessonProgress, at: datetime. The learner opened the lesson:
# a first visit, another lesson before it, or a return after LAUNCH_GAP (not every reload).
lesson_launched = Signal()

# sender=LessonProgress; progress: LessonProgress, seconds: int (time on screen just reported)
lesson_experienced = Signal()

# sender=LessonProgress; progress: LessonProgress (completed_at just set)
lesson_completed = Signal()

# sender=ModuleCompletion; completion: ModuleCompletion (just created)
module_completed = Signal()

# sender=Enrolment; enrolment: Enrolment (course enrolment whose completed_at was just set)
course_completed = Signal()

# sender=CurriculumWriter; plan: CurriculumPlan, courses: {slug: CoursePage}, report: ImportReport.
# Sent inside load_curricula's transaction after the pages are written, so apps above courses
# (assessments) store their part of the files (competencies, question banks) atomically with it.
curriculum_written = Signal()
