"""The 766 framework's inputs from the dossier measures (no Django).

Every leaf of `service-766-2022` has its numerator and denominator here, counted from the measures of
`aggregate.py` (one row per unit). A leaf whose maximum is not confirmed carries no rule in the
shipped framework; its inputs are computed all the same, so that when the organiser sets its maximum
and a `proportional` rule in the framework editor, it scores without further work.
"""

from __future__ import annotations

from collections.abc import Mapping

FRAMEWORK_CODE = "service-766-2022"
INDEX_CODE = "dvc766"

# leaf code -> (numerator, denominator); a numerator "a-b" is the difference of two measures.
LEAF_MEASURES: dict[str, tuple[str, str]] = {
    "1.1": ("procedures_published_on_time", "procedures_published"),
    "2.1": ("dossiers_to_process-dossiers_late", "dossiers_to_process"),
    "3.1": ("dossiers_digitised", "dossiers_finished"),
    "3.2": ("results_digitised", "dossiers_finished"),
    "3.3": ("dossiers_reused", "dossiers_received"),
    "4.1": ("dossiers_online", "dossiers_received"),
    "4.2": ("dossiers_full_online", "dossiers_received"),
    "4.3": ("dossiers_paid_online", "dossiers_fee_required"),
    "5.1": ("complaints_on_time", "complaints"),
    "5.2": ("complaints-complaints_unsatisfied", "complaints"),
    "5.3": ("dossiers_received-dossiers_unsatisfied", "dossiers_received"),
}

# Leaves that nothing in the dossier records measures (1.2, the other publicity contents): their inputs
# are 0 of 0, so the rule the organiser sets decides alone — `when_no_occurrence` gives every unit
# the same points ("full" or "zero"), which leaves the ranks as they are.
NOT_MEASURED = ("1.2",)

# 5.3 is scored by `target_attainment` on the percentage once the organiser sets the NQ 76 target.
PERCENT_LEAVES = frozenset({"5.3"})


def _count(measures: Mapping[str, int | None], expression: str) -> int:
    first, _, second = expression.partition("-")
    value = int(measures.get(first) or 0)
    if second:
        value -= int(measures.get(second) or 0)
    return max(value, 0)


def leaf_inputs(measures: Mapping[str, int | None]) -> dict[str, dict[str, int | str]]:
    """The inputs of every leaf for one unit: {"numerator", "denominator"} (and "value", the
    percentage with two decimals as a string, for the leaves scored against a target)."""
    out: dict[str, dict[str, int | str]] = {}
    for code, (numerator, denominator) in LEAF_MEASURES.items():
        top, bottom = _count(measures, numerator), _count(measures, denominator)
        inputs: dict[str, int | str] = {"numerator": top, "denominator": bottom}
        if code in PERCENT_LEAVES and bottom:
            inputs["value"] = f"{top * 10000 // bottom / 100:.2f}"
        out[code] = inputs
    for code in NOT_MEASURED:
        out[code] = {"numerator": 0, "denominator": 0}
    return out
