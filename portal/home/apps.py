from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The partner's start page: what is new in the library and what the
    organisation's profile still lacks. It reads from partners and assets, so
    it sits above both."""

    name = "portal.home"
    label = "home"
