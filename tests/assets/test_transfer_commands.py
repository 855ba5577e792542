"""The operators' commands: kit_export, kit_import and render_asset, driven
through call_command like cron or a shell would."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from assets.models import Asset, Kit, Rendition
from tests.assets.kit_samples import make_kit_of_every_kind
from tests.factories import BrandProfileFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.fixture
def kit(partner):
    return make_kit_of_every_kind()


# --- kit_export / kit_import ------------------------------------------------------------


def test_a_kit_goes_out_and_comes_back_through_the_commands(kit, tmp_path):
    path = tmp_path / "spring.zip"
    code, out, err = run("kit_export", str(kit.pk), str(path))
    assert (code, err) == (0, "")
    assert f"Exported kit {kit.pk} “Spring launch” (8 assets" in out
    assert "manifest.json" in zipfile.ZipFile(path).namelist()

    code, out, err = run("kit_import", str(path))
    assert (code, err) == (0, "")
    new = Kit.objects.exclude(pk=kit.pk).get()
    assert out.strip() == f"Imported kit {new.pk} “Spring launch” as a draft."
    assert new.status == Kit.Status.DRAFT and new.assets.count() == 8


def test_kit_export_refuses_an_unknown_kit_and_writes_nothing(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no kit with id 999"):
        call_command("kit_export", "999", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_kit_import_prints_each_problem_on_its_own_line(kit, tmp_path):
    path = tmp_path / "spring.zip"
    run("kit_export", str(kit.pk), str(path))
    files = {n: zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["audience"]["tiers"] = ["Diamond"]
    manifest["audience"]["regions"] = ["Atlantis"]
    files["manifest.json"] = json.dumps(manifest).encode()
    files["assets/04-invitation-e-mail/source/subject.txt"] = b"one\ntwo\n"
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    kits, assets = Kit.objects.count(), Asset.objects.count()

    code, out, err = run("kit_import", str(bad))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "The kit was not imported: 3 problems to fix. Nothing was stored."
    assert lines[1:] == [
        "manifest.json (audience.tiers): there is no tier “Diamond” here.",
        "manifest.json (audience.regions): there is no region “Atlantis” here.",
        "assets/04-invitation-e-mail/source/subject.txt: the subject must be one line.",
    ]
    assert (Kit.objects.count(), Asset.objects.count()) == (kits, assets)


def test_kit_import_of_a_missing_file_fails_cleanly(tmp_path):
    code, out, err = run("kit_import", str(tmp_path / "nope.zip"))
    assert code == 1 and "nope.zip: can't read it" in err


# --- render_asset ---------------------------------------------------------------------------


def assets_of(kit) -> dict[str, Asset]:
    return {asset.title: asset for asset in kit.assets.all()}


def test_render_asset_writes_the_partners_pdf(kit, partner, tmp_path):
    brochure = assets_of(kit)["Brochure"]
    out_file = tmp_path / "brochure.pdf"
    code, out, err = run("render_asset", str(brochure.pk), "--partner", "acme", "-o", str(out_file))
    assert (code, err) == (0, "")
    assert "for Acme Resellers" in out
    text = pdf_text(out_file)
    assert "Acme Resellers · Free trial" in text
    # The same path as a download: the rendition is cached under its key.
    assert Rendition.objects.filter(organisation=partner, asset_version__asset=brochure).exists()


def test_field_values_count_for_one_render_only(kit, partner, tmp_path):
    brochure = assets_of(kit)["Brochure"]
    out_file = tmp_path / "offer.pdf"
    code, _, err = run(
        "render_asset",
        str(brochure.pk),
        "--partner=acme",
        "--format=pdf",
        "--field",
        "offer=10% off",
        "-o",
        str(out_file),
    )
    assert (code, err) == (0, "")
    assert "Acme Resellers · 10% off" in pdf_text(out_file)
    assert not brochure.field_values.exists()  # nothing saved
    again = tmp_path / "default.pdf"
    run("render_asset", str(brochure.pk), "--partner", "acme", "-o", str(again))
    assert "Acme Resellers · Free trial" in pdf_text(again)


def test_render_asset_writes_images_and_emails(kit, tmp_path):
    titles = assets_of(kit)
    card = tmp_path / "card.png"
    assert (
        run(
            "render_asset",
            str(titles["Social card"].pk),
            "--partner",
            "acme",
            "--format",
            "png",
            "-o",
            str(card),
        )[0]
        == 0
    )
    assert card.read_bytes().startswith(b"\x89PNG")
    mail = tmp_path / "mail.eml"
    assert (
        run(
            "render_asset",
            str(titles["Invitation e-mail"].pk),
            "--partner",
            "acme",
            "--format",
            "eml",
            "-o",
            str(mail),
        )[0]
        == 0
    )
    assert "Subject: News from Acme Resellers" in mail.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "--partner", "acme"], "There is no asset with id 999999."),
        (["{brochure}", "--partner", "nobody"], "There is no partner organisation “nobody”."),
        (["{brochure}", "--partner", "acme", "--format", "gif"], "“gif” is not a format"),
        (["{brochure}", "--partner", "acme", "--format", "png"], "can't be downloaded as png"),
        (
            ["{brochure}", "--partner", "acme", "--field", "colour=red"],
            "colour: this asset has no such field (its fields: offer).",
        ),
        (
            ["{brochure}", "--partner", "acme", "--field", "offer=50% off"],
            "offer: Select a valid choice.",
        ),
        (["{brochure}", "--partner", "acme", "--field", "offer"], "write it as name=value"),
        (["{guideline}", "--partner", "acme"], "it isn't rendered"),
        (["{document}", "--partner", "bare"], "phone"),
    ],
)
def test_render_asset_fails_cleanly(kit, tmp_path, args, message):
    bare = PartnerFactory(name="Bare Partner", slug="bare")
    BrandProfileFactory(organisation=bare, phone="")
    titles = assets_of(kit)
    ids = {
        "brochure": titles["Brochure"].pk,
        "guideline": titles["How to say it"].pk,
        "document": titles["Data sheet"].pk,
    }
    (tmp_path / "out").mkdir()
    out_file = tmp_path / "out" / "out.pdf"
    out_file.write_bytes(b"the previous file")
    code, out, err = run("render_asset", *[a.format(**ids) for a in args], "-o", str(out_file))
    assert code == 1 and out == ""
    assert message in err, err
    assert out_file.read_bytes() == b"the previous file"
    assert [p.name for p in out_file.parent.iterdir()] == ["out.pdf"]  # no temporary left behind
