from pathlib import Path

import pytest

from assets.models import AssetKind, EditableField
from assets.services import asset_version_create
from portal.landing import services
from tests.factories import AssetFactory, KitFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: An event sign-up page: a headline, the event's date and a call to action.
LANDING_TEMPLATE = (FIXTURES / "landing.html").read_text()
LANDING_FIELDS = (
    {
        "name": "headline",
        "label": "Headline",
        "max_length": 80,
        "required": True,
        "default": "See Northwind Backup live",
    },
    {"name": "event_date", "label": "Event date", "field_type": "date", "default": ""},
    {
        "name": "call_to_action",
        "label": "Call to action",
        "field_type": "choice",
        "choices": ["Save my seat", "Book a demo"],
        "default": "Save my seat",
    },
)


def make_landing_asset(kit=None, *, title="Live demo sign-up page", template=LANDING_TEMPLATE):
    asset = AssetFactory(
        kit=kit or KitFactory(title="Spring launch", summary="Launch kit."),
        kind=AssetKind.LANDING_PAGE,
        title=title,
        description="Join a live demo of cloud backup.",
    )
    for i, spec in enumerate(LANDING_FIELDS):
        EditableField.objects.create(asset=asset, position=i, **spec)
    asset_version_create(asset=asset, template=template)
    return asset


@pytest.fixture
def landing_asset(db):
    return make_landing_asset()


@pytest.fixture
def published_page(partner, landing_asset, partner_user):
    return services.landing_page_publish(
        organisation=partner,
        asset=landing_asset,
        values={"headline": "Backups for Leeds", "call_to_action": "Book a demo"},
        by=partner_user,
    )


def lead_data(**extra):
    from portal.landing.public import new_token

    data = {
        "name": "Jo Visitor",
        "email": "jo@example.org",
        "company": "Jo Ltd",
        "message": "Call me",
        "consent": "on",
        "token": new_token(),
        "ref": "",
    }
    data.update(extra)
    return data
