"""Writes for partner organisations: brand profiles, invitations and teams."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assets.rendering import NormalisedLogo, encode_image_packed
from portal.accounts.identity import email_identity
from portal.accounts.models import User
from portal.core.counters import rate_exceeded
from portal.core.errors import DomainError
from portal.core.queue import queue_on_commit
from portal.core.text import one_line
from portal.partners.models import BrandProfile, Invitation, Membership, PartnerOrganisation

log = logging.getLogger(__name__)


class InvitationUnusable(DomainError):
    """The invitation can no longer make an account."""

    status = 410
    title = "Invitation not valid"
    template = "partners/invitation_invalid.html"


def brand_profile_for(organisation: PartnerOrganisation) -> BrandProfile:
    profile, _ = BrandProfile.objects.get_or_create(organisation=organisation)
    return profile


def logo_pdf_image_name(sha256: str) -> str:
    """Storage name of a logo's PDF encoding, by the logo's content hash."""
    return f"brand-pdf/{sha256}.bin"


def brand_logo_store(*, profile: BrandProfile, logo: NormalisedLogo, dark: bool = False) -> None:
    """Replace the (dark) logo with an already normalised PNG. The old file is
    removed after the new one is saved, so a failure leaves the old logo.

    The logo is encoded for PDF here, once, and stored by its hash: stamping
    workers then embed it without encoding it again."""
    field = profile.logo_dark if dark else profile.logo
    old_name = field.name
    old_sha256 = profile.logo_dark_sha256 if dark else profile.logo_sha256
    pdf_name = logo_pdf_image_name(logo.sha256)
    if not field.storage.exists(pdf_name):
        field.storage.save(pdf_name, ContentFile(encode_image_packed(logo.png)))
    field.save("logo.png", ContentFile(logo.png), save=False)
    if dark:
        profile.logo_dark_sha256 = logo.sha256
    else:
        profile.logo_sha256 = logo.sha256
        profile.logo_width = logo.width
        profile.logo_height = logo.height
    profile.save()
    if old_name and old_name != field.name:
        field.storage.delete(old_name)
    _forget_pdf_image(field.storage, old_sha256)


def brand_logo_remove(*, profile: BrandProfile, dark: bool = False) -> None:
    field = profile.logo_dark if dark else profile.logo
    name = field.name
    old_sha256 = profile.logo_dark_sha256 if dark else profile.logo_sha256
    if dark:
        profile.logo_dark = ""
        profile.logo_dark_sha256 = ""
    else:
        profile.logo = ""
        profile.logo_sha256 = ""
        profile.logo_width = profile.logo_height = None
    profile.save()
    if name:
        field.storage.delete(name)
    _forget_pdf_image(field.storage, old_sha256)


def _forget_pdf_image(storage, sha256: str) -> None:
    """Delete a logo's PDF encoding once no brand profile shows that logo."""
    if not sha256:
        return
    in_use = BrandProfile.objects.filter(logo_sha256=sha256) | BrandProfile.objects.filter(
        logo_dark_sha256=sha256
    )
    if not in_use.exists():
        storage.delete(logo_pdf_image_name(sha256))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_token(salt: str) -> str:
    return salted_hmac("portal.partners.invitation", salt, algorithm="sha256").hexdigest()


def invitation_create(
    *, organisation: PartnerOrganisation, email: str, role: str, invited_by: User
) -> tuple[Invitation, str]:
    """Invite someone to an organisation and e-mail them a single-use link.

    Returns the invitation and the raw token (only ever in the e-mail).

    Whether an address has an account outside the organisation is never
    revealed: such an invitation is recorded and answered like any other,
    and the address gets a notice that it already has an account instead of
    a link."""
    email = email_identity(email)
    if role not in Membership.Role.values:
        raise DomainError("Choose a valid role.")
    _invitation_rate_check(email=email, invited_by=invited_by)
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise DomainError("This person is already in the team.")
    salt = secrets.token_urlsafe(32)
    token = _invitation_token(salt)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        token_salt=salt,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    from portal.partners import tasks

    queue_on_commit(tasks.invitation_send, invitation.pk)
    return invitation, token


def invitation_send(*, invitation_id: int) -> bool:
    """E-mail an open invitation its link, once. Returns whether it was sent.

    The invitation is claimed (`sent_at`) before the mail goes out and
    released if sending fails, so a second run, even a concurrent one, sends
    nothing, and a failed one can be retried. A worker killed between the
    claim and the send loses that e-mail; the partner admin then invites
    again. We prefer that to a second copy of a working link."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, sent_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.is_open or not invitation.token_salt:
        return False
    token = _invitation_token(invitation.token_salt)
    if _token_hash(token) != invitation.token_hash:
        log.error("invitation %s: its link can't be rebuilt (secret key changed?)", invitation_id)
        return False
    claimed = Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    link = settings.SITE_URL + reverse("partners:invitation_accept", args=[token])
    # Someone with an account elsewhere gets a notice, never a link; the
    # inviter is told nothing different (whether an account exists stays private).
    has_account = User.objects.filter(email=invitation.email).exists()
    body = render_to_string(
        "accounts/email/invitation_has_account.txt"
        if has_account
        else "accounts/email/invitation.txt",
        {
            "invitation": invitation,
            "link": link,
            "inviter": invitation.invited_by,
            "days": settings.INVITATION_VALID_DAYS,
        },
    )
    try:
        send_mail(
            one_line(f"You're invited to {invitation.organisation.name} on the partner portal"),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    except BaseException:
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


def _invitation_rate_check(*, email: str, invited_by: User) -> None:
    """At most INVITATION_LIMIT_PER_ADDRESS invitations to one address and
    INVITATION_LIMIT_PER_INVITER from one person per MAIL_RATE_WINDOW_SECONDS."""
    window = settings.MAIL_RATE_WINDOW_SECONDS
    over_address = rate_exceeded(
        "invitation:address", email, limit=settings.INVITATION_LIMIT_PER_ADDRESS, window=window
    )
    over_inviter = rate_exceeded(
        "invitation:inviter",
        str(invited_by.pk),
        limit=settings.INVITATION_LIMIT_PER_INVITER,
        window=window,
    )
    if over_address or over_inviter:
        raise DomainError("Too many invitations in a short time. Please try again later.")


def invitation_find(token: str) -> Invitation | None:
    """The invitation behind a token, whatever its state, or None."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def invitation_accept(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> User:
    """Create the account and membership; the invitation can't be used again."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise InvitationUnusable("This invitation has already been used or has expired.")
        try:
            user = User.objects.create_user(
                email=locked.email, password=password, first_name=first_name, last_name=last_name
            )
        except IntegrityError:
            raise InvitationUnusable(
                "Someone with this e-mail address already has an account."
            ) from None
        Membership.objects.create(user=user, organisation=locked.organisation, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return user


def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a colleague. The account is deactivated: it belonged to the partner."""
    if membership.user_id == by.pk:
        raise DomainError("You can't remove yourself.")
    org = membership.organisation
    if (
        membership.role == Membership.Role.ADMIN
        and org.memberships.filter(role=Membership.Role.ADMIN).count() <= 1
    ):
        raise DomainError("An organisation keeps at least one partner admin.")
    with transaction.atomic():
        user = membership.user
        membership.delete()
        user.is_active = False
        user.save(update_fields=["is_active"])
    log.info("membership removed: user=%s org=%s by=%s", user.pk, org.pk, by.pk)


def organisation_set_status(*, organisations, status: str) -> int:
    """Suspend or reactivate organisations. Each is saved on its own so that
    every cache keyed on what partners may see is retired at once."""
    changed = 0
    with transaction.atomic():
        for organisation in organisations:
            if organisation.status != status:
                organisation.status = status
                organisation.save(update_fields=["status"])
                changed += 1
    log.info("organisations set to %s: %d", status, changed)
    return changed
