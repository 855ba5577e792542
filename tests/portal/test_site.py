import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.urls import get_resolver, reverse

from assets.roles import MARKETING_ADMINS, marketing_admin_codenames
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_a_content_security_policy(client, partner_client):
    for c, url in (
        (client, reverse("accounts:login")),
        (partner_client, reverse("home:dashboard")),
        (client, "/no-such-page/"),
    ):
        policy = c.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_pages_carry_no_inline_script(partner_client):
    html = partner_client.get(reverse("home:dashboard")).content.decode()
    assert "<script>" not in html and "onclick" not in html


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404 and "This page isn" in response.content.decode()


def test_server_error_page_is_styled_by_the_site_stylesheet(rf):
    # The site's policy (style-src 'self') blocks inline style attributes.
    handler = get_resolver().resolve_error_handler(500)
    response = handler(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on our side" in html
    assert not re.search(r"<[^>]+\sstyle\s*=", html) and "<style" not in html
    body_class = re.search(r'<body class="([^"]+)"', html)[1]
    stylesheet = re.search(r'<link rel="stylesheet" href="/static/([^"]+)"', html)[1]
    assert f".{body_class} " in Path(finders.find(stylesheet)).read_text()


def test_marketing_admin_group_has_exactly_its_permissions():
    group = Group.objects.get(name=MARKETING_ADMINS)
    granted = {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }
    assert granted == marketing_admin_codenames()
    assert ("accounts", "change_user") not in granted


def test_marketing_admin_can_manage_kits_but_not_users(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    client.force_login(staff)
    assert client.get(reverse("admin:assets_kit_add")).status_code == 200
    assert client.get(reverse("admin:assets_asset_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_partner_users_cannot_enter_the_admin(partner_client):
    response = partner_client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    """Production settings as an operator would run them: only the secret set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="partners.example.com",
        DJANGO_SETTINGS_MODULE="portal.settings",
        COBRAND_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
