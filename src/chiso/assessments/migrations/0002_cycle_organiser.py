# Every cycle belongs to an organiser. The cycles already here go to the installation's organiser,
# created for the administered province (settings.CHISO_PROVINCE_CODE, else the parent most
# departments have) when there is none yet — the rule of `chiso.units.organisers.default_organiser`.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def _installation_organiser(apps):
    Organiser = apps.get_model("units", "Organiser")
    Unit = apps.get_model("units", "Unit")
    first = Organiser.objects.order_by("pk").first()
    if first is not None:
        return first
    code = str(getattr(settings, "CHISO_PROVINCE_CODE", "") or "")
    if not code:
        top = (
            Unit.objects.filter(level="department")
            .exclude(parent_code="")
            .values("parent_code")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        code = top["parent_code"] if top else ""
    province = (
        Unit.objects.filter(level="province", code=code).order_by("valid_to").first() if code else None
    )
    if province is None:
        return Organiser.objects.create(code="so-noi-vu", name="Sở Nội vụ", name_en="Department of Home Affairs")
    return Organiser.objects.create(
        code=f"so-noi-vu-{province.code}".lower(),
        name=f"Sở Nội vụ {province.name}",
        name_en=f"Department of Home Affairs, {province.name}",
        unit=province,
    )


def cycles_to_organiser(apps, schema_editor):
    Cycle = apps.get_model("assessments", "Cycle")
    if Cycle.objects.filter(organiser=None).exists():
        Cycle.objects.filter(organiser=None).update(organiser=_installation_organiser(apps))


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0001_initial'),
        ('units', '0005_organisers'),
    ]

    operations = [
        migrations.AddField(
            model_name='cycle',
            name='organiser',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cycles', to='units.organiser', verbose_name='đơn vị tổ chức'),
        ),
        migrations.RunPython(cycles_to_organiser, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='cycle',
            name='organiser',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cycles', to='units.organiser', verbose_name='đơn vị tổ chức'),
        ),
    ]
