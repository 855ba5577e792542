from django.core.management.base import BaseCommand

from portal.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo (a vendor, four partners, three kits with every kind of asset). "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        logins = seed_demo()
        width = max(len(login.email) for login in logins)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is ready. Sign in with (password for all: {DEMO_PASSWORD}):"
            )
        )
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}, {login.organisation}")
