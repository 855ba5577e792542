"""Library search on the database the suite runs on (SQLite: the plain
fallback; PostgreSQL: full-text search), with demo-like material."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assets import search
from assets.models import Asset, AssetKind
from assets.selectors import library_search
from tests.factories import (
    AssetFactory,
    KitFactory,
    PartnerFactory,
    TagFactory,
    make_document,
    make_file_asset,
)

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search needs PostgreSQL: set DATABASE_URL=postgres://... to run this test",
)


@pytest.fixture
def library():
    """The shape of the demo's library: a launch kit tagged Backup, an
    events kit, a security kit."""
    spring = KitFactory(title="Spring launch 2026")
    spring.tags.add(
        TagFactory(name="Launch", slug="launch"), TagFactory(name="Backup", slug="backup")
    )
    webinar = KitFactory(title="Partner webinar series")
    webinar.tags.add(TagFactory(name="Events", slug="events"))
    security = KitFactory(title="Security whitepaper pack")
    security.tags.add(TagFactory(name="Security", slug="security"))
    make_file_asset(spring, title="Technical data sheet", description="PDF, for IT buyers.")
    make_document(
        spring,
        title="Cloud backup one-pager",
        description="A4 one-pager with your logo, contact details and QR code.",
    )
    make_document(spring, title="Spring flyer (A4, 2 pages)", description="The launch flyer.")
    make_document(webinar, title="Webinar invitation e-mail", description="Invite customers.")
    make_file_asset(security, title="Ransomware whitepaper", description="For CISOs.")
    return {"spring": spring, "webinar": webinar, "security": security}


def titles(text, partner=None):
    return [a.title for a in library_search(partner or PartnerFactory(), text=text)]


def test_plural_finds_singular(library):
    # The one-pager by its title, the others by their kit's tag.
    assert set(titles("backups")) == {
        "Technical data sheet",
        "Cloud backup one-pager",
        "Spring flyer (A4, 2 pages)",
    }


def test_a_word_written_as_one_finds_it_written_as_two(library):
    assert titles("datasheet") == ["Technical data sheet"]


def test_two_words_find_it_written_as_one(library):
    make_file_asset(library["security"], title="Compliance Datasheet")
    assert set(titles("data sheet")) == {"Compliance Datasheet", "Technical data sheet"}


def test_every_word_must_match_across_title_description_and_tags(library):
    # "backup" from the kit's tag, "pdf" from the description.
    assert titles("backup pdf") == ["Technical data sheet"]
    assert titles("webinar pdf") == []


def test_kit_title_and_tag_are_searched(library):
    assert titles("webinar series") == ["Webinar invitation e-mail"]
    assert titles("security") == ["Ransomware whitepaper"]


def test_a_query_without_words_finds_nothing(library):
    assert titles("!!! ---") == []


def test_search_stays_inside_what_the_partner_sees(library):
    draft = KitFactory(title="Backup secrets", status="draft")
    make_file_asset(draft, title="Backup price list")
    assert "Backup price list" not in titles("backup")


def test_the_index_follows_renames_tags_and_deletions(library):
    spring = library["spring"]
    spring.title = "Autumn campaign"
    spring.save()
    assert set(titles("autumn")) == {
        "Technical data sheet",
        "Cloud backup one-pager",
        "Spring flyer (A4, 2 pages)",
    }
    spring.tags.remove(*spring.tags.filter(slug="backup"))
    assert titles("backup") == ["Cloud backup one-pager"]
    events = library["webinar"].tags.get()
    events.name = "Roadshows"
    events.save()
    assert titles("roadshow") == ["Webinar invitation e-mail"]
    events.delete()
    assert titles("roadshow") == []
    asset = Asset.objects.get(title="Ransomware whitepaper")
    asset.title = "Immutable storage whitepaper"
    asset.save()
    assert titles("immutable") == ["Immutable storage whitepaper"]
    assert titles("ransomware") == []
    library["security"].tags.clear()
    assert titles("security") == ["Immutable storage whitepaper"]  # still the kit's title


def test_a_tag_cleared_from_its_kits_leaves_their_index(library):
    tag = library["webinar"].tags.get()
    tag.kits.clear()
    assert titles("events") == []


def test_reindex_command_repairs_bulk_writes(library):
    kit = KitFactory(title="Bulk kit")
    Asset.objects.bulk_create([Asset(kit=kit, kind=AssetKind.GUIDELINE, title="Partner FAQ")])
    asset = Asset.objects.get(title="Partner FAQ")
    assert asset.search_terms == ""
    call_command("search_reindex", verbosity=0)
    asset.refresh_from_db()
    assert "Bulk kit" in asset.search_terms and "partnerfaq" in asset.search_terms.split()


def test_search_terms_hold_kit_tags_and_joined_pairs():
    terms = search.search_terms_for(
        title="Technical data sheet", kit_title="Spring launch", tag_names=["Backup"]
    )
    assert terms.split() == [
        "Spring",
        "launch",
        "Backup",
        "technicaldata",
        "datasheet",
        "springlaunch",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("backups", "backup"),
        ("companies", "compan"),
        ("classes", "class"),
        ("class", "class"),
        ("boxes", "box"),
        ("emailed", "email"),
        ("pdf", "pdf"),
        ("used", "used"),
    ],
)
def test_fallback_stem(word, expected):
    assert search.stem(word) == expected


def test_library_page_finds_demo_like_assets(partner_client, library):
    for query, expected in [
        ("backups", "Cloud backup one-pager"),
        ("datasheet", "Technical data sheet"),
        ("backup pdf", "Technical data sheet"),
    ]:
        page = partner_client.get(reverse("assets:library"), {"q": query}).content.decode()
        assert expected in page, query
    page = partner_client.get(reverse("assets:library"), {"q": "backup pdf"}).content.decode()
    assert "1 asset match" in page


@pytest.mark.postgres
@on_postgres
def test_postgres_ranks_title_above_tags_above_description():
    kit = KitFactory(title="Quarterly kit")
    kit.tags.add(TagFactory(name="Storage", slug="storage"))
    AssetFactory(kit=kit, kind=AssetKind.GUIDELINE, title="Pricing guide")  # tag only
    AssetFactory(
        kit=KitFactory(title="Other"),
        kind=AssetKind.GUIDELINE,
        title="Brochure",
        description="About storage.",
    )
    AssetFactory(kit=KitFactory(title="Third"), kind=AssetKind.GUIDELINE, title="Storage plans")
    ranked = list(
        search.search_filter(Asset.objects.all(), "storage")
        .order_by("-search_rank", "id")
        .values_list("title", flat=True)
    )
    assert ranked == ["Storage plans", "Pricing guide", "Brochure"]


@pytest.mark.postgres
@on_postgres
def test_postgres_vector_is_stored_and_indexed(library):
    asset = Asset.objects.get(title="Technical data sheet")
    assert asset.search_vector is not None and "'datasheet'" in asset.search_vector
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'assets_asset_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "gin (search_vector)" in definition


@pytest.mark.postgres
@on_postgres
def test_postgres_web_search_syntax(library):
    assert "Cloud backup one-pager" not in titles('backup -"one pager"')
    assert set(titles("webinar or ransomware")) == {
        "Webinar invitation e-mail",
        "Ransomware whitepaper",
    }


def _add_assets(count, kits=5, start=0):
    """`count` guideline assets (shown without a version) over `kits` kits,
    written in bulk and indexed."""
    new_kits = [KitFactory(title=f"Campaign {start + i}") for i in range(kits)]
    Asset.objects.bulk_create(
        Asset(
            kit=new_kits[i % kits],
            kind=AssetKind.GUIDELINE,
            title=f"Backup guide {start + i}" if i % 10 == 0 else f"Sales guide {start + i}",
            description="How to talk about it.",
            position=i,
        )
        for i in range(count)
    )
    search.search_index_refresh()


def test_library_page_queries_do_not_grow_with_the_library(
    partner_client, django_assert_num_queries
):
    from django.db import connection as default
    from django.test.utils import CaptureQueriesContext

    pages = [reverse("assets:library"), reverse("assets:library") + "?q=backup+guides"]
    _add_assets(100)
    counts = []
    for url in pages:
        partner_client.get(url)  # the session and the partner, once
        with CaptureQueriesContext(default) as queries:
            response = partner_client.get(url)
        assert response.status_code == 200 and "asset-card" in response.content.decode()
        counts.append(len(queries))
    assert min(counts) >= 4  # the partner, the filter options, the count, the page
    _add_assets(900, kits=45, start=100)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_num_queries(count):
            response = partner_client.get(url)
        assert "Page 1" in response.content.decode()
    # 1,000 assets are counted up to the cap only, and that is said; 100 exactly.
    assert "More than 240 assets" in partner_client.get(pages[0]).content.decode()
    assert "100 assets match" in partner_client.get(pages[1]).content.decode()


def _titles(html: str) -> list[str]:
    import re

    return re.findall(r"(?:Backup|Sales) guide \d+", html)


def test_library_counts_up_to_a_cap_and_every_page_is_reachable(partner_client, monkeypatch):
    import re

    from django.db import connection as default
    from django.test.utils import CaptureQueriesContext

    from assets import views

    monkeypatch.setattr(views, "LIBRARY_PAGE_SIZE", 5)
    monkeypatch.setattr(views, "LIBRARY_COUNT_CAP", 10)
    _add_assets(33, kits=3)
    url, seen, pages = reverse("assets:library"), [], []
    while url:
        with CaptureQueriesContext(default) as queries:
            html = partner_client.get(url).content.decode()
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert counts and all("LIMIT" in sql.upper() for sql in counts)
        pages.append(re.search(r"Page \d+( of \d+)?", html).group(0))
        seen += _titles(html)
        following = re.search(r'href="\?page=(\d+)">Next', html)
        url = reverse("assets:library") + f"?page={following.group(1)}" if following else ""
    assert len(seen) == len(set(seen)) == 33
    # The total shows once the pages counted reach it; before, "more than".
    assert pages[:2] == ["Page 1", "Page 2"] and pages[-1] == "Page 7 of 7"
    first = partner_client.get(reverse("assets:library")).content.decode()
    assert "More than 10 assets" in first
    back = partner_client.get(reverse("assets:library") + "?page=3").content.decode()
    assert 'href="?page=2">Previous' in back
    # Past the end: the last page, as before.
    beyond = partner_client.get(reverse("assets:library") + "?page=99").content.decode()
    assert "Page 7 of 7" in beyond and len(_titles(beyond)) == 3
