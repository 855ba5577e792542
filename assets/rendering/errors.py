"""Errors raised by the rendering library.

Every error carries a ``message`` meant for the person who can fix the
problem (the admin for templates and layouts, the partner for brand details),
so callers can show ``str(exc)`` as-is. Each is a CobrandError (status 409):
left uncaught in a view, it becomes a page with its message.
"""

from __future__ import annotations

# The one dependency the library takes: the portal's error root, a module
# with no imports, so that a render problem reaches the person like any other.
from portal.core.errors import CobrandError


class RenderError(CobrandError):
    """Base class: rendering could not produce a file."""

    # The request conflicts with the state of the source or the profile.
    status = 409
    title = "We can't prepare this file yet"


class TemplateRejected(RenderError):
    """A template uses syntax, tags or variables that are not allowed."""


class LayoutRejected(RenderError):
    """A layout (zones JSON) or its base file is not usable."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors) if errors else [message]


class ImageRejected(RenderError):
    """An uploaded image is not a safe, supported picture."""


class RenderLimitExceeded(RenderError):
    """A render went over its page or time limit."""


class MissingBrandDetails(RenderError):
    """The partner's brand profile lacks details this asset needs."""

    def __init__(self, missing: list[str], message: str | None = None) -> None:
        self.missing = list(missing)
        super().__init__(message or missing_details_message(self.missing))


BRAND_FIELD_LABELS = {
    "name": "company name",
    "phone": "phone number",
    "email": "email address",
    "website": "website",
    "address_lines": "address",
    "tagline": "tagline",
    "referral_url": "referral link",
    "logo": "logo",
    "logo_dark": "logo for dark backgrounds",
}


def missing_details_message(missing: list[str]) -> str:
    """'Add your phone number and logo to your brand profile' style text."""
    labels = [BRAND_FIELD_LABELS.get(name, name.replace("_", " ")) for name in missing]
    if not labels:
        return "Your brand profile is incomplete."
    joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"Add your {joined} to your brand profile."


class TextDoesNotFit(RenderError):
    """Text cannot fit its zone even at the zone's minimum size."""
