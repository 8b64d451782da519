"""Optimistic concurrency on the ticket actions: the ticket's version is its ``ETag``; an
``If-Match`` carrying a stale version gets 409 ``{"detail", "current_version"}`` and changes
nothing; without ``If-Match`` nothing changes in behaviour."""

from __future__ import annotations

import pytest

from .conftest import Shop
from .test_access import _ticket_for, snapshot

pytestmark = pytest.mark.django_db

ACTIONS = {
    "manual-metrics": "ops",
    "assign": "ops",
    "start": "tech",
    "to-waiting-qc": "tech",
    "qc-pass": "qc",
    "qc-fail": "qc",
}


def etag(r) -> int:
    return int(r["ETag"].strip('"'))


def _body(shop: Shop, action: str) -> dict:
    return {"technician_id": shop.tech.pk} if action == "assign" else {}


@pytest.mark.parametrize("action, who", ACTIONS.items())
def test_current_if_match_acts_and_answers_the_new_etag(shop: Shop, frozen, action, who):
    tid = _ticket_for(shop, action)
    r = shop.get("admin", f"/api/v1/tickets/{tid}/")
    version = etag(r)
    assert r.json()["version"] == version
    r = shop.as_(who).post(
        f"/api/v1/tickets/{tid}/{action}/",
        _body(shop, action),
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert r.status_code == 200, r.content
    assert etag(r) == r.json()["version"] > version


@pytest.mark.parametrize("action, who", ACTIONS.items())
def test_stale_if_match_is_409_with_current_version_and_changes_nothing(
    shop: Shop, frozen, action, who
):
    tid = _ticket_for(shop, action)
    current = etag(shop.get("admin", f"/api/v1/tickets/{tid}/"))
    before = snapshot(shop, tid)
    for header in (f'"{current - 1}"', f'W/"{current + 5}"', str(current + 1)):
        r = shop.as_(who).post(
            f"/api/v1/tickets/{tid}/{action}/",
            _body(shop, action),
            format="json",
            HTTP_IF_MATCH=header,
        )
        assert r.status_code == 409, r.content
        assert r.json() == {
            "detail": "The ticket changed since you read it",
            "current_version": current,
        }
        assert etag(r) == current
    assert snapshot(shop, tid) == before


def test_if_match_star_or_absent_does_not_check(shop: Shop):
    tid = shop.intake()["id"]
    r = shop.as_("ops").post(
        f"/api/v1/tickets/{tid}/manual-metrics/", {}, format="json", HTTP_IF_MATCH="*"
    )
    assert r.status_code == 200


@pytest.mark.parametrize("header", ["abc", '"1', "1.5", '"-1"', "99999999999"])
def test_malformed_if_match_is_400(shop: Shop, header):
    tid = shop.intake()["id"]
    before = snapshot(shop, tid)
    r = shop.as_("ops").post(
        f"/api/v1/tickets/{tid}/manual-metrics/", {}, format="json", HTTP_IF_MATCH=header
    )
    assert r.status_code == 400 and "If-Match" in r.json()["detail"]
    assert snapshot(shop, tid) == before


def test_manual_metrics_moves_the_version(shop: Shop):
    """The metrics are part of the ticket: another admin's review makes an earlier read stale."""
    tid = shop.intake()["id"]
    seen = etag(shop.get("ops", f"/api/v1/tickets/{tid}/"))
    shop.approve(tid, flag_color="red")
    r = shop.as_("admin").post(
        f"/api/v1/tickets/{tid}/manual-metrics/",
        {"flag_color": "green"},
        format="json",
        HTTP_IF_MATCH=f'"{seen}"',
    )
    assert r.status_code == 409
    assert shop.ticket(tid)["flag_color"] == "red"


def test_refused_role_is_403_before_the_version(shop: Shop):
    tid = shop.intake()["id"]
    r = shop.as_("tech").post(
        f"/api/v1/tickets/{tid}/manual-metrics/", {}, format="json", HTTP_IF_MATCH='"999"'
    )
    assert r.status_code == 403
