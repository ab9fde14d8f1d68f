"""Dates as readers read them: Learn's `ms.date` (MM/DD/YYYY) and our build dates (ISO,
YYYY-MM-DD) as "26 January 2026"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .model import SourceDocument

MS_DATE_FORMAT = "%m/%d/%Y"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def parse_ms_date(value: str) -> datetime | None:
    """Learn's `ms.date` (or an ISO date), or None when it is missing or neither."""
    for form in (MS_DATE_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), form)
        except ValueError:
            continue
    return None


def readable_date(value: str) -> str:
    """`01/26/2026` (or `2026-01-26`) → `26 January 2026` (no locale: the site is in English
    whatever the machine); a value that is not a date is shown as written."""
    date = parse_ms_date(value)
    if date is None:
        return value.strip()
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def newest_ms_date(documents: Iterable[SourceDocument]) -> datetime | None:
    """The newest ms.date of the sources (MM/DD/YYYY), the site's reproducible build date."""
    dates = []
    for document in documents:
        try:
            dates.append(datetime.strptime(document.ms_date, "%m/%d/%Y"))
        except ValueError:
            continue
    return max(dates).replace(tzinfo=UTC) if dates else None


def source_date_epoch(date: datetime | None) -> str:
    """SOURCE_DATE_EPOCH for a build dated `date` (MkDocs' build date, sitemap lastmod, gzip
    mtime): the same sources give the same bytes."""
    return str(int(date.timestamp()) if date else 0)
