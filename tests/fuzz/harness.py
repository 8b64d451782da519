"""Fuzzing every surface from the one OpenAPI schema with schemathesis (issue 10).

Requests go in-process to Django's WSGI application, inside the test's database
transaction, with real credentials for each role. Checks: no 5xx anywhere, and responses
conform to the schema (status codes documented, bodies matching).
"""

from __future__ import annotations

import os

import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator

MAX_EXAMPLES = int(os.environ.get("TESSERA_FUZZ_EXAMPLES", "12"))


def load_schema(path_regex: str) -> schemathesis.schemas.BaseSchema:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema.include(path_regex=path_regex)


def checks(*, strict_positive: bool = False) -> list:
    """The response checks every surface passes: no 5xx, documented status codes and
    content types, bodies matching their response schemas. ``strict_positive`` also demands
    that every schema-valid request is accepted (the schema states every constraint)."""
    from schemathesis import checks as c

    selected = [
        c.not_a_server_error,
        c.status_code_conformance,
        c.content_type_conformance,
        c.response_schema_conformance,
    ]
    if strict_positive:
        selected.append(c.positive_data_acceptance)
    return selected
