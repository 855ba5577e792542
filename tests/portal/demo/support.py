"""The demo is installed only in development (settings.DEMO_ENABLED); its
tests run its command object directly, so the suite needs no demo app."""

from django.core.management import call_command

from portal.demo.management.commands import seed_demo


def load_demo() -> None:
    call_command(seed_demo.Command())
