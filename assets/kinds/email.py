"""E-mail templates: an HTML body and a subject line, downloaded as an
HTML file or a ready-to-send .eml message."""

import html
import re

from django.conf import settings

from assets.kinds.base import SourceFolderError, read_text, write_text
from assets.kinds.templated import TemplateKind
from assets.rendering import (
    email_eml_output,
    email_html_output,
    email_preview_html,
    placeholder_problems,
    render_email,
    variables_in_text,
)

SUBJECT_FILE = "subject.txt"
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


class EmailKind(TemplateKind):
    key = "email"
    label = "E-mail template"
    formats = ("html", "eml")
    source_fields = TemplateKind.source_fields | {"subject"}
    detail_template = "assets/_cobranded.html"

    def claims(self, sniffed):
        if sniffed.content != "html":
            return 0
        return 90 if sniffed.looks_like_email else 30

    def source_from_upload(self, name, data):
        fields = super().source_from_upload(name, data)
        title = _TITLE.search(fields.template)
        if title:
            subject = " ".join(html.unescape(title.group(1)).split())
            # A title written as a template names variables as subjects do.
            fields.subject = _TEMPLATE_VARIABLE.sub(r"{\1}", subject)[:200]
        return fields

    def variables(self, version):
        if version is None:
            return set()
        return super().variables(version) | variables_in_text(version.subject)

    def check_source(self, **source):
        problems = super().check_source(**source)
        subject = source["subject"]
        if subject.strip():
            problems += [
                ("subject", m) for m in placeholder_problems(subject, source["field_names"])
            ]
        return problems

    def sample_job(self, *, template, stylesheet, context):
        # The whole e-mail job: the CSS must inline too.
        return {"kind": "email", "template": template, "stylesheet": stylesheet, "context": context}

    def render(self, *, asset, version, ctx, output_format):
        rendered = render_email(
            template=version.template,
            subject=version.subject,
            stylesheet=version.stylesheet,
            ctx=ctx,
        )
        if output_format == "eml":
            return email_eml_output(rendered, asset.title, settings.DEFAULT_FROM_EMAIL)
        return email_html_output(rendered, asset.title)

    def message_preview(self, *, version, ctx):
        rendered = render_email(
            template=version.template,
            subject=version.subject,
            stylesheet=version.stylesheet,
            ctx=ctx,
        )
        return rendered.subject, email_preview_html(rendered)

    def _export_fields(self, version, folder, meta):
        super()._export_fields(version, folder, meta)
        write_text(folder / SUBJECT_FILE, version.subject + "\n" if version.subject else "")

    def _import_fields(self, folder, meta, fields):
        super()._import_fields(folder, meta, fields)
        subject = read_text(folder / SUBJECT_FILE, required=False).strip("\r\n")
        if "\n" in subject:
            raise SourceFolderError(f"{SUBJECT_FILE}: the subject must be one line.")
        if len(subject) > 200:
            raise SourceFolderError(f"{SUBJECT_FILE}: the subject is longer than 200 characters.")
        fields.subject = subject
