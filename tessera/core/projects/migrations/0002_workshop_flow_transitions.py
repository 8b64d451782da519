"""Workshop transitions are fired only by the workshop services: guard the stored
transitions of existing workshop projects with ``workshop_flow`` (held by no role), as the
blueprint now does for new ones."""

from django.db import migrations


def forward(apps, schema_editor):
    WorkflowTransition = apps.get_model("projects", "WorkflowTransition")
    WorkflowTransition.objects.filter(project__template="workshop").update(
        permission="workshop_flow"
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
