"""Sign-in, sign-out and password change through the same accounts as the APIs."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in():
    r = Client().get("/tickets/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=/tickets/")


@pytest.mark.parametrize("login", ["agent", "agent@example.test"])
def test_sign_in_with_username_or_email(desk, login):
    c = Client()
    r = c.post("/login/", {"username": login, "password": "pw-Secret-123"})
    assert r.status_code == 302 and r["Location"] == "/"
    r = c.get("/", follow=True)
    assert r.redirect_chain[-1][0] == "/tickets/"
    assert b"Sign out" in r.content


def test_customer_lands_on_portal(desk):
    c = Client()
    c.post("/login/", {"username": "carol", "password": "pw-Secret-123"})
    r = c.get("/", follow=True)
    assert r.redirect_chain[-1][0] == "/portal/"


def test_wrong_password_shows_error_inline(desk):
    r = Client().post("/login/", {"username": "agent", "password": "nope"})
    assert r.status_code == 200
    assert b'role="alert"' in r.content
    assert b"correct username and password" in r.content


def test_sign_out_is_a_post(desk, browser_client):
    c = browser_client(desk["agent"])
    r = c.post("/logout/")
    assert r.status_code == 302
    assert c.get("/tickets/").status_code == 302


def test_password_change(desk, browser_client):
    c = browser_client(desk["agent"])
    page = c.get("/password/")
    assert page.status_code == 200 and b'for="id_old_password"' in page.content
    bad = c.post(
        "/password/",
        {
            "old_password": "wrong",
            "new_password1": "N3w-Secret-xyz",
            "new_password2": "N3w-Secret-xyz",
        },
    )
    assert bad.status_code == 200 and b'role="alert"' in bad.content
    r = c.post(
        "/password/",
        {
            "old_password": "pw-Secret-123",
            "new_password1": "N3w-Secret-xyz",
            "new_password2": "N3w-Secret-xyz",
        },
    )
    assert r.status_code == 302 and r["Location"] == "/password/done/"
    again = Client().post("/login/", {"username": "agent", "password": "N3w-Secret-xyz"})
    assert again.status_code == 302
