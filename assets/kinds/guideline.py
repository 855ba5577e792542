"""Messaging guidelines: rows of approved text (GuidelineEntry), shown on the
asset page and put in a kit ZIP as a text file."""

import json

from assets.kinds.base import (
    AssetKindSpec,
    ContentRow,
    ZipEntry,
    model_problems,
    rows_json,
    slug_name,
    write_text,
)

#: The exported entries: a list of {section, title, body, position}.
ENTRIES_FILE = "entries.json"
ENTRY_KEYS = ("section", "title", "body", "position")


class GuidelineKind(AssetKindSpec):
    key = "guideline"
    label = "Messaging guidelines"
    content_rows = "guideline_entries"
    detail_template = "assets/_guideline.html"

    def partner_detail_context(self, asset, partner, user):
        return {"entries": asset.guideline_entries.all()}

    def zip_entries(self, *, asset, partner, rendition=None):
        lines = [asset.title, "=" * len(asset.title), ""]
        for entry in asset.guideline_entries.all():
            heading = entry.get_section_display() + (f": {entry.title}" if entry.title else "")
            lines += [heading, entry.body, ""]
        return [
            ZipEntry(
                name=slug_name(asset.title, "guidelines", ".txt"), data="\n".join(lines).encode()
            )
        ]

    # --- export and import ----------------------------------------------------

    def _export_rows(self, asset, folder, meta):
        entries = [
            {key: getattr(entry, key) for key in ENTRY_KEYS}
            for entry in asset.guideline_entries.all()
        ]
        write_text(folder / ENTRIES_FILE, json.dumps(entries, indent=2, ensure_ascii=False) + "\n")

    def _import_rows(self, folder, meta, fields):
        fields.rows = [
            ContentRow(values={key: row[key] for key in ENTRY_KEYS if key in row})
            for row in rows_json(folder, ENTRIES_FILE)
        ]

    def row_problems(self, rows):
        from assets.models import GuidelineEntry

        problems = []
        for number, row in enumerate(rows, start=1):
            problems += model_problems(
                GuidelineEntry(**row.values),
                file=ENTRIES_FILE,
                where=f"entry {number}",
                exclude=("asset",),
            )
        return problems

    def content_rows_store(self, *, asset, rows):
        from assets.models import GuidelineEntry

        GuidelineEntry.objects.bulk_create(
            GuidelineEntry(asset=asset, **row.values) for row in rows
        )
