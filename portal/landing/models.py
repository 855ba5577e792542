"""Co-branded landing pages published by partners, and the leads they collect."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from assets.models import Asset, AssetVersion
from portal.partners.models import PartnerOrganisation


class LandingPage(models.Model):
    """One partner's publication of one landing-page asset.

    The page always renders the asset's *current* version (the vendor's fixes
    and legal lines reach every live page at once; each lead records the
    version it was captured on). The partner's field values are a snapshot
    taken when they publish, so editing the draft never changes a live page
    until they publish again."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="landing_pages"
    )
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="landing_pages")
    slug = models.SlugField(max_length=80, help_text="The last part of the public address.")
    field_values = models.JSONField(
        default=dict, blank=True, help_text="The partner's values as published."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    published_at = models.DateTimeField(null=True, blank=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="landing_page_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "asset"], name="landing_page_asset_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation.slug}/{self.slug}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Lead(models.Model):
    """A visitor's request, left on a partner's published page. Everything
    here was typed by a stranger: it is stored as text and shown escaped."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="leads"
    )
    # Leads outlive the page (an asset removed by the vendor takes its pages along).
    page = models.ForeignKey(
        LandingPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    asset_version = models.ForeignKey(
        AssetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    company = models.CharField(max_length=150, blank=True)
    message = models.TextField(blank=True)
    consent = models.BooleanField(default=False)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    submission_token = models.CharField(max_length=64, editable=False)
    # Claimed just before the partner's people are e-mailed, released if that fails.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same form submitted twice makes one lead.
            models.UniqueConstraint(
                fields=["organisation", "submission_token"], name="lead_submission_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class PageViewDay(models.Model):
    """How many times a page was opened on one day. Nothing about the
    visitor (address, browser, cookie) is stored."""

    page = models.ForeignKey(LandingPage, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["page", "-day"]
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="page_view_day_unique")]

    def __str__(self):
        return f"{self.page} {self.day}: {self.count}"
