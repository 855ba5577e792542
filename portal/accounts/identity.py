"""One spelling per person: how e-mail addresses are compared everywhere.

Addresses are stored, looked up and throttled in this form, so two spellings
that a database would match case-insensitively (PostgreSQL's UPPER() makes
a dotless ``ı`` equal to ``i``) can never reach the same account by one
road and dodge its sign-in limit by another."""

import unicodedata


def email_identity(value: str | None) -> str:
    """The address in its one comparable form: NFKC-normalised (full-width
    and other compatibility characters become their plain forms), case-folded,
    surrounding white space removed."""
    return unicodedata.normalize("NFKC", value or "").casefold().strip()
