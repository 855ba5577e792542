"""Training courses: lessons in order (Lesson rows), with each partner
user's progress. Not part of a kit ZIP."""

from assets.kinds.base import AssetKindSpec


class TrainingKind(AssetKindSpec):
    key = "training"
    label = "Training course"
    content_rows = "lessons"
    detail_template = "assets/_training.html"

    def partner_detail_context(self, asset, partner, user):
        from assets.selectors import course_lessons_with_progress

        lessons, progress = course_lessons_with_progress(asset, user)
        return {"lessons": lessons, "progress": progress}
