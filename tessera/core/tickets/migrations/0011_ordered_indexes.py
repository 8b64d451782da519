# The title index also holds the id, the tie-break of every title order (boards
# ``ordering=name``, the web's title sort): with ``(title)`` alone PostgreSQL sorted each run
# of equal titles (80 ms at 1,000,000 tickets, docs/performance.md "Fifteenth round").
# Building it takes a few seconds at 1M on PostgreSQL, holding the ticket table's write lock.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_project_state_covering_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["title", "id"], name="ticket_title_id_idx"),
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="tickets_tic_title_4264da_idx",
        ),
    ]
