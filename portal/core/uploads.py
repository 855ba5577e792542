"""Upload fields that check size before parsing and type by content."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat

from assets.rendering import ImageRejected, PdfRejected, normalise_logo, sanitise_pdf


class LogoField(forms.FileField):
    """A logo upload, returned as a normalised PNG (a `NormalisedLogo`, with
    its quality warnings). Anything that is not a safe, decodable PNG, JPEG
    or WebP image is a form error naming the problem."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        limit = settings.LOGO_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; logos can be at most "
                f"{filesizeformat(limit)}."
            )
        upload.seek(0)
        data = upload.read(limit + 1)
        try:
            return normalise_logo(data)
        except ImageRejected as exc:
            raise forms.ValidationError(exc.message) from None


def pdf_upload_clean(upload: UploadedFile | None) -> tuple[UploadedFile | None, tuple[str, ...]]:
    """An uploaded file as it may be stored: a PDF (by content, whatever its
    name) without active content or attachments, and what was removed; any
    other file as it is. A PDF that can't be read is a form error."""
    if upload is None:
        return None, ()
    upload.seek(0)
    head = upload.read(1024)
    if b"%PDF" not in head:
        upload.seek(0)
        return upload, ()
    upload.seek(0)
    try:
        cleaned = sanitise_pdf(upload.read())
    except PdfRejected as exc:
        raise forms.ValidationError(exc.message) from None
    upload.seek(0)
    if not cleaned.removed:
        return upload, ()
    replacement = SimpleUploadedFile(
        upload.name, cleaned.data, content_type=upload.content_type or "application/pdf"
    )
    return replacement, cleaned.removed


def removed_content_message(name: str, removed: tuple[str, ...]) -> str:
    return f"Removed from {name} before saving it: {', '.join(removed)}."
