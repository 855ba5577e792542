"""Tenant isolation, swept over every partner-facing URL.

Every URL pattern of the site must be listed below, either as public, as a
partner page without an object in its address, or with a recipe that builds
the address of *another* organisation's object. Adding a URL without
listing it fails `test_every_url_pattern_is_covered`."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assets.models import AssetKind, Lesson
from portal.partners import services as partner_services
from portal.partners.models import Invitation, Membership
from tests.factories import (
    AssetFactory,
    BrandProfileFactory,
    KitFactory,
    MembershipFactory,
    PartnerFactory,
    make_course,
    make_document,
    make_file_asset,
    make_guideline,
    png_bytes,
)

# Reachable without signing in.
PUBLIC = {
    "healthz",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "partners:invitation_accept",
    "landing:public_page",
    "landing:public_thanks",
    "landing:public_logo",
    "landing:public_social",
}

# Partner pages whose address names no object: they always show the caller's own data.
OWN_DATA = {
    "home:dashboard": {},
    "partners:brand_profile": {},
    "partners:brand_logo": {"variant": "logo"},
    "partners:team": {},
    "assets:library": {},
    "landing:page_list": {},
    "landing:lead_list": {},
    "landing:lead_export": {},
}


@dataclass
class World:
    """Objects that belong to one organisation (the victim)."""

    partner: object
    kit: object
    file_asset: object
    document: object
    guideline: object
    course: object
    lesson: Lesson
    membership: Membership
    invitation: Invitation
    landing_asset: object = None
    landing_page: object = None
    lead: object = None


# URL name -> kwargs naming the victim's object.
FOREIGN_OBJECT = {
    "assets:kit_detail": lambda w: {"pk": w.kit.pk},
    "assets:kit_cover": lambda w: {"pk": w.kit.pk},
    "assets:asset_detail": lambda w: {"pk": w.file_asset.pk},
    "assets:asset_thumbnail": lambda w: {"pk": w.file_asset.pk},
    "assets:asset_download": lambda w: {"pk": w.file_asset.pk},
    "assets:kit_download": lambda w: {"pk": w.kit.pk},
    "assets:kit_zip_status": lambda w: {"pk": w.kit.pk},
    "assets:asset_fields": lambda w: {"pk": w.document.pk},
    "assets:asset_preview": lambda w: {"pk": w.document.pk},
    "assets:asset_render": lambda w: {"pk": w.document.pk, "output_format": "pdf"},
    "assets:lesson_complete": lambda w: {"pk": w.lesson.pk},
    "assets:lesson_attachment": lambda w: {"pk": w.lesson.pk},
    "partners:member_remove": lambda w: {"pk": w.membership.pk},
    "partners:invitation_revoke": lambda w: {"pk": w.invitation.pk},
    "landing:editor": lambda w: {"asset_pk": w.landing_asset.pk},
    "landing:preview": lambda w: {"asset_pk": w.landing_asset.pk},
    "landing:page_unpublish": lambda w: {"pk": w.landing_page.pk},
    "landing:page_qr": lambda w: {"pk": w.landing_page.pk},
    "landing:lead_detail": lambda w: {"pk": w.lead.pk},
}


# The role every partner URL needs (DESIGN §1: the brand profile and the team
# are the partner admin's). "member": any member of the organisation;
# "admin": partner admins only, a partner user gets 404 or 403 whatever the
# method; "admin to change": every member may read, only partner admins POST.
MEMBER, ADMIN, ADMIN_TO_CHANGE = "member", "admin", "admin to change"
ROLES = {
    "home:dashboard": MEMBER,
    "partners:brand_profile": ADMIN_TO_CHANGE,
    "partners:brand_logo": MEMBER,
    "partners:team": ADMIN,
    "partners:member_remove": ADMIN,
    "partners:invitation_revoke": ADMIN,
    "assets:library": MEMBER,
    "assets:kit_detail": MEMBER,
    "assets:kit_cover": MEMBER,
    "assets:asset_detail": MEMBER,
    "assets:asset_thumbnail": MEMBER,
    "assets:asset_download": MEMBER,
    "assets:kit_download": MEMBER,
    "assets:kit_zip_status": MEMBER,
    "assets:asset_fields": MEMBER,
    "assets:asset_preview": MEMBER,
    "assets:asset_render": MEMBER,
    "assets:lesson_complete": MEMBER,
    "assets:lesson_attachment": MEMBER,
    "landing:page_list": MEMBER,
    "landing:lead_list": MEMBER,
    "landing:lead_export": MEMBER,
    "landing:lead_detail": MEMBER,
    "landing:editor": MEMBER,
    "landing:preview": MEMBER,
    "landing:page_unpublish": MEMBER,
    "landing:page_qr": MEMBER,
}


def _all_url_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue
            yield from _all_url_names(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_pattern_is_covered():
    # The marketing workspace has its own sweep (tests/portal/workspace/test_sweep.py).
    names = {name for name in _all_url_names() if not name.startswith("workspace:")}
    covered = PUBLIC | set(OWN_DATA) | set(FOREIGN_OBJECT)
    assert names - covered == set(), (
        "list new URLs in the sweep (PUBLIC, OWN_DATA or FOREIGN_OBJECT)"
    )
    assert covered - names == set(), "the sweep lists URLs that no longer exist"


def test_every_partner_url_has_a_role():
    assert set(ROLES) == set(OWN_DATA) | set(FOREIGN_OBJECT), (
        "give every partner URL a role in ROLES"
    )


@pytest.fixture
def victim(db):
    org = PartnerFactory(name="Victim Co", slug="victim")
    profile = BrandProfileFactory(organisation=org)
    profile.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    kit = KitFactory(title="Victim only kit")
    kit.audience_partners.add(org)
    kit.cover_image.save("cover.png", ContentFile(png_bytes()), save=True)
    file_asset = make_file_asset(kit, content=b"victim secret bytes")
    file_asset.thumbnail.save("thumb.png", ContentFile(png_bytes()), save=True)
    course = make_course(kit)
    membership = MembershipFactory(organisation=org, role="admin")
    MembershipFactory(organisation=org, role="admin")
    invitation, _ = partner_services.invitation_create(
        organisation=org, email="new@victim.example", role="user", invited_by=membership.user
    )
    world = World(
        partner=org,
        kit=kit,
        file_asset=file_asset,
        document=make_document(kit),
        guideline=make_guideline(kit),
        course=course,
        lesson=course.lessons.first(),
        membership=membership,
        invitation=invitation,
    )
    _add_landing_page(world)
    return world


def _add_landing_page(world):
    """A published landing page of the victim's, with one lead on it."""
    from portal.landing import services as landing_services
    from tests.portal.landing.conftest import make_landing_asset

    world.landing_asset = make_landing_asset(world.kit, title="Victim only landing page")
    world.landing_page = landing_services.landing_page_publish(
        organisation=world.partner, asset=world.landing_asset, values={"headline": "Victim offer"}
    )
    world.lead = landing_services.lead_submit(
        page=world.landing_page,
        token="victim-token-0123456789",
        data={"name": "Victim lead", "email": "lead@victim.example", "consent": True},
    ).lead


@pytest.fixture
def intruder_client(client, db):
    # Same tier, type and region as the victim: only the audience and the
    # organisation separate them. A partner admin, so admin-only pages are reached.
    org = PartnerFactory(name="Intruder Ltd", slug="intruder")
    BrandProfileFactory(organisation=org)
    user = MembershipFactory(organisation=org, role="admin").user
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(FOREIGN_OBJECT))
def test_foreign_objects_answer_404(name, victim, intruder_client):
    url = reverse(name, kwargs=FOREIGN_OBJECT[name](victim))
    assert intruder_client.get(url).status_code in (404, 405)
    assert intruder_client.post(url).status_code == 404
    # Nothing changed for the victim.
    victim.membership.refresh_from_db()
    victim.invitation.refresh_from_db()
    assert victim.invitation.revoked_at is None
    assert not victim.lesson.completions.exists()


@pytest.mark.parametrize("name", sorted(FOREIGN_OBJECT))
def test_foreign_objects_need_login(name, victim, client):
    url = reverse(name, kwargs=FOREIGN_OBJECT[name](victim))
    for response in (client.get(url), client.post(url)):
        if response.status_code == 405:
            continue
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(OWN_DATA))
def test_own_data_pages_need_login(name, client, db):
    response = client.get(reverse(name, kwargs=OWN_DATA[name]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(OWN_DATA))
def test_own_data_pages_never_show_another_organisation(name, victim, intruder_client):
    response = intruder_client.get(reverse(name, kwargs=OWN_DATA[name]))
    assert response.status_code in (200, 404)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Victim" not in body
    assert victim.membership.user.email.encode() not in body
    assert png_bytes() not in body


def test_guessed_asset_ids_of_every_kind_answer_404(victim, intruder_client):
    for asset in (
        victim.guideline,
        victim.course,
        AssetFactory(kit=victim.kit, kind=AssetKind.EMAIL),
    ):
        assert (
            intruder_client.get(reverse("assets:asset_detail", args=[asset.pk])).status_code == 404
        )


@pytest.mark.parametrize("name", sorted(FOREIGN_OBJECT))
def test_the_owner_reaches_the_same_addresses(name, victim, client):
    """The control for the 404s above: the owner's own admin gets through."""
    client.force_login(victim.membership.user)
    url = reverse(name, kwargs=FOREIGN_OBJECT[name](victim))
    method = (
        client.post
        if name.endswith(("_complete", "_remove", "_revoke", "_unpublish"))
        else client.get
    )
    response = method(url)
    # 409: reached, and a rule of the product answered (removing oneself).
    assert response.status_code in (200, 302, 409), response.status_code
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("accounts:login"))


def _own_url(name, world) -> str:
    kwargs = OWN_DATA[name] if name in OWN_DATA else FOREIGN_OBJECT[name](world)
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def colleague_client(client, victim):
    """A partner user (not admin) of the victim's own organisation."""
    client.force_login(MembershipFactory(organisation=victim.partner, role="user").user)
    return client


@pytest.mark.parametrize("name", sorted(n for n, role in ROLES.items() if role != MEMBER))
def test_partner_users_are_refused_what_needs_a_partner_admin(name, victim, colleague_client):
    url = _own_url(name, victim)
    profile = victim.partner.brand
    before = (profile.display_name, profile.phone, profile.logo.name)
    if ROLES[name] == ADMIN:
        assert colleague_client.get(url).status_code in (403, 404, 405)
    else:
        assert colleague_client.get(url).status_code == 200
    data = {"display_name": "Changed by a user", "phone": "+1 555 0199", "remove_logo": "on"}
    assert colleague_client.post(url, data).status_code in (403, 404)
    profile.refresh_from_db()
    assert (profile.display_name, profile.phone, profile.logo.name) == before
    assert Membership.objects.filter(pk=victim.membership.pk).exists()
    victim.invitation.refresh_from_db()
    assert victim.invitation.revoked_at is None


@pytest.mark.parametrize("name", sorted(n for n, role in ROLES.items() if role != ADMIN))
def test_partner_users_reach_what_every_member_may(name, victim, colleague_client):
    """The control for the refusals above."""
    url = _own_url(name, victim)
    method = (
        colleague_client.post
        if name.endswith(("_complete", "_remove", "_revoke", "_unpublish"))
        else colleague_client.get
    )
    response = method(url)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("accounts:login"))
