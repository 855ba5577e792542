"""Mail anyone can make the portal send is limited per address and per
requester, and its answers never tell whether an account exists."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.partners.models import Invitation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reset(client, email, ip="10.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_resets_for_one_address_are_limited(
    client, partner_user, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    with django_capture_on_commit_callbacks(execute=True):
        answers = {
            (r.status_code, r["Location"])
            for r in [reset(client, partner_user.email, ip=f"10.0.0.{n}") for n in range(10)]
        }
    assert len(mail.outbox) == 3
    # Another spelling of the address is the same address.
    with django_capture_on_commit_callbacks(execute=True):
        reset(client, partner_user.email.upper(), ip="10.0.1.1")
    assert len(mail.outbox) == 3
    # Limited, unknown and known addresses get the same answer.
    answers.add((lambda r: (r.status_code, r["Location"]))(reset(client, "nobody@example.com")))
    assert answers == {(302, reverse("accounts:password_reset_done"))}


def test_password_resets_from_one_client_are_limited(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 2
    users = [UserFactory() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for user in users:
            assert reset(client, user.email, ip="10.5.5.5").status_code == 302
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        reset(client, users[3].email, ip="10.6.6.6")
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == [users[3].email]


def invite(client, email):
    return client.post(reverse("partners:team"), {"email": email, "role": "user"}, follow=True)


def test_invitations_to_one_address_are_limited(
    admin_client_partner, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_LIMIT_PER_ADDRESS = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            answer = invite(admin_client_partner, "x@new.example")
            assert "Invitation sent" in answer.content.decode()
        refused = invite(admin_client_partner, "X@new.example")
    assert "Too many invitations" in refused.content.decode()
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2


def test_invitations_from_one_person_are_limited(
    admin_client_partner, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_LIMIT_PER_INVITER = 3
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            invite(admin_client_partner, f"new{n}@new.example")
        refused = invite(admin_client_partner, "new9@new.example")
    assert "Too many invitations" in refused.content.decode()
    assert Invitation.objects.count() == 3 and len(mail.outbox) == 3


def _messages(response, email) -> list[str]:
    """The messages the inviter sees, with the address itself taken out."""
    return [str(m).replace(email, "ADDRESS") for m in response.context["messages"]]


def test_inviting_an_account_of_another_organisation_reveals_nothing(
    admin_client_partner, other_user, django_capture_on_commit_callbacks
):
    staff = UserFactory(email="ops@vendor.example", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = invite(admin_client_partner, "fresh@new.example")
    for existing in (other_user.email, staff.email):
        with django_capture_on_commit_callbacks(execute=True):
            answer = invite(admin_client_partner, existing)
        assert answer.status_code == fresh.status_code == 200
        assert answer.redirect_chain == fresh.redirect_chain
        # Same page, apart from the address; the new invitation is listed like any other.
        assert _messages(answer, existing) == _messages(fresh, "fresh@new.example")
        assert not answer.context["form"].errors
        assert f"<td>{existing}</td>" in answer.content.decode()
        assert Invitation.objects.filter(email=existing).exists()
        notice = mail.outbox[-1]
        assert notice.to == [existing]
        assert "/accounts/invitation/" not in notice.body
        assert "already has an account" in notice.body
    assert "/accounts/invitation/" in mail.outbox[0].body
