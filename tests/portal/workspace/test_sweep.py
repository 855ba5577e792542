"""Every workspace URL, swept: a marketing admin reaches it; partner admins,
partner users and staff outside the Marketing admins group get 404 whatever
the method; anonymous visitors are sent to sign in. A new workspace URL
fails `test_every_workspace_url_is_listed` until it is listed here."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import KitFactory, UserFactory

#: URL name -> a function of the sweep's objects giving the URL's kwargs.
WORKSPACE = {
    "workspace:kit_list": lambda objects: {},
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
    return {"kit": KitFactory()}


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
