# The (project, state) index also carries due date, priority and urgency, so the boards'
# "attention needed" count reads it alone (docs/performance.md, "Twelfth round"). At
# 1,000,000 tickets building it takes ~1 s on PostgreSQL, holding the ticket table's write
# lock; SQLite ignores INCLUDE (models.W040 is silenced) and builds a plain index.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_comment_counts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["project", "state"],
                include=("due_date", "priority", "urgency"),
                name="ticket_project_state_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="tickets_tic_project_4a33b7_idx",
        ),
    ]
