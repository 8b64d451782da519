# The ticket list's metric orders (``ordering=[-]xp_amount``, ``[-]total_duration``) walk
# these indexes, each ticket joined by its key (``selectors.ticket_rows_qs``): sorting every
# workshop ticket took 1.2 s at 1,000,000 tickets (docs/performance.md "Fifteenth round").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshop_core", "0002_user_deletion_keeps_ledger"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticketmetrics",
            index=models.Index(fields=["xp_amount", "ticket"], name="ws_metrics_xp_idx"),
        ),
        migrations.AddIndex(
            model_name="ticketmetrics",
            index=models.Index(
                fields=["total_duration", "ticket"], name="ws_metrics_duration_idx"
            ),
        ),
    ]
