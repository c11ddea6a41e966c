"""What a survey estimate is asked for: the items, the design columns, the method, and the error
raised when they cannot be used."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from chiso.engine.i18n import gettext as _

SingletonRule = Literal["error", "skip", "center"]
Aggregation = Literal["respondent_mean", "pooled"]
CiRule = Literal["t", "normal"]

SINGLETON_RULES: tuple[str, ...] = ("error", "skip", "center")
AGGREGATIONS: tuple[str, ...] = ("respondent_mean", "pooled")
CI_RULES: tuple[str, ...] = ("t", "normal")
OVERALL = "overall"
ALL_TYPES = "*"


class SurveyDesignError(ValueError):
    """A design or data problem that makes estimation impossible (message in the active language)."""


@dataclass(frozen=True)
class Item:
    """One question that enters the index.

    `code` is the column holding the answer codes; `satisfied` the answer codes that count as
    satisfied; `factor` the factor it feeds (None: reported per question only); `in_overall`
    whether it enters the overall index.
    """

    code: str
    satisfied: tuple[str, ...]
    factor: str | None = None
    in_overall: bool = True


@dataclass(frozen=True)
class Design:
    """Column names of the survey design in the response frame (None: not given)."""

    unit: str
    respondent_type: str | None = None
    weight: str | None = None
    stratum: str | None = None
    psu: str | None = None


@dataclass(frozen=True)
class SurveyMethod:
    """Every choice that shapes a result; recorded with each result row."""

    satisfied_rule: str = "top-2 of a 5-point scale (4 5)"
    aggregation: Aggregation = "respondent_mean"
    ci: CiRule = "t"
    alpha: float = 0.05
    singleton: SingletonRule = "error"
    min_n: int = 30
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise SurveyDesignError(
                _("Cách gộp không hợp lệ {value}; dùng một trong {choices}.").format(
                    value=repr(self.aggregation), choices=", ".join(AGGREGATIONS)
                )
            )
        if self.ci not in CI_RULES:
            raise SurveyDesignError(
                _("Khoảng tin cậy {value} không hợp lệ; dùng một trong {choices}.").format(
                    value=repr(self.ci), choices=", ".join(CI_RULES)
                )
            )
        if self.singleton not in SINGLETON_RULES:
            raise SurveyDesignError(
                _("Quy tắc tầng một PSU {value} không hợp lệ; dùng một trong {choices}.").format(
                    value=repr(self.singleton), choices=", ".join(SINGLETON_RULES)
                )
            )
        if not 0 < self.alpha < 1:
            raise SurveyDesignError(_("alpha phải trong (0, 1): {alpha}.").format(alpha=self.alpha))

    def describe(self) -> str:
        """One line naming every choice, stored in the ``method`` column of each result."""
        level = f"{(1 - self.alpha) * 100:g}%"
        ci = "t (domain df)" if self.ci == "t" else "normal"
        text = (
            f"share satisfied; satisfied = {self.satisfied_rule}; factor/overall = {self.aggregation}; "
            f"variance = Taylor linearisation, with-replacement PSUs, strata; single-PSU strata = {self.singleton}; "
            f"CI {level} {ci}; small n < {self.min_n}"
        )
        return text + "".join(f"; {note}" for note in self.notes)

    def as_dict(self) -> dict[str, Any]:
        """The method as plain data (for JSON output and storage)."""
        data = asdict(self)
        data["notes"] = list(self.notes)
        data["variance"] = "taylor-linearisation-with-replacement"
        data["description"] = self.describe()
        return data


def explain_method(method: dict[str, Any]) -> str:
    """The stored method (`SurveyMethod.as_dict`) in words a citizen reads, in the active language:
    who counts as satisfied, how the overall index is formed, the confidence level, the small-sample
    threshold. The technical line (`description`) stays for analysts."""
    codes = _satisfied_codes(str(method.get("satisfied_rule", "")))
    satisfied = (
        _("hài lòng là chọn {codes}").format(codes=_(" hoặc ").join(codes))
        if codes
        else _("hài lòng theo thang của bảng hỏi")
    )
    overall = (
        _("chỉ số chung là tỷ lệ hài lòng gộp mọi câu trả lời")
        if method.get("aggregation") == "pooled"
        else _("chỉ số chung là trung bình tỷ lệ hài lòng của từng người trên các câu hỏi")
    )
    level = f"{(1 - float(method.get('alpha', 0.05))) * 100:g}"
    return _(
        "Chỉ số là tỷ lệ phần trăm người trả lời hài lòng ({satisfied}); {overall}. Khoảng tin cậy "
        "{level}% tính theo thiết kế mẫu (trọng số, tầng, cụm). Đơn vị có dưới {min_n} phiếu được đánh "
        "dấu “n nhỏ”: kết quả chỉ để tham khảo."
    ).format(satisfied=satisfied, overall=overall, level=level, min_n=method.get("min_n", 30))


def _satisfied_codes(rule: str) -> list[str]:
    """The answer codes counted as satisfied in a recorded rule ("top2 → 4 5", "answers 4 5 (given)")."""
    codes: list[str] = []
    for part in rule.split(";"):
        text = part.split("→", 1)[1] if "→" in part else part.removeprefix(" ").removeprefix("answers")
        for code in text.replace("(given)", " ").split():
            if code not in codes and not code.startswith("(") and code != "none":
                codes.append(code)
    return codes
