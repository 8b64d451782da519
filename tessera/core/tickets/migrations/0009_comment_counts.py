# The groups of ``tickets_ticketcount`` also count their tickets' public comments and
# internal notes, for the comment lists' counts (docs/performance.md, "Twelfth round"),
# kept by triggers on the comments and carried along when a ticket changes group. At
# 1,000,000 tickets the forward step recounts every group with its comments once (a few
# seconds); both columns are added with a database default, without a table rewrite.

from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from tessera.core.tickets import counts

    counts.uninstall(using=schema_editor.connection.alias)


def forward(apps, schema_editor):
    from tessera.core.tickets import counts

    alias = schema_editor.connection.alias
    counts.install(using=alias)
    counts.rebuild(using=alias)


def backward(apps, schema_editor):
    from tessera.core.tickets import counts

    counts.install(using=schema_editor.connection.alias, comments=False)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0008_redundant_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="ticketcount",
            name="comment_n",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="ticketcount",
            name="internal_comment_n",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(forward, backward),
    ]
