"""Messaging rules, read: which banned phrases a partner's values may not
contain and which legal lines an output must print, for a kit and a
partner type; and the phrase matching itself.

A phrase matches case-insensitively, as a whole phrase (not inside a longer
word), after NFKC normalisation and with any run of spaces counting as one,
so full-width letters, ligatures and non-breaking spaces do not slip past.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from assets.models import Kit, MessagingRule
from portal.partners.models import PartnerOrganisation, PartnerType


def normalise_phrase(text: str) -> str:
    """NFKC, case-folded, spaces collapsed: the form phrases are compared in."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _pattern(phrase: str) -> re.Pattern:
    words = [re.escape(word) for word in normalise_phrase(phrase).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def banned_phrase_in(value: str, phrases: Iterable[str]) -> str | None:
    """The first of ``phrases`` that ``value`` contains as a whole phrase, as
    the rule spells it; None when there is none."""
    text = normalise_phrase(value)
    if not text:
        return None
    for phrase in phrases:
        if normalise_phrase(phrase) and _pattern(phrase).search(text):
            return phrase
    return None


def rules_for(*, kit: Kit, partner_type: str | None, kind: str) -> QuerySet[MessagingRule]:
    """Rules of ``kind`` that apply to an asset of ``kit`` rendered for a
    partner of ``partner_type`` (None: the kit's own rules only); the
    kit's first."""
    scope = Q(kit_id=kit.pk)
    if partner_type:
        scope |= Q(kit__isnull=True, partner_type=partner_type)
    return MessagingRule.objects.filter(scope, kind=kind).order_by("-kit_id", "created_at", "pk")


def banned_phrases_for(kit: Kit, partner: PartnerOrganisation | None) -> list[str]:
    partner_type = partner.partner_type if partner is not None else None
    rules = rules_for(kit=kit, partner_type=partner_type, kind=MessagingRule.Kind.BANNED_PHRASE)
    return list(rules.values_list("text", flat=True))


def legal_lines_for(kit: Kit, partner: PartnerOrganisation) -> tuple[str, ...]:
    """The legal lines an output of the kit must print for ``partner``."""
    kind = MessagingRule.Kind.LEGAL_LINE
    rules = rules_for(kit=kit, partner_type=partner.partner_type, kind=kind)
    return tuple(rules.values_list("text", flat=True))


def legal_rules_required(kit: Kit) -> list[MessagingRule]:
    """Legal-line rules some output of the kit will have to print: the
    kit's own, and those of the partner types its audience can include
    (every type when the audience names none)."""
    types = list(kit.audience_types or []) or list(PartnerType.values)
    if kit.pk:
        types += list(kit.audience_partners.values_list("partner_type", flat=True))
    scope = Q(kit__isnull=True, partner_type__in=set(types))
    if kit.pk:
        scope |= Q(kit_id=kit.pk)
    rules = MessagingRule.objects.filter(scope, kind=MessagingRule.Kind.LEGAL_LINE)
    return list(rules.order_by("-kit_id", "created_at", "pk"))


def legal_rule_names(kit: Kit | None) -> list[str]:
    """The legal-line rules of `legal_rules_required`, described in words
    for the save check (AssetKindSpec.check_source)."""
    if kit is None:
        return []
    return [f"“{rule.text}” for {rule.scope}" for rule in legal_rules_required(kit)]


def sample_legal_lines(kit: Kit) -> tuple[str, ...]:
    """For previews with sample values: every line the kit may print."""
    return tuple(rule.text for rule in legal_rules_required(kit))


def kit_rules(kit: Kit) -> QuerySet[MessagingRule]:
    return MessagingRule.objects.filter(kit=kit).order_by("kind", "created_at", "pk")


def partner_type_rules() -> QuerySet[MessagingRule]:
    return MessagingRule.objects.filter(kit__isnull=True).order_by(
        "partner_type", "kind", "created_at", "pk"
    )
