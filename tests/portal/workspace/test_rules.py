"""Messaging rules: banned phrases refused in partners' texts, naming the
phrase; required legal lines printed in outputs, and sources that can't
print them refused when saved."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assets import renditions
from assets.kinds import spec_for
from assets.messaging import banned_phrase_in
from assets.models import AssetKind, FieldValues, MessagingRule
from tests.factories import KitFactory, make_document
from tests.portal.landing.conftest import make_landing_asset
from tests.portal.workspace.helpers import NAME_ZONE, make_pdf_layout

pytestmark = pytest.mark.django_db

LEGAL_ZONE = {
    "type": "text",
    "box": {"x": 20, "y": 250, "width": 170, "height": 30},
    "content": "{legal.lines}",
    "size": 8,
    "min_size": 6,
}


def rule(kind, text, **scope):
    return MessagingRule.objects.create(kind=kind, text=text, **scope)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("value", "hit"),
    [
        ("The best in class service", "best in class"),
        ("BEST   IN\u00a0CLASS", "best in class"),  # spaces of any kind and width
        ("\uff22\uff25\uff33\uff34 in class", "best in class"),  # full-width letters (NFKC)
        ("bestin class", None),
        ("the best in classes", None),  # not a whole phrase
    ],
)
def test_phrases_match_whole_case_insensitive_and_normalised(value, hit):
    assert banned_phrase_in(value, ["best in class"]) == hit


def test_a_banned_phrase_is_refused_naming_it(partner_client, partner):
    asset = make_document()
    rule("banned_phrase", "guaranteed returns", kit=asset.kit)
    url = reverse("assets:asset_fields", args=[asset.pk])
    response = partner_client.post(url, {"headline": "Guaranteed Returns for all"})
    assert response.status_code == 400
    assert "“guaranteed returns” may not be used in partner texts" in response.content.decode()
    assert not FieldValues.objects.exists()
    assert partner_client.post(url, {"headline": "Steady returns"}).status_code == 302


def test_partner_type_rules_apply_to_that_type_only(partner_client, partner):
    asset = make_document()
    rule("banned_phrase", "cheapest", partner_type="agency")
    url = reverse("assets:asset_fields", args=[asset.pk])
    assert partner_client.post(url, {"headline": "The cheapest"}).status_code == 302  # a reseller
    partner.partner_type = "agency"
    partner.save()
    response = partner_client.post(url, {"headline": "The cheapest"})
    assert response.status_code == 400 and "“cheapest”" in response.content.decode()


def test_the_landing_editor_refuses_a_banned_phrase(partner_client, partner):
    asset = make_landing_asset()
    rule("banned_phrase", "risk free", kit=asset.kit)
    response = partner_client.post(
        reverse("landing:editor", args=[asset.pk]),
        {"headline": "Risk-free? No: risk free backups", "call_to_action": "Go"},
    )
    assert response.status_code == 400
    assert "“risk free” may not be used" in response.content.decode()
    assert not FieldValues.objects.exists()


def test_a_required_legal_line_is_printed_in_the_pdf(partner):
    kit = KitFactory()
    asset = make_pdf_layout(kit, zones=[NAME_ZONE, LEGAL_ZONE])
    rule("legal_line", "Offers subject to status.", kit=kit)
    rule("legal_line", "Resellers are independent businesses.", partner_type="reseller")
    rule("legal_line", "Agencies act for their clients.", partner_type="agency")
    rendition = renditions.render_for_partner(asset=asset, partner=partner)
    with rendition.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Offers subject to status." in text
    assert "Resellers are independent businesses." in text
    assert "Agencies act for their clients." not in text


def test_rendition_keys_follow_the_legal_lines(partner):
    kit = KitFactory()
    asset = make_pdf_layout(kit, zones=[NAME_ZONE, LEGAL_ZONE])
    plain = make_pdf_layout(kit, zones=[NAME_ZONE])
    line = rule("legal_line", "Offers subject to status.", kit=kit)
    before = renditions.request_for_partner(asset=asset, partner=partner).key
    plain_before = renditions.request_for_partner(asset=plain, partner=partner).key
    line.text = "Offers subject to status and availability."
    line.save()
    assert renditions.request_for_partner(asset=asset, partner=partner).key != before
    # An asset that doesn't print the lines keeps its key.
    assert renditions.request_for_partner(asset=plain, partner=partner).key == plain_before


def test_a_template_that_does_not_print_required_lines_is_refused():
    kit = KitFactory(title="Spring")
    rule("legal_line", "Offers subject to status.", kit=kit)
    from assets.messaging import legal_rule_names

    names = legal_rule_names(kit)
    spec = spec_for(AssetKind.HTML_DOCUMENT)
    common = {"subject": "", "layout": [], "upload": None, "field_names": set()}
    problems = spec.check_source(template="<p>{{ partner.name }}</p>", legal_rules=names, **common)
    assert problems == [
        (
            "template",
            "The messaging rules require legal lines on this asset "
            "(“Offers subject to status.” for kit “Spring”): "
            "add {{ legal.lines|linebreaksbr }} to the template.",
        )
    ]
    fine = "<p>{{ partner.name }}</p><small>{{ legal.lines|linebreaksbr }}</small>"
    assert spec.check_source(template=fine, legal_rules=names, **common) == []
    layout = spec_for(AssetKind.PDF_LAYOUT)

    def legal_problems(zones):
        found = layout.check_source(**{**common, "layout": zones}, template="", legal_rules=names)
        return [(field, m) for field, m in found if "legal lines" in m]

    refused = legal_problems([NAME_ZONE])
    assert len(refused) == 1 and refused[0][0] == "layout"
    assert "add a text zone showing {legal.lines}" in refused[0][1]
    assert legal_problems([NAME_ZONE, LEGAL_ZONE]) == []


def test_the_admin_refuses_a_template_without_the_legal_lines(client):
    from tests.factories import make_marketing_admin

    asset = make_document()
    rule("legal_line", "Offers subject to status.", kit=asset.kit)
    client.force_login(make_marketing_admin(is_superuser=True))
    url = reverse("admin:assets_asset_change", args=[asset.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "kit": asset.kit.pk,
        "kind": asset.kind,
        "title": asset.title,
        "description": "",
        "position": 0,
        "template": "<p>{{ field.headline }}</p>",
        "stylesheet": "",
        "editable_fields-TOTAL_FORMS": "1",
        "editable_fields-INITIAL_FORMS": "1",
        "editable_fields-MIN_NUM_FORMS": "0",
        "editable_fields-MAX_NUM_FORMS": "1000",
        "editable_fields-0-id": asset.editable_fields.get().pk,
        "editable_fields-0-asset": asset.pk,
        "editable_fields-0-name": "headline",
        "editable_fields-0-label": "Headline",
        "editable_fields-0-field_type": "text",
        "editable_fields-0-max_length": "60",
        "editable_fields-0-default": "Spring offer",
        "editable_fields-0-position": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Offers subject to status." in response.content.decode()
    assert "legal.lines" in response.content.decode()
    version = asset.current_version
    asset.refresh_from_db()
    assert asset.current_version == version


def test_html_documents_print_the_lines(partner):
    template = "<p>{{ partner.name }}</p><p>{{ legal.lines|linebreaksbr }}</p>"
    asset = make_document(template=template)
    rule("legal_line", "Northwind is a registered trademark.", kit=asset.kit)
    rendition = renditions.render_for_partner(asset=asset, partner=partner)
    with rendition.file.open("rb") as handle:
        assert "Northwind is a registered trademark." in pdf_text(handle.read())


def test_kit_rules_are_added_and_removed_in_the_workspace(ws_client):
    kit = KitFactory(title="Spring")
    url = reverse("workspace:kit_rules", args=[kit.pk])
    assert (
        ws_client.post(url, {"kind": "banned_phrase", "text": "  best   in class "}).status_code
        == 302
    )
    rule_row = MessagingRule.objects.get()
    assert (rule_row.kit, rule_row.text) == (kit, "best in class")
    duplicate = ws_client.post(url, {"kind": "banned_phrase", "text": "Best in class"})
    assert duplicate.status_code == 400
    assert "“Best in class” is already a rule here." in duplicate.content.decode()
    empty = ws_client.post(url, {"kind": "legal_line", "text": "   "})
    assert empty.status_code == 400 and MessagingRule.objects.count() == 1
    page = ws_client.get(url).content.decode()
    assert "best in class" in page and "Banned phrase" in page
    assert ws_client.post(url, {"delete": rule_row.pk}).status_code == 302
    assert not MessagingRule.objects.exists()


def test_partner_type_rules_are_edited_on_their_page(ws_client):
    url = reverse("workspace:rules")
    response = ws_client.post(
        url, {"partner_type": "agency", "kind": "legal_line", "text": "Agencies act for clients."}
    )
    assert response.status_code == 302
    assert MessagingRule.objects.get().partner_type == "agency"
    assert "Agencies act for clients." in ws_client.get(url).content.decode()
    bad = ws_client.post(url, {"partner_type": "pirate", "kind": "legal_line", "text": "x"})
    assert bad.status_code == 400 and MessagingRule.objects.count() == 1
    other_kit_rule = rule("banned_phrase", "kit only", kit=KitFactory())
    assert ws_client.post(url, {"delete": other_kit_rule.pk}).status_code == 404
    assert MessagingRule.objects.count() == 2
