"""How points are stored: one column shape for every score, value and target in the database.

15 significant digits with 9 decimals hold any published figure exactly (PAPI and PCI publish 4
decimals, PAR INDEX and SIPAS 2) and the survey shares chiso computes; no more than 15, so that
SQLite, which stores a decimal column as a double, gives back exactly the Decimal that was written.
"""

from __future__ import annotations

VALUE_DIGITS = 15
VALUE_PLACES = 9
