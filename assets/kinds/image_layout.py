"""Images with zones: partner details stamped onto an uploaded picture,
downloaded as PNG or JPEG. A kit's first one is its landing pages' social
card."""

from assets.kinds.layout import LayoutKind, read_source
from assets.rendering import (
    ImageRejected,
    RenderError,
    detect_image_format,
    load_base_image,
    picture_png,
    stamp_image,
)


class ImageLayoutKind(LayoutKind):
    key = "image_layout"
    label = "Image with zones"
    formats = ("png", "jpeg")
    layout_kind = "image"
    layout_unit = "px"
    source_fields = LayoutKind.source_fields | {"output_format"}
    social_card = True
    detail_template = "assets/_cobranded.html"

    def claims(self, sniffed):
        return 80 if sniffed.is_base_image else 0

    def check_base(self, data):
        if detect_image_format(data[:64]) not in {"png", "jpeg", "webp"}:
            return ["Upload a PNG, JPEG or WebP image."], None
        try:
            load_base_image(data)
        except ImageRejected as exc:
            return [exc.message], None
        return [], None

    def base_page_sizes(self, data):
        image = load_base_image(data)
        return ((float(image.width), float(image.height)),)

    def base_page_png(self, data, page_number, *, max_width):
        if page_number != 1:
            raise RenderError(f"An image has no page {page_number}.")
        return picture_png(data, max_width=max_width)

    def render(self, *, asset, version, ctx, output_format):
        from assets.resources import version_resources  # imports the models

        return stamp_image(
            base_image=read_source(version),
            zones=version.layout,
            ctx=ctx,
            fmt=output_format,
            filename_stem=asset.title,
            resources=version_resources(version),
        )
