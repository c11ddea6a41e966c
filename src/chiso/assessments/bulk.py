"""Scoring a whole cycle at once: every unit's self-assessment inputs from one table (CSV or Excel),
validated row by row, written in one transaction with bulk operations, the totals computed once.

The table has one row per unit: its code in the first column headed «Mã đơn vị» (a column «Tên đơn
vị» may follow, and is not read), then one column per input of a criterion, headed
`<criterion>.<input>` (`1.2.numerator`, `1.2.denominator`), or just `<criterion>` for a criterion
whose rule has one input (the points of a manual criterion, the value of a step table, the items
done of a checklist, separated by commas, or «-» for none). Survey criteria are not imported (their points come from
the survey). An empty cell leaves that criterion as it is stored; a criterion with any input in a
row is replaced by the row's inputs, scored by its rule — against the best unit of the whole cycle
for a rule that compares units, whose other units are scored again as the workflow does.

Every problem is collected with its row and column; if there is one, nothing is written. Only
the cycle's officers import, into the assessments still in self-assessment (draft).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.permissions import manages
from chiso.assessments import standings
from chiso.assessments.models import Assessment, CriterionScore, Cycle, State
from chiso.assessments.scoring import _following, _rule, _value
from chiso.assessments.workflow import NotAllowed, WorkflowError, audit
from chiso.core import changelog
from chiso.core.limits import decimal_bound, field_problem
from chiso.core.points import VALUE_DIGITS, VALUE_PLACES
from chiso.core.uploads import FileRefused, Workbook, capped, csv_rows
from chiso.engine.frameworks import SURVEY, Node
from chiso.engine.names import match_key
from chiso.engine.rules import RuleContext, ScoringInputError

UNIT_HEADERS = {match_key(h) for h in ("Mã đơn vị", "ma don vi", "ma_don_vi", "code", "unit_code")}
NAME_HEADERS = {match_key(h) for h in ("Tên đơn vị", "ten don vi", "ten_don_vi", "name", "unit_name")}
CHECKLIST = "done"
NONE_DONE = {"-", "–", "0"}  # a checklist cell saying that no item is done (an empty cell says nothing)


class ImportRefused(WorkflowError):
    """The file was refused: `messages` name each problem's row and column; nothing was written."""

    def __init__(self, messages: Sequence[str]):
        self.messages = capped(list(messages))
        super().__init__("\n".join(self.messages))


@dataclass
class ImportReport:
    units: int = 0  # units whose row had at least one input
    criteria: int = 0  # criterion scores written (created or changed)
    created: int = 0
    rescored: int = 0  # other units' points of peer-compared criteria scored again
    rows: list[str] = field(default_factory=list)


def read_table(data: bytes, name: str) -> list[list[Any]]:
    """The rows of a CSV or .xlsx file (the first sheet), as every importer reads them."""
    if PurePath(name).suffix.lower() in (".xlsx", ".xlsm"):
        with Workbook(data, name) as book:
            return [list(row) for row in book.rows()]
    return [list(row) for row in csv_rows(data, name)]


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return format(Decimal(repr(cell)).normalize(), "f") if cell == cell else ""
    return str(cell).strip()


@dataclass
class Column:
    index: int
    header: str
    node: Node
    input: str


def _columns(header: Sequence[Any], leaves: dict[str, Node]) -> tuple[int, list[Column], list[str]]:
    """The unit code's column, each input's column, and the header's problems."""
    problems = []
    texts = [_text(h) for h in header]
    unit_column = next((i for i, h in enumerate(texts) if match_key(h) in UNIT_HEADERS), -1)
    if unit_column < 0:
        problems.append(_("Dòng 1: không có cột «Mã đơn vị»."))
    columns: list[Column] = []
    seen: dict[tuple[str, str], str] = {}
    for i, text in enumerate(texts):
        if i == unit_column or not text or match_key(text) in NAME_HEADERS:
            continue
        code, name = text, ""
        if code not in leaves and "." in text:
            code, _sep, name = text.rpartition(".")
        node = leaves.get(code)
        if node is None:
            problems.append(
                _("Dòng 1, cột «{column}»: không có tiêu chí {code} trong khung.").format(
                    column=text, code=text
                )
            )
            continue
        if node.method == SURVEY:
            problems.append(
                _(
                    "Dòng 1, cột «{column}»: tiêu chí {code} chấm qua điều tra xã hội học, không nhập được."
                ).format(column=text, code=code)
            )
            continue
        inputs = _rule(node).inputs
        if not name:
            if len(inputs) != 1:
                problems.append(
                    _(
                        "Dòng 1, cột «{column}»: tiêu chí {code} có nhiều số liệu ({inputs}); ghi {code}.<tên số liệu>."
                    ).format(column=text, code=code, inputs=", ".join(inputs))
                )
                continue
            name = inputs[0]
        if name not in inputs:
            problems.append(
                _(
                    "Dòng 1, cột «{column}»: tiêu chí {code} không có số liệu «{input}» (có: {inputs})."
                ).format(column=text, code=code, input=name, inputs=", ".join(inputs))
            )
            continue
        if (code, name) in seen:
            problems.append(
                _("Dòng 1, cột «{column}»: lặp lại cột «{first}».").format(
                    column=text, first=seen[(code, name)]
                )
            )
            continue
        seen[(code, name)] = text
        columns.append(Column(i, text, node, name))
    return unit_column, columns, problems


def inputs_of(node: Node) -> tuple[str, ...]:
    """The inputs of a criterion's rule: one column each."""
    return tuple(_rule(node).inputs)


def _cell_value(column: Column, text: str) -> Any:
    if column.input == CHECKLIST:
        if text in NONE_DONE:
            return []
        return [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    return text


def import_scores(user: User, cycle: Cycle, data: bytes, name: str) -> ImportReport:
    """Import every unit's self-assessment inputs of `cycle` from a table (see the module); all or
    nothing. Raises NotAllowed, ImportRefused (with every problem) or FileRefused."""
    if not manages(user, cycle.organiser_id):
        raise NotAllowed(_("Bạn không có quyền nhập điểm cho kỳ đánh giá này."))
    if cycle.is_published:
        raise NotAllowed(
            _("Kỳ đánh giá «{cycle}» đã công bố: không nhập được điểm.").format(cycle=cycle.name)
        )
    rows = read_table(data, name)
    while rows and not any(_text(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRefused([_("Tệp {name} trống.").format(name=name)])
    framework = cycle.framework.to_engine()
    leaves = {leaf.code: leaf for leaf in framework.leaves()}
    unit_column, columns, problems = _columns(rows[0], leaves)
    if problems:
        raise ImportRefused(problems)
    assessments = {a.unit.code: a for a in cycle.assessments.select_related("unit")}
    imported: dict[int, dict[str, dict[str, Any]]] = {}  # assessment id → leaf → inputs
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        code = cells[unit_column] if unit_column < len(cells) else ""
        assessment = assessments.get(code)
        if not code:
            problems.append(_("Dòng {row}: thiếu mã đơn vị.").format(row=number))
            continue
        if assessment is None:
            problems.append(
                _("Dòng {row}: đơn vị {code} không thuộc kỳ đánh giá.").format(row=number, code=code)
            )
            continue
        if code in first_row:
            problems.append(
                _("Dòng {row}: đơn vị {code} lặp lại (đã có ở dòng {first}).").format(
                    row=number, code=code, first=first_row[code]
                )
            )
            continue
        first_row[code] = number
        inputs: dict[str, dict[str, Any]] = {}
        for column in columns:
            text = cells[column.index] if column.index < len(cells) else ""
            if text:
                inputs.setdefault(column.node.code, {})[column.input] = _cell_value(column, text)
        if not inputs:
            continue
        if assessment.state != State.DRAFT:
            problems.append(
                _(
                    "Dòng {row}: bản đánh giá của {unit} đang ở trạng thái «{state}», không nhập được số liệu "
                    "tự đánh giá."
                ).format(row=number, unit=assessment.unit.display_name, state=assessment.get_state_display())
            )
            continue
        imported[assessment.pk] = inputs
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        report = _write(user, cycle, imported, leaves, first_row, assessments, columns)
    standings.bump(cycle_id=cycle.pk)
    standings.standing_of(cycle, standings.default_stage(cycle))  # the totals, once
    return report


@dataclass
class _Stored:
    """A criterion score as stored (the fields an import reads and writes)."""

    pk: int | None
    inputs: dict[str, Any]
    points: Decimal | None
    appraised: Decimal | None
    final: Decimal | None
    version: int


def _write(
    user: User,
    cycle: Cycle,
    imported: dict[int, dict[str, dict[str, Any]]],
    leaves: dict[str, Node],
    first_row: dict[str, int],
    assessments: dict[str, Assessment],
    columns: list[Column],
) -> ImportReport:
    """Score and write, in the caller's transaction; refuses (ImportRefused) before writing anything."""
    list(Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk"))  # one import at a time
    touched = {column.node.code for column in columns}
    stored: dict[tuple[int, str], _Stored] = {
        (assessment_id, criterion): _Stored(pk, inputs or {}, points, appraised, final, version)
        for pk, assessment_id, criterion, inputs, points, appraised, final, version in CriterionScore.objects.filter(
            assessment__cycle=cycle, criterion__in=touched
        ).values_list(
            "pk",
            "assessment_id",
            "criterion",
            "self_inputs",
            "self_points",
            "appraised_points",
            "final_points",
            "version",
        )
    }
    row_of: dict[int, int | str] = {assessments[code].pk: number for code, number in first_row.items()}
    bound = decimal_bound(CriterionScore, "self_points")
    problems = []
    written: list[tuple[int, str, _Stored]] = []
    for code in sorted(touched):
        node = leaves[code]
        rule = _rule(node)
        merged = {pk: dict(row.inputs) for (pk, leaf), row in stored.items() if leaf == code}
        for pk, inputs in imported.items():
            if code in inputs:
                merged[pk] = inputs[code]
        peer = rule.peer_field
        values = (
            [v for inputs in merged.values() if (v := _safe_value(inputs, peer)) is not None] if peer else []
        )
        context = RuleContext(code, {code: values} if peer else {})
        for pk, inputs in merged.items():
            mine = code in imported.get(pk, {})
            if not mine and not peer:
                continue
            try:
                points = rule.score(inputs, node.max_points, context)
            except (ScoringInputError, ArithmeticError, ValueError, TypeError) as exc:
                if mine:
                    problems.append(
                        _("Dòng {row}, tiêu chí {code}: {error}").format(row=row_of[pk], code=code, error=exc)
                    )
                continue
            problem = (
                None
                if points is None or abs(points) < bound
                else field_problem(CriterionScore, "self_points", points)
            )
            if problem:
                problems.append(
                    _("Dòng {row}, tiêu chí {code}: {error}").format(
                        row=row_of.get(pk, "?"), code=code, error=problem
                    )
                )
                continue
            points = _as_stored(points)
            row = stored.get((pk, code)) or _Stored(None, {}, None, None, None, 0)
            clean = {k: (list(v) if isinstance(v, list) else str(v)) for k, v in inputs.items()}
            own = row.appraised if row.appraised is not None else row.points
            appraised = _following(row.appraised, row.points, points)
            final = _following(row.final, own, appraised if appraised is not None else points)
            if row.pk is not None and (row.inputs, row.points, row.appraised, row.final) == (
                clean,
                points,
                appraised,
                final,
            ):
                continue
            new = _Stored(row.pk, clean, points, appraised, final, row.version + 1)
            written.append((pk, code, new))
    if problems:
        raise ImportRefused(problems)
    created = [item for item in written if item[2].pk is None]
    changed = [item for item in written if item[2].pk is not None]
    _insert(created, user)
    _update(changed, user)
    started = [a for a in assessments.values() if a.pk in imported and not a.started]
    for assessment in started:
        assessment.started = True
    Assessment.objects.bulk_update(started, ["started"], batch_size=1000)
    rescored = sum(1 for pk, _code, _row in changed if pk not in imported)
    report = ImportReport(units=len(imported), criteria=len(written), created=len(created), rescored=rescored)
    # Too many rows to log one by one: one change-log entry on the cycle, one workflow entry.
    changelog.log_counts(
        cycle,
        {
            "criterion_scores_created": (None, report.created),
            "criterion_scores_changed": (None, len(changed)),
        },
    )
    audit(
        user,
        "import_scores",
        cycle=cycle,
        field="self",
        after={"units": report.units, "criteria": report.criteria, "rescored": report.rescored},
    )
    return report


BATCH = 5000


def _executemany(sql: str, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _json_prep(value: dict[str, Any]) -> Any:
    """The inputs as the JSON field writes them (`JSONField.get_db_prep_value`, without an encoder)."""
    return connection.ops.adapt_json_value(value, None)


def _insert(rows: list[tuple[int, str, _Stored]], user: User) -> None:
    """New scores, in batches of one statement each (model instances and signals skipped: the import
    logs them as one entry on the cycle)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    names = (
        "assessment_id, criterion, self_inputs, self_points, self_note, appraised_points, "
        "appraisal_reason, final_points, survey_index, version, updated_by_id, updated_at"
    )
    columns = ", ".join(quote(name.strip()) for name in names.split(","))
    sql = (
        f"INSERT INTO {quote(CriterionScore._meta.db_table)} ({columns}) "
        "VALUES (%s, %s, %s, %s, '', %s, '', %s, NULL, %s, %s, %s)"
    )
    _executemany(
        sql,
        [
            (pk, code, _json_prep(r.inputs), r.points, r.appraised, r.final, r.version, user.pk, now)
            for pk, code, r in rows
        ],
    )


def _update(rows: list[tuple[int, str, _Stored]], user: User) -> None:
    """Changed scores, one prepared statement for them all."""
    if not rows:
        return
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sets = ", ".join(
        f"{quote(name)} = %s"
        for name in (
            "self_inputs",
            "self_points",
            "appraised_points",
            "final_points",
            "version",
            "updated_by_id",
            "updated_at",
        )
    )
    sql = f"UPDATE {quote(CriterionScore._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"
    _executemany(
        sql,
        [
            (_json_prep(r.inputs), r.points, r.appraised, r.final, r.version, user.pk, now, r.pk)
            for _pk, _code, r in rows
        ],
    )


STORED = Decimal(1).scaleb(-VALUE_PLACES)
STORED_CONTEXT = Context(prec=VALUE_DIGITS)


def _as_stored(points: Decimal | None) -> Decimal | None:
    """The points as the database keeps them (rounded to the field's places as Django rounds them,
    `django.db.backends.utils.format_number`), to compare with those stored."""
    if points is None:
        return None
    return points.quantize(STORED, context=STORED_CONTEXT)


def _safe_value(inputs: dict[str, Any], field_name: str) -> Decimal | None:
    try:
        return _value(inputs, field_name)
    except ArithmeticError:
        return None


__all__ = ["FileRefused", "ImportRefused", "ImportReport", "import_scores", "inputs_of", "read_table"]
