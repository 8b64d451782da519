# The per-group ticket counts gain the category, the board column and the assignee count
# as group columns, and each group the sum of its resolution times: "unassigned", counts by category and the
# mean resolution time then read the summary rows, not every ticket (docs/performance.md,
# "Eighth round"). Ticket.assignee_count is kept by triggers on the assignments.
#
# At 1,000,000 tickets the forward step rewrites each assigned ticket's row once (the
# assignee recount) and recounts the groups: see docs/operations.md for its duration.

from django.db import migrations, models


def forward(apps, schema_editor):
    from tessera.core.tickets import counts

    alias = schema_editor.connection.alias
    counts.recount_assignees(using=alias)  # before the triggers: no group moves per row
    counts.install(using=alias)
    counts.rebuild(using=alias)


def backward(apps, schema_editor):
    from tessera.core.tickets import counts

    alias = schema_editor.connection.alias
    counts.uninstall(using=alias)
    # Back to one row per (project, state, priority), as 0002's triggers keep it; the
    # code of that migration state puts its triggers back after ``migrate``.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {counts.GROUP_INDEX}")
        cursor.execute(f"DELETE FROM {counts.TABLE}")
        cursor.execute(
            f"""INSERT INTO {counts.TABLE} (project_id, state_id, priority, category_id,
                    column_id, assignee_count, n, resolved_n, resolved_us)
                SELECT project_id, state_id, priority, NULL, NULL, 0, COUNT(*), 0, 0
                FROM tickets_ticket GROUP BY project_id, state_id, priority"""
        )


def add_assignee_count(apps, schema_editor):
    type_ = "smallint" if schema_editor.connection.vendor == "postgresql" else "smallint unsigned"
    schema_editor.execute(
        f"ALTER TABLE tickets_ticket ADD COLUMN assignee_count {type_} NOT NULL DEFAULT 0 "
        "CHECK (assignee_count >= 0)"
    )


def drop_assignee_count(apps, schema_editor):
    schema_editor.execute("ALTER TABLE tickets_ticket DROP COLUMN assignee_count")


def drop_old_triggers(apps, schema_editor):
    from tessera.core.tickets import counts

    counts.uninstall(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_list_and_count_indexes"),
    ]

    operations = [
        # The old triggers upsert on the constraint removed below.
        migrations.RunPython(drop_old_triggers, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="ticketcount",
            name="uniq_ticket_count_group",
        ),
        # A plain ADD COLUMN on both engines: Django would rebuild the SQLite table (a
        # NOT NULL column), which the search triggers on the comments table refuse.
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_assignee_count, drop_assignee_count)],
            state_operations=[
                migrations.AddField(
                    model_name="ticket",
                    name="assignee_count",
                    field=models.PositiveSmallIntegerField(
                        db_default=0, default=0, editable=False
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="ticketcount",
            name="assignee_count",
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name="ticketcount",
            name="category_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="ticketcount",
            name="column_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="ticketcount",
            name="resolved_n",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="ticketcount",
            name="resolved_us",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(forward, backward),
    ]
