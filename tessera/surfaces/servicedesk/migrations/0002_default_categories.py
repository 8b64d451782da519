"""Document 002's categories as shared rows of the core's managed category table."""

from django.db import migrations

DEFAULTS = [
    ("technical", "Technical"),
    ("billing", "Billing"),
    ("product", "Product Inquiry"),
    ("feature", "Feature Request"),
    ("bug", "Bug Report"),
    ("general", "General"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for slug, name in DEFAULTS:
        if not Category.objects.filter(project__isnull=True, slug=slug).exists():
            Category.objects.create(project=None, slug=slug, name=name)


class Migration(migrations.Migration):
    dependencies = [("ticketing", "0001_initial"), ("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
