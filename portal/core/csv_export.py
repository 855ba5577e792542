"""CSV files people open in spreadsheets: cells that are never run as
formulas, and a byte-order mark so accents read right. Every export uses
`csv_response`."""

import csv
import unicodedata
from collections.abc import Iterable

from django.http import HttpResponse

# A spreadsheet runs a cell starting with one of these as a formula. Their
# full-width and small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫) fold to them under NFKC;
# the minus sign does not, but some spreadsheets read it as one.
FORMULA_STARTS = frozenset("=+-@\u2212")
# A cell starting with these can hide a formula on a later line or column.
BREAKING_STARTS = ("\t", "\r", "\n")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: one that
    would (after any leading white space, in any width of character) gets a
    leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(BREAKING_STARTS):
        return "'" + text
    first = text.lstrip()[:1]
    if first and unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download: UTF-8 with a byte-order mark, every cell through csv_cell."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response
