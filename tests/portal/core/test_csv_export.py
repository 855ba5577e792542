import csv
import io

import pytest

from portal.core.csv_export import csv_cell, csv_response


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        "＝1+1",  # full-width equals
        "＋cmd",  # full-width plus
        "－2",  # full-width hyphen-minus
        "﹦1",  # small equals
        "﹢1",  # small plus
        "﹣1",  # small hyphen-minus
        "＠SUM(A1)",  # full-width commercial at
        "−2",  # minus sign
        "  =1+1",  # spaces before
        "\u3000=1",  # ideographic space before
        " \n=HYPERLINK()",  # a space and a newline before
    ],
)
def test_cells_that_would_run_as_formulas_are_text(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["plain", "Zoë Ltd", "a=b", "1-2", "", "mail@example.com"])
def test_other_cells_are_left_alone(text):
    assert csv_cell(text) == text


def test_none_is_an_empty_cell():
    assert csv_cell(None) == ""


def test_csv_response_has_a_bom_and_safe_cells():
    response = csv_response("x.csv", ["Name", "Note"], [("Zoë", "＝1+1"), ("Ann", None)])
    assert response.content.startswith(b"\xef\xbb\xbfName,Note")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "Note"], ["Zoë", "'＝1+1"], ["Ann", ""]]
