"""Every workspace URL, swept: a marketing admin reaches it; partner admins,
partner users and staff outside the Marketing admins group get 404 whatever
the method; anonymous visitors are sent to sign in. A new workspace URL
fails `test_every_workspace_url_is_listed` until it is listed here."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import KitFactory, UserFactory, make_file_asset, png_bytes
from tests.portal.workspace.helpers import make_email
from tests.portal.workspace.zone_support import make_pdf_layout_asset

#: URL name -> a function of the sweep's objects giving the URL's kwargs.
WORKSPACE = {
    "workspace:kit_list": lambda objects: {},
    "workspace:asset_upload": lambda objects: {"pk": objects["kit"].pk},
    "workspace:asset_upload_file": lambda objects: {"pk": objects["kit"].pk},
    "workspace:asset_edit": lambda objects: {"pk": objects["asset"].pk},
    "workspace:asset_thumbnail": lambda objects: {"pk": objects["asset"].pk},
    "workspace:kit_export": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_import": lambda objects: {},
    "workspace:zone_editor": lambda objects: {"pk": objects["pdf_layout"].pk},
    "workspace:zone_page_image": lambda objects: {"pk": objects["pdf_layout"].pk, "page": 1},
    "workspace:layout_schema": lambda objects: {},
    "workspace:asset_preview": lambda objects: {"pk": objects["pdf_layout"].pk},
    "workspace:asset_preview_page": lambda objects: {"pk": objects["pdf_layout"].pk},
    "workspace:asset_preview_frame": lambda objects: {"pk": objects["email"].pk},
    "workspace:kit_check": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_rules": lambda objects: {"pk": objects["kit"].pk},
    "workspace:rules": lambda objects: {},
    "workspace:kit_create": lambda objects: {},
    "workspace:kit_audience_reach": lambda objects: {},
    "workspace:kit_detail": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_edit": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_cover": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_publish": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_schedule": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_expire": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_archive": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_duplicate": lambda objects: {"pk": objects["kit"].pk},
    "workspace:kit_prerender_failures": lambda objects: {"pk": objects["kit"].pk},
}


def _workspace_names():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "workspace":
            for pattern in entry.url_patterns:
                if getattr(pattern, "name", None):
                    yield f"workspace:{pattern.name}"


def test_every_workspace_url_is_listed():
    assert set(_workspace_names()) == set(WORKSPACE)


@pytest.fixture
def objects(db):
    kit = KitFactory()
    kit.cover_image.save("cover.png", ContentFile(png_bytes(80, 60)), save=True)
    asset = make_file_asset(kit)
    asset.thumbnail.save("thumb.png", ContentFile(png_bytes(40, 40)), save=True)
    return {
        "kit": kit,
        "asset": asset,
        "pdf_layout": make_pdf_layout_asset(pages=2),
        "email": make_email(kit),
    }


@pytest.mark.parametrize("name", sorted(WORKSPACE))
def test_outsiders_get_404_for_every_method(name, objects, client, partner_admin, partner_user):
    url = reverse(name, kwargs=WORKSPACE[name](objects))
    for user in (partner_admin, partner_user, UserFactory(is_staff=True)):
        client.force_login(user)
        for method in (client.get, client.post):
            assert method(url).status_code == 404, (name, user, method)


@pytest.mark.parametrize("name", sorted(WORKSPACE))
def test_anonymous_visitors_sign_in_first(name, objects, client):
    url = reverse(name, kwargs=WORKSPACE[name](objects))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(WORKSPACE))
def test_marketing_admins_reach_it(name, objects, ws_client):
    url = reverse(name, kwargs=WORKSPACE[name](objects))
    assert ws_client.get(url).status_code in (200, 302, 405)
