import email
import email.policy
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from assets.rendering import (
    Brand,
    email_eml_output,
    email_html_output,
    html_to_text,
    render_email,
)
from assets.rendering.errors import MissingBrandDetails
from tests.assets.rendering.conftest import context_for

TEMPLATE = """<html><head><style>p { color: #333 } .cta { font-weight: bold }</style></head>
<body><img src="{{ partner.logo }}" alt="{{ partner.name }}">
<p>Hello from {{ partner.name }}.</p>
<p class="cta">Visit <a href="{{ partner.website }}">our website</a>
or call {{ partner.phone }}.</p>
</body></html>"""


def test_css_is_inlined_and_text_part_derived(ctx):
    rendered = render_email(template=TEMPLATE, subject="News from {partner.name}", ctx=ctx)
    assert rendered.subject == "News from Acme Resellers"
    assert "<style" not in rendered.html
    assert 'style="color: #333;font-weight: bold;"' in rendered.html
    assert "Acme Resellers" in rendered.text
    assert "our website (https://acme.example)" in rendered.text
    assert "\n\nVisit" in rendered.text  # paragraphs separated
    assert "<" not in rendered.text


def test_eml_is_multipart_alternative_with_inline_logo(ctx):
    rendered = render_email(template=TEMPLATE, subject="Hi", ctx=ctx)
    output = email_eml_output(rendered, "Spring email", "Acme <sales@acme.example>")
    assert output.filename == "Spring-email.eml"
    message = email.message_from_bytes(output.data, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Hi"
    assert message.get_all("MIME-Version") == ["1.0"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Acme Resellers" in plain and "https://acme.example" in plain
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1
    assert f"cid:{images[0]['Content-ID'].strip('<>')}" in html
    assert images[0].get_content() == ctx.brand.logo.data


def test_html_download_is_self_contained(ctx):
    output = email_html_output(render_email(template=TEMPLATE, subject="Hi", ctx=ctx), "mail")
    assert output.content_type.startswith("text/html")
    assert b"data:image/png;base64," in output.data and b"cid:" not in output.data


def test_subject_cannot_inject_headers(brand):
    hostile = Brand(**{**brand.__dict__, "name": "Acme\r\nBcc: victim@example.com"})
    rendered = render_email(
        template=TEMPLATE, subject="From {partner.name}\nX: y", ctx=context_for(hostile)
    )
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    output = email_eml_output(rendered, "x", "a@example.com")
    message = email.message_from_bytes(output.data, policy=email.policy.default)
    assert message["Bcc"] is None and message["X"] is None


def test_partner_html_is_escaped(brand):
    hostile = Brand(**{**brand.__dict__, "name": "<script>alert(1)</script>"})
    rendered = render_email(template=TEMPLATE, subject="x", ctx=context_for(hostile))
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    Tags().feed(rendered.html)
    assert "script" not in tags  # inert text (or an attribute value), never an element
    assert "&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text


def test_no_remote_stylesheets(ctx, spy_server):
    server, hits = spy_server
    rendered = render_email(
        template=f'<link rel="stylesheet" href="{server}/x.css"><p>{{{{ partner.name }}}}</p>',
        subject="x",
        ctx=ctx,
    )
    assert hits == []  # never fetched
    assert "127.0.0.1" not in rendered.html  # nor left for the mail client to fetch


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb\n"),
        ("a<br>b", "a\nb\n"),
        ('<a href="https://x.example">https://x.example</a>', "https://x.example\n"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two\n"),
        ("<style>p{}</style><script>x</script>t", "t\n"),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_details_used_only_in_the_subject_are_required(brand):
    no_referral = replace(brand, referral_url="")
    with pytest.raises(MissingBrandDetails) as caught:
        render_email(
            template=TEMPLATE,
            subject="Join via {partner.referral_url}",
            ctx=context_for(no_referral),
        )
    assert caught.value.missing == ["referral_url"]
