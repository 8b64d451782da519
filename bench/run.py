"""Tessera vs django-helpdesk under gunicorn (2 workers each) on one PostgreSQL server.

    .venv/bin/python bench/run.py [--tickets 50000] [--duration 10] [--skip-peer]

Steps (each prints progress): fresh database → migrate → ``manage.py generate`` → gunicorn;
the peer in ``bench/.peer-venv`` with a temp project and the same number of tickets; then
wrk (8 connections) per scenario and surface; a table and ``bench/results/<stamp>.json``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from bench import cpu, peer, pgserver, report_md  # noqa: E402

PY = ROOT / ".venv" / "bin" / "python"
PG = "postgres://postgres@127.0.0.1:5432"
# "search": two words matching a few % of a surface's tickets (a typical query);
# "search_broad": one word in ~30% of all tickets (the worst case for ranking and counting).
SEARCH = {"default": "screen+login"}
SEARCH_WORD = "restarting"
SINCE_30_DAYS = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 30 * 86400))
KINDS = ("list", "filter", "search", "search_broad", "detail", "create")


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fresh_db(name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    # JIT compilation costs ~1 s on big plans and never pays off for OLTP requests.
    psql(f"ALTER DATABASE {name} SET jit = off")


def http(method: str, url: str, headers: dict, body: dict | None = None, timeout: float = 120):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not come up")


def gunicorn(cmd: list[str], env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_quiet(threshold: float, max_minutes: float) -> float:
    """Poll the 1-minute load every 30 s until it is below ``threshold`` (at most
    ``max_minutes``); other processes on the machine distort every figure."""
    deadline = time.monotonic() + max_minutes * 60
    while (load := load1()) >= threshold and time.monotonic() < deadline:
        log(f"load {load:.2f} ≥ {threshold}: waiting (until {max_minutes:.0f} min at most)")
        time.sleep(30)
    return load


def gunicorn_args(args, port: int, timeout: int) -> list[str]:
    """The same server settings for Tessera and the peer: Tessera's production ones
    (deploy/gunicorn.conf.py: 2 workers, ``gthread`` with one thread, a worker taking a
    connection only while idle, no keep-alive; docs/performance.md has the measurements
    behind them), with no recycling of workers during a run."""
    cmd = ["-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--timeout", str(timeout),
           "-k", args.worker_class, "--keep-alive", str(args.keep_alive),
           "--max-requests", "0"]  # fmt: skip
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
        if args.worker_connections:
            cmd += ["--worker-connections", str(args.worker_connections)]
    return cmd


def rss_mb(proc: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master)."""
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(proc.pid)], capture_output=True, text=True
    ).stdout
    return [round(int(x) / 1024, 1) for x in out.split()]


UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(
    url: str,
    headers: dict,
    *,
    seconds: int,
    conns: int,
    body: dict | None,
    timeout: int,
    app_session: int | None = None,
):
    """One wrk run; with ``app_session`` (the app server's session id) also the CPU ms per
    request of the app, PostgreSQL and wrk (``bench/cpu.py``)."""
    args = ["wrk", "-t", "2", "-c", str(conns), "-d", f"{seconds}s", "--latency",
            "--timeout", f"{timeout}s"]  # fmt: skip
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    script = None
    if body is not None:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(_post_script(body))
        script.close()
        args += ["-s", script.name]
    before = cpu.snapshot(app_session) if app_session else None
    out = subprocess.run([*args, url], capture_output=True, text=True).stdout
    after = cpu.snapshot(app_session) if app_session else None
    if script is not None:
        os.unlink(script.name)
    result = {"rps": None, "p50_ms": None, "p99_ms": None, "non_2xx": 0, "errors": ""}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
            result[key] = round(float(m.group(1)) * UNIT[m.group(2)], 2)
    if before and after and (m := re.search(r"(\d+) requests in", out)):
        result["cpu"] = cpu.per_request(before, after, int(m.group(1)))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: (.*)", out):
        result["errors"] = m.group(1)
    if result["rps"] is None:
        result["errors"] = out.strip()[-300:]
    return result


def _post_script(body: dict) -> str:
    """wrk Lua for a POST; ``{uniq}`` in the body becomes a value unique per request
    (run stamp, wrk thread, counter) for payloads that must not repeat (serial numbers)."""
    payload = json.dumps(json.dumps(body))  # a Lua-safe double-quoted string literal
    return (
        f"local template = {payload}\n"
        f'local stamp = "{time.strftime("%H%M%S")}{os.getpid()}"\n'
        "local counter, threads = 0, 0\n"  # tid: a global set per thread by setup()
        "function setup(thread) threads = threads + 1; thread:set('tid', threads) end\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        "function request()\n"
        "  counter = counter + 1\n"
        '  local uniq = stamp .. "-" .. tostring(tid) .. "-" .. counter\n'
        '  local b = string.gsub(template, "{uniq}", uniq)\n'
        "  return wrk.format(nil, nil, nil, b)\n"
        "end\n"
    )


def _fill_uniq(body: dict | None) -> dict | None:
    if body is None:
        return None
    text = json.dumps(body).replace("{uniq}", f"probe-{time.time_ns()}")
    return json.loads(text)


def tessera_scenarios(base: str, creds: dict) -> dict[str, dict]:
    """Per surface: auth headers and candidate URLs per scenario (first answering 2xx wins)."""
    p = creds["projects"]
    bearer = {"Authorization": f"Bearer {creds['jwt']}"}

    def t(template: str, key: str, default=None):
        return p.get(template, {}).get(key, default)

    return {
        "workshop": {
            "headers": bearer,
            "list": ["/api/v1/tickets/"],
            "filter": [f"/api/v1/tickets/?state={t('workshop', 'state')}", "/api/v1/tickets/?flag_color=red"],
            # Document 000's ticket list has no search parameter (its inventory list has).
            "search": [],
            "search_broad": [],
            "detail": [f"/api/v1/tickets/{t('workshop', 'ticket_id')}/"],
            # Intake (docs/surfaces/workshop.md): one active ticket per serial, so every
            # request sends a new serial ({uniq}) and confirms creating its inventory item.
            "create": [("/api/v1/tickets/create/", {
                "project_id": t("workshop", "id"), "serial_number": "BENCH-{uniq}",
                "title": "Bench laptop does not boot", "description": "Created by the benchmark",
                "item_name": "Bench laptop", "confirm_create": True,
                "create_reason": "benchmark intake",
                "part_specs": [{"name": "Battery", "color": "yellow", "planned_minutes": 30, "xp": 5},
                               {"name": "Screen", "color": "green", "planned_minutes": 45}]})],
        },
        "support": {
            "headers": {},
            "login": ("/api/auth/login", {"email": creds["email"], "password": creds["password"]}),
            # /api/tickets lists the caller's own tickets; the staff list of every ticket
            # is /api/tickets/all (document 001).
            "list": ["/api/tickets/all"],
            "filter": ["/api/tickets/all?status=todo", "/api/tickets/all?priority=high"],
            "search": [],  # document 001's lists have no search parameter
            "search_broad": [],
            "detail": [f"/api/tickets/{t('support', 'ticket_public_id')}", f"/api/tickets/{t('support', 'ticket_id')}"],
            "create": [("/api/tickets", {
                "title": "Bench checkout fails", "description": "Created by the benchmark run",
                "project_id": t("support", "id")})],
        },
        "servicedesk": {
            "headers": bearer,
            "list": ["/api/ticketing/tickets/"],
            "filter": ["/api/ticketing/tickets/?status=open", "/api/ticketing/tickets/?priority=high"],
            "search": [f"/api/ticketing/tickets/?search={SEARCH['default']}"],
            "search_broad": [f"/api/ticketing/tickets/?search={SEARCH_WORD}"],
            "detail": [f"/api/ticketing/tickets/{t('servicedesk', 'ticket_id')}/"],
            "create": [("/api/ticketing/tickets/", {
                "subject": "Bench VPN down", "description": "Created by the benchmark",
                "priority": "medium", "project": t("servicedesk", "id")})],
        },
        "boards": {
            "headers": bearer,
            "list": ["/api/tickets/tickets/"],
            "filter": [f"/api/tickets/tickets/?project={t('boards', 'id')}", "/api/tickets/tickets/?priority=3"],
            "search": [f"/api/tickets/tickets/?search={SEARCH['default']}"],
            "search_broad": [f"/api/tickets/tickets/?search={SEARCH_WORD}"],
            "detail": [f"/api/tickets/tickets/{t('boards', 'ticket_id')}/"],
            "create": [("/api/tickets/tickets/", {
                "name": "Bench pagination bug", "description": "Created by the benchmark",
                "type": "bug", "column": t("boards", "column_id"), "priority_id": 3})],
        },
        "feed": {
            "headers": {"X-API-Token": creds["api_token"]},
            "list": ["/api/tickets/"],
            # Document 004's one filter: tickets changed in the last 30 days.
            "filter": [f"/api/tickets/?updated_since={SINCE_30_DAYS}"],
            "search": [],  # document 004's feed has no search parameter
            "search_broad": [],
            "detail": [f"/api/tickets/{t('servicedesk', 'ticket_id')}/",
                       f"/api/tickets/{t('servicedesk', 'key')}-{t('servicedesk', 'ticket_number')}/"],
            "create": [],
        },
    }  # fmt: skip


PROBED_BYTES: dict[str, int] = {}


def probe(base: str, headers: dict, candidates: list, method: str) -> tuple:
    """First candidate answering 2xx: (path, body, queries) or (None, note, None)."""
    notes = []
    for cand in candidates:
        path, body = cand if method == "POST" else (cand, None)
        if "None" in path:
            notes.append(f"{path}: no data")
            continue
        status, hdrs, content = http(method, base + path, headers, _fill_uniq(body))
        if 200 <= status < 300:
            q = hdrs.get("X-Bench-Queries")
            PROBED_BYTES[path] = len(content)  # an empty page would flatter the figures
            return path, body, int(q) if q is not None else None
        notes.append(f"{path} → {status}")
    return None, "; ".join(notes) or "not offered", None


def run_target(name, base, scen, args, results, slow=False):
    headers = dict(scen["headers"])
    if "login" in scen:
        path, body = scen["login"]
        status, hdrs, _ = http("POST", base + path, {}, body)
        cookies = [c.split(";")[0] for c in hdrs.get_all("Set-Cookie") or []]
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        else:
            log(f"{name}: login {path} → {status}, no cookie")
    wanted = [w for w in args.only.split(",") if w]
    for kind in KINDS:
        key = f"{name}/{kind}"
        if wanted and not any(w in key for w in wanted):
            continue
        method = "POST" if kind == "create" else "GET"
        path, body, queries = probe(base, headers, scen.get(kind, []), method)
        if path is None:
            log(f"{key}: skipped ({body})")
            results[key] = {"skipped": body}
            continue
        seconds = max(args.duration, 30) if slow else args.duration
        if (waited := cpu.wait_idle(args.app_session)) > 1:
            log(f"{key}: waited {waited:.0f}s for the server to finish earlier requests")
        if args.warmup and not slow:
            # Unmeasured: every server thread runs the request (and its connection prepares
            # the statements) before the measured run, so the order of scenarios matters less.
            wrk(base + path, headers, seconds=args.warmup, conns=args.connections, body=body,
                timeout=10)  # fmt: skip
        before = load1()
        log(f"{key}: wrk {args.connections} connections {seconds}s {method} {path} (load {before})")
        r = wrk(base + path, headers, seconds=seconds, conns=args.connections, body=body,
                timeout=60 if slow else 10, app_session=args.app_session)  # fmt: skip
        r.update(
            {
                "path": path,
                "method": method,
                "queries": queries,
                "load1_before": before,
                "response_bytes": PROBED_BYTES.get(path),
            }
        )
        results[key] = r


def run_tessera_round(base: str, creds: dict, args) -> dict[str, dict]:
    """The floors, then every Tessera scenario, once."""
    results: dict[str, dict] = {}
    bearer = {"Authorization": f"Bearer {creds['jwt']}"}
    floors = {
        "floor/json": ("/bench/floor/json", {}, None),
        "floor/raw-sql-20": ("/bench/floor/sql", {}, None),
        "floor/drf-jwt-20": ("/bench/floor/drf", bearer, None),
        # The least a list page and a create can do on Tessera's schema (bench/urls.py):
        # how much of a surface's cost is the surface.
        "floor/least-list": ("/bench/floor/list", bearer, None),
    }
    if sd_project := creds["projects"].get("servicedesk", {}).get("id"):
        floors["floor/least-create"] = (
            f"/bench/floor/create/{sd_project}",
            bearer,
            {"subject": "Bench floor create", "description": "Created by the benchmark"},
        )
    for key, (path, headers, body) in floors.items():
        method = "GET" if body is None else "POST"
        before = load1()
        log(f"{key}: wrk (load {before})")
        r = wrk(base + path, headers, seconds=args.duration, conns=args.connections,
                body=body, timeout=10, app_session=args.app_session)  # fmt: skip
        queries = probe(base, headers, [(path, body)] if body else [path], method)[2]
        r.update({"path": path, "method": method, "load1_before": before,
                  "queries": queries})  # fmt: skip
        results[key] = r
    for name, scen in tessera_scenarios(base, creds).items():
        run_target(f"tessera-{name}", base, scen, args, results)
    return results


def median_of_rounds(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Per scenario, the round with the median req/s (the lower one of two middles), with
    every round's req/s in ``rounds_rps``: on a two-core machine one run of a scenario can
    differ from the next by ±30-40 %, so several rounds tell the range and a typical run."""
    if len(rounds) == 1:
        return rounds[0]
    merged: dict[str, dict] = {}
    for key in rounds[0]:
        runs = [r[key] for r in rounds if key in r]
        measured = [r for r in runs if "skipped" not in r and r.get("rps") is not None]
        if not measured:
            merged[key] = runs[0]
            continue
        measured.sort(key=lambda r: r["rps"])
        merged[key] = {
            **measured[(len(measured) - 1) // 2],
            "rounds_rps": [r["rps"] for r in measured],
        }
    return merged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--comments-per-ticket", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--reuse-db", action="store_true", help="keep an existing bench DB")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--db", default="tessera_bench", help="Tessera's bench database")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="per worker, gthread only")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=0,
        metavar="SECONDS",
        help="HTTP keep-alive of both servers (0, as deployed: a kept-alive connection stays "
        "with one worker, and wrk's eight often all landed on the same one)",
    )
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=None,
        metavar="N",
        help="gthread: connections a worker takes at once (as deployed: its threads without "
        "keep-alive, else gunicorn's default 1000; 0: gunicorn's default)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="MINUTES",
        help="before measuring, wait (at most MINUTES) for load < --quiet-load",
    )
    parser.add_argument("--quiet-load", type=float, default=1.5)
    parser.add_argument(
        "--warmup", type=int, default=2, help="unmeasured seconds of load before each scenario"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the floors and Tessera's scenarios this many times; report each one's median",
    )
    parser.add_argument(
        "--autovacuum",
        choices=("on", "as-is"),
        default="on",
        help="on (default): turn the server's autovacuum on for the bench if it is off, as a "
        "deployment runs it, and restore it after; as-is: measure the server as it is",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenario filters, e.g. 'servicedesk/list,boards' (floors always run)",
    )
    args = parser.parse_args()
    if args.worker_connections is None:  # as deploy/gunicorn.conf.py decides
        args.worker_connections = args.threads if args.keep_alive == 0 else 0
    if shutil.which("wrk") is None:
        log("wrk missing: apt-get install -y wrk (Debian package)")
        return 2
    with contextlib.ExitStack() as stack:
        args.autovacuum_in_force = (
            stack.enter_context(pgserver.autovacuum_on(log))
            if args.autovacuum == "on"
            else pgserver.setting("autovacuum")
        )
        return _main(args)


def _main(args) -> int:
    started = time.monotonic()
    db, peer_db = args.db, "helpdesk_bench"
    env = {**os.environ, "DATABASE_URL": f"{PG}/{db}", "DJANGO_SETTINGS_MODULE": "bench.settings",
           "PYTHONPATH": str(ROOT), "TESSERA_DATA_DIR": str(ROOT / "var" / "bench"),
           "DB_CONN_MAX_AGE": "600"}  # fmt: skip
    if not (args.reuse_db and _db_exists(db)):
        log(f"fresh PostgreSQL database {db}")
        fresh_db(db)
        subprocess.run([str(PY), "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        log(f"generating {args.tickets} tickets")
        subprocess.run(
            [str(PY), "manage.py", "generate", "--tickets", str(args.tickets),
             "--comments-per-ticket", str(args.comments_per_ticket), "--seed", "1"],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
    creds = json.loads(
        subprocess.run([str(PY), str(HERE / "prepare_tessera.py")], env=env, cwd=ROOT,
                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    for template, state in _initial_states(env).items():
        creds["projects"].setdefault(template, {})["state"] = state
    results: dict[str, dict] = {}
    memory: dict[str, list[float]] = {}
    server = None
    try:
        log("starting Tessera: gunicorn, 2 workers")
        server = gunicorn(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "bench.wsgi_tessera:application", *gunicorn_args(args, args.port, 120)],
            {**env, "BENCH_COUNT_QUERIES": "1"}, ROOT,
        )  # fmt: skip
        args.app_session = server.pid  # start_new_session: the master leads its session
        base = f"http://127.0.0.1:{args.port}"
        wait_up(base + "/bench/floor/json")
        if args.wait_quiet:
            wait_quiet(args.quiet_load, args.wait_quiet)
        rounds = []
        for number in range(1, args.rounds + 1):
            if args.rounds > 1:
                log(f"round {number} of {args.rounds}")
            rounds.append(run_tessera_round(base, creds, args))
        results.update(median_of_rounds(rounds))
        memory["tessera"] = rss_mb(server)
    finally:
        stop(server)
    if not args.skip_peer:
        try:
            run_peer(args, peer_db, results, memory)
        except Exception as exc:  # the Tessera figures are still worth reporting
            log(f"peer failed: {exc!r}")
            results["peer-helpdesk/all"] = {"skipped": f"peer failed: {exc!r}"[:200]}
    report = _report(args, results, memory, creds, time.monotonic() - started)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{time.strftime('%Y%m%d-%H%M%S')}-{args.tickets}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    log(f"results written to {path.relative_to(ROOT)}")
    return 0


def run_peer(args, peer_db: str, results: dict, memory: dict) -> None:
    peer.ensure_venv(log)
    tmp = Path(tempfile.mkdtemp(prefix="helpdesk-peer-"))
    peer.write_project(tmp, (HERE / "querycount.py").read_text())
    env = {**os.environ, "PEER_DB_NAME": peer_db, "PYTHONPATH": str(tmp),
           "DJANGO_SETTINGS_MODULE": "peerproject.settings"}  # fmt: skip
    manage = [str(peer.python()), "-m", "django"]
    log(f"peer: fresh database {peer_db}, migrate, fill {args.tickets} tickets")
    fresh_db(peer_db)
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=tmp, check=True)
    subprocess.run(
        [str(peer.python()), "fill.py", str(args.tickets), str(args.comments_per_ticket)],
        env=env, cwd=tmp, check=True,
    )  # fmt: skip
    server = None
    try:
        server = gunicorn(
            [str(peer.VENV / "bin" / "gunicorn"), "peerproject.wsgi:application",
             *gunicorn_args(args, args.port + 1, 300)], env, tmp,
        )  # fmt: skip
        args.app_session = server.pid
        base = f"http://127.0.0.1:{args.port + 1}"
        wait_up(base + "/helpdesk/api/tickets/", 60)
        auth = base64.b64encode(b"bench:bench-Password-1").decode()
        scen = {
            "headers": {"Authorization": f"Basic {auth}"},
            "list": ["/helpdesk/api/tickets/"],
            "filter": ["/helpdesk/api/tickets/?status=1"],
            "search": [],  # django-helpdesk's API has no search parameter
            "detail": ["/helpdesk/api/tickets/1/"],
            "create": [("/helpdesk/api/tickets/", {
                "queue": 1, "title": "Bench checkout fails", "description": "benchmark",
                "submitter_email": "bench@bench.test", "priority": 3})],
        }  # fmt: skip
        run_target("peer-helpdesk", base, scen, args, results, slow=True)
        memory["peer"] = rss_mb(server)
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


def _db_exists(name: str) -> bool:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip() == "1"


def _initial_states(env: dict) -> dict[str, str]:
    code = (
        "import json,django;django.setup();from tessera.core.projects.models import WorkflowState as W;"
        "print(json.dumps({w.project.template: w.key for w in W.objects.filter(is_initial=True)"
        ".select_related('project').order_by('-id')}))"
    )
    out = subprocess.run([str(PY), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout.strip() or "{}")


def _fmt(v, unit="") -> str:
    return "-" if v is None else f"{v:,.1f}{unit}" if isinstance(v, float) else f"{v}{unit}"


def _report(args, results, memory, creds, elapsed) -> dict:
    floor = (results.get("floor/raw-sql-20") or {}).get("rps")
    drf_floor = (results.get("floor/drf-jwt-20") or {}).get("rps")
    peer_rps = {k.split("/")[1]: v.get("rps") for k, v in results.items() if k.startswith("peer-")}
    rows = []
    print()
    print(f"{'target/scenario':32} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'SQL/req':>8} "
          f"{'non2xx':>7} {'vs peer':>9} {'vs floor':>9} {'vs drf':>7} {'vs least':>8} {'bytes':>7} {'load':>5} "
          f"{'CPU ms/req app/db/wrk':>22}")  # fmt: skip
    for key, r in results.items():
        if "skipped" in r:
            print(f"{key:32} skipped: {r['skipped'][:80]}")
            rows.append({"key": key, **r})
            continue
        kind = key.split("/")[-1]
        ratio = None
        if key.startswith("tessera-") and peer_rps.get(kind) and r.get("rps"):
            ratio = round(r["rps"] / peer_rps[kind], 1)
        vs_floor = round(r["rps"] / floor, 2) if floor and r.get("rps") else None
        vs_drf = round(r["rps"] / drf_floor, 2) if drf_floor and r.get("rps") else None
        least = report_md.vs_least(key, r, results)
        print(f"{key:32} {_fmt(r.get('rps')):>9} {_fmt(r.get('p50_ms')):>9} "
              f"{_fmt(r.get('p99_ms')):>9} {_fmt(r.get('queries')):>8} {r.get('non_2xx', 0):>7} "
              f"{_fmt(ratio, 'x'):>9} {_fmt(vs_floor):>9} {_fmt(vs_drf):>7} {_fmt(least):>8} "
              f"{_fmt(r.get('response_bytes')):>7} "
              f"{_fmt(r.get('load1_before')):>5} {report_md.cpu_text(r):>22}")  # fmt: skip
        rows.append({"key": key, **r, "ratio_vs_peer": ratio, "ratio_vs_raw_sql_floor": vs_floor,
                     "ratio_vs_drf_floor": vs_drf, "ratio_vs_least_floor": least})  # fmt: skip
    print(f"\nworker RSS MB: {memory}   tickets: {creds.get('tickets')}   took {elapsed:.0f}s")
    return {
        "tickets": args.tickets,
        "connections": args.connections,
        "server": f"gunicorn -w {args.workers} -k {args.worker_class}"
        + (f" --threads {args.threads}" if args.worker_class == "gthread" else "")
        + f" --keep-alive {args.keep_alive}"
        + (f" --worker-connections {args.worker_connections}" if args.worker_connections else ""),
        "loadavg_at_end": Path("/proc/loadavg").read_text().strip(),
        "autovacuum": getattr(args, "autovacuum_in_force", None),
        "duration_s": args.duration,
        "rounds": args.rounds,
        "tessera_tickets_in_db": creds.get("tickets"),
        "memory_rss_mb": memory,
        "rows": rows,
        "elapsed_s": round(elapsed),
        "machine": {"cpus": os.cpu_count()},
    }


if __name__ == "__main__":
    sys.exit(main())
