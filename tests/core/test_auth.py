"""Document 003's JWT endpoints and document 001's cookie login, black-box."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tessera.core.accounts.authentication import AUTH_COOKIE_NAME

pytestmark = pytest.mark.django_db

REGISTER = {
    "username": "newuser",
    "email": "newuser@example.com",
    "password": "SecurePass123!",
    "password_confirm": "SecurePass123!",
    "first_name": "John",
    "last_name": "Doe",
    "project_key": "PROJ",
    "project_name": "My Project",
}


def test_register_creates_user_project_and_tokens():
    r = APIClient().post("/api/tickets/auth/register/", REGISTER, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["message"] == "User registered successfully"
    assert set(body["user"]) == {"id", "username", "email", "first_name", "last_name"}
    assert body["project"]["key"] == "PROJ" and body["project"]["name"] == "My Project"
    assert set(body["tokens"]) == {"refresh", "access"}
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['tokens']['access']}")
    r = me.get("/api/tickets/auth/me/")
    assert r.status_code == 200
    assert r.json() == {
        "id": body["user"]["id"],
        "username": "newuser",
        "email": "newuser@example.com",
        "first_name": "John",
        "last_name": "Doe",
        "is_superuser": False,
        "is_staff": False,
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password_confirm": "Other123!x"}, "password_confirm"),
        ({"project_key": "bad key!"}, "project_key"),
        ({"username": ""}, "username"),
    ],
)
def test_register_rejects_bad_input(change, field):
    r = APIClient().post("/api/tickets/auth/register/", {**REGISTER, **change}, format="json")
    assert r.status_code == 400
    assert field in r.json()


def test_register_rejects_taken_username_and_key(make_user):
    APIClient().post("/api/tickets/auth/register/", REGISTER, format="json")
    r = APIClient().post(
        "/api/tickets/auth/register/", {**REGISTER, "email": "x@example.com"}, format="json"
    )
    assert r.status_code == 400
    assert "username" in r.json() or "project_key" in r.json()


def test_login_refresh_and_me(make_user):
    user = make_user("admin", password="admin-pass-1")
    r = APIClient().post(
        "/api/tickets/auth/login/", {"username": "admin", "password": "admin-pass-1"}, format="json"
    )
    assert r.status_code == 200
    body = r.json()
    assert body["message"] == "Login successful"
    assert body["user"]["id"] == user.pk
    r = APIClient().post(
        "/api/tickets/auth/token/refresh/", {"refresh": body["tokens"]["refresh"]}, format="json"
    )
    assert r.status_code == 200 and "access" in r.json()
    lifetime = AccessToken(body["tokens"]["access"])
    assert lifetime["exp"] - lifetime["iat"] == int(timedelta(hours=24).total_seconds())


def test_login_by_email_too(make_user):
    make_user("bob", password="pw-bob-123", email="bob@example.com")
    r = APIClient().post(
        "/api/tickets/auth/login/",
        {"username": "bob@example.com", "password": "pw-bob-123"},
        format="json",
    )
    assert r.status_code == 200


def test_login_failures_do_not_reveal_existence(make_user):
    make_user("carol", password="right-pass-1")
    wrong = APIClient().post(
        "/api/tickets/auth/login/", {"username": "carol", "password": "nope"}, format="json"
    )
    missing = APIClient().post(
        "/api/tickets/auth/login/", {"username": "nobody", "password": "nope"}, format="json"
    )
    assert wrong.status_code == missing.status_code == 400
    assert wrong.json() == missing.json()
    r = APIClient().post("/api/tickets/auth/login/", {"username": "carol"}, format="json")
    assert r.status_code == 400 and "password" in r.json()


def test_bad_refresh_and_bad_access_tokens_get_401_with_simplejwt_body():
    r = APIClient().post("/api/tickets/auth/token/refresh/", {"refresh": "garbage"}, format="json")
    assert r.status_code == 401
    assert r.json()["code"] == "token_not_valid"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    r = client.get("/api/tickets/auth/me/")
    assert r.status_code == 401
    body = r.json()
    assert body["detail"] == "Given token not valid for any token type"
    assert body["code"] == "token_not_valid"
    assert body["messages"][0]["token_type"] == "access"
    r = APIClient().get("/api/tickets/auth/me/")
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication credentials were not provided."}


def test_expired_access_token_is_refused(make_user):
    user = make_user()
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/tickets/auth/me/").status_code == 401


def test_cookie_login_sets_httponly_samesite_cookie(make_user):
    user = make_user("uma", password="pw-uma-123", email="uma@example.com")
    client = APIClient()
    r = client.post(
        "/api/auth/login", {"email": "uma@example.com", "password": "pw-uma-123"}, format="json"
    )
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True and body["statusCode"] == 200
    assert body["data"]["user"]["id"] == str(user.public_id)
    assert body["data"]["user"]["user_id"] == user.pk
    cookie = r.cookies[AUTH_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    r = client.get("/api/auth/me")
    assert r.status_code == 200 and r.json()["data"]["user"]["email"] == "uma@example.com"
    r = client.post("/api/auth/logout")
    assert r.status_code == 200
    assert client.get("/api/auth/me").status_code == 401


def test_cookie_login_failure_is_401_envelope(make_user):
    make_user("vic", password="pw-vic-123", email="vic@example.com")
    r = APIClient().post(
        "/api/auth/login", {"email": "vic@example.com", "password": "wrong"}, format="json"
    )
    assert r.status_code == 401
    body = r.json()
    assert (
        body["success"] is False and body["statusCode"] == 401 and body["path"] == "/api/auth/login"
    )
    r = APIClient().post("/api/auth/login", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["success"] is False


def _login(username: str, password: str, addr: str = "10.0.0.1"):
    return APIClient().post(
        "/api/tickets/auth/login/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=addr,
    )


def test_brute_force_locks_the_account_even_from_other_addresses(make_user, settings):
    make_user("dora", password="right-pass-1")
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login("dora", f"wrong{i}", addr=f"10.0.1.{i}").status_code == 400
    # the attempt that reaches the limit is answered as a lockout
    assert _login("dora", "wrong-again", addr="10.0.1.200").status_code == 429
    r = _login("dora", "right-pass-1", addr="10.0.9.9")
    assert r.status_code == 429
    assert "detail" in r.json()


def test_brute_force_locks_the_address_across_accounts(make_user, settings):
    make_user("erin", password="right-pass-1")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(f"ghost{i}", "wrong", addr="10.0.2.2")
    assert _login("erin", "right-pass-1", addr="10.0.2.2").status_code == 429
    assert _login("erin", "right-pass-1", addr="10.0.3.3").status_code == 200


def test_cookie_login_is_locked_out_too(make_user, settings):
    make_user("fay", password="right-pass-1", email="fay@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post(
            "/api/auth/login", {"email": "fay@example.com", "password": "x"}, format="json"
        )
    r = APIClient().post(
        "/api/auth/login", {"email": "fay@example.com", "password": "right-pass-1"}, format="json"
    )
    assert r.status_code == 429
    assert r.json()["success"] is False and r.json()["statusCode"] == 429
