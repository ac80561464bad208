"""The rule-set snapshot is kept once per period: every evaluation's copy equals its
period's (both were taken from the same frozen rule set when the period opened), so the
per-evaluation column goes; `Evaluation.rule_set_snapshot` reads the period's. A copy
that differs stops the migration rather than losing what it was scored against."""

from django.db import migrations


def check_copies_match(apps, schema_editor):
    evaluation = apps.get_model("evaluation", "Evaluation")
    period = apps.get_model("evaluation", "Period")
    snapshots = dict(period.objects.values_list("pk", "rule_set_snapshot"))
    rows = evaluation.objects.values_list("pk", "period_id", "rule_set_snapshot")
    for pk, period_id, snapshot in rows.iterator(chunk_size=2000):
        if snapshot != snapshots[period_id]:
            raise RuntimeError(
                f"evaluation {pk} was scored against another rule set than its period's"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0006_recomputation_batch_audit"),
    ]

    operations = [
        migrations.RunPython(check_copies_match, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="evaluation",
            name="rule_set_snapshot",
        ),
    ]
