"""Pro-forma figures for a province formed by the 2025 merger, built from its constituents.

A province created on 01/07/2025 has no result for the years before it existed. To show a
"previous-year" reference point, its constituents' results of that year are combined:

* ``mean`` — the plain mean of the constituents' values;
* ``population_weighted`` — each constituent weighted by its population (figures stored as data,
  with their year and source, which the result repeats).

The result is labelled as an estimate, never an official figure: it is not stored as a result and
never enters a ranking. Pure: plain values in, plain values out, Decimal throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chiso.engine.i18n import gettext as _
from chiso.engine.i18n import gettext_noop
from chiso.engine.names import sort_key

MEAN = "mean"
POPULATION_WEIGHTED = "population_weighted"
METHODS = (MEAN, POPULATION_WEIGHTED)

LABEL_VI = "số liệu giả định (pro-forma), không phải số liệu chính thức"
LABEL_EN = "pro-forma estimate, not an official figure"

METHOD_VI = {
    MEAN: gettext_noop("trung bình cộng giản đơn của các tỉnh thành phần"),
    POPULATION_WEIGHTED: gettext_noop("bình quân gia quyền theo dân số của các tỉnh thành phần"),
}


class ProformaError(ValueError):
    """A pro-forma figure that cannot be built (unknown method, missing data, no constituents)."""


@dataclass(frozen=True)
class Constituent:
    """One former province and its results of the constituents' year."""

    code: str
    name: str
    values: dict[str, Decimal | None]
    population: Decimal | None = None
    population_year: int | None = None
    population_kind: str = ""
    population_source: str = ""


@dataclass(frozen=True)
class ProformaResult:
    """The pro-forma values of a merged unit for one year, with how they were made."""

    unit_code: str
    unit_name: str
    year: int
    method: str
    values: dict[str, Decimal]
    weights: dict[str, Decimal]  # constituent code → weight (they sum to 1)
    constituents: tuple[Constituent, ...]
    omitted: dict[str, list[str]] = field(default_factory=dict)  # node → constituents lacking it
    total: str = "total"  # the code of the total among `values`
    official: bool = False
    label_vi: str = LABEL_VI
    label_en: str = LABEL_EN

    @property
    def method_vi(self) -> str:
        return METHOD_VI[self.method]

    @property
    def population_sources(self) -> list[tuple[str, int | None, str]]:
        """(constituent name, population year, source) for every population used."""
        if self.method != POPULATION_WEIGHTED:
            return []
        return [(c.name, c.population_year, c.population_source) for c in self.constituents]


def normalise_method(method: str) -> str:
    """Accept "mean" | "population" | "population_weighted" (and Vietnamese short forms)."""
    text = (method or "").strip().lower().replace("-", "_")
    aliases = {
        "mean": MEAN,
        "trung_binh": MEAN,
        "population": POPULATION_WEIGHTED,
        "population_weighted": POPULATION_WEIGHTED,
        "dan_so": POPULATION_WEIGHTED,
    }
    if text not in aliases:
        raise ProformaError(
            _("Phương pháp {method} không hợp lệ; dùng mean hoặc population.").format(method=repr(method))
        )
    return aliases[text]


def weights_for(constituents: list[Constituent], method: str) -> dict[str, Decimal]:
    """Each constituent's weight: 1/n for the mean, population share for the weighted mean."""
    method = normalise_method(method)
    if not constituents:
        raise ProformaError(_("Không có tỉnh thành phần."))
    if method == MEAN:
        share = Decimal(1) / len(constituents)
        return {c.code: share for c in constituents}
    lacking = [c.name for c in constituents if c.population is None or c.population <= 0]
    if lacking:
        raise ProformaError(
            _("Thiếu số liệu dân số của: {names}. Dùng --method mean hoặc bổ sung dân số.").format(
                names=", ".join(lacking)
            )
        )
    populations = {c.code: c.population for c in constituents if c.population is not None}
    total = sum(populations.values(), Decimal(0))
    return {code: population / total for code, population in populations.items()}


def _population(constituent: Constituent) -> Decimal:
    """A constituent's population; `weights_for` has refused every constituent without one."""
    assert constituent.population is not None
    return constituent.population


def _combine(pairs: list[tuple[Constituent, Decimal]], method: str) -> Decimal:
    """Σv/n, or Σ(pop·v)/Σpop — divided once at the end, so the mean of 3 is exact to Decimal's precision."""
    if method == MEAN:
        return sum((v for _constituent, v in pairs), Decimal(0)) / len(pairs)
    weighted = sum((_population(c) * v for c, v in pairs), Decimal(0))
    return weighted / sum((_population(c) for c, _value in pairs), Decimal(0))


def proforma(
    unit_code: str,
    unit_name: str,
    year: int,
    constituents: list[Constituent],
    method: str = MEAN,
    total: str = "total",
) -> ProformaResult:
    """Combine the constituents' values of `year` into the merged unit's pro-forma values.

    Refuses (ProformaError, naming them) when a constituent has no value for the total `total`.
    Other nodes are combined where every constituent has a value; the others are listed in
    `omitted` with the constituents lacking them. Constituents are taken in Vietnamese name order, so
    that messages and tables read the same whatever order the caller (or the database) gave.
    """
    constituents = sorted(constituents, key=lambda c: sort_key(c.name))
    method = normalise_method(method)
    if len(constituents) < 2:
        raise ProformaError(
            _("{unit} không hình thành từ sáp nhập nhiều tỉnh; không cần số liệu giả định.").format(
                unit=unit_name
            )
        )
    lacking = [c.name for c in constituents if c.values.get(total) is None]
    if lacking:
        raise ProformaError(
            _("Không lập được số liệu giả định năm {year} cho {unit}: thiếu kết quả của {names}.").format(
                year=year, unit=unit_name, names=", ".join(lacking)
            )
        )
    weights = weights_for(constituents, method)
    codes: list[str] = []
    for constituent in constituents:
        for code in constituent.values:
            if code not in codes:
                codes.append(code)
    values: dict[str, Decimal] = {}
    omitted: dict[str, list[str]] = {}
    for code in codes:
        pairs = [(c, value) for c in constituents if (value := c.values.get(code)) is not None]
        missing = [c.name for c in constituents if c.values.get(code) is None]
        if missing:
            omitted[code] = missing
            continue
        values[code] = _combine(pairs, method)
    return ProformaResult(
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        method=method,
        values=values,
        weights=weights,
        constituents=tuple(constituents),
        omitted=omitted,
        total=total,
    )
