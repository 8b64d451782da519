"""An Accept header the API cannot satisfy (or parse) gets JSON, never a 406."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["*", "text/xml", "application/yaml;q=1", "garbage/"])
def test_unsatisfiable_accept_headers_get_json(client, accept):
    for path in ("/api/tickets/projects/", "/api/ticketing/tickets/", "/api/v1/tickets/"):
        r = client.get(path, HTTP_ACCEPT=accept)
        assert r.status_code == 401, (path, r.status_code)
        assert r["Content-Type"].startswith("application/json")
