"""The PDF certificate of a credential: what it certifies, for whom, and a QR code that opens
its verification page. The PDF is a convenience for people; the signed JSON is the credential.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

import qrcode
from fpdf import FPDF

from credentials.models import AchievementKind, Credential
from credentials.open_badges import ISSUER_NAME

# A Unicode font when the system has one (Debian's fonts-dejavu-core); else the PDF core font,
# which covers Latin-1 only, and other characters are replaced.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def verify_url(credential: Credential) -> str:
    return settings.SITE_URL + reverse("credentials:verify", args=[credential.pk])


def _qr_image(url: str):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image()


class PrintedPage(FPDF):
    """A page with our font: certificates and transcripts."""

    def __init__(self, orientation: str = "landscape"):
        super().__init__(orientation=orientation, format="Letter")
        self.unicode = (DEJAVU / "DejaVuSans.ttf").is_file()
        if self.unicode:
            self.add_font("Body", "", str(DEJAVU / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        self.family = "Body" if self.unicode else "Helvetica"

    def safe(self, text: str) -> str:
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def text_line(
        self, text: str, *, size: int, bold: bool = False, gap: float = 4, align: str = "C"
    ) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.safe(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def certificate_pdf(credential: Credential) -> bytes:
    achievement = credential.achievement
    pdf = PrintedPage()
    pdf.set_title(f"{achievement.name}: {credential.holder_name}")
    pdf.set_author(ISSUER_NAME)
    pdf.set_lang("en")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_margins(20, 18, 20)
    pdf.set_draw_color(0, 110, 80)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_y(34)
    certification = achievement.kind == AchievementKind.CERTIFICATION
    pdf.text_line(ISSUER_NAME, size=14, bold=True, gap=2)
    pdf.text_line("Certification" if certification else "Certificate of completion", size=12)
    pdf.text_line(credential.holder_name, size=28, bold=True, gap=3)
    pdf.text_line("has earned" if certification else "has completed", size=12, gap=2)
    pdf.text_line(achievement.name, size=20, bold=True, gap=3)
    pdf.text_line(achievement.criteria, size=10, gap=4)
    facts = [f"Issued {credential.valid_from:%-d %B %Y}"]
    if credential.valid_until:
        facts.append(f"valid until {credential.valid_until:%-d %B %Y}")
    if credential.credits:
        facts.append(credential.credit_label)
    pdf.text_line(" · ".join(facts), size=12, gap=2)
    url = verify_url(credential)
    pdf.image(_qr_image(url), x=(pdf.w - 42) / 2, y=pdf.get_y() + 2, w=42, h=42)
    pdf.set_y(pdf.get_y() + 46)
    pdf.text_line(f"Scan or visit to verify: {url}", size=9, gap=1)
    pdf.text_line(
        f"Credential {credential.pk}. The signed Open Badges 3.0 credential (JSON) is what "
        "verifiers check; this page is a printable summary.",
        size=8,
        gap=0,
    )
    return bytes(pdf.output())
