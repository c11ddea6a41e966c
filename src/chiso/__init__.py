"""chiso — Chỉ số: running Vietnam's public-administration performance indices."""

__version__ = "0.1.0"
