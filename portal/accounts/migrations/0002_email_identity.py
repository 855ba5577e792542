"""Store every e-mail address in its one comparable form (see
portal/accounts/identity.py): sign-in now looks addresses up exactly."""

import unicodedata

from django.db import migrations


def _identity(value):
    return unicodedata.normalize("NFKC", value or "").casefold().strip()


def normalise_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    wanted = {}
    for pk, email in User.objects.values_list("pk", "email"):
        wanted.setdefault(_identity(email), []).append((pk, email))
    clashes = [rows for rows in wanted.values() if len(rows) > 1]
    if clashes:
        listed = "; ".join(", ".join(email for _, email in rows) for rows in clashes)
        raise RuntimeError(
            "These accounts differ only by case or look-alike characters; merge or rename "
            f"them before migrating: {listed}"
        )
    for identity, [(pk, email)] in wanted.items():
        if identity != email:
            User.objects.filter(pk=pk).update(email=identity)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(normalise_emails, migrations.RunPython.noop)]
