"""An Accept header the API cannot satisfy (or parse) gets JSON, never a 406."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["*", "text/xml", "application/yaml;q=1", "garbage/"])
def test_unsatisfiable_accept_headers_get_json(client, accept):
    for path in ("/api/tickets/projects/", "/api/ticketing/tickets/", "/api/v1/tickets/"):
        r = client.get(path, HTTP_ACCEPT=accept)
        assert r.status_code == 401, (path, r.status_code)
        assert r["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_form_body_with_too_many_fields_gets_a_json_400(client, make_user):
    from rest_framework_simplejwt.tokens import RefreshToken

    user = make_user()
    token = str(RefreshToken.for_user(user).access_token)
    body = "&".join(f"f{i}=x" for i in range(1200))
    r = client.post(
        "/api/ticketing/tickets/bulk/",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 400
    assert r["Content-Type"].startswith("application/json")
