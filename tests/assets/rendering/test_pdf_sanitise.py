import io

import pytest
from pypdf import PdfReader

from assets.rendering.pdf_sanitise import PdfRejected, sanitise_pdf
from tests.assets.rendering.conftest import make_base_pdf, pdf_text
from tests.assets.rendering.hostile_pdf import (
    MARKER,
    SAFE_URL,
    active_content,
    hostile_pdf,
    link_urls,
)


def test_the_hostile_fixture_carries_what_it_claims():
    data = hostile_pdf()
    assert active_content(data) >= {"/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/AA"}
    assert MARKER.encode() in data


def test_active_content_and_attachments_are_removed():
    data = hostile_pdf()
    result = sanitise_pdf(data)
    assert active_content(result.data) == set()
    # Not merely unreferenced: the scripts and the attached file are gone from the bytes.
    assert MARKER.encode() not in result.data
    assert set(result.removed) >= {
        "JavaScript",
        "actions that launch programs",
        "embedded files",
        "file attachments",
        "XFA forms",
        "actions run automatically (on open, close, page view or typing)",
    }
    # The design and plain links stay.
    assert pdf_text(result.data) == pdf_text(data)
    assert len(PdfReader(io.BytesIO(result.data)).pages) == 2
    assert link_urls(result.data) == {SAFE_URL, SAFE_URL + "/2"}


def test_a_clean_pdf_is_returned_unchanged():
    data = make_base_pdf(2)
    result = sanitise_pdf(data)
    assert result.data == data and result.removed == ()


def test_an_unreadable_pdf_is_refused():
    with pytest.raises(PdfRejected, match="damaged"):
        sanitise_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 50)
