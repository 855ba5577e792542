"""Text that must stay on one line: e-mail subjects and the names they are
built from."""

import unicodedata

from django.core.exceptions import ValidationError

# Control characters, and the line and paragraph separators.
_BREAKING = {"Cc", "Zl", "Zp"}


def one_line(value, length: int | None = None) -> str:
    """`value` as a single line: line breaks and other control characters
    become spaces, runs of white space one space. Every e-mail subject built
    from names goes through here (a CR or LF in a header is refused by the
    mail library, after whatever came before was already saved)."""
    text = "".join(
        " " if unicodedata.category(char) in _BREAKING else char for char in str(value or "")
    )
    text = " ".join(text.split())
    return text[:length] if length is not None else text


def validate_one_line(value: str) -> None:
    """Model and form validator for names: no line breaks or control characters."""
    if any(unicodedata.category(char) in _BREAKING for char in value or ""):
        raise ValidationError(
            "Use one line of text, without line breaks or control characters.",
            code="not_one_line",
        )
