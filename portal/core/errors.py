"""The one root of the errors a person is meant to see.

A `CobrandError` carries a `message` that is safe to show as it is, and the
HTTP `status` that fits it. Code raises one where a request can't be done;
one place turns it into a response: portal.middleware.ErrorResponseMiddleware
for the site's views, portal.core.admin_errors.CobrandErrorAdminMixin for
the admin. Views catch one only where the right answer is a form error
(`form_error_from`).

This module imports nothing from Django or the apps, so any layer, the
rendering library included, may raise these errors.
"""

from __future__ import annotations


class CobrandError(Exception):
    """A request could not be done; `message` says why, for the person asking."""

    #: The HTTP status a view answers with when this error reaches it.
    status: int = 400
    #: The page's heading; `message` says the rest.
    title: str = "This can't be done"
    #: The site template that shows it (gets `error`, `title`, `message`).
    template: str = "error.html"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DomainError(CobrandError):
    """A rule of the product was broken by the request."""

    status = 409


class NotFound(CobrandError):
    """Nothing here for this person: answered as the site's 404 page, whether
    the thing is missing or only not theirs to see."""

    status = 404
    title = "Not found"
    template = "404.html"


def form_error_from(form, error: CobrandError, field: str | None = None) -> None:
    """Show `error` on `form` (on `field`, else above the form): for services
    raising inside a form flow, where the answer is the form again."""
    form.add_error(field, error.message)
