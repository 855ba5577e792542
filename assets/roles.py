"""The "Marketing admins" group and exactly the permissions it carries."""

from django.contrib.auth.models import Group, Permission

MARKETING_ADMINS = "Marketing admins"

# app label -> model -> actions. Users are not managed by marketing admins; they
# invite partner people instead, so only "view" on users.
MARKETING_ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "assets": {
        "kit": ("add", "change", "delete", "view"),
        "asset": ("add", "change", "delete", "view"),
        "assetversion": ("view",),
        "editablefield": ("add", "change", "delete", "view"),
        "guidelineentry": ("add", "change", "delete", "view"),
        "lesson": ("add", "change", "delete", "view"),
        "lessoncompletion": ("view",),
        "tag": ("add", "change", "delete", "view"),
        "downloadevent": ("view",),
    },
    "partners": {
        "partnerorganisation": ("add", "change", "view"),
        "brandprofile": ("change", "view"),
        "membership": ("add", "change", "delete", "view"),
        "invitation": ("add", "change", "view"),
        "tier": ("add", "change", "view"),
        "region": ("add", "change", "view"),
    },
    "accounts": {"user": ("view",)},
    "landing": {"landingpage": ("view",), "lead": ("view",)},
}


def marketing_admin_codenames() -> set[tuple[str, str]]:
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in MARKETING_ADMIN_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def ensure_marketing_admin_group(**kwargs) -> Group | None:
    """Create or correct the group; runs after every migrate. Permissions of
    apps not yet migrated are added on a later run."""
    wanted = marketing_admin_codenames()
    perms = [
        p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=MARKETING_ADMIN_PERMISSIONS.keys()
        )
        if (p.content_type.app_label, p.codename) in wanted
    ]
    group, _ = Group.objects.get_or_create(name=MARKETING_ADMINS)
    group.permissions.set(perms)
    return group
