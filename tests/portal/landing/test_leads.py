import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assets.roles import MARKETING_ADMINS
from portal.core.csv_export import csv_cell
from portal.landing.models import Lead
from tests.factories import MembershipFactory, UserFactory
from tests.portal.landing.conftest import lead_data

pytestmark = pytest.mark.django_db

HOSTILE = {
    "name": '<script>alert("n")</script>',
    "company": '=HYPERLINK("http://evil.example","click")',
    "message": "<img src=x onerror=alert(1)>\n" + "A" * 1900,
}


def _url(page, query=""):
    return reverse("landing:public_page", args=[page.organisation.slug, page.slug]) + query


def _thanks(page):
    return reverse("landing:public_thanks", args=[page.organisation.slug, page.slug])


def test_a_lead_is_stored_with_its_attribution(client, published_page, landing_asset):
    query = (
        "?utm_source=linkedin&utm_medium=social&utm_campaign=spring"
        "&utm_term=backup&utm_content=card"
    )
    data = lead_data(ref="https://www.linkedin.com/feed/")
    sent = timezone.now()
    response = client.post(_url(published_page, query), data)
    assert response.status_code == 302 and response["Location"] == _thanks(published_page)
    lead = Lead.objects.get()
    assert (lead.organisation, lead.page, lead.asset_version) == (
        published_page.organisation,
        published_page,
        landing_asset.current_version,
    )
    assert (lead.name, lead.email, lead.company, lead.message, lead.consent) == (
        "Jo Visitor",
        "jo@example.org",
        "Jo Ltd",
        "Call me",
        True,
    )
    assert (
        lead.utm_source,
        lead.utm_medium,
        lead.utm_campaign,
        lead.utm_term,
        lead.utm_content,
    ) == ("linkedin", "social", "spring", "backup", "card")
    assert lead.referrer == "https://www.linkedin.com/feed/"
    assert sent <= lead.created_at <= timezone.now()
    thanks = client.get(_thanks(published_page))
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()


def test_the_page_remembers_where_the_visitor_came_from(client, published_page):
    html = client.get(
        _url(published_page), HTTP_REFERER='https://news.example/?q="<x>"'
    ).content.decode()
    assert 'name="ref" value="https://news.example/?q=&quot;&lt;x&gt;&quot;"' in html


def test_a_double_submit_makes_one_lead(client, published_page, django_capture_on_commit_callbacks):
    data = lead_data()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_url(published_page), data)
        second = client.post(_url(published_page), data)
    assert first["Location"] == second["Location"] == _thanks(published_page)
    assert Lead.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_honeypot_pretends_success_and_stores_nothing(client, published_page):
    response = client.post(_url(published_page), lead_data(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == _thanks(published_page)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("missing", ["name", "email", "consent", "token"])
def test_required_fields_are_checked(client, published_page, missing):
    data = lead_data()
    data.pop(missing)
    response = client.post(_url(published_page), data)
    assert response.status_code == 400
    assert not Lead.objects.exists()
    html = response.content.decode()
    assert 'class="lp-error"' in html or 'class="lp-alert"' in html
    assert "<!--lead-token-->" not in html


def test_invalid_email_shows_the_form_again_with_values(client, published_page):
    response = client.post(
        _url(published_page), lead_data(email="not-an-address", name="<b>Jo</b>")
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Enter a valid email address." in html
    assert 'value="&lt;b&gt;Jo&lt;/b&gt;"' in html


def test_submissions_are_rate_limited_per_client_address(client, published_page, settings):
    settings.LEAD_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(_url(published_page), lead_data()).status_code == 302
    response = client.post(_url(published_page), lead_data())
    assert response.status_code == 429 and "Too many requests" in response.content.decode()
    # Another address is not held back.
    other = client.post(_url(published_page), lead_data(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert Lead.objects.count() == 3


def test_the_rate_limit_uses_the_trusted_proxy_header(client, published_page, settings):
    settings.LEAD_RATE_LIMIT = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    first = client.post(_url(published_page), lead_data(), HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.1")
    second = client.post(
        _url(published_page), lead_data(), HTTP_X_FORWARDED_FOR="2.2.2.2, 10.0.0.2"
    )
    third = client.post(_url(published_page), lead_data(), HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.1")
    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)


def test_rate_limit_can_be_switched_off(client, published_page, settings):
    settings.LEAD_RATE_LIMIT = 0
    for _ in range(8):
        client.post(_url(published_page), lead_data())
    assert Lead.objects.count() == 8


def test_partner_users_are_emailed_after_commit(
    client, published_page, partner, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(organisation=partner).user
    MembershipFactory()  # someone of another organisation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(published_page), lead_data(**HOSTILE))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert colleague.email in message.to and len(message.to) == 2
    assert "Live demo sign-up page" in message.subject
    assert HOSTILE["name"] in message.body  # plain text, as typed
    assert reverse("landing:lead_detail", args=[Lead.objects.get().pk]) in message.body


def test_hostile_input_is_stored_as_text_and_shown_escaped(client, partner_client, published_page):
    client.post(_url(published_page), lead_data(**HOSTILE))
    lead = Lead.objects.get()
    assert lead.name == HOSTILE["name"] and lead.message == HOSTILE["message"]
    for url in (reverse("landing:lead_list"), reverse("landing:lead_detail", args=[lead.pk])):
        html = partner_client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;n&quot;)" in html
    detail = partner_client.get(reverse("landing:lead_detail", args=[lead.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;<br>" in detail


def test_very_long_text_is_refused_not_truncated_silently(client, published_page):
    response = client.post(_url(published_page), lead_data(message="x" * 5000))
    assert response.status_code == 400 and not Lead.objects.exists()


def test_csv_export_is_safe_against_formula_injection(client, partner_client, published_page):
    texts = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\ry", "plain", "＝1+1", " \n=2", "Zoë"]
    for i, text in enumerate(texts):
        Lead.objects.create(
            organisation=published_page.organisation,
            page=published_page,
            name=f"Lead {i}",
            email="a@example.org",
            company=text,
            submission_token=f"token-{i:02d}-abcdefghijk",
        )
    client.post(_url(published_page), lead_data(name="=cmd|' /C calc'!A0"))
    response = partner_client.get(reverse("landing:lead_export"))
    assert response["Content-Type"].startswith("text/csv")
    # A byte-order mark first, so spreadsheets read the accents as UTF-8.
    assert response.content.startswith("\ufeffReceived,".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    companies = {row[3] for row in rows[1:]}
    assert companies == {
        "'=1+1",
        "'+cmd",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\ry",
        "plain",
        "'＝1+1",
        "' \n=2",
        "Zoë",
        "Jo Ltd",
    }
    assert "'=cmd|' /C calc'!A0" in {row[1] for row in rows[1:]}
    assert csv_cell("=HYPERLINK()") == "'=HYPERLINK()" and csv_cell(None) == ""


def test_lead_list_search_filter_and_detail(
    client, partner_client, published_page, partner, landing_asset
):
    from portal.landing import services
    from tests.portal.landing.conftest import make_landing_asset

    second_asset = make_landing_asset(landing_asset.kit, title="Webinar page")
    second = services.landing_page_publish(organisation=partner, asset=second_asset, values={})
    client.post(_url(published_page), lead_data(name="Alice Archer", company="Archers"))
    client.post(_url(second), lead_data(name="Bob Bowyer", company="Bows"))
    old = Lead.objects.get(name="Bob Bowyer")
    old.created_at = timezone.now() - timedelta(days=10)
    old.save()

    def names(**params):
        html = partner_client.get(reverse("landing:lead_list"), params).content.decode()
        return {n for n in ("Alice Archer", "Bob Bowyer") if n in html}

    assert names() == {"Alice Archer", "Bob Bowyer"}
    assert names(q="archers") == {"Alice Archer"}
    assert names(page=second.pk) == {"Bob Bowyer"}
    today = timezone.localdate()
    assert names(date_from=(today - timedelta(days=2)).isoformat()) == {"Alice Archer"}
    assert names(date_to=(today - timedelta(days=5)).isoformat()) == {"Bob Bowyer"}
    export = partner_client.get(reverse("landing:lead_export"), {"q": "bows"}).content.decode()
    assert "Bob Bowyer" in export and "Alice Archer" not in export
    detail = partner_client.get(reverse("landing:lead_detail", args=[old.pk]))
    assert detail.status_code == 200 and "Bows" in detail.content.decode()


def test_lead_list_paginates(client, partner_client, published_page, settings):
    settings.LEAD_RATE_LIMIT = 0
    for i in range(27):
        client.post(_url(published_page), lead_data(name=f"Visitor {i:02d}"))
    first = partner_client.get(reverse("landing:lead_list")).content.decode()
    second = partner_client.get(reverse("landing:lead_list"), {"p": 2}).content.decode()
    assert "Page 1 of 2" in first and "Visitor 26" in first and "Visitor 00" not in first
    assert "Visitor 00" in second


def test_partners_never_see_other_partners_leads(client, published_page, other_user):
    client.post(_url(published_page), lead_data(name="Acme Lead"))
    client.force_login(other_user)
    lead = Lead.objects.get()
    assert client.get(reverse("landing:lead_detail", args=[lead.pk])).status_code == 404
    assert "Acme Lead" not in client.get(reverse("landing:lead_list")).content.decode()
    assert "Acme Lead" not in client.get(reverse("landing:lead_export")).content.decode()


def test_marketing_admins_see_all_leads_filterable_by_partner_and_kit(
    client, published_page, landing_asset
):
    client.post(_url(published_page), lead_data(name="Admin Visible"))
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    client.force_login(staff)
    url = reverse("admin:landing_lead_changelist")
    html = client.get(url).content.decode()
    assert "Admin Visible" in html
    filtered = client.get(
        url,
        {
            "organisation__id__exact": published_page.organisation_id,
            "page__asset__kit__id__exact": landing_asset.kit_id,
        },
    )
    assert filtered.status_code == 200 and "Admin Visible" in filtered.content.decode()
    lead = Lead.objects.get()
    change = client.get(reverse("admin:landing_lead_change", args=[lead.pk]))
    assert change.status_code == 200
    assert (
        client.post(reverse("admin:landing_lead_change", args=[lead.pk]), {"name": "x"}).status_code
        == 403
    )
    assert client.get(reverse("admin:landing_landingpage_changelist")).status_code == 200


@pytest.mark.parametrize(
    "rejected",
    [
        {"email": "not-an-address"},
        {"token": "bad"},
        {"consent": ""},
        {"website": "http://spam.example"},
    ],
    ids=["invalid", "expired", "no-consent", "honeypot"],
)
def test_every_post_counts_against_the_rate_limit(client, published_page, settings, rejected):
    settings.LEAD_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(_url(published_page), lead_data(**rejected)).status_code in (302, 400)
    # The next post, even a valid one, is held back, without the page being rendered.
    response = client.post(_url(published_page), lead_data())
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert 'name="email"' not in response.content.decode()  # not the page with its form
    assert not Lead.objects.exists()


def test_posts_to_unknown_pages_count_too(client, published_page, settings):
    settings.LEAD_RATE_LIMIT = 2
    url = f"/p/{published_page.organisation.slug}/no-such-page/"
    for _ in range(2):
        assert client.post(url, lead_data()).status_code == 404
    assert client.post(_url(published_page), lead_data()).status_code == 429
