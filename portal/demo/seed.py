"""The demo: a vendor, four partner organisations and three campaign kits
holding one asset of every kind. Running it again changes nothing."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from assets import lifecycle
from assets import services as asset_services
from assets.kinds import spec_for
from assets.models import Asset, AssetKind, EditableField, GuidelineEntry, Kit, Lesson, Tag
from assets.roles import MARKETING_ADMINS
from portal.accounts.models import User
from portal.demo import artwork
from portal.partners.models import BrandProfile, Membership, PartnerOrganisation, Region, Tier
from portal.partners.services import brand_logo_store

SOURCES = Path(__file__).resolve().parent / "sources"
DEMO_PASSWORD = "cobrand-demo"  # noqa: S105  (printed by `make run`; demo data only)


#: The editable fields of the demo's landing page (sources/landing.html).
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


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str


PARTNERS = [
    {
        "name": "Acme Resellers",
        "slug": "acme",
        "type": "reseller",
        "tier": "Gold",
        "region": "EMEA",
        "mark": "circle",
        "colour": "#C8102E",
        "secondary": "#FFB81C",
        "profile": {
            "phone": "+44 20 7946 0123",
            "email": "sales@acme-resellers.example",
            "website": "https://acme-resellers.example",
            "address": "12 Market Street\nLeeds LS1 6DT\nUnited Kingdom",
            "tagline": "IT that keeps Yorkshire working",
            "referral_url": "https://northwind.example/r/acme",
        },
        "people": [
            ("anna@acme.example", "Anna", "Adams", "admin"),
            ("ben@acme.example", "Ben", "Baker", "user"),
        ],
    },
    {
        "name": "Brightpath Agency",
        "slug": "brightpath",
        "type": "agency",
        "tier": "Silver",
        "region": "North America",
        "mark": "triangle",
        "colour": "#0057B8",
        "secondary": "#00B2A9",
        "profile": {
            "phone": "+1 415 555 0142",
            "email": "hello@brightpath.example",
            "website": "https://brightpath.example",
            "address": "500 Howard Street\nSan Francisco, CA 94105",
            "tagline": "Growth marketing for SaaS",
            "referral_url": "https://northwind.example/r/brightpath",
        },
        "people": [("carla@brightpath.example", "Carla", "Cruz", "admin")],
    },
    {
        "name": "Codewave Integrations",
        "slug": "codewave",
        "type": "integration",
        "tier": "Platinum",
        "region": "APAC",
        "mark": "waves",
        "colour": "#00875A",
        "secondary": "#36B37E",
        "profile": {
            "phone": "+61 2 5550 1234",
            "email": "partners@codewave.example",
            "website": "https://codewave.example",
            "address": "88 George Street\nSydney NSW 2000",
            "tagline": "Your stack, connected",
            "referral_url": "https://northwind.example/r/codewave",
        },
        "people": [("dev@codewave.example", "Devi", "Das", "admin")],
    },
    {
        "name": "Dana Fit",
        "slug": "dana-fit",
        "type": "influencer",
        "tier": "Registered",
        "region": "LATAM",
        "mark": "star",
        "colour": "#6B3FA0",
        "secondary": "#F2A900",
        # Left incomplete on purpose: the portal names what is missing.
        "profile": {
            "phone": "",
            "email": "dana@danafit.example",
            "website": "https://danafit.example",
            "address": "",
            "tagline": "Run further",
            "referral_url": "",
        },
        "people": [("dana@danafit.example", "Dana", "Diaz", "admin")],
    },
]
TIERS = [("Registered", 1), ("Silver", 2), ("Gold", 3), ("Platinum", 4)]
REGIONS = ["EMEA", "North America", "APAC", "LATAM"]
VENDOR_ADMIN = ("marketing@northwind.example", "Morgan", "Marsh")

FLYER_LAYOUT = [
    {
        "type": "logo",
        "label": "Partner logo",
        "page": "all",
        "box": {"x": 133, "y": 10, "width": 66, "height": 26},
        "align": "center",
    },
    {
        "type": "text",
        "label": "Headline",
        "page": 1,
        "box": {"x": 18, "y": 170, "width": 174, "height": 16},
        "content": "{field.headline}",
        "font": "sans-bold",
        "size": 20,
        "min_size": 12,
        "color": "primary",
        "align": "left",
    },
    {
        "type": "text",
        "label": "Partner name",
        "page": "all",
        "box": {"x": 18, "y": 247, "width": 120, "height": 10},
        "content": "{partner.name}",
        "font": "sans-bold",
        "size": 16,
        "min_size": 8,
        "color": "#0F2A4A",
    },
    {
        "type": "text",
        "label": "Contact",
        "page": "all",
        "box": {"x": 18, "y": 258, "width": 120, "height": 22},
        "content": "{partner.phone} · {partner.email}\n{partner.website}\n{partner.address}",
        "font": "sans",
        "size": 10,
        "min_size": 6,
        "color": "#333333",
    },
    {
        "type": "qr",
        "label": "QR code",
        "page": 1,
        "box": {"x": 160, "y": 247, "width": 32, "height": 32},
        "target": "partner.qr",
    },
]
SOCIAL_LAYOUT = [
    {
        "type": "logo",
        "label": "Partner logo",
        "box": {"x": 60, "y": 460, "width": 360, "height": 130},
        "align": "left",
    },
    {
        "type": "text",
        "label": "Call to action",
        "box": {"x": 460, "y": 465, "width": 520, "height": 60},
        "content": "{field.call_to_action}",
        "font": "sans-bold",
        "size": 34,
        "min_size": 18,
        "color": "#0F2A4A",
    },
    {
        "type": "text",
        "label": "Contact",
        "box": {"x": 460, "y": 530, "width": 520, "height": 60},
        "content": "{partner.name} · {partner.phone}",
        "font": "sans",
        "size": 26,
        "min_size": 14,
        "color": "#333333",
    },
    {
        "type": "qr",
        "label": "QR code",
        "box": {"x": 1010, "y": 450, "width": 150, "height": 150},
        "target": "partner.qr",
    },
]


def _user(email, first, last, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, **extra
        )
    return user


def _partner(spec, tiers, regions) -> tuple[PartnerOrganisation, list[DemoLogin]]:
    org, _ = PartnerOrganisation.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "partner_type": spec["type"],
            "tier": tiers[spec["tier"]],
            "region": regions[spec["region"]],
        },
    )
    profile, created = BrandProfile.objects.get_or_create(
        organisation=org,
        defaults={
            **spec["profile"],
            "primary_color": spec["colour"],
            "secondary_color": spec["secondary"],
        },
    )
    if created or not profile.logo:
        _store_logo(
            profile, artwork.logo_png(spec["name"].split()[0], spec["mark"], spec["colour"])
        )
        _store_logo(
            profile,
            artwork.logo_png(spec["name"].split()[0], spec["mark"], spec["colour"], light=True),
            dark=True,
        )
    logins = []
    for email, first, last, role in spec["people"]:
        user = _user(email, first, last)
        Membership.objects.get_or_create(user=user, defaults={"organisation": org, "role": role})
        logins.append(
            DemoLogin(email, "partner admin" if role == "admin" else "partner user", org.name)
        )
    return org, logins


def _store_logo(profile, png: bytes, dark: bool = False):
    from assets.rendering import normalise_logo

    brand_logo_store(profile=profile, logo=normalise_logo(png), dark=dark)


def _kit(title, *, summary, tags, colour, accent, days_left=None, **audience) -> Kit:
    kit = Kit.objects.filter(title=title).first()
    if kit is None:
        now = timezone.now()
        kit = Kit.objects.create(
            title=title,
            summary=summary,
            publish_at=now - timedelta(days=3),
            expires_at=now + timedelta(days=days_left) if days_left else None,
            audience_types=audience.get("types", []),
        )
        kit.cover_image.save(
            "cover.png", ContentFile(artwork.cover_png(title, colour, accent)), save=True
        )
        kit.tags.set(
            [
                Tag.objects.get_or_create(slug=t.lower().replace(" ", "-"), defaults={"name": t})[0]
                for t in tags
            ]
        )
        kit.audience_tiers.set(Tier.objects.filter(name__in=audience.get("tiers", [])))
        kit.audience_regions.set(Region.objects.filter(name__in=audience.get("regions", [])))
        # Live since its publish date, three days ago: through the lifecycle,
        # like any kit, so it is announced once.
        lifecycle.kit_publish(kit=kit)
    return kit


def _asset(
    kit, kind, title, position, *, description="", file=None, fields=(), admin=None, **source
) -> Asset:
    asset, _ = Asset.objects.get_or_create(
        kit=kit,
        title=title,
        defaults={"kind": kind, "position": position, "description": description},
    )
    if not asset.thumbnail:
        picture = file[1] if file else None
        label = {
            AssetKind.HTML_DOCUMENT: "One-pager",
            AssetKind.EMAIL: "E-mail",
            AssetKind.LANDING_PAGE: "Landing page",
            AssetKind.GUIDELINE: "Guidelines",
            AssetKind.TRAINING: "Course",
        }.get(kind, "File")
        colour = {
            AssetKind.GUIDELINE: "#2F6690",
            AssetKind.TRAINING: "#2D6A4F",
            AssetKind.EMAIL: "#6B3FA0",
            AssetKind.LANDING_PAGE: "#B23A48",
        }.get(kind, "#0F2A4A")
        asset.thumbnail.save(
            "thumbnail.png", ContentFile(artwork.thumbnail_png(picture, label, colour)), save=True
        )
    for i, field in enumerate(fields):
        EditableField.objects.get_or_create(
            asset=asset, name=field["name"], defaults={**field, "position": i}
        )
    if spec_for(kind).content_from_rows:
        return asset
    upload = SimpleUploadedFile(file[0], file[1]) if file else None
    asset_services.asset_version_create(asset=asset, by=admin, source_file=upload, **source)
    return asset


def read_source(name: str) -> str:
    """The text of one of the demo's template sources (sources/<name>)."""
    return (SOURCES / name).read_text()


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    tiers = {
        name: Tier.objects.get_or_create(name=name, defaults={"rank": rank})[0]
        for name, rank in TIERS
    }
    regions = {name: Region.objects.get_or_create(name=name)[0] for name in REGIONS}

    email, first, last = VENDOR_ADMIN
    vendor = _user(email, first, last, is_staff=True)
    vendor.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    logins = [DemoLogin(email, "marketing admin (/workspace/)", "Northwind Cloud")]
    for spec in PARTNERS:
        logins.extend(_partner(spec, tiers, regions)[1])

    # Kit 1, for everyone: one asset of every kind.
    spring = _kit(
        "Spring launch 2026",
        summary="Everything to launch Northwind Backup with your customers: "
        "a co-branded one-pager and flyer, a social card, an e-mail, an event landing page, the "
        "data sheet, messaging guidelines and a short sales course.",
        tags=["Launch", "Backup"],
        colour="#0F2A4A",
        accent="#7CC4FF",
        days_left=90,
    )
    headline = {
        "name": "headline",
        "label": "Headline",
        "field_type": "choice",
        "required": True,
        "choices": [
            "Back up every laptop in ten minutes",
            "Ransomware-proof backups for your team",
            "Never lose a file again",
        ],
        "default": "Back up every laptop in ten minutes",
    }
    _asset(
        spring,
        AssetKind.HTML_DOCUMENT,
        "Co-branded one-pager",
        1,
        admin=vendor,
        description="A4 one-pager with your logo, contact details and QR code.",
        template=read_source("one_pager.html"),
        fields=[
            headline,
            {
                "name": "offer",
                "label": "Your offer",
                "max_length": 90,
                "default": "First month free for new customers",
                "help_text": "One short sentence.",
            },
        ],
    )
    _asset(
        spring,
        AssetKind.PDF_LAYOUT,
        "Spring flyer (A4, 2 pages)",
        2,
        admin=vendor,
        description="The designed launch flyer, stamped with your logo and details on every page.",
        file=("spring-flyer.pdf", artwork.flyer_pdf()),
        layout=FLYER_LAYOUT,
        fields=[headline],
    )
    _asset(
        spring,
        AssetKind.IMAGE_LAYOUT,
        "LinkedIn social card",
        3,
        admin=vendor,
        description="1200 × 630 card for LinkedIn and X.",
        output_format="png",
        file=("social-card.png", artwork.social_card_base_png()),
        layout=SOCIAL_LAYOUT,
        fields=[
            {
                "name": "call_to_action",
                "label": "Call to action",
                "field_type": "choice",
                "required": True,
                "choices": ["Book a demo", "Start a free trial", "Ask us how"],
                "default": "Book a demo",
            }
        ],
    )
    _asset(
        spring,
        AssetKind.EMAIL,
        "Launch announcement e-mail",
        4,
        admin=vendor,
        description="Send it from your own mailing tool: download as HTML or .eml.",
        template=read_source("email.html"),
        subject="{partner.name}: backups you never think about",
        fields=[
            {
                "name": "greeting",
                "label": "Opening line",
                "max_length": 200,
                "default": "Hello, we wanted you to be among the first to hear about this.",
            }
        ],
    )
    _asset(
        spring,
        AssetKind.LANDING_PAGE,
        "Live demo sign-up page",
        5,
        admin=vendor,
        description="A page at your own address that collects sign-ups for you.",
        template=read_source("landing.html"),
        fields=LANDING_FIELDS,
    )
    _asset(
        spring,
        AssetKind.FILE,
        "Technical data sheet",
        6,
        description="PDF, for IT buyers.",
        file=("northwind-backup-datasheet.pdf", artwork.datasheet_pdf()),
        admin=vendor,
    )
    guide = _asset(
        spring,
        AssetKind.GUIDELINE,
        "How to talk about Northwind Backup",
        7,
        description="Approved wording, do's and don'ts, and the legal line.",
    )
    if not guide.guideline_entries.exists():
        for i, (section, title, body) in enumerate(
            [
                (
                    "description",
                    "Short description (25 words)",
                    "Northwind Backup protects every laptop and server automatically, with encrypted, ransomware-proof copies you can restore from any browser.",
                ),
                (
                    "boilerplate",
                    "Boilerplate (50 words)",
                    "Northwind Cloud helps 40,000 companies keep their data safe. Northwind Backup sets up in ten minutes, encrypts everything end to end and keeps 90 days of history, so a lost laptop or a ransomware attack is an inconvenience, not a disaster.",
                ),
                ("do", "", "Say “backup” and “restore”; customers search for those words."),
                ("do", "", "Lead with the ten-minute set-up."),
                ("dont", "", "Don't promise “unlimited” storage: plans have fair-use limits."),
                (
                    "dont",
                    "",
                    "Don't use the Northwind logo larger than your own on co-branded material.",
                ),
                (
                    "legal",
                    "Trademark line",
                    "Northwind and Northwind Backup are trademarks of Northwind Cloud Ltd, used under licence.",
                ),
            ]
        ):
            GuidelineEntry.objects.create(
                asset=guide, section=section, title=title, body=body, position=i
            )
    course = _asset(
        spring,
        AssetKind.TRAINING,
        "Selling Northwind Backup in 15 minutes",
        8,
        description="Three short lessons for your sales team.",
    )
    if not course.lessons.exists():
        for i, (title, body) in enumerate(
            [
                (
                    "Who buys backup",
                    "Small IT teams who have just lost a laptop, or fear they will.\n\nAsk: when did you last restore a file?",
                ),
                (
                    "The ten-minute demo",
                    "Open the trial, install on your own laptop, restore a deleted file. That's the demo.",
                ),
                (
                    "Handling objections",
                    "“We already use sync.” Sync copies mistakes too; backup keeps history.",
                ),
            ]
        ):
            lesson = Lesson(asset=course, title=title, body=body, position=i)
            lesson.attachment.save("slides.pdf", ContentFile(artwork.slides_pdf(title)), save=False)
            lesson.attachment_name = f"lesson-{i + 1}-slides.pdf"
            lesson.save()

    # Kit 2: resellers and agencies only.
    webinar = _kit(
        "Partner webinar series",
        summary="Invite your customers to our monthly webinar, under your name.",
        tags=["Events"],
        colour="#3B1F5F",
        accent="#F2A900",
        types=["reseller", "agency"],
    )
    _asset(
        webinar,
        AssetKind.EMAIL,
        "Webinar invitation e-mail",
        1,
        admin=vendor,
        template=read_source("email.html"),
        subject="Join {partner.name} and {vendor.name} live",
        fields=[
            {
                "name": "greeting",
                "label": "Opening line",
                "max_length": 200,
                "default": "You're invited to our next live session.",
            }
        ],
    )
    _asset(
        webinar,
        AssetKind.FILE,
        "Webinar slide deck",
        2,
        admin=vendor,
        file=("webinar-slides.pdf", artwork.slides_pdf("Webinar")),
    )

    # Kit 3: Gold and Platinum partners only.
    security = _kit(
        "Security whitepaper pack",
        summary="For partners who sell to regulated industries.",
        tags=["Security", "Backup"],
        colour="#12372A",
        accent="#36B37E",
        tiers=["Gold", "Platinum"],
    )
    _asset(
        security,
        AssetKind.HTML_DOCUMENT,
        "Co-branded security brief",
        1,
        admin=vendor,
        template=read_source("one_pager.html"),
        fields=[
            {
                **headline,
                "choices": ["Backups your auditor will love", "Security built in"],
                "default": "Backups your auditor will love",
            },
            {
                "name": "offer",
                "label": "Your offer",
                "max_length": 90,
                "default": "Free security review",
            },
        ],
    )
    _asset(
        security,
        AssetKind.FILE,
        "ISO 27001 certificate",
        2,
        admin=vendor,
        file=("iso-27001-certificate.pdf", artwork.datasheet_pdf()),
    )
    _landing_demo()
    return logins


DEMO_LEADS = [
    (
        "Priya Shah",
        "priya.shah@harrogate-dental.example",
        "Harrogate Dental Group",
        "We have 14 laptops and no backup at all. Can you show us on the 3rd?",
        "linkedin",
    ),
    (
        "Tom Becker",
        "tom@beckerlogistics.example",
        "Becker Logistics",
        "Interested in the ransomware protection for our depot PCs.",
        "newsletter",
    ),
]


def _landing_demo():
    """Acme's event page, published, with two leads (once)."""
    from portal.landing.models import LandingPage, Lead
    from portal.landing.services import landing_page_publish, page_view_record

    acme = PartnerOrganisation.objects.get(slug="acme")
    asset = Asset.objects.get(title="Live demo sign-up page")
    if LandingPage.objects.filter(organisation=acme, asset=asset).exists():
        return
    page = landing_page_publish(
        organisation=acme,
        asset=asset,
        values={
            "headline": "See Northwind Backup live in Leeds",
            "event_date": "2026-12-03",
            "call_to_action": "Save my seat",
        },
    )
    for day_offset, count in ((2, 31), (1, 44), (0, 12)):
        for _ in range(count):
            page_view_record(page_id=page.pk, day=timezone.localdate() - timedelta(days=day_offset))
    for i, (name, email, company, message, source) in enumerate(DEMO_LEADS):
        Lead.objects.create(
            organisation=acme,
            page=page,
            asset_version=asset.current_version,
            name=name,
            email=email,
            company=company,
            message=message,
            consent=True,
            utm_source=source,
            utm_medium="social" if source == "linkedin" else "email",
            utm_campaign="spring-launch",
            submission_token=f"demo-lead-{i}",
            created_at=timezone.now() - timedelta(hours=5 - 3 * i),
        )
