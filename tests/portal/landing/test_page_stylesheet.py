"""A landing page asset's stylesheet styles the public page."""

import base64
import hashlib
import re

from django.urls import reverse

from assets.services import asset_version_create
from tests.portal.landing.conftest import LANDING_TEMPLATE


def test_the_stylesheet_is_on_the_page_and_allowed_by_its_policy(
    client, published_page, landing_asset
):
    url = reverse(
        "landing:public_page", args=[published_page.organisation.slug, published_page.slug]
    )
    assert ".hero { color: #aa0000 }" not in client.get(url).content.decode()
    asset_version_create(
        asset=landing_asset,
        template=LANDING_TEMPLATE,
        stylesheet=".hero { color: #aa0000 } </style><script>x()</script>",
    )
    response = client.get(url)
    html = response.content.decode()
    [css] = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    assert ".hero { color: #aa0000 }" in css and "</style><script>" not in html
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response["Content-Security-Policy"]
