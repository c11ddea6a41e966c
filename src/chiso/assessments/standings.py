"""A cycle's figures computed once per version and stored: the league table of every stage, each unit's
line of it (total, rank, block rank, group, change, the fields' points and ranks), and what the whole
table shares (means, N, the blocks).

The pages never compute a cycle: the results page reads a page of stored lines, a unit's page reads
its own line and the summary, the officer's dashboard reads the totals. They are computed (by the
engine, `scoring.cycle_analysis`) by a background job (`refresh_job`, queued after the commit that
changed points, or by the first page that finds them stale); meanwhile the pages show the last
stored table marked `stale`, with a note (`assessments/_stale_note.html`), and never compute it in
the request — unless none was ever stored. The exports and the bulk import wait for the current one.

- the version (`CycleVersion`) moves on with every save or deletion of a criterion score (a signal:
  whichever path saves — the workflow, peer re-scoring, the survey link, the admin), every unit added
  to or taken from a cycle, and every change of the units or their blocks; bulk writes that send no
  signal call `bump` themselves (`chiso.assessments.bulk`);
- stored figures are read only while their version is the current one and their key (the
  framework's last change, last year's cycle) still holds; otherwise they are computed again, once.

The version is read before the points are, so figures are never stored under a version newer than
the points they were computed from: a save between the two makes them stale, never wrongly fresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.assessments.models import (
    Assessment,
    CriterionScore,
    Cycle,
    CycleStanding,
    CycleVersion,
    State,
    UnitStanding,
)
from chiso.assessments.scoring import APPRAISED, FINAL, cycle_analysis, previous_cycle
from chiso.engine.analysis import BLOCK, TOTAL
from chiso.engine.compare import Change, Group
from chiso.units.models import Block, BlockMembership, Unit

if TYPE_CHECKING:
    from chiso.core.progress import Progress
    from chiso.jobs.models import Job
    from chiso.jobs.services import Outcome

# -- the version --------------------------------------------------------------------------------------


def version_of(cycle: Cycle | int) -> int:
    """The cycle's version now (one query), its row created at 0 the first time."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    found = CycleVersion.objects.filter(cycle_id=cycle_id).values_list("version", flat=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            CycleVersion.objects.create(cycle_id=cycle_id, version=0)
    except IntegrityError:  # created meanwhile by another request
        return CycleVersion.objects.get(cycle_id=cycle_id).version
    return 0


def bump(cycles: QuerySet[CycleVersion] | None = None, cycle_id: int | None = None) -> None:
    """Move the version of a cycle (or of the cycles of a queryset of versions) on: its stored figures
    are stale. A cycle without a version row has no stored figures (`version_of` creates it before
    any are stored), so only existing rows are moved."""
    if cycles is None:
        assert cycle_id is not None
        cycles = CycleVersion.objects.filter(cycle_id=cycle_id)
    cycles.update(version=F("version") + 1)


def _score_changed(sender: type, instance: CriterionScore, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        cycles = CycleVersion.objects.filter(cycle__assessments__id=instance.assessment_id)
        bump(cycles)
        _after_commit(Assessment.objects.filter(pk=instance.assessment_id).values_list("cycle_id", flat=True))


def _unit_joined_or_left(sender: type, instance: Assessment, raw: bool = False, **kwargs: Any) -> None:
    if not raw and kwargs.get("created", True):  # post_save: only when created; post_delete: always
        bump(cycle_id=instance.cycle_id)


def _units_changed(sender: type, raw: bool = False, **kwargs: Any) -> None:
    """A unit renamed (ties are ordered by name) or a block membership changed: every cycle."""
    if not raw:
        bump(CycleVersion.objects.all())


def connect() -> None:
    """Listen to every change that moves a cycle's figures (from `AppConfig.ready`)."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_score_changed, sender=CriterionScore, dispatch_uid="standings-score-saved")
    post_delete.connect(_score_changed, sender=CriterionScore, dispatch_uid="standings-score-deleted")
    post_save.connect(_unit_joined_or_left, sender=Assessment, dispatch_uid="standings-unit-joined")
    post_delete.connect(_unit_joined_or_left, sender=Assessment, dispatch_uid="standings-unit-left")
    for model in (Unit, Block, BlockMembership):
        post_save.connect(_units_changed, sender=model, dispatch_uid=f"standings-{model.__name__}-saved")
        post_delete.connect(_units_changed, sender=model, dispatch_uid=f"standings-{model.__name__}-deleted")


# -- computing and storing ----------------------------------------------------------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def number(value: str | None) -> Decimal | None:
    """A stored figure back as a Decimal."""
    return None if value is None else Decimal(value)


def _group(group: Group | None) -> list[Any] | None:
    return None if group is None else [group.position, group.label_vi, group.label_en]


def _change(change: Change | None) -> list[Any] | None:
    return None if change is None else [_text(change.score), change.rank]


def default_stage(cycle: Cycle) -> str:
    """The stage a cycle's results are shown at unless another is asked for: final once every unit
    is approved, the appraisal's until then (one query)."""
    return APPRAISED if cycle.assessments.exclude(state=State.APPROVED).exists() else FINAL


def key_of(cycle: Cycle) -> str:
    """What the stored figures depend on besides the points: the framework's last change and last
    year's published cycle of the block (one query)."""
    last = previous_cycle(cycle)
    updated = cycle.framework.updated.isoformat() if cycle.framework.updated else ""
    return f"{cycle.framework_id}|{updated}|{last.pk if last else ''}"


def compute(cycle: Cycle, stage: str, version: int, key: str, replace: bool = True) -> CycleStanding:
    """The cycle's league table at `stage` by the engine, stored under `version` (replacing what was
    stored for that stage, unless `replace` is False: nothing was)."""
    analysis = cycle_analysis(cycle, stage)
    framework = analysis.framework
    fields = [node.code for node in framework.root.children]
    field_rankings = {code: analysis.ranking(code) for code in fields}
    block_rankings = analysis.peer_group_rankings(TOTAL)[BLOCK]
    order = {b.name: (i, b) for i, b in enumerate(Block.objects.filter(name__in=list(block_rankings)))}
    blocks = []
    for name, ranking in block_rankings.items():
        place, row = order.get(name, (len(order), None))
        members = [entry.unit for entry in ranking.entries] + ranking.unranked
        blocks.append(
            {
                "code": row.code if row else "",
                "name": name,
                "name_en": (row.name_en if row else "") or "",
                "mean": _text(analysis.computed_mean(TOTAL, members)),
                "of": ranking.of,
                "order": place,
            }
        )
    blocks.sort(key=lambda b: (b["order"], b["name"]))
    code_of_block = {b["name"]: b["code"] for b in blocks}
    assessments = dict(cycle.assessments.values_list("unit__code", "pk"))
    summary = {
        "of": analysis.total_ranking.of,
        "ranked": len(analysis.total_ranking),
        "units": len(analysis.current.peers),
        "mean": _text(analysis.computed_mean()),
        "fields": {
            code: {"mean": _text(analysis.computed_mean(code)), "of": field_rankings[code].of}
            for code in fields
        },
        "blocks": blocks,
        "previous_year": analysis.previous.year if analysis.previous else None,
        "not_comparable": analysis.previous_not_comparable,
        "missing_previous_year": analysis.missing_previous_year,
    }
    lines = []
    for position, league_row in enumerate(analysis.league_table(), start=1):
        ref = league_row.unit.ref
        figures = {
            "group": _group(league_row.group),
            "change": _change(league_row.change),
            "block": league_row.unit.block,
            "block_rank": league_row.block_rank,
            "block_of": league_row.block_of,
            "fields": {
                code: [_text(analysis.current.value(ref, code)), field_rankings[code].rank_of(ref)]
                for code in fields
            },
        }
        lines.append(
            UnitStanding(
                assessment_id=assessments[league_row.unit.code],
                position=position,
                block=str(code_of_block.get(league_row.unit.block or "", ""))
                if league_row.unit.block
                else "",
                total=league_row.score,
                rank=league_row.rank,
                figures=figures,
            )
        )
    with transaction.atomic():
        standing = None
        if replace:  # in place: a page holding the stored table reads the new lines, never none
            standing = CycleStanding.objects.select_for_update().filter(cycle=cycle, stage=stage).first()
        if standing is not None:
            UnitStanding.objects.filter(standing=standing).delete()
            standing.version, standing.key, standing.summary = version, key, summary
            standing.save()
        else:
            standing = CycleStanding.objects.create(
                cycle=cycle, stage=stage, version=version, key=key, summary=summary
            )
        for line in lines:
            line.standing = standing
        UnitStanding.objects.bulk_create(lines, batch_size=1000)
    return standing


def standing_of(cycle: Cycle, stage: str, wait: bool = True) -> CycleStanding:
    """The cycle's stored league table at `stage`. Three queries when it is current.

    When the figures changed since it was stored: with `wait` (the exports, the bulk import), it is
    computed again now; without (the pages), the last stored table is returned marked `stale`
    (with `refreshing`, the background job computing the current one, see `refresh_later`) — the
    page says so. A table never stored is computed now either way."""
    version = version_of(cycle)  # before the points are read: see the module's docstring
    key = key_of(cycle)
    stored = CycleStanding.objects.filter(cycle=cycle, stage=stage).first()
    if stored is not None and stored.version == version and stored.key == key:
        stored.stale = False
        return stored
    if stored is not None and not wait and stored.key == key:  # the points moved: in the background
        job = refresh_later(cycle.pk)
        if job is not None and job.finished:  # run at once (tasks in the request): read it again
            stored.refresh_from_db()
            if stored.version == version and stored.key == key:
                return stored
        stored.stale = True
        stored.refreshing = job
        return stored
    try:
        standing = compute(cycle, stage, version, key, replace=stored is not None)
    except IntegrityError:  # another request stored the same figures meanwhile
        standing = CycleStanding.objects.get(cycle=cycle, stage=stage)
    standing.stale = False
    return standing


# -- computing again in the background ----------------------------------------------------------------

REFRESH = "chiso.assessments.standings:refresh_job"


def refresh_later(cycle_id: int) -> Job | None:
    """The job computing the cycle's stored tables again (queued now unless one is waiting or
    running); None when every stored table is current."""
    # Imported here: the jobs app imports the assessments' models.
    from chiso.jobs.models import Job
    from chiso.jobs.services import start

    waiting = (
        Job.objects.filter(kind=REFRESH, params__cycle=cycle_id)
        .exclude(state__in=(Job.State.DONE, Job.State.FAILED))
        .order_by("-created_at")
        .first()
    )
    if waiting is not None:
        return waiting
    version = version_of(cycle_id)
    if not CycleStanding.objects.filter(cycle_id=cycle_id).exclude(version=version).exists():
        return None
    cycle = Cycle.objects.get(pk=cycle_id)
    return start(
        REFRESH, _("Tính lại bảng xếp hạng — {cycle}").format(cycle=cycle.name), params={"cycle": cycle_id}
    )


def refresh_job(job: Job, progress: Progress) -> Outcome:
    """The worker's handler: every stored table of the cycle that is not current, computed again."""
    from chiso.jobs.services import Outcome

    cycle = Cycle.objects.select_related("framework").get(pk=job.params["cycle"])
    stages = list(CycleStanding.objects.filter(cycle=cycle).values_list("stage", flat=True))
    for number, stage in enumerate(stages):
        progress(number, len(stages), _("Đang tính lại bảng xếp hạng…"))
        standing_of(cycle, stage, wait=True)
    progress(len(stages), len(stages), _("Đã tính lại bảng xếp hạng."))
    return Outcome(url=reverse("assessments:results", args=[cycle.pk]), label=_("Xem bảng xếp hạng"))


def _schedule(cycle_ids: list[int]) -> None:
    """After a commit that changed points: the stored tables of these cycles computed again."""
    for cycle_id in cycle_ids:
        refresh_later(cycle_id)


class _Refresh:
    """The callback run after a commit that changed points (`transaction.on_commit`), one per
    transaction whatever the number of saves in it: their cycles are gathered in `ids`."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def __call__(self) -> None:
        _schedule(sorted(self.ids))


def _after_commit(cycle_ids: Iterable[int]) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _sids, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _Refresh):
                callback.ids.update(cycle_ids)
                return
    callback = _Refresh()
    callback.ids.update(cycle_ids)
    transaction.on_commit(callback)


def lines(standing: CycleStanding, block: str = "") -> QuerySet[UnitStanding]:
    """The stored lines in league order (of one block when its code is given), with their units."""
    found = standing.units.select_related("assessment__unit").order_by("position")
    return found.filter(block=block) if block else found


def line_of(standing: CycleStanding, assessment: Assessment) -> UnitStanding | None:
    return standing.units.filter(assessment=assessment).first()


def totals(standing: CycleStanding) -> dict[int, Decimal | None]:
    """Assessment id → total, for every unit of the stored table (one query)."""
    return dict(standing.units.values_list("assessment_id", "total"))


def block_of(summary: dict[str, Any], line: UnitStanding) -> dict[str, Any] | None:
    """The stored block of a unit's line (its name, English name, mean and N), if it has one."""
    name = line.figures.get("block")
    if not name or not line.figures.get("block_of"):
        return None
    return next((b for b in summary["blocks"] if b["name"] == name), None)
