"""Shared by the surfaces that speak Django REST Framework's own shapes (workshop,
servicedesk, boards): core errors become DRF's ``{"detail": …}`` / field-error bodies.
Also the ``If-Match`` / ``ETag`` pair every ticket surface speaks (support included).
"""

from __future__ import annotations

import math
import re
from typing import Any, TypeVar

import orjson
from django.core.exceptions import SuspiciousOperation
from django.http.response import HttpResponseBase
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from tessera.core.common.errors import TesseraError, as_core_error

# One character that Python's ``str.strip()`` keeps (DRF trims every CharField with it), for
# the OpenAPI documents' patterns. Those are ECMA-262 regexes, whose ``\s`` lacks the
# separators U+001C-U+001F and U+0085 that Python strips: "\x1c" matched ``[^\s]`` and
# was then refused as blank (found by fuzzing). NUL is refused everywhere.
NOT_SPACE = r"[^\s\x00\x1c-\x1f\x85]"
SPACE = r"[\s\x1c-\x1f\x85]"


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "The object changed since it was read."
    default_code = "conflict"

    def __init__(self, detail: Any = None, code: str | None = None) -> None:
        super().__init__(detail, code)
        if isinstance(detail, dict):  # DRF turns every value into a string: keep numbers
            self.detail = {
                k: self.detail[k] if isinstance(v, str) else v for k, v in detail.items()
            }


# ``"3"``, ``W/"3"`` or ``3``: the forms the surfaces' OpenAPI documents give for If-Match.
# A version is a positive 32-bit integer, so ten digits are enough.
IF_MATCH_VERSION_RE = re.compile(r'(?:W/)?(?:"([0-9]{1,10})"|([0-9]{1,10}))')


class InvalidIfMatch(exceptions.ParseError):
    """An ``If-Match`` header that carries no ticket version: DRF's 400 ``{"detail": …}``.
    A surface with another answer for it (a field error, a 409) catches this."""

    default_detail = 'If-Match must carry the ticket\'s version, e.g. "3".'


def if_match_version(request: Request) -> int | None:
    """The ticket version an optional ``If-Match`` header carries (``"3"``, ``W/"3"``, ``3``,
    spaces around it allowed); no header or ``*``: None, no check. Anything else raises
    ``InvalidIfMatch``."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    match = IF_MATCH_VERSION_RE.fullmatch(raw.strip())
    if match is None:
        raise InvalidIfMatch()
    return int(match.group(1) or match.group(2))


ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def with_etag(response: ResponseT, version: int) -> ResponseT:
    """``response`` with ``ETag: "<version>"``, the value a client sends back as If-Match."""
    response["ETag"] = f'"{version}"'
    return response


def as_drf_exception(exc: TesseraError) -> exceptions.APIException:
    if exc.status == 404:
        return exceptions.NotFound(exc.message)
    if exc.status == 403:
        return exceptions.PermissionDenied(exc.message)
    if exc.status == 429:
        return exceptions.Throttled(detail=exc.message)
    if exc.status == 409:
        return ConflictError({"detail": exc.message, **exc.extra})
    if exc.status != 400:
        error = exceptions.APIException(exc.message, code=exc.code)
        error.status_code = exc.status
        return error
    if exc.fields:
        return exceptions.ValidationError(exc.fields)
    return exceptions.ValidationError({"detail": exc.message})


def exception_handler(exc, context):
    """DRF's handler, taught the core error type and Django's refusals of a request body
    (too many fields, too large), which would otherwise become an HTML 400."""
    # Imported here: ``rest_framework.views`` loads DEFAULT_PARSER_CLASSES, i.e. this module's
    # StrictJSONParser, so a module-level import fails whenever this module loads first.
    from rest_framework.views import exception_handler as drf_exception_handler

    exc = as_core_error(exc)
    if isinstance(exc, TesseraError):
        exc = as_drf_exception(exc)
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or "Malformed request.")
    return drf_exception_handler(exc, context)


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return "NUL characters are not allowed"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "unpaired surrogate characters are not allowed"
    return None


def only_params(request: Request, names: set[str]) -> bool:
    """Whether every non-empty query parameter of ``request`` is one of ``names``."""
    return all(key in names for key, value in request.query_params.items() if value != "")


def sole_filter(request: Request, name: str, others: set[str]) -> str | None:
    """The value of the query parameter ``name`` when it is set and every other non-empty
    parameter is one of ``others`` (paging, ordering): the list is narrowed by it alone."""
    value = request.query_params.get(name) or None
    if value is not None and only_params(request, {name, *others}):
        return value
    return None


def refuse_unstorable_params(request) -> None:
    """A 400 (``ValidationError``, keyed by the parameter) for a query string no database
    can compare with: a parameter name or value with a NUL or a lone surrogate. PostgreSQL
    refuses NUL in text, so ``?search=a%00b`` reached the database and failed there with a
    500 (found by fuzzing the boards users list)."""
    for name, values in request.query_params.lists():
        for text in (name, *values):
            problem = _bad_text(text)
            if problem:
                key = "query" if _bad_text(name) else name[:80]
                raise exceptions.ValidationError({key: [problem]})


def _first_unstorable(data: Any) -> str | None:
    """A description of the first value no database can store — a string (key or value)
    with a NUL or a lone surrogate ("\\u0000", "\\ud800"), a non-finite number — or None.
    Iterative, so any depth the JSON decoder accepted is fine."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        where = where[:80]
        if isinstance(value, str):
            problem = _bad_text(value)
            if problem:
                return f"{problem} (at {where or 'the body'})"
        elif isinstance(value, float) and not math.isfinite(value):
            return f"numbers must be finite (at {where or 'the body'})"
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _bad_text(key)
                if problem:
                    return f"{problem} (in a key of {where or 'the body'})"
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, refusing with a 400 (``ParseError``) what would otherwise reach
    the database or a renderer and fail there with a 500: strings with NUL characters or
    lone surrogates (valid JSON, not storable text), non-finite numbers such as ``1e999``,
    and nesting too deep for the decoder (``RecursionError`` is not a ``ValueError``).
    The project's default parser for JSON (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply")
        problem = _first_unstorable(data)
        if problem:
            raise exceptions.ParseError(f"JSON parse error - {problem}")
        return data


# orjson writes str, int, float, bool, None, dict, list and tuple (and their subclasses:
# DRF's ReturnDict, ErrorDetail) itself; a datetime, a Decimal, a lazy string, a UUID and
# anything else goes to DRF's own encoder, so it is written as DRF writes it
# (``…+00:00`` → ``…Z``, COERCE_DECIMAL_TO_STRING, …). A key that is not a string is
# written as the standard library writes it.
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)
_drf_default = JSONRenderer.encoder_class().default
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON renderer with orjson doing the encoding: the same JSON values, compact,
    UTF-8 unescaped, U+2028/U+2029 escaped as DRF does, in a quarter to a third of the time
    of the standard library's encoder (docs/performance.md, "Sixteenth round").

    What differs from DRF's bytes: a float of exponent form is written as orjson writes it
    (``0.00001``, not ``1e-05``: the same number), and a NaN or infinity as ``null`` (DRF's
    strict JSON fails the request with a 500). A request for indented JSON
    (``Accept: application/json; indent=4``) and a value orjson refuses (an integer beyond
    64 bits, a lone surrogate) go to DRF's renderer unchanged. The default of every API view
    (``DEFAULT_RENDERER_CLASSES``).
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data, default=_drf_default, option=_ORJSON_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is one: what orjson refuses
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80" in out:
            for raw, escaped in _LINE_SEPARATORS:
                out = out.replace(raw, escaped)
        return out


class LenientContentNegotiation(DefaultContentNegotiation):
    """An ``Accept`` header we cannot satisfy (or cannot parse, like ``*``) gets JSON rather
    than a 406: every API of Tessera speaks JSON, and its documents promise no 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type
