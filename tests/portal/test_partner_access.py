import pytest

from portal.accounts.models import User
from portal.partners.access import current_membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_membership_comes_with_its_organisation_in_one_query(
    partner_user, django_assert_num_queries
):
    user = User.objects.get(pk=partner_user.pk)
    with django_assert_num_queries(1):
        membership = current_membership(user)
        assert membership.organisation.slug == "acme"


def test_users_without_a_membership_have_none(db):
    assert current_membership(UserFactory()) is None
