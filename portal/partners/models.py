"""Partner organisations, the people in them and their brand profiles."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.core.text import validate_one_line


class PartnerType(models.TextChoices):
    RESELLER = "reseller", "Reseller"
    REFERRAL = "referral", "Referral partner"
    AFFILIATE = "affiliate", "Affiliate"
    AGENCY = "agency", "Agency"
    INTEGRATION = "integration", "Integration partner"
    INFLUENCER = "influencer", "Influencer"


class Tier(models.Model):
    """A partner programme level (Registered, Silver, Gold...). Higher rank, higher tier."""

    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self):
        return self.name


class Region(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerOrganisation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=150, validators=[validate_one_line])
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in public page addresses.")
    partner_type = models.CharField(max_length=20, choices=PartnerType.choices)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="partners")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partners")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "partner organisation"

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Membership(models.Model):
    """A user's place in one partner organisation. A person belongs to one partner."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Partner admin"
        USER = "user", "Partner user"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user__email"]

    def __str__(self):
        return f"{self.user} at {self.organisation} ({self.get_role_display()})"

    @property
    def is_partner_admin(self) -> bool:
        return self.role == self.Role.ADMIN


def _brand_file_name(instance, filename):
    # Uploaded names are never reused: they can carry anything.
    return f"brand/{instance.organisation_id}/{uuid.uuid4().hex}.png"


class BrandProfile(models.Model):
    """What a partner's co-branded material carries."""

    organisation = models.OneToOneField(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="brand"
    )
    display_name = models.CharField(max_length=120, blank=True, validators=[validate_one_line])
    logo = models.FileField(upload_to=_brand_file_name, blank=True)
    logo_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_dark = models.FileField(
        "logo for dark backgrounds", upload_to=_brand_file_name, blank=True
    )
    logo_dark_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    primary_color = models.CharField(max_length=7, default="#1F4E79")
    secondary_color = models.CharField(max_length=7, default="#F2A900")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True, help_text="One line per address line.")
    tagline = models.CharField(max_length=160, blank=True, validators=[validate_one_line])
    referral_url = models.URLField("referral link", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Brand profile of {self.organisation}"

    @property
    def name(self) -> str:
        return self.display_name or self.organisation.name

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.address.splitlines() if line.strip())


class Invitation(models.Model):
    """A single-use, expiring invitation to join a partner organisation.

    Only a hash of the token is stored. The token is an HMAC of
    `token_salt` under the SECRET_KEY, so the task that sends the e-mail can
    rebuild it from the id alone: the token never travels through the task
    queue, and the database alone does not give it away."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.USER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_salt = models.CharField(max_length=64, blank=True, editable=False)
    # Claimed just before the e-mail goes out, released if sending fails.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
