"""An audit's results as CSV (one row per CE item of each sampled licensee) and as a printable
PDF summary. Both take what boards.audits.audit_results returned, which already recorded the
board's read, so writing a file reads nothing more about licensees."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from boards.audits import AuditedLicensee
from boards.compliance import Outcome, hours_text
from boards.models import Audit
from config.csv_output import csv_text
from credentials.certificate import PrintedPage
from credentials.open_badges import ISSUER_NAME
from credentials.verification import Verification

WITHDRAWN = "consent withdrawn: not shown"

CSV_COLUMNS = [
    "audit",
    "licence_type",
    "cycle",
    "as_of",
    "seed",
    "population",
    "population_digest",
    "position",
    "licence_number",
    "licensee",
    "cycle_start",
    "cycle_end",
    "status",
    "hours_counted",
    "hours_required",
    "hours_carried_in",
    "missing",
    "item",
    "credential_id",
    "title",
    "completed_on",
    "item_hours",
    "item_hours_counted",
    "not_counted_because",
    "verify_url",
    "verification_status",
    "failed_checks",
]


def verify_url(credential_id: str) -> str:
    return settings.SITE_URL + reverse("credentials:verify", args=[credential_id])


def failed_checks(verification: Verification | None) -> str:
    if verification is None:
        return ""
    return "; ".join(f"{c.name}: {c.detail}" for c in verification.checks if not c.passed)


@dataclass(frozen=True)
class ItemLine:
    """One CE item of a sampled licensee, with its credential's verification if it is one."""

    outcome: Outcome
    credential_id: str
    verify_url: str
    verification: Verification | None

    @property
    def verification_status(self) -> str:
        if self.verification is None:
            return "accepted by the board" if self.outcome.item.source == "evidence" else ""
        return self.verification.status

    @property
    def failed(self) -> str:
        return failed_checks(self.verification)


def item_lines(row: AuditedLicensee) -> list[ItemLine]:
    if row.compliance is None:
        return []
    lines = []
    for outcome in row.compliance.outcomes:
        if outcome.item.source == "credential":
            key = outcome.item.key
            lines.append(ItemLine(outcome, key, verify_url(key), row.verifications.get(key)))
        else:
            lines.append(ItemLine(outcome, "", "", None))
    return lines


def licensee_name(row: AuditedLicensee) -> str:
    if row.compliance is None:
        return WITHDRAWN
    return row.licence.user.get_full_name() or row.licence.user.email


def _status(row: AuditedLicensee) -> str:
    return "Consent withdrawn" if row.compliance is None else row.compliance.label


def audit_csv(audit: Audit, results: list[AuditedLicensee]) -> str:
    head = [
        audit.pk,
        audit.licence_type,
        audit.cycle,
        audit.as_of.isoformat(),
        audit.seed,
        len(audit.population),
        audit.population_digest,
    ]
    rows = []
    for row in results:
        judgement = row.compliance
        if judgement is None:
            rows.append([*head, row.position, row.licence.number, WITHDRAWN, "", "", _status(row)])
            continue
        cycle = judgement.cycle
        licensee = [
            *head,
            row.position,
            row.licence.number,
            licensee_name(row),
            cycle.start.isoformat() if cycle else "",
            cycle.end.isoformat() if cycle else "",
            judgement.label,
            hours_text(judgement.counted),
            hours_text(judgement.required),
            hours_text(judgement.carried_in),
            "; ".join(judgement.missing),
        ]
        lines = item_lines(row)
        if not lines:
            rows.append(licensee)
        for line in lines:
            item = line.outcome.item
            rows.append(
                [
                    *licensee,
                    item.source,
                    line.credential_id,
                    item.title,
                    item.completed_on.isoformat(),
                    hours_text(item.hours),
                    hours_text(line.outcome.counted),
                    line.outcome.reason,
                    line.verify_url,
                    line.verification_status,
                    line.failed,
                ]
            )
    # Every row as wide as the header, so a spreadsheet or csv.DictReader finds each column.
    return csv_text(CSV_COLUMNS, (row + [""] * (len(CSV_COLUMNS) - len(row)) for row in rows))


def _summary(audit: Audit, results: list[AuditedLicensee]) -> str:
    return (
        f"{len(results)} licensees sampled of {len(audit.population)} "
        f"({hours_text(audit.percent)}%)"
    )


def audit_pdf(audit: Audit, results: list[AuditedLicensee]) -> bytes:
    pdf = PrintedPage(orientation="landscape")
    pdf.set_title(f"CE audit {audit.pk}: {audit.board.name}")
    # The metadata is plain text in the file: what a search or a test finds without a parser.
    pdf.set_subject(_summary(audit, results))
    pdf.set_author(ISSUER_NAME)
    pdf.set_lang("en")
    pdf.add_page()
    pdf.text_line(f"{audit.board.name}: CE audit {audit.pk}", size=16, bold=True, gap=2)
    pdf.text_line(
        f"{audit.get_licence_type_display()} · {audit.get_cycle_display().lower()} as of "
        f"{audit.as_of:%-d %B %Y} · drawn {audit.drawn_at:%-d %B %Y}",
        size=11,
        gap=1,
    )
    pdf.text_line(_summary(audit, results), size=12, bold=True, gap=1)
    pdf.text_line(
        f"Seed {audit.seed} · population digest (SHA-256) {audit.population_digest}", size=8, gap=1
    )
    pdf.text_line(
        'Reproduce: rank each licence number by SHA-256 of "<seed>:<licence number>" in '
        "hexadecimal, lowest first, and take the first ones.",
        size=8,
        gap=5,
    )
    pdf.set_font(pdf.family, "", 9)
    with pdf.table(col_widths=(8, 20, 40, 22, 22, 28), text_align=("LEFT",) * 6) as table:
        table.row(["#", "Licence", "Licensee", "Status", "Hours counted", "Credentials verified"])
        for row in results:
            judgement = row.compliance
            if judgement is None:
                table.row([str(row.position), row.licence.number, WITHDRAWN, "", "", ""])
                continue
            lines = [line for line in item_lines(row) if line.verification is not None]
            valid = sum(1 for line in lines if line.verification.valid)
            table.row(
                [
                    str(row.position),
                    pdf.safe(row.licence.number),
                    pdf.safe(licensee_name(row)),
                    judgement.label,
                    f"{hours_text(judgement.counted)} of {hours_text(judgement.required)}",
                    f"{valid} of {len(lines)} valid",
                ]
            )
    pdf.ln(6)
    pdf.text_line("Each CE item", size=12, bold=True, gap=2, align="L")
    pdf.set_font(pdf.family, "", 8)
    with pdf.table(col_widths=(18, 44, 14, 14, 24, 56), text_align=("LEFT",) * 6) as table:
        table.row(["Licence", "Item", "Hours", "Counted", "Verification", "Why not counted"])
        for row in results:
            for line in item_lines(row):
                item = line.outcome.item
                verification = line.verification_status
                if line.failed:
                    verification += f" ({line.failed})"
                table.row(
                    [
                        pdf.safe(row.licence.number),
                        pdf.safe(f"{item.title}, {item.completed_on:%Y-%m-%d}")
                        + (f"\n{line.verify_url}" if line.verify_url else ""),
                        hours_text(item.hours),
                        hours_text(line.outcome.counted),
                        pdf.safe(verification),
                        pdf.safe(line.outcome.reason),
                    ]
                )
    return bytes(pdf.output())
