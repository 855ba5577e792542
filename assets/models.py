"""The asset library: campaign kits, their assets and the assets' versions."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from assets.kinds import AssetKindSpec, kind_of
from portal.partners.models import PartnerOrganisation, PartnerType, Region, Tier


def _random_name(folder: str, original: str) -> str:
    suffix = PurePosixPath(original).suffix.lower()[:10]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def _cover_path(instance, filename):
    return _random_name("covers", filename)


def _thumbnail_path(instance, filename):
    return _random_name("thumbnails", filename)


def _source_path(instance, filename):
    return _random_name("sources", filename)


def _lesson_path(instance, filename):
    return _random_name("lessons", filename)


def _resource_path(instance, filename):
    return _random_name("resources", filename)


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Kit(models.Model):
    """A campaign kit: a set of assets aimed at an audience for a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    # A kit is on show when its status is one of these and today is inside its dates.
    LIVE_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)

    title = models.CharField(max_length=150)
    summary = models.TextField(blank=True)
    cover_image = models.ImageField(upload_to=_cover_path, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="kits")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown to partners from this moment (empty: at once)."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Hidden from partners from this moment (empty: never)."
    )
    # When the "went live" and "expired" events were announced (once each; see
    # assets/lifecycle.py). Set only by a conditional UPDATE, never by a form.
    went_live_at = models.DateTimeField(null=True, blank=True, editable=False)
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    audience_tiers = models.ManyToManyField(Tier, blank=True, related_name="+")
    # "This tier and above": partners whose tier ranks at least this one's
    # match the tier criterion, as do those whose tier is in audience_tiers.
    audience_min_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tier and above",
        help_text="Partners of this tier or a higher-ranked one (empty: no minimum).",
    )
    audience_types = models.JSONField(
        default=list, blank=True, help_text="Partner types this kit is for (empty: any type)."
    )
    audience_regions = models.ManyToManyField(Region, blank=True, related_name="+")
    audience_partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="+", verbose_name="named partners"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        indexes = [models.Index(fields=["status", "publish_at", "expires_at"])]

    def __str__(self):
        return self.title

    @classmethod
    def live_q(cls, now) -> models.Q:
        """The database twin of `is_live`."""
        return (
            models.Q(status__in=cls.LIVE_STATUSES)
            & (models.Q(publish_at__isnull=True) | models.Q(publish_at__lte=now))
            & (models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        )

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status in self.LIVE_STATUSES
            and (self.publish_at is None or self.publish_at <= now)
            and (self.expires_at is None or self.expires_at > now)
        )


class AssetKind(models.TextChoices):
    """The field's choices. What each kind means lives in assets/kinds/."""

    HTML_DOCUMENT = "html_document", "HTML document (PDF)"
    PDF_LAYOUT = "pdf_layout", "Designed PDF with zones"
    IMAGE_LAYOUT = "image_layout", "Image with zones"
    EMAIL = "email", "E-mail template"
    LANDING_PAGE = "landing_page", "Landing page"
    FILE = "file", "File download"
    GUIDELINE = "guideline", "Messaging guidelines"
    TRAINING = "training", "Training course"


class Asset(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    thumbnail = models.ImageField(upload_to=_thumbnail_path, blank=True)
    position = models.PositiveIntegerField(default=0)
    current_version = models.ForeignKey(
        "AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The search index (assets/search.py keeps it up to date): the kit's
    # title, its tags and joined-up word pairs ("data sheet" -> "datasheet");
    # everything searched, lower-cased without spaces, for the plain match
    # used on SQLite; and, on PostgreSQL, the weighted full-text vector of
    # title, terms and description (GIN-indexed by migration 0005; NULL on SQLite).
    search_terms = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["kit", "position", "id"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return self.title

    @property
    def kind_spec(self) -> "AssetKindSpec":
        """The contract of this asset's kind (assets/kinds/)."""
        return kind_of(self)

    @property
    def is_cobranded(self) -> bool:
        return self.kind_spec.cobranded


class AssetVersion(models.Model):
    """An immutable snapshot of an asset's source. Never edited: a change of
    source makes a new version, so every output stays traceable."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source_file = models.FileField(upload_to=_source_path, blank=True)
    source_name = models.CharField(
        max_length=200, blank=True, help_text="The uploaded file's original name, for downloads."
    )
    source_size = models.PositiveBigIntegerField(default=0)
    source_sha256 = models.CharField(max_length=64, blank=True)
    template = models.TextField(blank=True)
    stylesheet = models.TextField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    layout = models.JSONField(default=list, blank=True)
    output_format = models.CharField(max_length=10, blank=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["asset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "number"], name="asset_version_number_unique")
        ]

    def __str__(self):
        return f"{self.asset} v{self.number}"


class AssetResource(models.Model):
    """A named picture of one asset version (``resources/<name>.png`` in its
    HTML, ``"resource": "<name>"`` in its image zones). Stored normalised
    (assets/resources.py). Immutable like its version: a change of pictures
    makes a new version, which refers to the same stored files."""

    version = models.ForeignKey(AssetVersion, on_delete=models.CASCADE, related_name="resources")
    name = models.SlugField(max_length=60)
    file = models.FileField(upload_to=_resource_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="asset_resource_name_unique")
        ]

    def __str__(self):
        return f"{self.version}: {self.name}"


class EditableField(models.Model):
    """A value a partner may set on an asset (everything else is locked)."""

    class FieldType(models.TextChoices):
        TEXT = "text", "Text"
        CHOICE = "choice", "Choice"
        DATE = "date", "Date"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="editable_fields")
    name = models.SlugField(
        max_length=40,
        help_text="Used in templates as {{ field.NAME }} and in zones as {field.NAME}.",
    )
    label = models.CharField(max_length=80)
    field_type = models.CharField(max_length=10, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(default=120)
    default = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(
        default=list, blank=True, help_text="Approved values, for choice fields."
    )
    help_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    #: What an admin sets on an editable field (forms, inlines, kit export).
    SETTINGS = (
        "name",
        "label",
        "field_type",
        "required",
        "max_length",
        "default",
        "choices",
        "help_text",
        "position",
    )

    class Meta:
        ordering = ["asset", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "name"], name="editable_field_name_unique")
        ]

    def __str__(self):
        return f"{self.asset}: {self.label}"


class GuidelineEntry(models.Model):
    """One block of a messaging guideline."""

    class Section(models.TextChoices):
        DESCRIPTION = "description", "Approved description"
        BOILERPLATE = "boilerplate", "Boilerplate to copy"
        DO = "do", "Do"
        DONT = "dont", "Don't"
        LEGAL = "legal", "Legal line"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="guideline_entries")
    section = models.CharField(max_length=12, choices=Section.choices)
    title = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["asset", "position", "id"]
        verbose_name_plural = "guideline entries"

    def __str__(self):
        return self.title or self.body[:60]

    @property
    def is_copyable(self) -> bool:
        return self.section in (
            self.Section.BOILERPLATE,
            self.Section.DESCRIPTION,
            self.Section.LEGAL,
        )


class Lesson(models.Model):
    """One step of a training course, in order."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=150)
    body = models.TextField(blank=True, help_text="Plain text; blank lines separate paragraphs.")
    attachment = models.FileField(upload_to=_lesson_path, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["asset", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def is_video(self) -> bool:
        return PurePosixPath(self.attachment_name or self.attachment.name or "").suffix.lower() in {
            ".mp4",
            ".webm",
        }


class LessonCompletion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "user"], name="lesson_completion_unique")
        ]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"


class DownloadEvent(models.Model):
    """Who took which version of what, and when: the raw material for reports."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="download_events"
    )
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="download_events")
    asset_version = models.ForeignKey(
        AssetVersion, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "asset"])]

    def __str__(self):
        return f"{self.organisation} took {self.asset} at {self.created_at:%Y-%m-%d %H:%M}"


class FieldValues(models.Model):
    """What one partner organisation filled in for an asset's editable fields."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="field_values")
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="field_values"
    )
    values = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "field values"
        constraints = [
            models.UniqueConstraint(fields=["asset", "organisation"], name="field_values_unique")
        ]

    def __str__(self):
        return f"{self.organisation}'s values for {self.asset}"


def rendition_path(instance, filename):
    return f"renditions/{instance.key[:2]}/{instance.key}/{filename}"


class Rendition(models.Model):
    """A rendered output, stored under a key that hashes everything it depends
    on. A change of logo, profile, fields or template changes the key, so a
    stale rendition is never looked up again (prune_renditions removes it)."""

    key = models.CharField(max_length=64, unique=True)
    asset_version = models.ForeignKey(
        AssetVersion, on_delete=models.CASCADE, related_name="renditions"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="renditions",
        help_text="Empty for admin previews with sample values.",
    )
    output_format = models.CharField(max_length=10)
    file = models.FileField(upload_to=rendition_path, max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    render_ms = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.key[:12]})"


def _pending_path(instance, filename):
    return _random_name("pending", filename)


class PendingUpload(models.Model):
    """A checked upload not yet part of an asset version: a file of a bulk
    upload waiting for its kind to be confirmed, or the base file of a save
    that failed validation, kept so the admin need not upload it again.
    Stored under a random name; forms refer to it by a signed token
    (assets/pending_uploads.py). Used or pruned, the row and file go."""

    file = models.FileField(upload_to=_pending_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kit = models.ForeignKey(
        Kit, null=True, blank=True, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    asset = models.ForeignKey(
        Asset,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pending_uploads",
        help_text="The asset whose source this file is waiting to become.",
    )
    removed = models.JSONField(
        default=list, blank=True, help_text="Active content removed from an uploaded PDF."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name


class MessagingRule(models.Model):
    """A rule on what partners' outputs may say: a banned phrase refused in
    the values partners type, or a legal line every output must print
    (``legal.lines``). A rule belongs to one kit (its assets) or to one
    partner type (every asset rendered for partners of that type)."""

    class Kind(models.TextChoices):
        BANNED_PHRASE = "banned_phrase", "Banned phrase"
        LEGAL_LINE = "legal_line", "Required legal line"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    kit = models.ForeignKey(
        Kit, null=True, blank=True, on_delete=models.CASCADE, related_name="messaging_rules"
    )
    partner_type = models.CharField(max_length=20, choices=PartnerType.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kit__isnull=False) & models.Q(partner_type=""))
                | (models.Q(kit__isnull=True) & ~models.Q(partner_type="")),
                name="messaging_rule_for_a_kit_or_a_partner_type",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"

    @property
    def scope(self) -> str:
        """Whom the rule concerns, in words."""
        if self.kit_id:
            return f"kit “{self.kit}”"
        return f"{PartnerType(self.partner_type).label} partners"


class PrerenderRun(models.Model):
    """One round of renders made ahead of partners' requests for one kit:
    every partner in its audience when it went live, or one partner after a
    change of its brand profile or field values. The counts are updated
    with F() expressions by the tasks as each output is made or fails."""

    class Reason(models.TextChoices):
        WENT_LIVE = "went_live", "Kit went live"
        BRAND_PROFILE = "brand_profile", "Brand profile changed"
        FIELD_VALUES = "field_values", "Field values changed"

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="prerender_runs")
    partner = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: every partner in the kit's audience.",
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kit", "-created_at"])]

    def __str__(self):
        return f"{self.kit}: {self.done + self.failed}/{self.total}"

    @property
    def finished(self) -> bool:
        return self.done + self.failed >= self.total


class PrerenderFailure(models.Model):
    """An output a run could not make, and why (the message is safe to show)."""

    run = models.ForeignKey(PrerenderRun, on_delete=models.CASCADE, related_name="failures")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, related_name="+")
    output_format = models.CharField(max_length=10)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "asset", "partner", "output_format"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "asset", "partner", "output_format"],
                name="prerender_failure_unique",
            )
        ]

    def __str__(self):
        return f"{self.asset} for {self.partner} ({self.output_format}): {self.message}"


def kit_bundle_path(instance, filename):
    return f"kit-bundles/{instance.content_key[:2]}/{instance.content_key}/{filename}"


class KitBundle(models.Model):
    """A partner's kit ZIP built in the background from stored renditions.

    `content_key` hashes what the ZIP holds (the key of every rendition,
    every plain file and text), so a change of logo, fields or source makes
    a new bundle. `contents` lists the files a download records;
    `missing` what could not be included and why (also in its README)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        BUILDING = "building", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="bundles")
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="kit_bundles"
    )
    content_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=kit_bundle_path, max_length=200, blank=True)
    filename = models.CharField(max_length=200)
    contents = models.JSONField(default=list, blank=True)
    missing = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kit", "partner", "content_key"], name="kit_bundle_unique"
            )
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def under_way(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
