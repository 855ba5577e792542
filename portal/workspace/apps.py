from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The marketing admins' workspace at /workspace/: kits, assets, zones,
    previews and publishing, without the database editor. It sits above the
    asset library and the landing pages, and reads and writes through their
    services and selectors."""

    name = "portal.workspace"
    label = "workspace"
