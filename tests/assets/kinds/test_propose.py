"""The kinds propose themselves for an uploaded file from its content, best
first; its name only breaks ties (an office file is a ZIP inside)."""

import pytest

from assets.kinds import propose_kinds
from tests.factories import png_bytes

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.mark.parametrize(
    ("name", "head", "first"),
    [
        ("brochure.pdf", PDF, "pdf_layout"),
        ("brochure.png", PDF, "pdf_layout"),  # the content decides, not the name
        ("card.pdf", png_bytes(), "image_layout"),
        ("page.html", b"<!doctype html><html><body><form method=post></form>", "landing_page"),
        ("mail.html", b"<html><body><table><tr><td><table></table></td></tr></table>", "email"),
        ("mail.htm", b"<html><body><p>Bye</p><a>Unsubscribe</a>", "email"),
        ("mail.html", b'<div style="max-width: 600px">Hi</div>', "email"),
        ("doc.html", b"<html><body><h1>Data sheet</h1></body></html>", "html_document"),
        ("talk.mp4", b"\x00\x00\x00\x20ftypisom\x00\x00", "file"),
        ("deck.pptx", b"PK\x03\x04\x14\x00", "file"),
        ("notes.txt", b"Plain words", "file"),
    ],
)
def test_the_best_kind_comes_first(name, head, first):
    assert propose_kinds(name, head)[0] == first


def test_alternatives_follow_and_impossible_kinds_are_left_out():
    assert propose_kinds("a.pdf", PDF) == ["pdf_layout", "file"]
    assert propose_kinds("a.png", png_bytes()) == ["image_layout", "file"]
    html = propose_kinds("a.html", b"<html><body><p>x</p>")
    assert html[0] == "html_document" and set(html) == {
        "html_document",
        "email",
        "landing_page",
        "file",
    }
    assert propose_kinds("clip.mp4", b"\x00\x00\x00\x18ftypmp42") == ["file"]
