import pytest

from tests.factories import make_marketing_admin


@pytest.fixture
def marketing_admin(db):
    return make_marketing_admin(email="morgan@northwind.example")


@pytest.fixture
def ws_client(client, marketing_admin):
    """A client signed in as a marketing admin."""
    client.force_login(marketing_admin)
    return client
