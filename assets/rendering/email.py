"""``email`` assets: an HTML email for one partner, with CSS inlined (mail
clients ignore <style>) and a plain-text part derived from the HTML.

The partner's pictures are referenced as ``cid:`` parts in the .eml and
inlined as data: URLs in the stand-alone .html download. Stylesheets are
never loaded from anywhere: only the asset's stylesheet and the template's
own <style> are inlined. The asset's stylesheet comes first, so the
template's rules win where both set a property (as in HTML documents).

The template, the inlining and the text part are made in a render worker
(sandbox.py) under the time and output-size limits: the web process only
gets the finished text back.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from functools import cache
from html.parser import HTMLParser

from assets.rendering.brand import RenderContext
from assets.rendering.errors import MissingBrandDetails, RenderLimitExceeded, TemplateRejected
from assets.rendering.output import Output, safe_filename
from assets.rendering.sandbox import RenderLimits, limits_from_settings, run_limited
from assets.rendering.templating import render_template_with, template_variables
from assets.rendering.variables import (
    fill_text,
    missing_brand_details,
    partner_pictures,
    template_context,
    variables_in_text,
)

CID_DOMAIN = "cobrand.invalid"
#: Picture variable (partner.<key>) -> Content-ID of its part, without the domain.
_CIDS = {"logo": "logo", "logo_dark": "logo-dark", "qr": "qr"}
_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "ul",
    "ol",
    "blockquote",
    "section",
    "header",
    "footer",
    "article",
    "hr",
}
_SKIP = {"style", "script", "head", "title"}
_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str
    #: Content-ID (without brackets) -> PNG bytes of pictures the HTML uses.
    images: dict[str, bytes] = field(default_factory=dict)


class _TextExtractor(HTMLParser):
    """HTML to readable plain text: paragraphs separated by a blank line,
    links as 'text (url)', list items as '- item'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "a":
            self.links.append((attributes.get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = re.sub(r"\s+", " ", "".join(self.parts[start:])).strip()
            if href.startswith(("http://", "https://", "mailto:", "tel:")) and href not in (
                label,
                "mailto:" + label,
                "tel:" + label,
            ):
                self.parts.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [line.strip() for line in raw.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def html_to_text(html: str) -> str:
    """The plain-text alternative of an HTML email."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


def with_stylesheet(html: str, stylesheet: str) -> str:
    """``html`` with ``stylesheet`` as its first <style> element (after any
    doctype), so that the template's own styles come later and win."""
    if not stylesheet.strip():
        return html
    element = "<style>" + stylesheet.replace("</", "<\\/") + "</style>"
    doctype = _DOCTYPE.match(html)
    at = doctype.end() if doctype else 0
    return html[:at] + element + html[at:]


@cache
def _inliner():
    import css_inline  # in render workers only

    return css_inline.CSSInliner(
        keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False
    )


def email_body(*, template: str, context: dict, stylesheet: str, max_output: int) -> dict:
    """The worker's half of render_email: the template rendered, the CSS
    inlined and the text part, each held to ``max_output`` characters."""
    html = render_template_with(template, context, max_output=max_output)
    try:
        html = _inliner().inline(with_stylesheet(html, stylesheet))
    except ValueError as exc:  # css_inline reports unusable CSS this way
        raise TemplateRejected(f"The email's CSS could not be inlined: {exc}") from exc
    if len(html) > max_output:
        raise RenderLimitExceeded(
            "With its styles inlined this email would be larger than "
            f"{max_output / (1024 * 1024):.3g} MB. Simplify its styles or ask an administrator."
        )
    return {"html": html, "text": html_to_text(html)}


def render_email(
    *,
    template: str,
    subject: str,
    ctx: RenderContext,
    stylesheet: str = "",
    limits: RenderLimits | None = None,
) -> RenderedEmail:
    """Render an email template for one partner. ``subject`` may contain
    ``{placeholders}`` like zone text; ``stylesheet`` is the asset's CSS,
    inlined with the template's. ``limits`` default to the site's settings.
    Raises TemplateRejected, MissingBrandDetails or RenderLimitExceeded."""
    names = template_variables(template) | variables_in_text(subject)
    missing = missing_brand_details(ctx.brand, names, landing_url=ctx.landing_url)
    if missing:
        raise MissingBrandDetails(missing)
    context = template_context(ctx)
    images = {f"{_CIDS[key]}@{CID_DOMAIN}": data for key, data in partner_pictures(ctx).items()}
    for key, cid in _CIDS.items():
        if context["partner"][key]:
            context["partner"][key] = f"cid:{cid}@{CID_DOMAIN}"
    limits = limits or limits_from_settings()
    job = {"kind": "email", "template": template, "context": context, "stylesheet": stylesheet}
    body = run_limited(job, limits)
    html = body["html"]
    used = {cid: data for cid, data in images.items() if f"cid:{cid}" in html}
    clean_subject = " ".join(fill_text(subject, ctx).split())[:250]
    return RenderedEmail(clean_subject, html, body["text"], used)


def email_html_output(rendered: RenderedEmail, filename_stem: str) -> Output:
    """A stand-alone .html file: pictures inlined as data: URLs."""
    html = rendered.html
    for cid, data in rendered.images.items():
        html = html.replace(
            f"cid:{cid}", "data:image/png;base64," + base64.b64encode(data).decode()
        )
    return Output(
        safe_filename(filename_stem, "html"), "text/html; charset=utf-8", html.encode("utf-8")
    )


def email_eml_output(rendered: RenderedEmail, filename_stem: str, from_addr: str) -> Output:
    """A .eml message: multipart/alternative of the text part and the HTML
    part (multipart/related with the pictures as cid: parts)."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = rendered.subject
    message["From"] = from_addr
    message.set_content(rendered.text)  # EmailMessage adds MIME-Version: 1.0 here
    message.add_alternative(rendered.html, subtype="html")
    html_part = message.get_payload()[1]
    for cid, data in rendered.images.items():
        html_part.add_related(
            data,
            maintype="image",
            subtype="png",
            cid=f"<{cid}>",
            filename=cid.split("@")[0] + ".png",
        )
    return Output(safe_filename(filename_stem, "eml"), "message/rfc822", message.as_bytes())


def email_preview_html(rendered: RenderedEmail) -> str:
    """The message's HTML with its pictures (cid: links) as data: URLs, to
    show the body on its own in a browser."""
    html = rendered.html
    for cid, data in rendered.images.items():
        encoded = base64.b64encode(data).decode()
        html = html.replace(f"cid:{cid}", f"data:image/png;base64,{encoded}")
    return html
