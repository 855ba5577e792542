"""Training courses: lessons in order (Lesson rows), with each partner
user's progress. Not part of a kit ZIP."""

import json

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

from assets.kinds.base import (
    AssetKindSpec,
    ContentRow,
    SourceFolderError,
    SourceProblem,
    exported_file_name,
    model_problems,
    rows_json,
    write_text,
)

#: The exported lessons: a list of {title, body, position, attachment,
#: attachment_name}; `attachment` is a file under `lessons/` or "".
LESSONS_FILE = "lessons.json"
LESSONS_DIR = "lessons"
LESSON_KEYS = ("title", "body", "position", "attachment_name")


class TrainingKind(AssetKindSpec):
    key = "training"
    label = "Training course"
    content_rows = "lessons"
    detail_template = "assets/_training.html"

    def partner_detail_context(self, asset, partner, user):
        from assets.selectors import course_lessons_with_progress

        lessons, progress = course_lessons_with_progress(asset, user)
        return {"lessons": lessons, "progress": progress}

    # --- export and import ----------------------------------------------------

    def _export_rows(self, asset, folder, meta):
        lessons = []
        for number, lesson in enumerate(asset.lessons.all(), start=1):
            row = {key: getattr(lesson, key) for key in LESSON_KEYS}
            row["attachment"] = ""
            if lesson.attachment:
                name = exported_file_name(lesson.attachment_name or lesson.attachment.name)
                path = f"{LESSONS_DIR}/{number:02d}-{name}"
                (folder / LESSONS_DIR).mkdir(exist_ok=True)
                with lesson.attachment.storage.open(lesson.attachment.name, "rb") as handle:
                    (folder / path).write_bytes(handle.read())
                row["attachment"] = path
            lessons.append(row)
        write_text(folder / LESSONS_FILE, json.dumps(lessons, indent=2, ensure_ascii=False) + "\n")

    def _import_rows(self, folder, meta, fields):
        rows = []
        for number, row in enumerate(rows_json(folder, LESSONS_FILE), start=1):
            content = ContentRow(values={key: row[key] for key in LESSON_KEYS if key in row})
            path = row.get("attachment") or ""
            if path:
                prefix = LESSONS_DIR + "/"
                if not (
                    isinstance(path, str)
                    and path.startswith(prefix)
                    and exported_file_name(path[len(prefix) :]) == path[len(prefix) :]
                ):
                    raise SourceFolderError(
                        f"{LESSONS_FILE}: lesson {number}: “{path}” is not a file under {prefix}."
                    )
                if not (folder / path).is_file():
                    raise SourceFolderError(f"{path}: the lesson's file is missing.")
                content.file_name = path[len(prefix) :].split("-", 1)[-1]
                content.file_path = path
                content.file_data = (folder / path).read_bytes()
            rows.append(content)
        fields.rows = rows

    def row_problems(self, rows):
        from assets.models import Lesson

        problems = []
        limit = settings.ASSET_MAX_UPLOAD_BYTES
        for number, row in enumerate(rows, start=1):
            problems += model_problems(
                Lesson(**row.values),
                file=LESSONS_FILE,
                where=f"lesson {number}",
                exclude=("asset", "attachment"),
            )
            if row.file_data is not None and len(row.file_data) > limit:
                problems.append(
                    SourceProblem(
                        row.file_path,
                        f"lesson {number}.attachment",
                        f"This file is {filesizeformat(len(row.file_data))}; "
                        f"the limit is {filesizeformat(limit)}.",
                    )
                )
        return problems

    def content_rows_store(self, *, asset, rows):
        from assets.models import Lesson

        for row in rows:
            lesson = Lesson(asset=asset, **row.values)
            if row.file_data is not None:
                lesson.attachment.save(row.file_name, ContentFile(row.file_data), save=False)
            lesson.save()
