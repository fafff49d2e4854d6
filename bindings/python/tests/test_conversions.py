"""Conversions of the library's values to Python's: times (RFC 3339) parse
the same on every Python, through ``fromisoformat`` or, where it refuses a
form (before 3.11: ``Z`` and more than six digits of fraction), after
rewriting it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from libe2b._core import parse_time


def test_times_parse_in_every_form_the_library_gives() -> None:
    utc = timezone.utc
    assert parse_time("2026-12-03T10:24:01Z") == datetime(2026, 12, 3, 10, 24, 1, tzinfo=utc)
    assert parse_time("2026-12-03T10:24:01.5Z") == datetime(2026, 12, 3, 10, 24, 1, 500000, tzinfo=utc)
    # Nanoseconds are cut to microseconds, never rounded up.
    assert parse_time("2026-12-03T10:24:01.123456789Z") == datetime(2026, 12, 3, 10, 24, 1, 123456, tzinfo=utc)
    assert parse_time("2026-12-03T10:24:01.999999999+02:00") == datetime(
        2026, 12, 3, 10, 24, 1, 999999, tzinfo=timezone(timedelta(hours=2)))
    # A lower-case z, which fromisoformat refuses (3.11): the rewriting path.
    assert parse_time("2026-12-03T10:24:01.1234567z") == datetime(2026, 12, 3, 10, 24, 1, 123456, tzinfo=utc)
