"""Upload fields that check size before parsing and type by content."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from assets.rendering.errors import ImageRejected
from assets.rendering.images import normalise_logo


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
