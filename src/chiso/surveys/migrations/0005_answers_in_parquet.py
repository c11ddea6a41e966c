"""An import's responses move from one `Response` row each (answers as JSON) to one Parquet file
per import in the data folder; the batch keeps the file's path and columns. Paper forms stay rows.
Backwards, the files are read into rows again."""

from pathlib import Path

import polars as pl
from django.core.files.storage import default_storage
from django.db import migrations, models

DESIGN = {
    "row": pl.UInt32(),
    "submission_id": pl.Utf8(),
    "unit": pl.Int64(),
    "respondent_type": pl.Utf8(),
    "weight": pl.Float64(),
    "stratum": pl.Utf8(),
    "psu": pl.Utf8(),
}


def rows_to_files(apps, schema_editor):
    ImportBatch = apps.get_model("surveys", "ImportBatch")
    Response = apps.get_model("surveys", "Response")
    for batch in ImportBatch.objects.filter(path="").iterator():
        rows = list(
            Response.objects.filter(batch=batch, source="import")
            .order_by("pk")
            .values_list("submission_id", "unit_id", "respondent_type", "weight", "stratum", "psu", "answers")
        )
        fields = list(dict.fromkeys(name for row in rows for name in row[6]))
        data = {
            "row": [None] * len(rows),
            "submission_id": [r[0] for r in rows],
            "unit": [r[1] for r in rows],
            "respondent_type": [r[2] for r in rows],
            "weight": [r[3] for r in rows],
            "stratum": [r[4] or None for r in rows],
            "psu": [r[5] or None for r in rows],
            **{name: [None if r[6].get(name) is None else str(r[6][name]) for r in rows] for name in fields},
        }
        frame = pl.DataFrame(data, schema={**DESIGN, **dict.fromkeys(fields, pl.Utf8())})
        batch.path = f"surveys/answers/{batch.survey_id}/{batch.pk}-{batch.sha256[:12] or 'import'}.parquet"
        batch.columns = list(frame.columns)
        target = Path(default_storage.path(batch.path))
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(target, compression="zstd")
        batch.save(update_fields=["path", "columns"])
        Response.objects.filter(batch=batch, source="import").delete()


def files_to_rows(apps, schema_editor):
    ImportBatch = apps.get_model("surveys", "ImportBatch")
    Response = apps.get_model("surveys", "Response")
    for batch in ImportBatch.objects.exclude(path="").iterator():
        target = Path(default_storage.path(batch.path))
        if not target.exists():
            continue
        frame = pl.read_parquet(target)
        fields = [c for c in frame.columns if c not in DESIGN]
        Response.objects.bulk_create(
            [
                Response(
                    survey_id=batch.survey_id,
                    submission_id=r["submission_id"],
                    unit_id=r["unit"],
                    respondent_type=r["respondent_type"] or "",
                    weight=r["weight"],
                    stratum=r["stratum"] or "",
                    psu=r["psu"] or "",
                    answers={name: r[name] for name in fields if r[name] is not None},
                    source="import",
                    batch=batch,
                    entered_by_id=batch.user_id,
                )
                for r in frame.iter_rows(named=True)
            ],
            batch_size=2000,
        )
        batch.path, batch.columns = "", []
        batch.save(update_fields=["path", "columns"])
        target.unlink()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_survey_organiser"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="columns",
            field=models.JSONField(blank=True, default=list, verbose_name="các cột"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="path",
            field=models.CharField(blank=True, max_length=200, verbose_name="tệp câu trả lời"),
        ),
        migrations.RunPython(rows_to_files, files_to_rows),
    ]
