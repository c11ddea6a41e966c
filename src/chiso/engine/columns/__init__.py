"""Scoring and ranking column-wise: every unit of a peer set at once, with the Decimal path's figures.

The Decimal path (`chiso.engine.scoring`, `chiso.engine.ranking`) scores one unit at a time with a
Decimal object per node. Here the same work is done on whole columns of 64-bit integers, each
figure an exact count of 10**-S (S chosen per batch, up to 18 decimals, as large as the figures
allow). Sums, means and weighted sums of exact figures are exact; a figure that is not — a
quotient such as 45/49 × 1,5, a mean over 3 — carries a bound on its distance to the Decimal
path's figure. Where that bound could change an answer (a rounding close to its half-way point,
the Decimals of an approximate figure) the answer is taken from the Decimal path for that unit.
So every figure, rounding, rank and tie is the Decimal path's; docs/engine/columns.md shows it.
"""

from chiso.engine.columns.scores import ScoreTable, score_frame, score_table
from chiso.engine.columns.table import Layout, PointTable, aggregate_table

__all__ = ["Layout", "PointTable", "ScoreTable", "aggregate_table", "score_frame", "score_table"]
