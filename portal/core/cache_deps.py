"""What each family of cached answers depends on: the one list.

Two families of answers are cached under a generation
(portal/core/generations.py), and each is retired at once when anything
listed for it changes:

- "downloads": download passes (assets/download_passes.py), the remembered
  decision that a session may have a co-branded file;
- "landing": which page a public address shows and whether it is live
  (portal/landing/public.py).

Models are named by label ("assets.Kit") because this module imports no
app; `connect(family)` resolves them when the app owning the cache is
ready. `needs`: any save or delete. `deletes_only`: only deleting a row
matters (a new rendition changes no pass; deleting a region removes it
from kit audiences, which sends no many-to-many signal). Tiers are listed
in full: deleting one removes it from kit audiences, and a change of rank
changes who a "this tier and above" audience reaches.
`relations`: many-to-many fields ("app.Model.field"). `ignore_fields`: a
save writing only these fields changes nothing the family reads.

Saves and deletes send signals; QuerySet.update(), bulk_create(),
bulk_update() and raw SQL do not. A write of that sort to a listed model
must call `retire(label)` itself (tests/portal/test_cache_deps.py fails
on one that doesn't). The writes of that sort today touch no listed model
in a way that matters: download events and page-view counts are not listed,
and a rendition's last_used_at changes no answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.core.generations import Generation


@dataclass(frozen=True)
class Needs:
    models: tuple[str, ...]
    deletes_only: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    ignore_fields: tuple[str, ...] = ()

    def labels(self) -> set[str]:
        return {*self.models, *self.deletes_only}


KIT_AUDIENCE = ("assets.Kit.audience_tiers", "assets.Kit.audience_regions")
KIT_AUDIENCE += ("assets.Kit.audience_partners",)

FAMILIES: dict[str, Needs] = {
    # Everything a download's decision and its file depend on: who the user
    # is, the membership and organisation, the kit's dates and audience, the
    # asset and its version, the brand and field values that make the file.
    "downloads": Needs(
        models=(
            "accounts.User",
            "partners.Membership",
            "partners.PartnerOrganisation",
            "partners.BrandProfile",
            # A tier's rank decides who "Gold and above" reaches
            # (Kit.audience_min_tier, a column of the kit: covered by Kit).
            "partners.Tier",
            "assets.Kit",
            "assets.Asset",
            "assets.AssetVersion",
            "assets.EditableField",
            "assets.FieldValues",
            # Legal lines are printed in outputs (and in the rendition key).
            "assets.MessagingRule",
        ),
        # A pruned rendition must not be served from a pass.
        deletes_only=("assets.Rendition", "partners.Region"),
        relations=KIT_AUDIENCE,
        # Signing in writes last_login; that changes nothing a download checks.
        ignore_fields=("last_login",),
    ),
    # Everything a public page's state and HTML key depend on.
    "landing": Needs(
        models=(
            "partners.PartnerOrganisation",
            "partners.BrandProfile",
            "partners.Tier",  # its rank, for "this tier and above" audiences
            "assets.Kit",
            "assets.Asset",
            "assets.AssetVersion",
            "assets.EditableField",
            "landing.LandingPage",
            "assets.MessagingRule",
        ),
        deletes_only=("partners.Region", "assets.Tag"),
        relations=(*KIT_AUDIENCE, "assets.Kit.tags"),
    ),
}

GENERATIONS: dict[str, Generation] = {name: Generation(name) for name in FAMILIES}


def families_of(label: str) -> list[str]:
    """The families a change of model `label` ("assets.Kit") retires."""
    label = label.lower()
    return [
        name
        for name, needs in FAMILIES.items()
        if label in {known.lower() for known in needs.labels()}
    ]


def retire(*labels: str) -> None:
    """Retire every family that depends on these models: for writes that
    send no signals (QuerySet.update, bulk writes, raw SQL). Call it inside
    the transaction of the write; the families are retired again once it
    commits."""
    for name in sorted({family for label in labels for family in families_of(label)}):
        GENERATIONS[name].changed()


def connect(family: str) -> Generation:
    """Follow the family's needs: every listed change retires it. Called
    from the ready() of the app that owns the cache."""
    from django.apps import apps

    needs = FAMILIES[family]

    def relation(path: str):
        label, field = path.rsplit(".", 1)
        return getattr(apps.get_model(label), field)

    generation = GENERATIONS[family]
    generation.follow(
        *(apps.get_model(label) for label in needs.models),
        deletes_only=tuple(apps.get_model(label) for label in needs.deletes_only),
        relations=tuple(relation(path) for path in needs.relations),
        ignore_fields=needs.ignore_fields,
    )
    return generation
