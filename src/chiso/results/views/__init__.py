"""The results app's pages: the public results (`public`) and the analysis of one unit's result
(`analysis`: points lost, what-if, rank targets)."""

from chiso.results.views.analysis import losses, target, whatif
from chiso.results.views.public import home, profile, ranking, search

__all__ = ["home", "losses", "profile", "ranking", "search", "target", "whatif"]
