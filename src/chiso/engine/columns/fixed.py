"""Decimals as 64-bit integers: reading whole columns of numbers exactly, and writing them back.

A value is held as an integer count of 10**-scale (`scale` decimals): 86,55 at scale 4 is 865500.
Reading keeps 18 decimals; a value with more (a quotient such as 2,333…3 to 28 digits) is *cut*:
it is held rounded and the cell says so, so that the callers treat it as approximate, with a known
error bound, never as exact.

Text is the fast road from Python's Decimal to integers: `str()` of a Decimal is exact, and polars
reads a million such texts as 128-bit decimals faster than Python converts the Decimals one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from chiso.engine.numbers import NumberError, parse_decimal

LIMIT = 2**62  # every value, sum and product the columns hold stays below this in magnitude
DIGITS = 18  # int64 holds every number of 18 digits
POWERS = np.array([10**i for i in range(DIGITS + 1)], dtype=np.int64)
_BAD = "?"  # a value that is there but is not a finite number


class Unrepresentable(Exception):
    """A value the integers cannot hold (too large, not finite, not a number): the caller falls back
    to the Decimal path, which gives the figures — or the error, in the engine's words."""


@dataclass(frozen=True)
class Numbers:
    """A column of numbers: cell j is `units[j] / 10**scale`, exactly where `cut` is False.

    `given` is False where there is no value (None). A cut cell had more decimals than the column
    holds: its `units` are within one unit of the value, and the callers treat it as approximate.
    """

    units: np.ndarray  # int64
    scale: int
    given: np.ndarray  # bool
    cut: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.units)

    def magnitude(self) -> float:
        """An upper bound of |value| over the given cells (0 when there is none)."""
        if not self.given.any():
            return 0.0
        return (float(np.abs(self.units[self.given]).max()) + 1.0) / 10.0**self.scale

    def at(self, scale: int) -> tuple[np.ndarray, np.ndarray]:
        """Every value as an integer count of 10**-scale (floored), and its error bound in those
        units (0: exact). Cells without a value are 0. Raises Unrepresentable when a value does not
        fit."""
        if not 0 <= scale <= DIGITS:
            raise Unrepresentable
        units = np.where(self.given, self.units, 0)
        if scale >= self.scale:
            factor = int(POWERS[scale - self.scale])
            if len(units) and int(np.abs(units).max()) > LIMIT // factor:
                raise Unrepresentable
            values = units * factor
            error = np.where(self.cut, factor + 1, 0)
        else:
            values, remainder = np.divmod(units, POWERS[self.scale - scale])
            error = np.where(self.cut, 2, (remainder != 0).astype(np.int64))
        error[~self.given] = 0
        return values, error


@dataclass(frozen=True)
class Read:
    """Values read as 18-decimal numbers (`whole` + `fraction` / 10**18, `whole` the floor): the
    form text parses into, before each column is given its own scale by `numbers`."""

    whole: np.ndarray  # int64
    fraction: np.ndarray  # int64, 0 ≤ fraction < 10**18
    given: np.ndarray  # bool
    cut: np.ndarray  # bool: more than 18 decimals (held rounded)
    bad: np.ndarray  # bool: there, but not a finite number

    def numbers(self, start: int = 0, stop: int | None = None) -> Numbers:
        """Cells start…stop as a column at the fewest decimals that hold its values exactly (or as
        many as the integers allow: the cells with more decimals are then cut)."""
        whole, fraction = self.whole[start:stop], self.fraction[start:stop]
        given, cut = self.given[start:stop], self.cut[start:stop]
        exact = fraction[given & ~cut]
        scale = DIGITS
        for places in range(DIGITS):
            if not (exact % POWERS[DIGITS - places]).any():
                scale = places
                break
        largest = int(np.abs(whole[given]).max()) + 1 if given.any() else 0
        while scale > 0 and largest > LIMIT // int(POWERS[scale]):
            scale -= 1
        if largest > LIMIT:
            raise Unrepresentable
        units, remainder = np.divmod(fraction, POWERS[DIGITS - scale])
        units = np.where(given, whole * int(POWERS[scale]) + units, 0)
        return Numbers(units, scale, given, (cut | (remainder != 0)) & given)


def _text(value: object) -> str | None:
    """The plain decimal text of a value the Decimal path reads as a number; `_BAD` for one it rejects."""
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else parse_decimal(value)
    except NumberError:
        return _BAD
    if not number.is_finite():
        return _BAD
    return format(number, "f")


_CANONICAL = {Decimal, int, type(None)}


def read_numbers(values: Sequence[object]) -> Read:
    """Read Python values as the Decimal path reads them (`parse_decimal`): Decimal, int, text in
    Vietnamese or English notation, float by its shortest repr.

    `bad` marks the cells that are there but are not a finite number (the Decimal path refuses
    them). Raises Unrepresentable when a value is too large for the integers.
    """
    texts: list[str | None]
    if set(map(type, values)) <= _CANONICAL:
        texts = list(map(str, values))  # None becomes "None": no value
    else:
        texts = [_text(value) for value in values]
    frame = _parse(pl.Series("t", texts, dtype=pl.String))
    # Scientific notation ("1E-7", which str() gives a Decimal with a large exponent), NaN and
    # Infinity, values too large for 18 decimals: the few there are, read again one by one.
    odd = np.flatnonzero((frame["scientific"] | (frame["given"] & frame["units"].is_null())).to_numpy())
    if len(odd):
        for i in odd.tolist():
            texts[i] = _text(values[i])
        frame = _parse(pl.Series("t", texts, dtype=pl.String))
    bad = frame["bad"].to_numpy()
    given = frame["given"].to_numpy()
    parts = frame.select(
        whole=(pl.col("units") // (10**DIGITS)).cast(pl.Int64, strict=False),
        fraction=(pl.col("units") % pl.lit(10**DIGITS, dtype=pl.Int128)).cast(pl.Int64),
    )
    whole = parts["whole"]
    if (whole.is_null().to_numpy() & given & ~bad).any():
        raise Unrepresentable
    usable = given & ~bad
    return Read(
        whole=np.where(usable, whole.fill_null(0).to_numpy(), 0).astype(np.int64),
        fraction=np.where(usable, parts["fraction"].fill_null(0).to_numpy(), 0).astype(np.int64),
        given=usable,
        cut=frame["cut"].to_numpy() & usable,
        bad=bad,
    )


def _parse(series: pl.Series) -> pl.DataFrame:
    """Plain decimal texts ("-12.345", "7") at 18 decimals (Int128 units of 10**-18); null: no value."""
    t = pl.col("t")
    decimals = (
        t.str.len_bytes().cast(pl.Int64) - t.str.find(".", literal=True).cast(pl.Int64) - 1
    ).fill_null(0)
    return pl.DataFrame({"t": series}).select(
        given=(t.is_not_null() & (t != _BAD) & (t != "None")).fill_null(False),
        bad=(t == _BAD).fill_null(False),
        units=t.str.to_decimal(scale=DIGITS).to_physical(),
        scientific=t.str.contains("E", literal=True).fill_null(False),
        cut=(decimals > DIGITS).fill_null(False),
    )


def exact_units(value: Decimal, scale: int) -> int:
    """A framework constant (a maximum, a weight, a step's points) as an exact count of 10**-scale.

    Raises Unrepresentable when it has more decimals than `scale` or does not fit."""
    if not value.is_finite():
        raise Unrepresentable
    scaled = value.scaleb(scale)
    units = int(scaled)
    if units != scaled or abs(units) >= LIMIT:
        raise Unrepresentable
    return units


def decimals_of(value: Decimal) -> int:
    """How many decimals a constant needs (0 for an integer)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_decimals(values: np.ndarray, known: np.ndarray, scale: int) -> list[Decimal | None]:
    """Integers at `scale` back to Decimals, with no trailing zeros after the decimal point (86,5
    rather than 86,5000); None where `known` is False."""
    mantissa = np.where(known, values, 0)
    exponent = np.full(len(mantissa), -scale, dtype=np.int64)
    for _ in range(scale):
        strip = (mantissa % 10 == 0) & (exponent < 0)
        if not strip.any():
            break
        mantissa = np.where(strip, mantissa // 10, mantissa)
        exponent += strip
    return [
        None if not present else Decimal(m) if e == 0 else Decimal(m).scaleb(e)
        for m, e, present in zip(mantissa.tolist(), exponent.tolist(), known.tolist(), strict=True)
    ]


def to_decimal(value: int, scale: int) -> Decimal:
    """One integer at `scale` back to a Decimal, as `to_decimals` writes it."""
    if value == 0:
        return Decimal(0)
    exponent = -scale
    while exponent < 0 and value % 10 == 0:
        value //= 10
        exponent += 1
    return Decimal(value) if exponent == 0 else Decimal(value).scaleb(exponent)
