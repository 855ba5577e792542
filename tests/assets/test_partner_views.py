import logging

import pytest
from django.urls import reverse

from assets.models import DownloadEvent, LessonCompletion
from tests.factories import KitFactory, make_course, make_file_asset, make_guideline

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_file_download_streams_records_and_quotes_the_name(partner_client, partner, partner_user):
    asset = make_file_asset(title='Price list "2026"; evil\r\nX-Header: 1', content=b"PRICE-DATA")
    response = partner_client.get(reverse("assets:asset_download", args=[asset.pk]))
    assert response.status_code == 200
    assert body(response) == b"PRICE-DATA"
    disposition = response["Content-Disposition"]
    assert (
        disposition.startswith("attachment;")
        and "\r" not in disposition
        and "\n" not in disposition
    )
    assert 'filename="price-list-2026-evil-x-header-1.pdf"' in disposition
    event = DownloadEvent.objects.get()
    assert (event.user, event.organisation, event.asset, event.asset_version) == (
        partner_user,
        partner,
        asset,
        asset.current_version,
    )


def test_download_of_a_missing_file_is_404_and_logged(partner_client, caplog):
    asset = make_file_asset()
    version = asset.current_version
    version.source_file.storage.delete(version.source_file.name)
    with caplog.at_level(logging.ERROR):
        response = partner_client.get(reverse("assets:asset_download", args=[asset.pk]))
    assert response.status_code == 404
    assert "stored file missing" in caplog.text
    assert not DownloadEvent.objects.exists()


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_hidden_kits_answer_404(partner_client, status):
    asset = make_file_asset(KitFactory(status=status))
    assert partner_client.get(reverse("assets:asset_detail", args=[asset.pk])).status_code == 404
    assert partner_client.get(reverse("assets:asset_download", args=[asset.pk])).status_code == 404
    assert partner_client.get(reverse("assets:kit_detail", args=[asset.kit.pk])).status_code == 404


def test_guideline_page_has_a_copy_button_per_snippet(partner_client):
    asset = make_guideline()
    html = partner_client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert "Northwind makes clouds simple." in html
    assert (
        html.count('class="btn btn-sm btn-outline-primary mt-2 copy-button"') == 1
    )  # boilerplate only, not the "don't"
    assert "Don&#x27;t call it a platform." in html


def test_completing_lessons_shows_progress(partner_client, partner_user):
    course = make_course(lessons=4)
    lessons = list(course.lessons.order_by("position"))
    url = reverse("assets:asset_detail", args=[course.pk])
    assert 'data-width="0"' in partner_client.get(url).content.decode()
    response = partner_client.post(reverse("assets:lesson_complete", args=[lessons[0].pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#lesson-{lessons[0].pk}")
    partner_client.post(
        reverse("assets:lesson_complete", args=[lessons[0].pk])
    )  # twice is still once
    assert LessonCompletion.objects.filter(user=partner_user).count() == 1
    assert 'data-width="25"' in partner_client.get(url).content.decode()
    partner_client.post(reverse("assets:lesson_complete", args=[lessons[0].pk]), {"undo": "1"})
    assert not LessonCompletion.objects.exists()


def test_lesson_attachment_downloads(partner_client):
    lesson = make_course(lessons=1).lessons.get()
    response = partner_client.get(reverse("assets:lesson_attachment", args=[lesson.pk]))
    assert body(response) == b"%PDF-1.4 slides"


def test_library_lists_searches_and_paginates(partner_client):
    kit = KitFactory(title="Spring")
    for i in range(30):
        make_file_asset(kit, title=f"Flyer {i:02d}")
    make_file_asset(KitFactory(status="draft"), title="Secret draft")
    page1 = partner_client.get(reverse("assets:library")).content.decode()
    assert "30 assets" in page1 and "Page 1 of 2" in page1 and "Secret draft" not in page1
    page2 = partner_client.get(reverse("assets:library") + "?page=2").content.decode()
    assert page2.count("asset-card") == 6
    found = partner_client.get(reverse("assets:library") + "?q=Flyer+07").content.decode()
    assert "1 asset match" in found and "Flyer 07" in found
    bad = partner_client.get(reverse("assets:library") + "?kit=notanumber&kind=bogus")
    assert bad.status_code == 200


def test_suspended_partner_users_see_nothing(partner_client, partner):
    asset = make_file_asset()
    partner.status = "suspended"
    partner.save()
    assert partner_client.get(reverse("home:dashboard")).status_code == 403
    assert partner_client.get(reverse("assets:asset_download", args=[asset.pk])).status_code == 403
    assert not DownloadEvent.objects.exists()
