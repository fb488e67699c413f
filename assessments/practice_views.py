"""Pages for supervised practice: the learner's record, the supervisor's queue, staff review of
training taken elsewhere, and the learner's competency evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assessments import practice, selectors
from assessments.forms import (
    DecisionForm,
    ExternalTrainingForm,
    ObservationChecklistForm,
    ObservationStartForm,
    PracticeLogForm,
)
from assessments.models import (
    BehaviourRating,
    Competency,
    ExternalTraining,
    Observation,
    PracticeLog,
    ReviewStatus,
)

PENDING_FIRST = Case(
    When(status=ReviewStatus.SUBMITTED, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


# Both forms on the practice page have an "hours" field: distinct ids keep each label on its own
# field.
LOG_IDS, TRAINING_IDS = "log_%s", "training_%s"


def _home(request, log_form=None, training_form=None, status=200):
    user = request.user
    return render(
        request,
        "assessments/practice/home.html",
        {
            "log_form": log_form or PracticeLogForm(auto_id=LOG_IDS),
            "training_form": training_form or ExternalTrainingForm(auto_id=TRAINING_IDS),
            "logs": PracticeLog.objects.filter(learner=user).select_related("supervisor"),
            "training": ExternalTraining.objects.filter(learner=user),
            "observations": Observation.objects.filter(learner=user)
            .select_related("competency", "supervisor")
            .prefetch_related(
                Prefetch("ratings", BehaviourRating.objects.select_related("behaviour"))
            ),
            "totals": selectors.practice_totals(user=user),
        },
        status=status,
    )


@login_required
def practice_home(request):
    return _home(request)


@login_required
@require_POST
def practice_log_create(request):
    form = PracticeLogForm(request.POST, auto_id=LOG_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            practice.practice_log_record(
                learner=request.user,
                supervisor_email=data["supervisor_email"],
                date=data["date"],
                hours=data["hours"],
                setting=data["setting"],
                activities=data["activities"],
                competency_codes=data["competencies"],
            )
        except practice.PracticeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your practice is recorded and sent to your supervisor.")
            return redirect("practice:home")
    return _home(request, log_form=form, status=400)


@login_required
@require_POST
def external_training_create(request):
    form = ExternalTrainingForm(request.POST, request.FILES, auto_id=TRAINING_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            practice.external_training_record(learner=request.user, **data)
        except practice.PracticeRefused as refused:
            form.add_error("evidence" if "evidence" in str(refused) else None, str(refused))
        else:
            messages.success(request, "Your training is recorded and sent for approval.")
            return redirect("practice:home")
    return _home(request, training_form=form, status=400)


@login_required
def training_evidence(request, training_id: int):
    training = get_object_or_404(ExternalTraining, pk=training_id)
    allowed = training.learner_id == request.user.pk or request.user.has_perm(
        "assessments.review_externaltraining"
    )
    if not allowed:
        raise Http404("No such file.")
    return FileResponse(training.evidence.open("rb"), as_attachment=True)


@login_required
@permission_required("assessments.attest_practicelog", raise_exception=True)
def supervision(request):
    supervisor = request.user
    supervisees = list(practice.supervisees_of(supervisor))
    logs = (
        PracticeLog.objects.filter(supervisor=supervisor)  # only logs that name this supervisor
        .select_related("learner")
        .prefetch_related("competencies")
        .order_by(PENDING_FIRST, "-date")
    )
    return render(
        request,
        "assessments/practice/supervision.html",
        {
            "logs": logs,
            "start_form": ObservationStartForm(supervisees=supervisees),
            "has_supervisees": supervisees,
        },
    )


@login_required
@permission_required("assessments.observe_competency", raise_exception=True)
@require_http_methods(["GET", "POST"])
def observe(request):
    """The checklist of one competency for one supervisee: the query string says which (the
    start form on the supervision page), the POST records the ratings."""
    supervisees = list(practice.supervisees_of(request.user))
    start = ObservationStartForm(request.GET, supervisees=supervisees)
    if not start.is_valid():
        context = {"start_form": start}
        return render(request, "assessments/practice/observe.html", context, status=400)
    learner = next(p for p in supervisees if str(p.public_id) == start.cleaned_data["learner"])
    competency = Competency.objects.get(code=start.cleaned_data["competency"])
    form = ObservationChecklistForm(
        request.POST or None,
        checklist=practice.observation_checklist(competency),
        initial={"observed_on": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            practice.observation_record(
                supervisor=request.user,
                learner=learner,
                competency_code=competency.code,
                observed_on=form.cleaned_data["observed_on"],
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
            )
        except practice.PracticeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The observation is recorded.")
            return redirect("practice:supervision")
    return render(
        request,
        "assessments/practice/observe.html",
        {"start_form": start, "learner": learner, "competency": competency, "form": form},
        status=400 if form.is_bound else 200,
    )


def _decide(request, decide, *, done: str) -> None:
    """Approve or return a log or a training record, with the outcome as a message."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to approve or return it.")
        return
    try:
        decide(form.cleaned_data["decision"] == "approve", form.cleaned_data["comment"])
    except practice.PracticeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)


@login_required
@permission_required("assessments.attest_practicelog", raise_exception=True)
@require_POST
def practice_log_decide(request, log_id: int):
    # A log that does not name this supervisor does not exist for them.
    log = get_object_or_404(PracticeLog, pk=log_id, supervisor=request.user)
    _decide(
        request,
        lambda approve, comment: practice.practice_log_decide(
            log=log, supervisor=request.user, attest=approve, comment=comment
        ),
        done=f"The log of {log.date:%d %B %Y} is updated.",
    )
    return redirect("practice:supervision")


@login_required
@permission_required("assessments.review_externaltraining", raise_exception=True)
@require_http_methods(["GET", "POST"])
def training_review(request):
    if request.method == "POST":
        training_id = request.POST.get("training", "")
        if not training_id.isdigit():
            raise Http404("No such training record.")
        training = get_object_or_404(ExternalTraining, pk=int(training_id))
        _decide(
            request,
            lambda approve, comment: practice.external_training_decide(
                training=training, reviewer=request.user, approve=approve, comment=comment
            ),
            done=f"“{training.title}” is updated.",
        )
        return redirect("practice:training_review")
    records = ExternalTraining.objects.select_related("learner").order_by(
        PENDING_FIRST, "-created_at"
    )
    return render(request, "assessments/practice/training_review.html", {"records": records})


@login_required
def competencies(request):
    return render(
        request,
        "assessments/competencies.html",
        {"domains": selectors.competency_evidence(user=request.user)},
    )
