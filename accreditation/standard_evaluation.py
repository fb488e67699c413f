"""The standard evaluation form a provider starts from and edits in the CMS: whether the
objectives were met, relevance, intended change with a commitment to change, perceived
commercial bias, and a comment. (Migration 0002 installs a frozen copy of it.)"""

from accreditation.models import EvaluationQuestion

STANDARD = [
    ("objectives-met", "The course met its stated learning objectives.", "agreement", True),
    ("relevant", "The content was relevant to my practice.", "agreement", True),
    ("will-change", "I intend to change something in my practice because of it.", "yes_no", True),
    (
        "commitment",
        "What, specifically, will you do differently? (your commitment to change)",
        "text",
        False,
    ),
    ("free-of-bias", "The content was free of commercial bias.", "agreement", True),
    ("bias-detail", "If you noticed commercial bias, where?", "text", False),
    ("comment", "Any other comment on the course", "text", False),
]


def standard_evaluation_ensure() -> int:
    """Add any standard question missing (by code); edits made in the CMS are kept."""
    created = 0
    for order, (code, text, kind, required) in enumerate(STANDARD):
        _, made = EvaluationQuestion.objects.get_or_create(
            code=code,
            defaults={"text": text, "kind": kind, "required": required, "sort_order": order},
        )
        created += made
    return created
