# Overdue counts (servicedesk.selectors.overdue_q) read a range per open state from
# (state, due_date, project); the project as its last column keeps the visible-projects
# filter index-only.
# A company's tickets within one project are counted from (company, project) alone. The
# comment lists (oldest first) walk (created_at, id) instead of sorting every comment.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_ticket_project_type_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["created_at", "id"], name="comment_created_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["company", "project"], name="ticket_company_project_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["state", "due_date", "project"], name="ticket_state_due_idx"
            ),
        ),
    ]
