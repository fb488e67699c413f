"""xAPI verbs and activity types: ADL and cmi5 vocabularies where they have one; IRIs on our own
site where they do not (documented in the README)."""

from django.conf import settings

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": ADL + "registered",
    "launched": ADL + "launched",
    "experienced": ADL + "experienced",
    "completed": ADL + "completed",
    "attempted": ADL + "attempted",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "earned": "http://id.tincanapi.com/verb/earned",
}
ACTIVITY = "http://adlnet.gov/expapi/activities/"
ACTIVITY_TYPES = {
    "course": ACTIVITY + "course",
    "module": ACTIVITY + "module",
    "lesson": ACTIVITY + "lesson",
    "assessment": ACTIVITY + "assessment",
    "program": "https://w3id.org/xapi/cmi5/activitytype/course",
    "credential": "https://w3id.org/xapi/tla/activity-types/credential",
    "practice": "http://id.tincanapi.com/activitytype/performance",
}


def own_iri(kind: str, name: str) -> str:
    """Our own vocabulary: verbs and extensions no public vocabulary has."""
    return f"{settings.SITE_URL}/xapi/{kind}/{name}"


def verb_iri(name: str) -> str:
    return VERBS.get(name) or own_iri("verbs", name)


EXTENSIONS = ("ce-hours", "competencies", "practice-hours")
