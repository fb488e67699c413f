"""The printable CE transcript: the learner's credentials in a period with their CE hours, each
with the address that verifies it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from credentials.certificate import PrintedPage
from credentials.open_badges import ISSUER_NAME
from credentials.transcripts import Transcript


def transcript_pdf_bytes(data: Transcript) -> bytes:
    learner = data.learner
    pdf = PrintedPage(orientation="portrait")
    pdf.set_title(f"CE transcript: {learner.get_full_name() or learner.email}")
    pdf.set_author(ISSUER_NAME)
    pdf.set_lang("en")
    pdf.add_page()
    pdf.text_line(f"{ISSUER_NAME}: continuing education transcript", size=14, bold=True, gap=2)
    pdf.text_line(learner.get_full_name() or learner.email, size=18, bold=True, gap=1)
    pdf.text_line(f"{data.start:%-d %B %Y} to {data.end:%-d %B %Y}", size=11, gap=6)
    with pdf.table(
        col_widths=(20, 50, 26, 18), text_align=("LEFT", "LEFT", "LEFT", "LEFT")
    ) as table:
        table.row(["Issued", "Achievement", "Credit", "Status"])
        for credential in data.credentials:
            status = "revoked (not counted)" if credential.revoked_at else "valid"
            table.row(
                [
                    f"{credential.valid_from:%Y-%m-%d}",
                    pdf.safe(credential.achievement.name),
                    credential.credit_label,
                    status,
                ]
            )
    pdf.ln(4)
    pdf.text_line(
        f"Total CE hours: {data.total_hours.normalize():f}", size=12, bold=True, align="L"
    )
    pdf.text_line("Each credential verifies at:", size=9, gap=1, align="L")
    for credential in data.credentials:
        url = settings.SITE_URL + reverse("credentials:verify", args=[credential.pk])
        pdf.text_line(f"{credential.achievement.name}: {url}", size=8, gap=0, align="L")
    return bytes(pdf.output())
