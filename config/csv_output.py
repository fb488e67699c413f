"""Every CSV the site writes goes through here, so that no cell a person typed (a name, a title,
an option's text) is read by a spreadsheet as a formula (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# A spreadsheet treats a cell starting with these as a formula (tab and CR begin one too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe, which shows it as text.
    Numbers are not text and pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


class NeutralisedCsvExportMixin:
    """For Wagtail report views: their CSV export writes cells as they are."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
