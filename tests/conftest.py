import pytest
from django.core.cache import cache

from tests.factories import BrandProfileFactory, MembershipFactory, PartnerFactory, png_bytes

pytest_plugins = ["tests.browser_support"]


@pytest.fixture(scope="session", autouse=True)
def _celery_configured_once():
    """Celery reads its configuration from Django's settings the first time
    it is used, and keeps it. Read it now, from tests/settings.py (tasks run
    inline): a test that changes the broker settings for itself must not
    decide, by running first, how every later test's tasks run."""
    from portal.celery import app

    assert app.conf.task_always_eager is True


@pytest.fixture(autouse=True)
def _tasks_run_inline():
    """Every test starts with tasks running inline, whatever a test before it
    pointed them at (tests/services send some to a real worker), and able to
    wait for a task's result: Celery keeps a process-wide "this is a worker"
    flag that code starting pool processes in this process may leave set."""
    from celery import _state

    from portal.celery import app

    app.conf.task_always_eager = True
    _state._set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    """Every test gets an empty media folder and an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def give_logo(profile, colour=(200, 30, 30, 255)):
    from assets.rendering import normalise_logo
    from portal.partners.services import brand_logo_store

    brand_logo_store(profile=profile, logo=normalise_logo(png_bytes(600, 200, colour)))


@pytest.fixture
def partner(db):
    """Acme Resellers, with a complete brand profile (logo included)."""
    org = PartnerFactory(name="Acme Resellers", slug="acme")
    give_logo(BrandProfileFactory(organisation=org))
    return org


@pytest.fixture
def other_partner(db):
    org = PartnerFactory(name="Globex Agency", slug="globex", partner_type="agency")
    BrandProfileFactory(organisation=org, phone="+1 555 0100")
    return org


@pytest.fixture
def partner_user(partner):
    return MembershipFactory(organisation=partner, role="user").user


@pytest.fixture
def partner_admin(partner):
    return MembershipFactory(organisation=partner, role="admin").user


@pytest.fixture
def other_user(other_partner):
    return MembershipFactory(organisation=other_partner, role="admin").user


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def admin_client_partner(client, partner_admin):
    client.force_login(partner_admin)
    return client
