"""Audit entries outlive their cycle and assessment (SET_NULL instead of CASCADE), keeping the
cycle's and the unit's names; they carry the request id that links them to the change log."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_the_names(apps, schema_editor):
    AuditEntry = apps.get_model("assessments", "AuditEntry")
    Cycle = apps.get_model("assessments", "Cycle")
    Assessment = apps.get_model("assessments", "Assessment")
    AuditEntry.objects.filter(cycle__isnull=False).update(
        cycle_name=Subquery(Cycle.objects.filter(pk=OuterRef("cycle_id")).values("name")[:1])
    )
    AuditEntry.objects.filter(assessment__isnull=False).update(
        unit_name=Subquery(Assessment.objects.filter(pk=OuterRef("assessment_id")).values("unit__name")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_cycle_method'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='cid',
            field=models.CharField(blank=True, db_index=True, max_length=255, verbose_name='mã yêu cầu'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='cycle_name',
            field=models.CharField(blank=True, max_length=300, verbose_name='kỳ đánh giá'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='unit_name',
            field=models.CharField(blank=True, max_length=300, verbose_name='đơn vị'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='assessment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit', to='assessments.assessment'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='cycle',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit', to='assessments.cycle'),
        ),
        migrations.RunPython(keep_the_names, migrations.RunPython.noop),
    ]
