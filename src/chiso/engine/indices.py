"""What an index says about its frameworks and its sentences, as plain values.

An index (PAPI, PAR INDEX, SIPAS, a district's own index) is data: its scale (points out of N, or
a percentage), the precision it ranks at, how it groups units (none, quartiles, bands, groups it
names), whether its sentences state the share of the maximum and the noun for the peers at each
unit level. The database keeps it (`chiso.frameworks.models.Index`); the engine only sees these
values:

- `IndexDefaults` — what a framework inherits when its file does not say it; one function,
  `apply_index_defaults`, decides the effective ranking precision and group rule;
- `IndexWording` — how sentences about one unit of the index read ("13/13 huyện, thị xã, thành phố",
  "đạt 94,01 %", "165,02/220 điểm, đạt 75,01 %").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from chiso.engine import units
from chiso.engine.frameworks import INHERITABLE, Framework, GroupRule
from chiso.engine.i18n import active_language, gettext, gettext_noop
from chiso.engine.numbers import format_number, percent_of, round_half_up

# Group methods an index may use: none, quartiles, fixed bands, or the groups the organiser
# publishes with its table (named groups, stored under the engine's "published" method).
NO_GROUPS = "none"
NAMED_GROUPS = "published"
GROUP_METHODS = (NO_GROUPS, "quartiles", "bands", NAMED_GROUPS)

# The peers of a unit, as the press names them in "xếp thứ 13/13 …", for each unit level.
DEFAULT_PEER_NOUNS = {
    units.PROVINCE: gettext_noop("tỉnh, thành phố"),
    units.DISTRICT: gettext_noop("huyện, thị xã, thành phố"),
    units.COMMUNE: gettext_noop("xã, phường, đặc khu"),
    units.DEPARTMENT: gettext_noop("sở, ban, ngành"),
    units.OFFICE: gettext_noop("phòng, ban chuyên môn"),
    units.SERVICE_UNIT: gettext_noop("đơn vị sự nghiệp"),
    units.CENTRAL_AGENCY: gettext_noop("cơ quan Trung ương trên địa bàn"),
    units.MINISTRY: gettext_noop("bộ, ngành"),
}
FALLBACK_PEER_NOUN = gettext_noop("đơn vị")

# Where the peers of a ranking come from (`YearResults.peer_scope`), and the label of their mean.
# The peers are the units of the index's level valid on 31 December of the year under the parent(s)
# of the ranked units: every province of the country, the districts of one province, the communes of
# one district (or of one province after 2025) … A block (khối sở, ban, ngành …) is a peer group
# named by the organiser: its ranking says `BLOCK` and its mean is "trung bình khối".
NATIONAL = "national"
PROVINCE_SCOPE = "province"
DISTRICT_SCOPE = "district"
BLOCK = "block"
MIXED = "mixed"  # units of several provinces (or districts) ranked together
# Vietnamese, as the sentences are; a page translates them with gettext (they are marked here).
MEAN_LABELS = {
    NATIONAL: gettext_noop("trung bình cả nước"),
    PROVINCE_SCOPE: gettext_noop("trung bình của tỉnh"),
    DISTRICT_SCOPE: gettext_noop("trung bình của huyện"),
    BLOCK: gettext_noop("trung bình khối"),
    MIXED: gettext_noop("trung bình chung"),
}


def mean_label(scope: str) -> str:
    """The name of the peers' mean: "trung bình cả nước" (the provinces), "trung bình của tỉnh" (a
    province's districts, departments or communes), "trung bình khối" (a block)."""
    return MEAN_LABELS.get(scope, MEAN_LABELS[MIXED])


def no_groups() -> GroupRule:
    """The rule of an index that defines no groups: nobody is put in a group."""
    return GroupRule(method=NO_GROUPS, labels_vi=(), labels_en=())


@dataclass(frozen=True)
class IndexDefaults:
    """What a framework of the index uses when its file leaves it out. The maximum is not among
    them: a framework's total is its own, and an unknown one stays unknown (never the index's)."""

    precision: int = 2
    groups: GroupRule = field(default_factory=no_groups)


def apply_index_defaults(framework: Framework, defaults: IndexDefaults) -> Framework:
    """The framework as it is used: the ranking precision and the group rule are the framework's
    own when its file states them, else the index's (and the displayed precision follows the
    ranking precision unless the file states it). A framework never gets quartile groups its index
    does not define."""
    ranking = framework.ranking
    inherited = ranking.inherited & set(INHERITABLE)
    if not inherited:
        return framework
    new_ranking = dataclasses.replace(
        ranking,
        precision=defaults.precision if "precision" in inherited else ranking.precision,
        groups=defaults.groups if "groups" in inherited else ranking.groups,
    )
    display = framework.display_precision
    if not framework.display_precision_given:
        display = new_ranking.precision
    return dataclasses.replace(framework, ranking=new_ranking, display_precision=display)


def peer_noun(level: str, nouns: dict[str, str] | None = None) -> str:
    """The noun for a unit's peers at `level`: the index's own, else the usual one, else "đơn vị"."""
    if nouns and nouns.get(level):
        return nouns[level]
    return DEFAULT_PEER_NOUNS.get(level, FALLBACK_PEER_NOUN)


@dataclass(frozen=True)
class IndexWording:
    """How the sentences about a unit's result on an index read.

    `peer_noun`: "tỉnh, thành phố", "huyện, thị xã, thành phố" …; `percent`: the index is a
    percentage ("đạt 94,01 %", changes "giảm 2,3 %"); `share_of_max`: the sentence states the share
    of the maximum after the points ("165,02/220 điểm, đạt 75,01 %"); `mean_label`: what the peers'
    mean is called ("trung bình cả nước", "trung bình của tỉnh", "trung bình khối")."""

    peer_noun: str = DEFAULT_PEER_NOUNS["province"]
    percent: bool = False
    share_of_max: bool = False
    mean_label: str = MEAN_LABELS[NATIONAL]

    def for_peers(self, scope: str, noun: str | None = None) -> IndexWording:
        """The same wording for a ranking among the peers of `scope` (the mean's label follows the
        peer set); `noun` replaces the peer noun, as a block's ranking does ("8/20 sở, ban, ngành")."""
        return dataclasses.replace(self, mean_label=mean_label(scope), peer_noun=noun or self.peer_noun)

    @property
    def unit_word(self) -> str:
        """What a score and a change of score are counted in: "điểm" or "%"."""
        return "%" if self.percent else gettext("điểm")


def wording_for_level(level: str) -> IndexWording:
    """The wording when nothing is known of the index but the unit's level."""
    return IndexWording(peer_noun=peer_noun(level))


def share_of_max(score: Decimal | None, maximum: Decimal | None, places: int = 2) -> Decimal | None:
    """The score as displayed (rounded to `places`) as a percentage of the maximum, rounded half-up
    to `places`: 73,18 of 80 → 91,48; None when either is unknown."""
    if score is None or maximum is None or maximum == 0:
        return None
    return round_half_up(percent_of(round_half_up(score, places), maximum), places)


def score_phrase(score: Decimal, maximum: Decimal | None, places: int, wording: IndexWording) -> str:
    """ "43,83/80 điểm", "88,64 %", "165,02/220 điểm, đạt 75,01 %" (the words after "đạt");
    "43.83/80 points" in English."""
    locale = active_language()
    if wording.percent:
        return f"{format_number(score, places, locale)} %"
    scale = f"/{format_number(maximum, 0, locale)}" if maximum is not None else ""
    text = f"{format_number(score, places, locale)}{scale} {wording.unit_word}"
    share = share_of_max(score, maximum, places) if wording.share_of_max else None
    if share is not None:
        text += gettext(", đạt {share} %").format(share=format_number(share, places, locale))
    return text
