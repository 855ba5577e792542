"""Library search: the index kept on each asset, and the query.

On PostgreSQL an asset matches through full-text search: the stored
`search_vector` weighs the title (A) above the kit's title and tags (B) and
the description (C), with the 'english' configuration (so "backups" finds
"backup"); the query is read as a web search ("backup pdf" needs both words,
"backup or pdf" either, "-webinar" excludes, quotes keep a phrase) and
results are ordered by rank. The vector is GIN-indexed (migration 0005).

On SQLite (development, tests) the fallback is a plain match: every word of
the query, lower-cased and with a simple suffix stripped ("backups" ->
"backup", "companies" -> "compan"), must occur somewhere in the title,
description, kit title or tags, all of which `Asset.search_text` holds
lower-cased and without spaces; a query of several words also matches when
it occurs with its own spaces taken out. Substrings count, even across
words: "pdf" matches "pdfs" and "data" matches "database". Results keep the
library's usual order.

On both, compound words work either way round: the index holds every pair
of adjacent words joined up ("data sheet" -> "datasheet"), so "datasheet"
finds "Technical data sheet", and a query of plain words is also tried with
its spaces taken out, so "data sheet" finds "Datasheet".

The index (`Asset.search_terms` and `search_text`, and `search_vector` on
PostgreSQL) is refreshed by `search_index_refresh`, called on every save of an asset,
kit or tag and every change of a kit's tags (signals connected in
assets/apps.py). Bulk writes (`bulk_create`, `QuerySet.update`) bypass the
signals: call `search_index_refresh` after them, or run
`manage.py search_reindex`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet

from assets.models import Asset, Kit, Tag

CONFIG = "english"
WORD = re.compile(r"[^\W_]+")
# A query of only these characters is plain words (no web-search operators).
PLAIN_QUERY = re.compile(r"[\w\s]+")
BATCH = 500

VECTOR = (
    SearchVector("title", weight="A", config=CONFIG)
    + SearchVector("search_terms", weight="B", config=CONFIG)
    + SearchVector("description", weight="C", config=CONFIG)
)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


# --- The index -----------------------------------------------------------------


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def joined_pairs(text: str) -> list[str]:
    """Every two adjacent words written as one: "Technical data sheet" ->
    ["technicaldata", "datasheet"]."""
    found = words(text)
    return [first + second for first, second in zip(found, found[1:], strict=False)]


def search_terms_for(*, title: str, kit_title: str, tag_names: Iterable[str]) -> str:
    """What an asset is found by besides its own title and description."""
    tag_names = list(tag_names)
    pairs = [pair for text in (title, kit_title, *tag_names) for pair in joined_pairs(text)]
    return " ".join([kit_title, *tag_names, *dict.fromkeys(pairs)])


def search_text_for(*, title: str, description: str, terms: str) -> str:
    """The SQLite fallback's haystack: everything searched, lower-cased,
    without spaces."""
    return re.sub(r"\s+", "", f"{title} {description} {terms}".lower())


def search_index_refresh(*, assets: QuerySet[Asset] | None = None) -> int:
    """Recompute the search index of `assets` (all of them when None).
    Returns how many were refreshed."""
    assets = Asset.objects.all() if assets is None else assets
    rows = list(assets.order_by().values_list("pk", "title", "description", "kit_id"))
    if not rows:
        return 0
    kits = {
        kit.pk: kit
        for kit in Kit.objects.filter(pk__in={row[-1] for row in rows})
        .only("pk", "title")
        .prefetch_related("tags")
    }
    kit_terms = {pk: (kit.title, [tag.name for tag in kit.tags.all()]) for pk, kit in kits.items()}
    updated = []
    for pk, title, description, kit_id in rows:
        kit_title, tag_names = kit_terms[kit_id]
        terms = search_terms_for(title=title, kit_title=kit_title, tag_names=tag_names)
        text = search_text_for(title=title, description=description, terms=terms)
        updated.append(Asset(pk=pk, search_terms=terms, search_text=text))
    # Neither download passes nor landing pages read these fields.
    Asset.objects.bulk_update(updated, ["search_terms", "search_text"], batch_size=BATCH)
    if uses_full_text():
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), BATCH):
            Asset.objects.filter(pk__in=ids[start : start + BATCH]).update(search_vector=VECTOR)
    return len(rows)


# --- The query -----------------------------------------------------------------


def stem(word: str) -> str:
    """A rough English stem for the SQLite fallback, used as a substring:
    it only has to be contained in the word's other forms ("companies" ->
    "compan", "pages" -> "pag", "classes" -> "class", "backups" -> "backup")."""
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ss"):
        return word
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def search_filter(assets: QuerySet[Asset], text: str) -> QuerySet[Asset]:
    """`assets` that match `text`, best first on PostgreSQL (ordering by
    "-search_rank" before anything else)."""
    found = words(text)
    if not found:
        return assets.none()
    if uses_full_text():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        if len(found) > 1 and PLAIN_QUERY.fullmatch(text):
            query |= SearchQuery("".join(found), search_type="plain", config=CONFIG)
        return assets.filter(search_vector=query).annotate(
            search_rank=SearchRank(F("search_vector"), query)
        )
    every_word = Q()
    for word in found:
        every_word &= Q(search_text__contains=stem(word))
    if len(found) > 1:
        every_word |= Q(search_text__contains=stem("".join(found)))
    return assets.filter(every_word)


# --- Keeping the index right ------------------------------------------------------

INDEXED_ASSET_FIELDS = {"title", "description", "kit", "kit_id"}


def _asset_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and not INDEXED_ASSET_FIELDS & set(update_fields)):
        return
    search_index_refresh(assets=Asset.objects.filter(pk=instance.pk))


def _kit_saved(sender, instance, update_fields=None, raw=False, created=False, **kwargs):
    if raw or created or (update_fields is not None and "title" not in update_fields):
        return
    search_index_refresh(assets=Asset.objects.filter(kit_id=instance.pk))


def _kit_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        kit_ids = [instance.pk]
    elif pk_set:
        kit_ids = list(pk_set)
    else:  # tag.kits.clear(): which kits it left is gone; refresh what it had
        kit_ids = getattr(instance, "_search_kit_ids", [])
    search_index_refresh(assets=Asset.objects.filter(kit_id__in=kit_ids))


def _tag_kits_clearing(sender, instance, action, reverse, **kwargs):
    # tag.kits.clear(): remember the kits it was on, which post_clear no longer knows.
    if action == "pre_clear" and reverse:
        instance._search_kit_ids = list(instance.kits.values_list("pk", flat=True))


def _tag_deleting(sender, instance, **kwargs):
    # A deleted tag leaves its kits without a many-to-many signal.
    instance._search_kit_ids = list(instance.kits.values_list("pk", flat=True))


def _tag_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    search_index_refresh(assets=Asset.objects.filter(kit__tags=instance))


def _tag_deleted(sender, instance, **kwargs):
    kit_ids = getattr(instance, "_search_kit_ids", [])
    search_index_refresh(assets=Asset.objects.filter(kit_id__in=kit_ids))


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    uid = "assets.search"
    post_save.connect(_asset_saved, sender=Asset, dispatch_uid=f"{uid}.asset")
    post_save.connect(_kit_saved, sender=Kit, dispatch_uid=f"{uid}.kit")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid=f"{uid}.tag")
    m2m_changed.connect(_kit_tags_changed, sender=Kit.tags.through, dispatch_uid=f"{uid}.tags")
    m2m_changed.connect(
        _tag_kits_clearing, sender=Kit.tags.through, dispatch_uid=f"{uid}.tags_clear"
    )
    pre_delete.connect(_tag_deleting, sender=Tag, dispatch_uid=f"{uid}.tag_delete")
    post_delete.connect(_tag_deleted, sender=Tag, dispatch_uid=f"{uid}.tag_deleted")
