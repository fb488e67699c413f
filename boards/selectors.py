"""Reading compliance: consenting licensees, their CE items and judgements.

Everything for a board is read in a fixed number of queries however many licensees consent
(the rules, the subject-area mapping, the consents, every credential, accepted evidence and
late renewals), then judged in Python by boards.compliance."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from boards.compliance import CeItem, Judgement, Status, Terms, carry_over, judge
from boards.cycles import counting_window
from boards.models import (
    Board,
    CeEvidence,
    Delivery,
    EvidenceStatus,
    LateRenewal,
    LicenceConsent,
    SubjectArea,
)
from boards.rules import RenewalDateUnknown, governing, terms_by_licence_type
from courses.models import CoursePage
from credentials.models import Achievement, Credential

ONE_DAY = datetime.timedelta(days=1)
CURRENT, PREVIOUS = "current", "previous"


def board_of(user) -> Board | None:
    """The board a board-verifier account acts for, if any."""
    if not user.is_authenticated:
        return None
    return Board.objects.filter(memberships__user=user).first()


def live_consents(board: Board, licence_type: str | None = None) -> QuerySet[LicenceConsent]:
    consents = LicenceConsent.objects.filter(
        board=board, withdrawn_at__isnull=True, licence__verified_at__isnull=False
    ).select_related("licence__user")
    if licence_type:
        consents = consents.filter(licence__licence_type=licence_type)
    return consents.order_by("licence__number", "licence_id")


def _area_ids_by_achievement(board: Board) -> dict[int, frozenset[int]]:
    """Which of the board's subject areas each achievement falls in: through its course's
    topics, or through the domains of the competencies it aligns to (which the signed
    credential names). Five queries."""
    by_topic, by_domain = defaultdict(set), defaultdict(set)
    areas = SubjectArea.objects.filter(board=board)
    for area_id, topic_id in areas.values_list("pk", "topics"):
        if topic_id is not None:
            by_topic[topic_id].add(area_id)
    for area_id, domain_id in areas.values_list("pk", "domains"):
        if domain_id is not None:
            by_domain[domain_id].add(area_id)
    found: dict[int, set[int]] = defaultdict(set)
    if by_topic:
        course_topics = CoursePage.topics.through.objects.filter(topic_id__in=list(by_topic))
        course_areas = defaultdict(set)
        for course_id, topic_id in course_topics.values_list("coursepage_id", "topic_id"):
            course_areas[course_id] |= by_topic[topic_id]
        for achievement_id, course_id in Achievement.objects.filter(
            course_id__in=list(course_areas)
        ).values_list("pk", "course_id"):
            found[achievement_id] |= course_areas[course_id]
    if by_domain:
        aligned = Achievement.competencies.through.objects.filter(
            competency__domain_id__in=list(by_domain)
        ).values_list("achievement_id", "competency__domain_id")
        for achievement_id, domain_id in aligned:
            found[achievement_id] |= by_domain[domain_id]
    return {key: frozenset(value) for key, value in found.items()}


def _credential_items(learner_ids, since: datetime.date, areas: dict) -> dict[int, list[CeItem]]:
    """Each learner's credentials as CE items. The hours, credit type and date are the columns
    written from the same values as the signed document at issuance (an audit verifies every
    document itself)."""
    rows = Credential.objects.filter(
        learner_id__in=learner_ids, valid_from__gte=_start_of(since)
    ).values_list(
        "pk",
        "learner_id",
        "achievement_id",
        "achievement__name",
        "credits",
        "credit_type",
        "valid_from",
        "revoked_at",
        "suspended_at",
    )
    items = defaultdict(list)
    zone = timezone.get_current_timezone()
    for row in rows:
        pk, learner_id, achievement_id, name, credits, credit_type, valid_from, revoked, held = row
        withheld = "the issuer revoked it" if revoked else "the issuer suspended it" if held else ""
        items[learner_id].append(
            CeItem(
                key=str(pk),
                source="credential",
                title=name,
                completed_on=valid_from.astimezone(zone).date(),
                hours=credits,
                credit_type=credit_type,
                delivery=Delivery.SELF_STUDY,
                area_ids=areas.get(achievement_id, frozenset()),
                withheld=withheld,
            )
        )
    return items


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _evidence_items(board: Board, licence_ids) -> dict[int, list[CeItem]]:
    items = defaultdict(list)
    accepted = CeEvidence.objects.filter(
        board=board, licence_id__in=licence_ids, status=EvidenceStatus.ACCEPTED
    )
    for e in accepted:
        items[e.licence_id].append(
            CeItem(
                key=f"evidence-{e.pk}",
                source="evidence",
                title=f"{e.title} ({e.provider})",
                completed_on=e.completed_on,
                hours=e.hours,
                credit_type=e.credit_type,
                delivery=e.delivery,
                area_ids=frozenset() if e.area_id is None else frozenset({e.area_id}),
            )
        )
    return items


@dataclass(frozen=True)
class LicenseeCompliance:
    consent: LicenceConsent
    current: Judgement
    previous: Judgement

    @property
    def licence(self):
        return self.consent.licence

    @property
    def learner(self):
        return self.consent.licence.user


def _judge_for(*, versions, day, consent, items, late, today) -> Judgement:
    """Judge the cycle holding `day`, with what carries in from the cycle before it."""
    try:
        found = governing(versions, day, consent.renews_on)
    except RenewalDateUnknown:
        return Judgement(Status.RENEWAL_DATE_UNKNOWN)
    if found is None:
        return Judgement(Status.NO_RULE)
    terms, cycle = found
    carried = Decimal(0)
    if terms.carry_over_hours:
        before = governing(versions, cycle.start - ONE_DAY, consent.renews_on)
        if before is not None:
            prev_terms, prev_cycle = before
            previous = judge(
                terms=prev_terms,
                cycle=prev_cycle,
                window=counting_window(prev_cycle, late),
                items=items,
                today=today,
            )
            carried = carry_over(previous, terms)
    return judge(
        terms=terms,
        cycle=cycle,
        window=counting_window(cycle, late),
        items=items,
        today=today,
        carried_in=carried,
    )


def judge_consents(
    board: Board,
    consents: QuerySet[LicenceConsent],
    *,
    today: datetime.date | None = None,
    on: datetime.date | None = None,
    terms: dict[str, list[Terms]] | None = None,
) -> list[LicenseeCompliance]:
    """Current and previous cycle of each consent (a queryset of the board's live consents),
    in a fixed number of queries. `on` asks for the cycle holding that day (and the one before
    it) instead of today's, still judged as of `today` (a past cycle short of its hours is not
    compliant, not "not yet"). `terms`: the board's rules, when the caller has read them."""
    today = today or timezone.localdate()
    on = on or today
    terms = terms_by_licence_type(board.pk) if terms is None else terms
    areas = _area_ids_by_achievement(board)
    # Enough history for the previous cycle and what carries into it: the longest cycle, twice
    # (plus one for the cycle in progress).
    longest = max((t.cycle_months for ts in terms.values() for t in ts), default=12)
    since = min(on, today) - datetime.timedelta(days=31 * longest * 3 + 31)
    # Subqueries, not lists of ids: ten thousand ids would not fit in one SQLite statement.
    credentials = _credential_items(consents.values("licence__user_id"), since, areas)
    evidence = _evidence_items(board, consents.values("licence_id"))
    late = defaultdict(dict)
    renewals = LateRenewal.objects.filter(board=board, licence_id__in=consents.values("licence_id"))
    for row in renewals:
        late[row.licence_id][row.cycle_end] = row.renewed_on
    out = []
    for consent in consents.order_by("licence__number", "licence_id"):
        versions = terms.get(consent.licence.licence_type, [])
        items = credentials.get(consent.licence.user_id, []) + evidence.get(consent.licence_id, [])
        kwargs = {
            "versions": versions,
            "consent": consent,
            "items": items,
            "late": late[consent.licence_id],
            "today": today,
        }
        current = _judge_for(day=on, **kwargs)
        previous_day = (current.cycle.start - ONE_DAY) if current.cycle else None
        previous = (
            _judge_for(day=previous_day, **kwargs)
            if previous_day
            else Judgement(current.status if current.cycle is None else Status.NO_RULE)
        )
        out.append(LicenseeCompliance(consent, current, previous))
    return out


def licensee_filter(jurisdiction: str, licence_type: str, number: str) -> Q:
    return Q(
        licence__jurisdiction=jurisdiction.strip().upper(),
        licence__licence_type=licence_type.strip().upper(),
        licence__number=number.strip(),
    )
