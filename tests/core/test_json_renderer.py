"""The API's JSON renderer (``tessera.surfaces.drf.FastJSONRenderer``) writes what DRF's
``JSONRenderer`` writes, with orjson doing the encoding: the same bytes for every value an
API answers with, DRF's forms for datetimes, decimals, lazy strings and UUIDs, and DRF's
own renderer for what orjson cannot write or a client asked indented."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import ErrorDetail, ReturnDict, ReturnList
from rest_framework.settings import api_settings

from tessera.surfaces.drf import FastJSONRenderer
from tessera.surfaces.feed.views import FeedView

AWARE = datetime(2026, 12, 7, 14, 55, 10, 523281, tzinfo=UTC)

PAYLOADS = {
    "scalars": {"a": 1, "b": "two", "c": None, "d": True, "e": 2.5, "f": -0.1, "g": 10**18},
    "unicode": {"title": "Drucker brennt — ünïcødé ✓ 日本語 🚒", "quote": 'say "hi"\\\n\t'},
    "line separators": {"text": "one\u2028two\u2029three"},
    "controls": {"text": "\x01\x1f\x7f"},
    "datetimes": {
        "utc": AWARE,
        "whole second": AWARE.replace(microsecond=0),
        "berlin": AWARE.astimezone(ZoneInfo("Europe/Berlin")),
        "london (zero offset, not UTC)": datetime(
            2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/London")
        ),
        "naive": datetime(2026, 12, 7, 14, 55),
        "date": date(2026, 12, 7),
        "time": time(9, 30, 1, 5),
        "duration": timedelta(hours=1, seconds=3),
    },
    "decimals": {"hours": Decimal("2.50"), "zero": Decimal("0"), "big": Decimal("1E+3")},
    "uuid and lazy": {"id": uuid.UUID(int=12345), "label": gettext_lazy("Ticket")},
    "non-string keys": {7: "seven", 2.5: "x", True: "t", None: "n"},
    "drf containers": ReturnDict(
        {"results": ReturnList([{"id": 1}, {"id": 2}], serializer=None)}, serializer=None
    ),
    "errors": {"title": [ErrorDetail("This field is required.", code="required")]},
    "tuple and set-free nesting": {"pair": (1, "a"), "deep": [[[{"x": [1, 2, {"y": None}]}]]]},
    "empty": {},
    "list": [1, "a", None],
}


@pytest.mark.parametrize("name", PAYLOADS)
def test_same_bytes_as_drf(name: str):
    data = PAYLOADS[name]
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_exponent_floats_are_the_same_numbers():
    data = {"small": 1e-05, "large": 1.2345678901234568e16, "third": 1 / 3}
    ours = FastJSONRenderer().render(data)
    assert json.loads(ours) == json.loads(JSONRenderer().render(data)) == data


def test_what_orjson_refuses_is_written_by_drf():
    data = {"huge": 2**70}  # beyond 64 bits: orjson refuses, DRF writes it
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data) == b'{"huge":%d}' % 2**70


def test_a_lone_surrogate_fails_as_it_does_in_drf():
    # No API stores one (the parser and the query checks refuse them with a 400).
    with pytest.raises(UnicodeEncodeError):
        JSONRenderer().render({"text": "lone \ud800"})
    with pytest.raises(UnicodeEncodeError):
        FastJSONRenderer().render({"text": "lone \ud800"})


def test_indented_json_when_asked():
    data = {"a": [1, 2]}
    media = "application/json; indent=2"
    ours = FastJSONRenderer().render(data, media, {})
    assert ours == JSONRenderer().render(data, media, {})
    assert b"\n  " in ours


def test_none_renders_an_empty_body():
    assert FastJSONRenderer().render(None) == b""


def test_non_finite_floats_are_null_not_a_500():
    # DRF's strict JSON raises on NaN (a 500); nothing Tessera computes is non-finite, but
    # if one ever were, the client gets valid JSON.
    assert json.loads(FastJSONRenderer().render({"x": float("nan")})) == {"x": None}


def test_every_api_view_renders_with_it():
    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is FastJSONRenderer
    assert FeedView.renderer_classes == [FastJSONRenderer]


@pytest.mark.django_db
def test_an_api_response_is_rendered_by_it(api, make_project, member):
    desk = make_project("servicedesk", "RNDR")
    agent = member(desk, "agent")
    response = api(agent).post(
        "/api/ticketing/tickets/",
        {"subject": "Line\u2028separator", "priority": "high"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert b"Line\\u2028separator" in response.content
    assert response.json()["subject"] == "Line\u2028separator"
    assert response["Content-Type"] == "application/json"
