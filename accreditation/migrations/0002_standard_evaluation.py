"""The standard evaluation form (a provider edits it in the CMS): whether the objectives were
met, relevance, intended change and a commitment to change, perceived commercial bias, and a
comment."""

from django.db import migrations

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


def add(apps, schema_editor):
    question = apps.get_model("accreditation", "EvaluationQuestion")
    for order, (code, text, kind, required) in enumerate(STANDARD):
        question.objects.get_or_create(
            code=code,
            defaults={"text": text, "kind": kind, "required": required, "sort_order": order},
        )


def remove(apps, schema_editor):
    codes = [code for code, *_ in STANDARD]
    apps.get_model("accreditation", "EvaluationQuestion").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
