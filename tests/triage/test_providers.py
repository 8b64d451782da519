"""Remote triage providers against a local fake HTTP server (no network, no key).

The fake server speaks Gemini's ``generateContent`` and OpenAI's ``/chat/completions``
wire formats. A good answer must be used as is; bad JSON, an answer violating the schema,
an HTTP 500 or a timeout must fall back to the offline analyser with a warning.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tessera.core.triage.analysis import OfflineAnalyser
from tessera.core.triage.providers import (
    GEMINI_BASE_URL,
    GEMINI_DEFAULT_MODEL,
    OPENAI_BASE_URL,
    GeminiProvider,
    OfflineProvider,
    OpenAICompatibleProvider,
    TriageProvider,
    TriageProviderError,
    get_provider,
    parse_analysis,
)

API_KEY = "test-secret-key-123"
TICKET = {
    "title": "VPN drops every ten minutes",
    "description": "Since the GlobalProtect update the VPN disconnects every ten minutes "
    "and I have to sign in again.",
}
GOOD_ANSWER = {
    "summary": "  The VPN client disconnects every ten minutes after an update.  ",
    "priority": "high",
    "helpfulNotes": "1. Check the VPN client version.\n2. Collect the client log.",
    "relatedSkills": [" vpn ", "Networking", "GlobalProtect", "networking"],
}


class FakeLLM:
    """What the fake server answers, and what it received."""

    def __init__(self) -> None:
        self.mode = "good"
        self.answer: Any = GOOD_ANSWER
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []


def _handler(state: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            url = urlsplit(self.path)
            state.requests.append(
                {
                    "path": url.path,
                    "query": parse_qs(url.query),
                    "headers": dict(self.headers),
                    "body": body,
                }
            )
            if state.delay:
                time.sleep(state.delay)
            if state.mode == "http500":
                self._send(500, b'{"error": {"message": "internal"}}')
                return
            if state.mode == "not_json":
                self._send(200, b"<html>Bad gateway</html>")
                return
            inner = state.answer if isinstance(state.answer, str) else json.dumps(state.answer)
            if url.path.endswith(":generateContent"):
                envelope = {
                    "candidates": [{"content": {"role": "model", "parts": [{"text": inner}]}}]
                }
            elif url.path.endswith("/chat/completions"):
                envelope = {
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": inner}}]
                }
            else:
                self._send(404, b"{}")
                return
            if state.mode == "empty_envelope":
                envelope = {"candidates": [], "choices": []}
            self._send(200, json.dumps(envelope).encode())

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

    return Handler


@pytest.fixture
def fake() -> Iterator[tuple[FakeLLM, str]]:
    state = FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield state, f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def gemini(base_url: str, timeout: float = 5.0) -> GeminiProvider:
    return GeminiProvider(api_key=API_KEY, model="gemini-test", base_url=base_url, timeout=timeout)


def openai(base_url: str, timeout: float = 5.0) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        base_url=f"{base_url}/v1", api_key=API_KEY, model="gpt-test", timeout=timeout
    )


PROVIDERS = {"gemini": gemini, "openai": openai}


# ----------------------------------------------------------------------------- wire format


def test_gemini_request_and_good_answer(fake, caplog):
    state, base_url = fake
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        result = gemini(base_url).analyse(**TICKET, skill_catalogue=["GlobalProtect"])

    request = state.requests[0]
    assert request["path"] == "/v1beta/models/gemini-test:generateContent"
    assert request["query"] == {"key": [API_KEY]}
    config = request["body"]["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config["responseSchema"]
    assert schema["type"] == "OBJECT"
    assert set(schema["required"]) == {"summary", "priority", "helpfulNotes", "relatedSkills"}
    assert schema["properties"]["priority"]["enum"] == ["low", "medium", "high"]
    prompt = request["body"]["contents"][0]["parts"][0]["text"]
    assert TICKET["title"] in prompt and TICKET["description"] in prompt
    system = request["body"]["systemInstruction"]["parts"][0]["text"]
    assert "GlobalProtect" in system and "Frontend Development" in system

    # The good answer is used, trimmed, de-duplicated and spelled as in the catalogue.
    assert result.source == "gemini"
    assert result.summary == "The VPN client disconnects every ten minutes after an update."
    assert result.priority == "high"
    assert result.helpful_notes.startswith("1. Check the VPN client version.")
    assert result.related_skills == ["VPN", "Networking", "GlobalProtect"]
    assert not caplog.records


def test_openai_request_and_good_answer(fake, caplog):
    state, base_url = fake
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        result = openai(base_url).analyse(**TICKET)

    request = state.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    body = request["body"]
    assert body["model"] == "gpt-test"
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert response_format["json_schema"]["strict"] is True
    assert schema["additionalProperties"] is False
    assert schema["properties"]["relatedSkills"] == {"type": "array", "items": {"type": "string"}}

    assert result.source == "openai"
    assert result.priority == "high"
    assert result.related_skills == ["VPN", "Networking", "GlobalProtect"]
    assert not caplog.records


def test_openai_compatible_server_without_key_sends_no_authorization(fake):
    state, base_url = fake
    provider = OpenAICompatibleProvider(base_url=f"{base_url}/v1", api_key="", model="local")
    assert provider.analyse(**TICKET).source == "openai"
    assert "Authorization" not in state.requests[0]["headers"]


# ----------------------------------------------------------------------------- fallbacks

BAD_ANSWERS = {
    "inner text is not JSON": "Sure! Here is the analysis: priority high",
    "priority outside the enum": {**GOOD_ANSWER, "priority": "urgent"},
    "missing field": {k: v for k, v in GOOD_ANSWER.items() if k != "helpfulNotes"},
    "skills not a list": {**GOOD_ANSWER, "relatedSkills": "VPN, Networking"},
    "skill not a string": {**GOOD_ANSWER, "relatedSkills": ["VPN", 42]},
    "empty summary": {**GOOD_ANSWER, "summary": "   "},
    "summary too long": {**GOOD_ANSWER, "summary": "x" * 5000},
    "too many skills": {**GOOD_ANSWER, "relatedSkills": [f"Skill {i}" for i in range(30)]},
    "answer is a list": [GOOD_ANSWER],
}


def assert_offline_fallback(result, caplog, provider_name: str) -> None:
    expected = OfflineAnalyser().analyse(**TICKET)
    assert result.source == "offline"
    assert result == expected
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings, "a fallback must log a warning"
    assert provider_name in warnings[0].getMessage()
    assert API_KEY not in caplog.text  # the key (in Gemini's URL) never reaches the log


@pytest.mark.parametrize("provider_name", sorted(PROVIDERS))
@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_schema_violations_fall_back_to_offline(fake, caplog, provider_name, case):
    state, base_url = fake
    state.answer = BAD_ANSWERS[case]
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        result = PROVIDERS[provider_name](base_url).analyse(**TICKET)
    assert_offline_fallback(result, caplog, provider_name)


@pytest.mark.parametrize("provider_name", sorted(PROVIDERS))
@pytest.mark.parametrize("mode", ["http500", "not_json", "empty_envelope"])
def test_http_and_envelope_failures_fall_back_to_offline(fake, caplog, provider_name, mode):
    state, base_url = fake
    state.mode = mode
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        result = PROVIDERS[provider_name](base_url).analyse(**TICKET)
    assert_offline_fallback(result, caplog, provider_name)
    if mode == "http500":
        assert "HTTP 500" in caplog.text


@pytest.mark.parametrize("provider_name", sorted(PROVIDERS))
def test_timeout_falls_back_to_offline(fake, caplog, provider_name):
    state, base_url = fake
    state.delay = 1.5
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        result = PROVIDERS[provider_name](base_url, timeout=0.3).analyse(**TICKET)
    assert time.monotonic() - started < 1.4
    assert_offline_fallback(result, caplog, provider_name)
    assert "timed out" in caplog.text


def test_connection_refused_falls_back_to_offline(caplog):
    # Port 9 (discard) on loopback: nothing listens there in the test environment.
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        result = gemini("http://127.0.0.1:9", timeout=1).analyse(**TICKET)
    assert_offline_fallback(result, caplog, "gemini")


def test_request_analysis_raises_instead_of_falling_back(fake):
    state, base_url = fake
    state.mode = "http500"
    with pytest.raises(Exception):  # noqa: B017 - any failure class is fine here
        gemini(base_url).request_analysis(**TICKET)


# ----------------------------------------------------------------------------- validation


def test_parse_analysis_accepts_and_normalises_a_valid_answer():
    result = parse_analysis(
        {**GOOD_ANSWER, "priority": " low ", "relatedSkills": ["react", "React", "My Skill"]},
        skill_catalogue=["My Skill"],
        source="gemini",
    )
    assert result.priority == "low"
    assert result.related_skills == ["React", "My Skill"]
    assert result.source == "gemini"


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "text",
        {**GOOD_ANSWER, "priority": None},
        {**GOOD_ANSWER, "priority": "High"},
        {**GOOD_ANSWER, "helpfulNotes": ["step"]},
        {**GOOD_ANSWER, "helpfulNotes": "n" * 2001},
        {**GOOD_ANSWER, "relatedSkills": ["x" * 81]},
        {**GOOD_ANSWER, "relatedSkills": ["  "]},
    ],
)
def test_parse_analysis_rejects_invalid_answers(bad):
    with pytest.raises(TriageProviderError):
        parse_analysis(bad)


# ----------------------------------------------------------------------------- factory


def test_get_provider_defaults_to_offline():
    assert isinstance(get_provider({}), OfflineProvider)
    assert isinstance(get_provider(None), OfflineProvider)
    assert isinstance(get_provider({"TRIAGE_PROVIDER": ""}), OfflineProvider)
    assert isinstance(get_provider({"TRIAGE_PROVIDER": "offline"}), OfflineProvider)
    assert isinstance(get_provider({}), TriageProvider)


def test_get_provider_gemini(caplog):
    provider = get_provider({"TRIAGE_PROVIDER": "Gemini", "TRIAGE_API_KEY": API_KEY})
    assert isinstance(provider, GeminiProvider)
    assert provider.model == GEMINI_DEFAULT_MODEL
    assert provider.base_url == GEMINI_BASE_URL
    assert provider.timeout == 10.0

    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        assert isinstance(get_provider({"TRIAGE_PROVIDER": "gemini"}), OfflineProvider)
    assert "TRIAGE_API_KEY" in caplog.text


def test_get_provider_openai():
    provider = get_provider(
        {
            "TRIAGE_PROVIDER": "openai",
            "TRIAGE_API_KEY": API_KEY,
            "TRIAGE_MODEL": "gpt-x",
            "TRIAGE_BASE_URL": "http://llm.internal:8000/v1/",
            "TRIAGE_TIMEOUT_SECONDS": "2.5",
        }
    )
    assert isinstance(provider, OpenAICompatibleProvider)
    assert provider.endpoint() == "http://llm.internal:8000/v1/chat/completions"
    assert provider.model == "gpt-x"
    assert provider.timeout == 2.5

    # A self-hosted server may not need a key; api.openai.com does.
    local = get_provider(
        {"TRIAGE_PROVIDER": "openai", "TRIAGE_BASE_URL": "http://localhost:11434/v1"}
    )
    assert isinstance(local, OpenAICompatibleProvider)
    assert isinstance(get_provider({"TRIAGE_PROVIDER": "openai"}), OfflineProvider)
    assert get_provider({"TRIAGE_PROVIDER": "openai", "TRIAGE_API_KEY": "k"}).base_url == (
        OPENAI_BASE_URL
    )


def test_get_provider_bad_values_degrade_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="tessera.triage"):
        assert isinstance(get_provider({"TRIAGE_PROVIDER": "claude"}), OfflineProvider)
        provider = get_provider(
            {"TRIAGE_PROVIDER": "gemini", "TRIAGE_API_KEY": "k", "TRIAGE_TIMEOUT_SECONDS": "soon"}
        )
    assert provider.timeout == 10.0
    assert "Unknown TRIAGE_PROVIDER" in caplog.text
    assert "TRIAGE_TIMEOUT_SECONDS" in caplog.text
    assert (
        get_provider(
            {"TRIAGE_PROVIDER": "gemini", "TRIAGE_API_KEY": "k", "TRIAGE_TIMEOUT_SECONDS": "9999"}
        ).timeout
        == 120.0
    )
