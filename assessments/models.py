"""Competencies, question banks, assessments and attempts.

An item's wording and answer key live in `ItemVersion`, never edited once a learner has answered
it: an attempt points at the versions it drew, so a later edit never changes a graded attempt.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from courses.models import CoursePage, ModulePage


class CompetencyDomain(index.Indexed, models.Model):
    code = models.SlugField(max_length=60, unique=True, help_text="Stable id, e.g. 'sdm'.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0, editable=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    panels = [FieldPanel("code", read_only=True), FieldPanel("name"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.FilterField("code")]

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Competency(index.Indexed, models.Model):
    code = models.CharField(
        max_length=120, unique=True, help_text="Stable id, e.g. 'sdm.elicit-goals'."
    )
    domain = models.ForeignKey(
        CompetencyDomain, on_delete=models.PROTECT, related_name="competencies"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    retired = models.BooleanField(
        default=False, help_text="Retired competencies keep their evidence but take no new items."
    )
    sort_order = models.PositiveIntegerField(default=0, editable=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    panels = [
        FieldPanel("code", read_only=True),
        FieldPanel("domain"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("retired"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("code")]

    class Meta:
        ordering = ["domain__sort_order", "sort_order"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class Behaviour(models.Model):
    """Something an observer can see or hear when a person practises a competency: one line of
    that competency's observation checklist. Loaded from the framework file; retired, never
    deleted, when the file drops it, so past ratings keep their wording."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="behaviours")
    code = models.SlugField(max_length=60, help_text="Stable id within its competency.")
    text = models.CharField(max_length=200)
    sort_order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["competency_id", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "code"], name="behaviour_code_once")
        ]

    def __str__(self) -> str:
        return self.text


class CourseCompetency(models.Model):
    """The competencies a course teaches (course.yaml `competencies`)."""

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "competency"], name="course_competency_once")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} teaches {self.competency_id}"


class Vignette(models.Model):
    """A case whose text several items share."""

    code = models.SlugField(max_length=120, unique=True)
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField()

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_RESPONSE = "multiple_response", "Multiple response"
    TRUE_FALSE = "true_false", "True or false"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class ItemPool(models.TextChoices):
    FORMATIVE = "formative", "Formative (knowledge checks: key shown after grading)"
    SUMMATIVE = "summative", "Summative (course exam only: key shown only once passed)"


class Item(models.Model):
    """A question. Its pool decides where it is drawn: a formative item only in its module's
    knowledge check, a summative item only in its course's exam, so no key a knowledge check
    shows ever answers an exam question."""

    code = models.SlugField(max_length=120, unique=True)
    pool = models.CharField(max_length=12, choices=ItemPool.choices, default=ItemPool.FORMATIVE)
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(
        ModulePage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The module whose knowledge check includes this item.",
    )
    vignette = models.ForeignKey(
        Vignette, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    competencies = models.ManyToManyField(Competency, related_name="items")
    objectives = models.ManyToManyField("courses.LessonObjective", blank=True, related_name="items")
    current_version = models.ForeignKey(
        "ItemVersion", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(
        default=False, help_text="No longer in the question bank: never drawn again."
    )
    exposed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its key became known outside the exam (shared, leaked, published): an "
        "exposed summative item is no longer drawn.",
    )
    exposed_note = models.CharField(max_length=300, blank=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["course_id", "sort_order"]
        permissions = [("expose_item", "Can retire an item or mark it exposed")]

    def __str__(self) -> str:
        return self.code


class ItemVersion(models.Model):
    """What a learner saw: stem and options, with the key and rationales that stay server-side.

    `options` is a list of {"id", "text", "correct", "rationale"}; option ids are stable across
    versions when the text is unchanged, so item analysis can follow an option.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    stem = models.TextField()
    options = models.JSONField()
    # The case as this version showed it: a later edit of the vignette makes a new version.
    vignette_title = models.CharField(max_length=200, blank=True)
    vignette_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option["id"] for option in self.options if option["correct"])

    @property
    def fixed_ids(self) -> frozenset[str]:
        """Options that keep their place when the others are shuffled."""
        return frozenset(option["id"] for option in self.options if option.get("fixed"))


class AssessmentKind(models.TextChoices):
    KNOWLEDGE_CHECK = "knowledge_check", "Module knowledge check"
    EXAM = "exam", "Course exam"
    # Optional, before the course, from the exam's pool; never graded for credit, never shows
    # its key. Its score against the exam's is the course's measured change in knowledge.
    PRETEST = "pretest", "Course pre-test"


class FeedbackPolicy(models.TextChoices):
    FULL = "full", "Score, answers and every rationale after submitting"
    SCORE_THEN_FULL_ON_PASS = "score_then_full_on_pass", "Score only, rationales once passed"
    SCORE_ONLY = "score_only", "Score only"


class Assessment(models.Model):
    """A knowledge check (formative, one per module), an exam (summative, one per course) or a
    course's optional pre-test (from the exam's pool, one per course)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    module = models.OneToOneField(
        ModulePage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    passing_score = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percent of items answered correctly.",
    )
    form_length = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Exams: summative items drawn for each attempt, unseen ones first. Knowledge "
        "checks: empty (every formative item of the module).",
    )
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    cooldown_minutes = models.PositiveIntegerField(default=0)
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    feedback = models.CharField(
        max_length=30, choices=FeedbackPolicy.choices, default=FeedbackPolicy.FULL
    )
    shuffle_options = models.BooleanField(
        default=True,
        help_text="Shuffle each attempt's options (true/false and fixed options keep their place).",
    )
    # The rules as last loaded from the files: a CMS edit stands until the files change them.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(kind="exam"),
                name="one_exam_per_course",
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(kind="pretest"),
                name="one_pretest_per_course",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["exam", "pretest"], module__isnull=True)
                | models.Q(kind="knowledge_check", module__isnull=False),
                name="knowledge_checks_belong_to_a_module",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_exam(self) -> bool:
        return self.kind == AssessmentKind.EXAM

    @property
    def is_pretest(self) -> bool:
        return self.kind == AssessmentKind.PRETEST

    @property
    def draws_exam_pool(self) -> bool:
        """The exam and the pre-test draw forms from the course's summative pool."""
        return self.kind in {AssessmentKind.EXAM, AssessmentKind.PRETEST}


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Attempt(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Frozen at start: [{"version": ItemVersion pk, "options": [option ids in display order]}].
    drawn = models.JSONField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "number"], name="attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=models.Q(status="in_progress"),
                name="one_open_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} attempt {self.number} at {self.assessment}"

    @property
    def version_ids(self) -> list[int]:
        return [entry["version"] for entry in self.drawn]

    @property
    def seconds_on_task(self) -> int | None:
        """From start to submission (to the deadline, when time ran out): evidence kept with
        the attempt, beside its form (`drawn`) and its result."""
        if self.submitted_at is None:
            return None
        return int((self.submitted_at - self.started_at).total_seconds())

    @property
    def minutes_on_task(self) -> int | None:
        seconds = self.seconds_on_task
        return None if seconds is None else max(1, -(-seconds // 60))


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    selected = models.JSONField(default=list)  # option ids
    correct = models.BooleanField(null=True)  # set when graded
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "item_version"], name="one_response_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.item_version_id}"


class CompetencyEvidence(models.Model):
    """What a graded attempt showed about one competency: items answered and correct."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competency_evidence"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="evidence")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="evidence")
    answered = models.PositiveIntegerField()
    correct = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "competency"], name="evidence_once_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.competency_id}: {self.correct}/{self.answered}"


# --- Supervised practice, external training and observed competencies (peer certification) ---


def private_storage():
    """Evidence files are personal records: kept outside MEDIA_ROOT, served only by a view that
    checks who is asking."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with a comment"


HOURS = {"max_digits": 5, "decimal_places": 2}


class PracticeLog(models.Model):
    """Supervised practice a learner records; only hours the named supervisor attests count."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_logs"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_logs"
    )
    date = models.DateField()
    hours = models.DecimalField(**HOURS)
    setting = models.CharField(max_length=200)
    activities = models.TextField()
    competencies = models.ManyToManyField(Competency, blank=True, related_name="+")
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    supervisor_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        permissions = [("attest_practicelog", "Can attest supervised practice named to them")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(learner=models.F("supervisor")),
                name="practice_not_self_supervised",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="practice_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.date}: {self.hours} h"


class ExternalTraining(models.Model):
    """Training taken elsewhere; approved hours count toward a program's training hours."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_training"
    )
    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=300)
    completed_on = models.DateField()
    hours = models.DecimalField(**HOURS)
    person_centered = models.BooleanField(
        default=False, help_text="The training was in person-centered services."
    )
    evidence = models.FileField(upload_to="training-evidence/%Y/%m/", storage=private_storage)
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        permissions = [("review_externaltraining", "Can approve training taken elsewhere")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h)"


class Rating(models.TextChoices):
    """From weakest to strongest: an observation is as strong as its weakest behaviour."""

    NOT_YET = "not_yet", "Not yet demonstrated"
    DEVELOPING = "developing", "Developing"
    COMPETENT = "competent", "Competent"

    @classmethod
    def weakest(cls, ratings) -> "Rating":
        order = list(cls)
        return min((cls(rating) for rating in ratings), key=order.index)


class Observation(models.Model):
    """A supervisor's checklist of a competency they watched the learner practise: a rating per
    behaviour (`ratings`) and, in `rating`, the weakest of them, which is what counts."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observations"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations_made"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    observed_on = models.DateField()
    rating = models.CharField(max_length=20, choices=Rating.choices)
    comment = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on"]
        permissions = [("observe_competency", "Can record observed competencies")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(learner=models.F("supervisor")),
                name="observation_not_of_oneself",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.competency_id}: {self.rating}"


class BehaviourRating(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="ratings")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=20, choices=Rating.choices)

    class Meta:
        ordering = ["behaviour__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "behaviour"], name="behaviour_rated_once_per_observation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.behaviour_id}: {self.rating}"


class ProgramCompetency(models.Model):
    """Competencies a certification program requires to be observed as competent."""

    program = models.ForeignKey("courses.ProgramPage", on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "competency"], name="program_competency_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} observes {self.competency_id}"
