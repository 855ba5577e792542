"""The one registry of variables that templates and layout zones may use.

Each variable has a label and a sample value (admin help and previews), the
brand-profile field it needs (so a partner is told what to add before a
download) and a function computing it from a RenderContext.

Pictures (logo, QR code) are exposed to HTML templates as URLs under
RESOURCE_BASE. That host is reserved (.invalid never resolves) and only the
in-memory fetcher of this package answers for it; using an https base keeps
relative URLs inside stylesheets working.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assets.rendering.brand import Brand, RenderContext
from assets.rendering.qr import qr_png

RESOURCE_BASE = "https://cobrand.invalid/"
LOGO_URL = RESOURCE_BASE + "partner/logo.png"
LOGO_DARK_URL = RESOURCE_BASE + "partner/logo-dark.png"
QR_URL = RESOURCE_BASE + "partner/qr.png"
#: The picture variables (partner.<key>) and the URL each one is served at.
PICTURE_URLS = {"logo": LOGO_URL, "logo_dark": LOGO_DARK_URL, "qr": QR_URL}

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

FIELD_PREFIX = "field."
_PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_]\w*(?:\.\w+)*)\s*\}")


@dataclass(frozen=True)
class Variable:
    """A name usable as ``{{ name }}`` in templates and ``{name}`` in zones."""

    name: str
    label: str
    sample: str
    compute: Callable[[RenderContext], str]
    brand_field: str | None = None
    kind: str = "text"  # "text", "url", "color" or "image"


def format_date(day) -> str:
    """'24 November 2026', independent of the server's locale ('' for None)."""
    if day is None:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _logo_url(ctx: RenderContext) -> str:
    return LOGO_URL if ctx.brand.logo else ""


def _logo_dark_url(ctx: RenderContext) -> str:
    if ctx.brand.logo_dark:
        return LOGO_DARK_URL
    return _logo_url(ctx)  # falls back to the normal logo


def _b(attr: str) -> Callable[[RenderContext], str]:
    return lambda ctx: getattr(ctx.brand, attr)


_ENTRIES = (
    Variable("partner.name", "Company name", "Acme Partners Ltd", _b("name"), "name"),
    Variable("partner.phone", "Phone", "+44 20 7946 0000", _b("phone"), "phone"),
    Variable("partner.email", "Email", "hello@acme-partners.example", _b("email"), "email"),
    Variable(
        "partner.website",
        "Website",
        "https://acme-partners.example",
        _b("website"),
        "website",
        "url",
    ),
    Variable(
        "partner.address",
        "Address (one line)",
        "1 Sample Street, London EC1A 1AA",
        lambda ctx: ", ".join(ctx.brand.address_lines),
        "address_lines",
    ),
    Variable(
        "partner.address_lines",
        "Address (one line each)",
        "1 Sample Street\nLondon EC1A 1AA",
        lambda ctx: "\n".join(ctx.brand.address_lines),
        "address_lines",
    ),
    Variable("partner.tagline", "Tagline", "Your local cloud experts", _b("tagline"), "tagline"),
    Variable(
        "partner.referral_url",
        "Referral link",
        "https://acme-partners.example/r/northwind",
        _b("referral_url"),
        "referral_url",
        "url",
    ),
    Variable("partner.logo", "Logo", LOGO_URL, _logo_url, "logo", "image"),
    Variable(
        "partner.logo_dark",
        "Logo for dark backgrounds (falls back to the logo)",
        LOGO_DARK_URL,
        _logo_dark_url,
        "logo",
        "image",
    ),
    Variable(
        "partner.qr",
        "QR code to the landing page or referral link",
        QR_URL,
        lambda ctx: QR_URL if ctx.qr_target else "",
        "referral_url",
        "image",
    ),
    Variable(
        "partner.primary_color", "Primary colour", "#1f4e79", _b("primary_color"), None, "color"
    ),
    Variable(
        "partner.secondary_color",
        "Secondary colour",
        "#f2a900",
        _b("secondary_color"),
        None,
        "color",
    ),
    Variable("vendor.name", "Vendor name", "Northwind Cloud", lambda ctx: ctx.vendor_name),
    Variable("today", "Today's date", "24 November 2026", lambda ctx: format_date(ctx.today)),
    Variable(
        "legal.lines",
        "Required legal lines (one a line)",
        "Offers subject to status. Northwind is a registered trademark.",
        lambda ctx: "\n".join(ctx.legal_lines),
    ),
)

#: The variable that prints the legal lines messaging rules require.
LEGAL_LINES = "legal.lines"

#: Every fixed variable by name (``field.<name>`` variables are dynamic).
VARIABLES: dict[str, Variable] = {v.name: v for v in _ENTRIES}


def field_variable(field_name: str) -> Variable:
    """The dynamic variable of one editable field."""
    return Variable(
        FIELD_PREFIX + field_name,
        f"Field “{field_name}”",
        f"Sample {field_name.replace('_', ' ')}",
        lambda ctx: ctx.fields.get(field_name, ""),
    )


def get_variable(name: str, field_names: Iterable[str] | None = None) -> Variable | None:
    """The variable called ``name``; ``field.x`` exists when ``x`` is one of
    ``field_names`` (or always, when field_names is None)."""
    if name in VARIABLES:
        return VARIABLES[name]
    if name.startswith(FIELD_PREFIX):
        field_name = name[len(FIELD_PREFIX) :]
        if (
            field_name
            and "." not in field_name
            and (field_names is None or field_name in set(field_names))
        ):
            return field_variable(field_name)
    return None


def variables_in_text(text: str) -> set[str]:
    """Names of the ``{placeholder}`` variables in zone text."""
    return {match.group(1) for match in _PLACEHOLDER.finditer(text or "")}


def placeholder_problems(text: str, field_names: Iterable[str]) -> list[str]:
    """What is wrong with the ``{placeholders}`` of a line of text (zone text,
    an e-mail subject): template tags where placeholders belong, unknown
    names, pictures where only text can go."""
    if "{{" in text or "{%" in text:
        return ["Use {placeholders} such as {partner.name} here, not template tags."]
    problems = []
    for name in sorted(variables_in_text(text)):
        variable = get_variable(name, field_names)
        if variable is None:
            problems.append(f"unknown placeholder {{{name}}}.")
        elif variable.kind == "image":
            problems.append(f"{{{name}}} is a picture; use a logo or qr zone for it.")
    return problems


def fill_text(text: str, ctx: RenderContext) -> str:
    """Replace ``{placeholders}`` in one pass: values are never re-scanned,
    so a partner's value containing braces stays literal."""
    return _PLACEHOLDER.sub(lambda m: resolve(m.group(1), ctx), text or "")


def resolve(name: str, ctx: RenderContext) -> str:
    """The value of one variable; unknown names resolve to ''."""
    variable = get_variable(name)
    return variable.compute(ctx) if variable else ""


def required_brand_fields(variable_names: Iterable[str]) -> list[str]:
    """Brand-profile fields the given variables need, in a stable order."""
    needed = {
        v.brand_field for name in variable_names if (v := get_variable(name)) and v.brand_field
    }
    order = [f.name for f in Brand.__dataclass_fields__.values()]
    return [name for name in order if name in needed]


def missing_brand_details(
    brand: Brand, variable_names: Iterable[str], *, landing_url: str = ""
) -> list[str]:
    """Required brand fields that are empty for this brand. A QR code needs
    no referral link when it points to a landing page."""
    names = set(variable_names)
    missing = []
    for field_name in required_brand_fields(names):
        if getattr(brand, field_name):
            continue
        if (
            field_name == "referral_url"
            and landing_url
            and names.isdisjoint({"partner.referral_url"})
        ):
            continue
        missing.append(field_name)
    return missing


def partner_pictures(ctx: RenderContext) -> dict[str, bytes]:
    """PNG bytes of the partner's pictures, keyed like PICTURE_URLS: the
    logo and the dark logo (the logo when there is no dark one) when there
    is a logo, the QR code when the context has somewhere to point it."""
    brand, found = ctx.brand, {}
    if brand.logo:
        found["logo"] = brand.logo.data
        found["logo_dark"] = (brand.logo_dark or brand.logo).data
    if ctx.qr_target:
        found["qr"] = qr_png(ctx.qr_target)
    return found


def template_context(ctx: RenderContext) -> dict:
    """Plain dicts and strings for HTML templates (never model instances)."""
    partner = {
        name.split(".", 1)[1]: variable.compute(ctx)
        for name, variable in VARIABLES.items()
        if name.startswith("partner.")
    }
    partner["address_lines"] = list(ctx.brand.address_lines)
    partner["slug"] = ctx.brand.slug
    return {
        "partner": partner,
        "field": dict(ctx.fields),
        "vendor": {"name": ctx.vendor_name},
        "today": format_date(ctx.today),
        # One a line: print with {{ legal.lines|linebreaksbr }}.
        "legal": {"lines": "\n".join(ctx.legal_lines)},
    }


def template_root_names() -> dict[str, set[str] | None]:
    """Allowed first and second parts of template variables ('today' has none)."""
    roots: dict[str, set[str] | None] = {"today": None}
    for name in VARIABLES:
        if "." in name:
            root, rest = name.split(".", 1)
            roots.setdefault(root, set()).add(rest)  # type: ignore[union-attr]
    roots["partner"].add("slug")  # type: ignore[union-attr]
    return roots
