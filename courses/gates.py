"""Conditions other apps put on opening a lesson (accreditation: disclosures acknowledged
first), so that courses never imports the apps built on it.

A gate is `gate(*, request, lesson, course) -> HttpResponse | None`: a response to show instead
of the lesson, or None to let the learner through. Gates register at app start-up.
"""

from collections.abc import Callable

lesson_gates: list[Callable[..., object]] = []


def gate_response(*, request, lesson, course):
    for gate in lesson_gates:
        response = gate(request=request, lesson=lesson, course=course)
        if response is not None:
            return response
    return None
