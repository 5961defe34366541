"""Shared adapter helpers: timestamps, params, records."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ConfigDict

from scrapers.base import SourceConfig, build_vacancy, parse_params, parse_timestamp
from scrapers.records import RejectedRecord, SourceError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-04T00:00:00+00:00", datetime(2026, 12, 4, tzinfo=UTC)),
        ("2026-11-19T09:30:00+01:00", datetime(2026, 11, 19, 8, 30, tzinfo=UTC)),
        ("2026-11-18T16:45:00Z", datetime(2026, 11, 18, 16, 45, tzinfo=UTC)),
        ("Sun, 15 Feb 2026 09:57:21 GMT", datetime(2026, 2, 15, 9, 57, 21, tzinfo=UTC)),
        ("Fri, 06 Mar 2026 08:00:00 +0100", datetime(2026, 3, 6, 7, 0, tzinfo=UTC)),
        ("2999-12-31T00:00:00+00:00", datetime(2999, 12, 31, tzinfo=UTC)),
        ("1900-01-01T00:00:00+00:00", datetime(1900, 1, 1, tzinfo=UTC)),
        ("26 February 2026 15:59", datetime(2026, 2, 26, 15, 59)),
        ("2026-12-04", datetime(2026, 12, 4)),
        ("Posted Yesterday", None),
        ("", None),
        (None, None),
        (1767225600, None),
    ],
)
def test_parse_timestamp(value, expected):
    parsed = parse_timestamp(value)

    assert parsed == expected
    if expected is not None:
        assert parsed.tzinfo == expected.tzinfo


def test_a_zoneless_timestamp_is_utc_when_the_source_documents_utc():
    assert parse_timestamp("2026-12-04T00:00:00", assume_utc=True) == datetime(
        2026, 12, 4, tzinfo=UTC
    )


def test_source_config_defaults_and_immutability():
    source = SourceConfig(id="unicef-rss", adapter="rss", base_url="https://example.org/feed")

    assert (source.organization, dict(source.params), source.etag, source.last_modified) == (
        None,
        {},
        None,
        None,
    )
    with pytest.raises(FrozenInstanceError):
        source.etag = '"abc"'  # type: ignore[misc]


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    appname: str
    limit: int = 10


def test_parse_params_names_every_problem():
    source = SourceConfig(
        id="reliefweb-jobs",
        adapter="reliefweb",
        base_url="https://api.reliefweb.int",
        params={"limit": "many", "offest": 3},
    )

    with pytest.raises(SourceError) as raised:
        parse_params("reliefweb", _Options, source)

    assert str(raised.value) == (
        "reliefweb: invalid params for source 'reliefweb-jobs': missing appname; "
        "limit: Input should be a valid integer, unable to parse string as an integer; "
        "unknown key offest"
    )


def test_build_vacancy_turns_validation_failures_into_rejections():
    outcome = build_vacancy(
        {"external_id": "4187321", "url": "https://reliefweb.int/job/4187321", "title": "x" * 501}
    )

    assert outcome == RejectedRecord(
        external_id="4187321", reason="title: String should have at most 500 characters"
    )
