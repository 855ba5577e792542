"""The one list of what each cached family depends on: every change it lists
retires the family, and no write that sends no signals slips past it."""

import re
import uuid
from pathlib import Path

import pytest
from django.apps import apps

from assets.models import FieldValues, Kit, MessagingRule, Rendition
from portal.core import cache_deps
from portal.landing.models import LandingPage
from tests.factories import (
    AssetFactory,
    BrandProfileFactory,
    KitFactory,
    MembershipFactory,
    PartnerFactory,
    RegionFactory,
    TagFactory,
    TierFactory,
    UserFactory,
    make_document,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _rendition():
    asset = make_document()
    return Rendition.objects.create(
        key=uuid.uuid4().hex,
        asset_version=asset.current_version,
        organisation=PartnerFactory(),
        output_format="pdf",
        file="renditions/xx/made-up.pdf",
        filename="made-up.pdf",
        content_type="application/pdf",
        size=1,
        render_ms=1,
    )


# How to make one row of each model a family may list.
MAKERS = {
    "accounts.user": lambda: UserFactory(),
    "partners.membership": lambda: MembershipFactory(),
    "partners.partnerorganisation": lambda: PartnerFactory(),
    "partners.brandprofile": lambda: BrandProfileFactory(organisation=PartnerFactory()),
    "partners.tier": lambda: TierFactory(name=f"Tier {uuid.uuid4().hex[:6]}"),
    "partners.region": lambda: RegionFactory(name=f"Region {uuid.uuid4().hex[:6]}"),
    "assets.kit": lambda: KitFactory(),
    "assets.tag": lambda: TagFactory(),
    "assets.asset": lambda: AssetFactory(),
    "assets.assetversion": lambda: make_document().current_version,
    "assets.editablefield": lambda: make_document().editable_fields.get(),
    "assets.fieldvalues": lambda: FieldValues.objects.create(
        asset=make_document(), organisation=PartnerFactory(), values={"headline": "Hi"}
    ),
    "assets.rendition": _rendition,
    "assets.messagingrule": lambda: MessagingRule.objects.create(
        kind="legal_line", text="Offers subject to status.", kit=KitFactory()
    ),
    "landing.landingpage": lambda: LandingPage.objects.create(
        organisation=PartnerFactory(), asset=make_document(), slug="spring"
    ),
}


def make(label: str):
    maker = MAKERS.get(label.lower())
    assert maker is not None, f"{label} is listed in portal/core/cache_deps.py: add a maker here"
    return maker()


def generations(families):
    return {name: cache_deps.GENERATIONS[name].current() for name in families}


def all_labels() -> list[str]:
    return sorted({label for needs in cache_deps.FAMILIES.values() for label in needs.labels()})


def all_relations() -> list[str]:
    return sorted({path for needs in cache_deps.FAMILIES.values() for path in needs.relations})


@pytest.mark.parametrize("label", all_labels())
def test_each_listed_model_retires_every_family_that_lists_it(label):
    families = cache_deps.families_of(label)
    saves_count = [f for f in families if label in cache_deps.FAMILIES[f].models]
    instance = make(label)
    before = generations(families)
    instance.save()
    after_save = generations(families)
    for family in saves_count:
        assert after_save[family] != before[family], f"saving {label} left {family}"
    instance.delete()
    after_delete = generations(families)
    for family in families:
        assert after_delete[family] != after_save[family], f"deleting {label} left {family}"


@pytest.mark.parametrize("path", all_relations())
def test_each_listed_relation_retires_every_family_that_lists_it(path):
    label, name = path.rsplit(".", 1)
    families = [f for f, needs in cache_deps.FAMILIES.items() if path in needs.relations]
    model = apps.get_model(label)
    owner = make(label)
    target = make(model._meta.get_field(name).related_model._meta.label)
    manager = getattr(owner, name)
    before = generations(families)
    manager.add(target)
    added = generations(families)
    manager.remove(target)
    removed = generations(families)
    for family in families:
        assert added[family] != before[family], f"adding to {path} left {family}"
        assert removed[family] != added[family], f"removing from {path} left {family}"


def test_models_both_families_read_retire_both():
    shared = set(cache_deps.FAMILIES["downloads"].models) & set(
        cache_deps.FAMILIES["landing"].models
    )
    assert {"partners.PartnerOrganisation", "assets.Kit", "partners.BrandProfile"} <= shared
    kit = KitFactory()
    before = generations(cache_deps.FAMILIES)
    kit.title = "Renamed"
    kit.save()
    after = generations(cache_deps.FAMILIES)
    assert all(after[name] != before[name] for name in cache_deps.FAMILIES)


def test_a_tier_leaving_a_kit_audience_by_deletion_retires_both():
    """Deleting a tier drops it from kit audiences without any m2m signal."""
    kit = KitFactory()
    tier = make("partners.Tier")
    kit.audience_tiers.add(tier)
    before = generations(cache_deps.FAMILIES)
    tier.delete()
    assert not Kit.audience_tiers.through.objects.filter(kit=kit).exists()
    after = generations(cache_deps.FAMILIES)
    assert all(after[name] != before[name] for name in cache_deps.FAMILIES)


def test_a_tier_changing_rank_retires_both():
    """A kit for "Silver and above" reaches other partners once a tier moves."""
    tier = make("partners.Tier")
    KitFactory(audience_min_tier=tier)
    before = generations(cache_deps.FAMILIES)
    tier.rank += 5
    tier.save()
    after = generations(cache_deps.FAMILIES)
    assert all(after[name] != before[name] for name in cache_deps.FAMILIES)


def test_a_last_login_alone_keeps_download_passes():
    user = UserFactory()
    before = cache_deps.GENERATIONS["downloads"].current()
    user.save(update_fields=["last_login"])
    assert cache_deps.GENERATIONS["downloads"].current() == before


def test_retire_bumps_exactly_the_families_that_list_the_model():
    before = generations(cache_deps.FAMILIES)
    cache_deps.retire("landing.LandingPage")
    after = generations(cache_deps.FAMILIES)
    assert after["landing"] != before["landing"] and after["downloads"] == before["downloads"]
    cache_deps.retire("assets.Kit")
    both = generations(cache_deps.FAMILIES)
    assert all(both[name] != after[name] for name in cache_deps.FAMILIES)


def test_every_listed_name_is_a_real_model_or_relation():
    for label in all_labels():
        apps.get_model(label)
    for path in all_relations():
        label, name = path.rsplit(".", 1)
        assert apps.get_model(label)._meta.get_field(name).many_to_many, path


# --- Writes that send no signals ------------------------------------------------

SIGNAL_LESS = re.compile(
    r"(?P<model>\b[A-Z]\w*)\.objects\b[^\n]*?\.(?:update|bulk_create|bulk_update)\(|"
    r"cursor\.execute\("
)
# Writes that send no signals and touch nothing a family reads, each with why.
KNOWN_SIGNAL_LESS = {
    # A rendition's last use: only deleting a rendition matters to passes.
    ("assets/renditions.py", "Rendition"),
    # The search index: neither passes nor landing pages read its fields.
    ("assets/search.py", "Asset"),
    # Download events and page-view counts are not listed.
    ("assets/services.py", None),  # download_record: INSERT INTO assets_downloadevent
    ("portal/landing/services.py", None),  # page views: UPDATE landing_pageviewday
    ("portal/landing/services.py", "PageViewDay"),
    ("portal/health.py", None),  # the health check's SELECT 1
}


def _code_files():
    for top in ("portal", "assets"):
        for path in (ROOT / top).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith("assets/rendering/"):
                continue
            yield relative, path.read_text()


def test_writes_that_send_no_signals_retire_the_caches_themselves():
    listed = {label.rsplit(".", 1)[1] for label in all_labels()}
    unexplained = []
    for relative, text in _code_files():
        retires = "cache_deps.retire(" in text
        for match in SIGNAL_LESS.finditer(text):
            model = match.group("model")
            if (relative, model) in KNOWN_SIGNAL_LESS:
                continue
            if model is not None and model not in listed:
                continue
            if model is not None and retires:
                continue
            unexplained.append(f"{relative}: {match.group(0)}")
    assert unexplained == [], (
        "writes that send no signals: call cache_deps.retire() for a listed model, "
        "or explain them in KNOWN_SIGNAL_LESS"
    )
