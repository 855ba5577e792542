"""Pre-rendering: a kit that goes live is rendered for its audience, a changed
profile or field values render that partner's outputs again, failures are
recorded with their reasons, and the workspace shows how far it got."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from assets import lifecycle, renditions, tasks
from assets.models import AssetKind, Kit, PrerenderFailure, PrerenderRun, Rendition
from assets.prerender import Reason, prerender_item, prerender_plan
from assets.services import asset_version_create
from portal.partners.models import PartnerOrganisation
from tests.conftest import give_logo
from tests.factories import (
    BRAND_PROFILE_FORM,
    AssetFactory,
    BrandProfileFactory,
    KitFactory,
    PartnerFactory,
    make_document,
    make_file_asset,
    make_guideline,
)

pytestmark = pytest.mark.django_db

TOO_LONG = "{% for i in '" + "x" * 300 + "' %}<p>{{ partner.name }}</p>{% endfor %}"


def make_email(kit, **kwargs):
    asset = AssetFactory(kit=kit, kind=AssetKind.EMAIL, **kwargs)
    asset_version_create(
        asset=asset,
        template="<p>Hello from {{ partner.name }}, call {{ partner.phone }}</p>",
        subject="News from {{ partner.name }}",
    )
    return asset


@pytest.fixture
def reseller(db):
    """A second partner the kit's audience (resellers) reaches."""
    org = PartnerFactory(name="Initech Resellers", slug="initech")
    give_logo(BrandProfileFactory(organisation=org), colour=(20, 160, 60, 255))
    return org


@pytest.fixture
def kit(partner, reseller, other_partner):
    """A draft kit for resellers (Acme, Initech; not Globex, an agency) with
    two co-branded assets (three formats), a plain file and guidelines."""
    kit = KitFactory(title="Spring", status=Kit.Status.DRAFT, audience_types=["reseller"])
    make_document(kit, title="One pager", position=1)
    make_email(kit, title="Invitation", position=2)
    make_file_asset(kit, title="Data sheet", position=3)
    make_guideline(kit, title="Messaging", position=4)
    return kit


def publish(kit, capture):
    with capture(execute=True):
        lifecycle.kit_publish(kit=kit)


def stored_keys(partner) -> set[str]:
    return set(Rendition.objects.filter(organisation=partner).values_list("key", flat=True))


def expected_keys(kit, partner, *, titles=("One pager", "Invitation")) -> set[str]:
    """The keys of the partner's outputs of the kit's co-branded assets, as
    they would be asked for now."""
    partner = PartnerOrganisation.objects.get(pk=partner.pk)  # its profile as saved
    keys = set()
    for asset in kit.assets.filter(title__in=titles):
        for output_format in renditions.formats_for(asset):
            request = renditions.request_for_partner(
                asset=asset, partner=partner, output_format=output_format
            )
            keys.add(request.key)
    return keys


def test_a_kit_going_live_renders_its_outputs_for_every_partner_in_its_audience(
    kit, partner, reseller, other_partner, django_capture_on_commit_callbacks
):
    publish(kit, django_capture_on_commit_callbacks)

    for member in (partner, reseller):
        keys = expected_keys(kit, member)
        assert len(keys) == 3  # the document's pdf, the e-mail's html and eml
        assert stored_keys(member) == keys
    assert stored_keys(other_partner) == set()  # not in the audience
    run = PrerenderRun.objects.get(kit=kit)
    assert (run.reason, run.partner, run.total, run.done, run.failed) == (
        Reason.WENT_LIVE,
        None,
        6,
        6,
        0,
    )
    # The counts agree with the renditions.
    assert run.done == Rendition.objects.filter(asset_version__asset__kit=kit).count()


def test_a_profile_change_renders_that_partners_live_assets_again(
    kit, partner, reseller, admin_client_partner, django_capture_on_commit_callbacks
):
    publish(kit, django_capture_on_commit_callbacks)
    before, others = stored_keys(partner), stored_keys(reseller)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_partner.post(
            reverse("partners:brand_profile"), {**BRAND_PROFILE_FORM, "phone": "+44 20 0000 1111"}
        )
    assert response.status_code == 302

    now = expected_keys(kit, partner)
    assert now.isdisjoint(before)  # the new phone number makes new keys ...
    assert now <= stored_keys(partner)  # ... rendered already
    assert stored_keys(reseller) == others  # nobody else's
    run = PrerenderRun.objects.filter(kit=kit).first()
    assert (run.reason, run.partner, run.total, run.done) == (
        Reason.BRAND_PROFILE,
        partner,
        3,
        3,
    )


def test_a_new_logo_renders_again_too(kit, partner, django_capture_on_commit_callbacks):
    publish(kit, django_capture_on_commit_callbacks)
    before = stored_keys(partner)
    with django_capture_on_commit_callbacks(execute=True):
        give_logo(partner.brand, colour=(10, 10, 200, 255))
    assert expected_keys(kit, partner) <= stored_keys(partner) - before


def test_saved_field_values_render_that_asset_again(
    kit, partner, partner_client, django_capture_on_commit_callbacks
):
    publish(kit, django_capture_on_commit_callbacks)
    document = kit.assets.get(title="One pager")
    before = Rendition.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        partner_client.post(reverse("assets:asset_fields", args=[document.pk]), {"headline": "Hi"})
    key = renditions.request_for_partner(asset=document, partner=partner).key
    assert Rendition.objects.filter(key=key, organisation=partner).exists()
    assert Rendition.objects.count() == before + 1  # that asset only
    run = PrerenderRun.objects.filter(kit=kit).first()
    assert (run.reason, run.partner, run.total, run.done) == (
        Reason.FIELD_VALUES,
        partner,
        1,
        1,
    )


def test_a_failing_render_is_recorded_with_its_message_and_the_rest_succeed(
    kit, partner, reseller, settings, django_capture_on_commit_callbacks
):
    settings.RENDER_MAX_PAGES = 2
    too_long = make_document(kit, title="Price list", template=TOO_LONG, position=5)
    publish(kit, django_capture_on_commit_callbacks)

    run = PrerenderRun.objects.get(kit=kit)
    assert (run.total, run.done, run.failed) == (8, 6, 2)
    failures = list(PrerenderFailure.objects.filter(run=run).order_by("partner__name"))
    assert [(f.asset, f.partner, f.output_format) for f in failures] == [
        (too_long, partner, "pdf"),
        (too_long, reseller, "pdf"),
    ]
    assert all("page" in f.message.lower() for f in failures)
    assert stored_keys(partner) == expected_keys(kit, partner)  # the others are there
    assert not Rendition.objects.filter(asset_version__asset=too_long).exists()


def test_running_each_task_twice_renders_once_and_counts_once(
    kit, partner, reseller, django_capture_on_commit_callbacks
):
    kit.status = Kit.Status.PUBLISHED
    kit.save()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = prerender_plan(kit=kit, reason=Reason.WENT_LIVE)
    assert len(queued) == run.total == 6
    for send in queued:
        send()
    made = dict(Rendition.objects.values_list("key", "created_at"))
    for send in queued:  # every task delivered a second time
        send()
    assert dict(Rendition.objects.values_list("key", "created_at")) == made
    run.refresh_from_db()
    assert (run.done, run.failed) == (6, 0) == (len(made), 0)


def test_a_task_finding_the_render_under_way_elsewhere_gives_its_worker_back(
    kit, partner, django_capture_on_commit_callbacks
):
    kit.status = Kit.Status.PUBLISHED
    kit.save()
    with django_capture_on_commit_callbacks(execute=False):
        run = prerender_plan(kit=kit, reason=Reason.WENT_LIVE, partner=partner)
    document = kit.assets.get(title="One pager")
    key = renditions.request_for_partner(asset=document, partner=partner).key
    cache.add(f"rendition-lock:{key}", "another worker", timeout=60)
    item = {"run_id": run.pk, "asset_id": document.pk, "partner_id": partner.pk}
    started = time.monotonic()
    with pytest.raises(renditions.RenditionBusy):
        prerender_item(**item, output_format="pdf")
    assert time.monotonic() - started < 10  # not the 90 s a download waits
    assert not Rendition.objects.filter(key=key).exists()
    cache.delete(f"rendition-lock:{key}")
    # Retried later, once the other worker is done (here: gone).
    assert tasks.prerender_render.apply(args=[run.pk, document.pk, partner.pk, "pdf"]).get() == (
        "done"
    )
    assert Rendition.objects.filter(key=key).exists()


def test_the_workspace_shows_progress_and_failures(
    kit, partner, settings, client, django_capture_on_commit_callbacks
):
    from tests.factories import make_marketing_admin

    settings.RENDER_MAX_PAGES = 2
    make_document(kit, title="Price list", template=TOO_LONG, position=5)
    publish(kit, django_capture_on_commit_callbacks)
    client.force_login(make_marketing_admin(email="morgan@northwind.example"))

    html = client.get(reverse("workspace:kit_list")).content.decode()
    assert "6 / 8 rendered" in html
    assert "2 failed</summary>" in html
    assert "“Price list” for Acme Resellers (pdf):" in html
    failures_url = reverse("workspace:kit_prerender_failures", args=[kit.pk])
    assert failures_url in html
    page = client.get(failures_url).content.decode()
    assert "Price list" in page and "Initech Resellers" in page and "page" in page.lower()


def test_a_kit_without_audience_or_cobranded_assets_plans_nothing(
    partner, django_capture_on_commit_callbacks
):
    kit = KitFactory(status=Kit.Status.DRAFT)
    make_file_asset(kit)
    publish(kit, django_capture_on_commit_callbacks)
    assert not PrerenderRun.objects.exists()
    assert not Rendition.objects.exists()
