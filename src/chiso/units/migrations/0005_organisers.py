# Organisers: the bodies that run indices (a province's Sở Nội vụ, a district's Phòng Nội vụ, a
# ministry). A block's organiser, until now a unit, becomes the organiser of that unit.

import django.db.models.deletion
from django.db import migrations, models


def block_organisers_from_units(apps, schema_editor):
    Block = apps.get_model("units", "Block")
    Organiser = apps.get_model("units", "Organiser")
    for block in Block.objects.exclude(organiser_unit=None).select_related("organiser_unit"):
        unit = block.organiser_unit
        organiser = Organiser.objects.filter(unit=unit).order_by("pk").first()
        if organiser is None:
            organiser = Organiser.objects.create(
                code=f"so-noi-vu-{unit.code}".lower(), name=f"Sở Nội vụ {unit.name}", unit=unit
            )
        block.organiser = organiser
        block.save(update_fields=["organiser"])


def block_organisers_to_units(apps, schema_editor):
    Block = apps.get_model("units", "Block")
    for block in Block.objects.exclude(organiser=None).select_related("organiser"):
        block.organiser_unit = block.organiser.unit
        block.save(update_fields=["organiser_unit"])


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0004_blocks'),
    ]

    operations = [
        migrations.CreateModel(
            name='Organiser',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='mã đơn vị tổ chức')),
                ('name', models.CharField(max_length=200, verbose_name='tên đơn vị tổ chức')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='tên tiếng Anh')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='units.organiser', verbose_name='đơn vị tổ chức cấp trên')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisers', to='units.unit', verbose_name='địa bàn (tỉnh, huyện) hoặc cơ quan')),
            ],
            options={
                'verbose_name': 'đơn vị tổ chức',
                'verbose_name_plural': 'đơn vị tổ chức',
                'ordering': ['pk'],
            },
        ),
        migrations.RenameField(model_name="block", old_name="organiser", new_name="organiser_unit"),
        migrations.AddField(
            model_name='block',
            name='organiser',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='blocks', to='units.organiser', verbose_name='đơn vị tổ chức'),
        ),
        migrations.RunPython(block_organisers_from_units, block_organisers_to_units),
        migrations.RemoveField(model_name="block", name="organiser_unit"),
    ]
