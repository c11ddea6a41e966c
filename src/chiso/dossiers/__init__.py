"""Dossier records of the one-stop systems and the real-time service index of Decision 766/QĐ-TTg.

The Django-free half: `schema` and `mapping` (the canonical columns, reading an export through a
column mapping), `generate` (synthetic records), `aggregate` (the one Ibis expression of the
measures), `engines` (running it on DuckDB or on Spark), `reference` (the same measures in plain
Polars, for the tests and the benchmark) and `periods`. docs/dossiers.md documents them.
"""
