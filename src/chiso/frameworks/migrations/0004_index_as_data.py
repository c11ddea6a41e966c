"""An index is data: legal basis, the levels it assesses, its scale, the ranking precision and group
rule its frameworks inherit, the wording of its sentences. The four built-in indices get their
values (the same as `chiso/data/indices.yaml`); every other index keeps its level and defines no
groups."""

from django.db import migrations, models

import chiso.frameworks.models

QUARTILES = {
    "method": "quartiles",
    "labels_vi": [
        "Nhóm đạt điểm cao nhất",
        "Nhóm đạt điểm trung bình cao",
        "Nhóm đạt điểm trung bình thấp",
        "Nhóm đạt điểm thấp nhất",
    ],
    "labels_en": ["Highest", "Upper middle", "Lower middle", "Lowest"],
    "bands": [],
}
BANDS = {
    "method": "bands",
    "labels_vi": ["Nhóm A", "Nhóm B", "Nhóm C", "Nhóm D"],
    "labels_en": ["Group A", "Group B", "Group C", "Group D"],
    "bands": [
        {"label_vi": "Nhóm A", "label_en": "Group A", "min_percent": "90"},
        {"label_vi": "Nhóm B", "label_en": "Group B", "min_percent": "80"},
        {"label_vi": "Nhóm C", "label_en": "Group C", "min_percent": "70"},
        {"label_vi": "Nhóm D", "label_en": "Group D", "min_percent": "0"},
    ],
}
PCI_TIERS = {
    "method": "published",
    "labels_vi": ["Rất tốt", "Tốt", "Khá", "Trung bình", "Tương đối thấp", "Thấp"],
    "labels_en": ["Excellent", "Good", "Fair", "Average", "Relatively low", "Low"],
    "bands": [],
}
PROVINCES = {"province": "tỉnh, thành phố"}
BUILTIN = {
    "papi": {"max_points": 80, "precision": 4, "groups": QUARTILES},
    "pci": {"max_points": 100, "precision": 4, "groups": PCI_TIERS},
    "par_index": {
        "max_points": 100,
        "precision": 2,
        "groups": BANDS,
        "legal_basis": "Đề án Xác định Chỉ số cải cách hành chính do Bộ Nội vụ phê duyệt "
        "(876/QĐ-BNV ngày 10/11/2022; 1187/QĐ-BNV ngày 15/10/2025)",
    },
    "sipas": {
        "max_points": None,
        "percent": True,
        "precision": 2,
        "groups": {"method": "none"},
        "legal_basis": "2640/QĐ-BNV ngày 10/10/2017; 1001/QĐ-BNV ngày 11/12/2023",
    },
}


def fill(apps, schema_editor):
    Index = apps.get_model("frameworks", "Index")
    for index in Index.objects.using(schema_editor.connection.alias).all():
        index.unit_levels = [index.unit_level]
        values = BUILTIN.get(index.code)
        if values is not None:
            for key, value in values.items():
                setattr(index, key, value)
            index.peer_nouns = dict(PROVINCES)
        index.save()


class Migration(migrations.Migration):

    dependencies = [
        ('frameworks', '0003_criterionmapping_table'),
    ]

    operations = [
        migrations.AddField(
            model_name='index',
            name='groups',
            field=models.JSONField(blank=True, default=chiso.frameworks.models.no_groups, verbose_name='cách chia nhóm'),
        ),
        migrations.AddField(
            model_name='index',
            name='legal_basis',
            field=models.TextField(blank=True, verbose_name='căn cứ pháp lý'),
        ),
        migrations.AddField(
            model_name='index',
            name='max_points',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=10, null=True, verbose_name='điểm tối đa'),
        ),
        migrations.AddField(
            model_name='index',
            name='peer_nouns',
            field=models.JSONField(blank=True, default=dict, verbose_name='danh từ chỉ các đơn vị cùng cấp'),
        ),
        migrations.AddField(
            model_name='index',
            name='percent',
            field=models.BooleanField(default=False, verbose_name='chỉ số tính theo tỷ lệ %'),
        ),
        migrations.AddField(
            model_name='index',
            name='precision',
            field=models.PositiveSmallIntegerField(default=2, verbose_name='số chữ số thập phân khi xếp hạng'),
        ),
        migrations.AddField(
            model_name='index',
            name='share_of_max',
            field=models.BooleanField(default=False, verbose_name='nêu tỷ lệ phần trăm so với điểm tối đa'),
        ),
        migrations.AddField(
            model_name='index',
            name='unit_levels',
            field=models.JSONField(blank=True, default=list, verbose_name='các cấp đơn vị được đánh giá'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
