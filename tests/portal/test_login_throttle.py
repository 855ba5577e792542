"""Sign-in throttling covers every way in, one identity per person, and the
client address as the site works it out."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_CLIENT_FAILURE_FACTOR = 2


def portal_login(client, email, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def admin_login(client, email, password, **extra):
    return client.post(reverse("admin:login"), {"username": email, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def dana(db):
    return UserFactory(email="dana@danafit.example", is_staff=True, is_superuser=True)


def test_portal_login_locks_after_repeated_failures(client, partner_user):
    for _ in range(3):
        response = portal_login(client, partner_user.email, "wrong")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # Now even the right password is refused, without being checked.
    response = portal_login(client, partner_user.email, PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not signed_in(client)


def test_admin_login_obeys_the_same_lock(client, dana):
    for _ in range(3):
        portal_login(client, dana.email, "wrong")
    response = admin_login(client, dana.email, PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not signed_in(client)


def test_admin_login_failures_lock_the_portal_login_too(client, dana):
    for _ in range(3):
        assert admin_login(client, dana.email, "wrong").status_code in (200, 429)
    assert admin_login(client, dana.email, PASSWORD).status_code == 429
    assert portal_login(client, dana.email, PASSWORD).status_code == 429
    assert not signed_in(client)


def test_the_lock_is_per_address(client, partner_user, other_user):
    for _ in range(3):
        portal_login(client, partner_user.email, "wrong", REMOTE_ADDR="10.0.0.1")
    response = portal_login(client, other_user.email, PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_a_success_forgives_the_address_failures(client, partner_user):
    for _ in range(2):
        portal_login(client, partner_user.email, "wrong")
    assert portal_login(client, partner_user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        portal_login(client, partner_user.email, "wrong")
    assert portal_login(client, partner_user.email, PASSWORD).status_code == 302


def test_a_client_guessing_at_many_addresses_is_locked(client, partner_user):
    # Factor 2 and limit 3: six failures from one client, each at a new address.
    for n in range(6):
        portal_login(client, f"nobody{n}@example.com", "wrong", REMOTE_ADDR="10.9.9.9")
    locked = portal_login(client, partner_user.email, PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429
    elsewhere = portal_login(client, partner_user.email, PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert elsewhere.status_code == 302


def test_the_client_is_the_one_the_trusted_proxy_names(client, partner_user, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(6):
        # The client adds its own addresses in front; the proxy appends the real one.
        portal_login(
            client,
            f"nobody{n}@example.com",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    locked = portal_login(
        client, partner_user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert locked.status_code == 429
    other = portal_login(client, partner_user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302


def test_spellings_of_one_address_share_one_lock(client, dana):
    # Upper case and full-width letters are the same person, with the same guesses.
    for spelling in ("DANA@DANAFIT.EXAMPLE", "dana@ｄａｎａfit.example", "Dana@DanaFit.example"):
        portal_login(client, spelling, "wrong", REMOTE_ADDR=f"10.0.0.{len(spelling)}")
    assert portal_login(client, dana.email, PASSWORD, REMOTE_ADDR="10.2.2.2").status_code == 429


def test_a_spelling_in_another_case_signs_in(client, dana):
    assert portal_login(client, "DANA@DanaFit.Example", PASSWORD).status_code == 302


def test_a_look_alike_address_is_someone_else(client, dana):
    """A dotless ı is not an i: the look-alike neither signs in as the real
    account nor shares (or escapes) its lock."""
    response = portal_login(client, "dana@danafıt.example", PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    assert admin_login(client, "dana@danafıt.example", PASSWORD).status_code == 200
    assert not signed_in(client)


@pytest.mark.postgres
def test_a_look_alike_address_is_someone_else_on_postgresql(client, dana):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): SQLite folds ASCII only")
    User = get_user_model()
    # What made the look-alike dangerous: PostgreSQL's UPPER() maps ı to I.
    assert User.objects.filter(email__iexact="dana@danafıt.example").exists()
    for _ in range(3):
        portal_login(client, dana.email, "wrong")
    for login in (portal_login, admin_login):
        response = login(client, "dana@danafıt.example", PASSWORD, REMOTE_ADDR="10.3.3.3")
        assert response.status_code in (200, 429) and not signed_in(client)
    assert User.objects.get_by_natural_key("DANA@danafit.example") == dana


def test_axes_reset_username_unlocks_an_address(client, partner_user, capsys):
    for _ in range(3):
        portal_login(client, partner_user.email, "wrong")
    assert portal_login(client, partner_user.email, PASSWORD).status_code == 429
    call_command("axes_reset_username", partner_user.email)
    assert portal_login(client, partner_user.email, PASSWORD).status_code == 302


def test_addresses_are_stored_in_one_form(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": " Kim@ＥXAMPLE.com ",
            "password1": "Sturdy-pass-2026",
            "password2": "Sturdy-pass-2026",
        },
    )
    assert response.status_code == 302
    User = get_user_model()
    assert User.objects.filter(email="kim@example.com").exists()
    again = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "KIM@example.com",
            "password1": "Sturdy-pass-2026",
            "password2": "Sturdy-pass-2026",
        },
    )
    assert again.status_code == 200 and "already exists" in again.content.decode()
    assert User.objects.filter(email__iexact="kim@example.com").count() == 1
