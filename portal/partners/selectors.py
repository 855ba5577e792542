"""Reads about partner organisations."""

from django.db.models import QuerySet
from django.utils import timezone

from portal.partners.models import BrandProfile, Invitation, Membership, PartnerOrganisation

# What a complete brand profile has, in the order it is worth adding.
PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("logo", "logo"),
    ("phone", "phone number"),
    ("email", "contact e-mail"),
    ("website", "website"),
    ("address", "address"),
    ("referral_url", "referral link"),
    ("tagline", "tagline"),
)


def brand_profile_missing(profile: BrandProfile) -> list[tuple[str, str]]:
    """(field, label) of every profile field still empty."""
    return [(name, label) for name, label in PROFILE_FIELDS if not getattr(profile, name)]


def brand_profile_completeness(profile: BrandProfile) -> int:
    missing = len(brand_profile_missing(profile))
    return round(100 * (len(PROFILE_FIELDS) - missing) / len(PROFILE_FIELDS))


def team_members(organisation: PartnerOrganisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("role", "user__email")


def open_invitations(organisation: PartnerOrganisation) -> QuerySet[Invitation]:
    """Invitations still to be accepted: Invitation.is_open, asked of the database."""
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
