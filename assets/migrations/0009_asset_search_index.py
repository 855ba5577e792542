import django.contrib.postgres.search
from django.db import migrations, models

INDEX = "assets_asset_search_vector_gin"


def fill_index(apps, schema_editor):
    """Index the assets that exist (assets/search.py keeps it up to date from now on)."""
    from django.contrib.postgres.search import SearchVector

    from assets.search import CONFIG, search_terms_for, search_text_for

    Asset = apps.get_model("assets", "Asset")
    Kit = apps.get_model("assets", "Kit")
    kits = {
        kit.pk: (kit.title, [tag.name for tag in kit.tags.all()])
        for kit in Kit.objects.prefetch_related("tags")
    }
    assets = list(Asset.objects.only("pk", "title", "description", "kit_id"))
    for asset in assets:
        kit_title, tag_names = kits[asset.kit_id]
        asset.search_terms = search_terms_for(
            title=asset.title, kit_title=kit_title, tag_names=tag_names
        )
        asset.search_text = search_text_for(
            title=asset.title, description=asset.description, terms=asset.search_terms
        )
    Asset.objects.bulk_update(assets, ["search_terms", "search_text"], batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        Asset.objects.update(
            search_vector=SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("search_terms", weight="B", config=CONFIG)
            + SearchVector("description", weight="C", config=CONFIG)
        )


def create_gin_index(apps, schema_editor):
    # PostgreSQL only: SQLite has no GIN indexes and no use for the vector.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON assets_asset USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0008_prerender_runs_and_kit_bundles"),
    ]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="search_terms",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="asset",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="asset",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
