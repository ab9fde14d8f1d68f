"""privacy-kb: Microsoft Learn privacy articles turned into a searchable knowledge site."""

from __future__ import annotations

__version__ = "0.1.0"
