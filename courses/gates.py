"""Conditions other apps put on opening a lesson (accreditation: disclosures acknowledged
first), so that courses never imports the apps built on it.

A gate is a `LessonGate`: `closed(user=, course=)` returns a boolean SQL expression (true when
the learner may not open the course's lessons yet), with `course` an expression for the course's
id; the lesson visit reads every gate in the same query as the learner's enrolment. `response`
is what to show instead of the lesson when the gate is closed. Gates register at app start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Expression
from django.http import HttpResponse


@dataclass(frozen=True)
class LessonGate:
    name: str
    closed: Callable[..., Expression]
    response: Callable[..., HttpResponse]


lesson_gates: list[LessonGate] = []


def gate_annotations(*, user, course: Expression) -> dict[str, Expression]:
    """{annotation name: expression} for every registered gate, to annotate a query with."""
    return {f"gate_{g.name}": g.closed(user=user, course=course) for g in lesson_gates}


def closed_gates(row) -> list[str]:
    """Names of the gates closed, read off a row annotated with `gate_annotations`."""
    return [g.name for g in lesson_gates if getattr(row, f"gate_{g.name}")]


def gate_response(*, closed: list[str], request, lesson, course) -> HttpResponse | None:
    """What the first closed gate shows instead of the lesson; None when all are open."""
    for gate in lesson_gates:
        if gate.name in closed:
            return gate.response(request=request, lesson=lesson, course=course)
    return None
