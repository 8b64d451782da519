"""Where a bench scenario spends its time: every SQL query of one request, timed, and the
plan of the slowest (``EXPLAIN ANALYZE``), in-process against a bench database.

    .venv/bin/python bench/profile_request.py --db tessera_bench_1m [--only servicedesk/filter] [--explain]

Uses the same scenarios as ``bench/run.py`` (``tessera_scenarios``); each request is made
``--repeat`` times with Django's test client and the fastest run is reported, so a cold
cache does not decide. Prints per scenario: wall ms, SQL ms, Python ms, and each query.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="tessera_bench")
    parser.add_argument("--only", default="", help="comma-separated surface/kind filters")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    parser.add_argument(
        "--explain-all", action="store_true", help="EXPLAIN ANALYZE every query but the first"
    )
    parser.add_argument(
        "--split",
        type=int,
        default=0,
        metavar="N",
        help="after timing, run the request N more times and print the median split of its "
        "wall time: ORM compiling SQL, the database answering, and everything else",
    )
    parser.add_argument(
        "--dump",
        default="",
        metavar="DIR",
        help="write each scenario's response body to DIR/<surface>-<kind>.json, to compare "
        "the bytes a change answers with against the bytes before it",
    )
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, run the request N more times under cProfile and print the top",
    )
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="SURFACE:PATH",
        help="also GET this path as that surface's client (its auth), e.g. "
        "servicedesk:/api/ticketing/tickets/my_tickets/, or web:/tickets/ for a page of the "
        "web UI signed in; repeatable; named <surface>/path<N>",
    )
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "TESSERA_DATA_DIR": str(ROOT / "var" / "bench"),
            "PYTHONPATH": str(ROOT),
        }
    )
    creds = json.loads(
        subprocess.run(
            [sys.executable, str(HERE / "prepare_tessera.py")],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    from bench.run import _initial_states

    env = {**os.environ}
    for template, state in _initial_states(env).items():
        creds["projects"].setdefault(template, {})["state"] = state
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import KINDS, tessera_scenarios

    wanted = [w for w in args.only.split(",") if w]
    scenarios = tessera_scenarios("", creds)
    # the web UI's pages, signed in as the bench's user (``--path web:/tickets/``)
    scenarios["web"] = {"headers": {}, "web_login": creds["email"]}
    kinds = list(KINDS)
    for number, spec in enumerate(args.path, start=1):
        surface, _, path = spec.partition(":")
        scenarios[surface][f"path{number}"] = [path]
        kinds.append(f"path{number}")
    for name, scen in scenarios.items():
        client = Client(raise_request_exception=False)
        headers = {k.upper().replace("-", "_"): v for k, v in scen["headers"].items()}
        extra = {f"HTTP_{k}": v for k, v in headers.items()}
        if "login" in scen:
            path, body = scen["login"]
            client.post(path, json.dumps(body), content_type="application/json")
        if "web_login" in scen:
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(email=scen["web_login"]))
        for kind in kinds:
            key = f"{name}/{kind}"
            if wanted and not any(w in key for w in wanted):
                continue
            candidates = scen.get(kind) or []
            if not candidates:
                continue
            cand = candidates[0]
            path = cand[0] if kind == "create" else cand
            best = None
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    resp = _request(client, kind, cand, extra)
                    wall = (time.perf_counter() - t0) * 1000
                queries = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
                if best is None or wall < best[0]:
                    best = (wall, queries, resp.status_code, len(resp.content))
            wall, queries, code, size = best
            if args.dump and kind != "create":
                Path(args.dump).mkdir(parents=True, exist_ok=True)
                Path(args.dump, f"{name}-{kind}.json").write_bytes(resp.content)
            sql_ms = sum(q[0] for q in queries)
            print(
                f"\n== {key} {code} {size}B  wall {wall:.1f} ms  sql {sql_ms:.1f} ms "
                f"python {wall - sql_ms:.1f} ms  queries {len(queries)}  {path}"
            )
            for ms, sql in queries:
                print(f"   {ms:8.1f} ms  {sql[:300]}")
            if args.split:
                _split(args.split, client, kind, cand, extra)
            if args.cprofile:
                _cprofile(args.cprofile, client, kind, cand, extra)
            if (args.explain or args.explain_all) and queries and kind != "create":
                explained = [max(queries)[1]] if not args.explain_all else [q[1] for q in queries]
                for sql in explained:
                    with connection.cursor() as cur:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        print(f"      -- {sql[:3000]}")
                        print("\n".join("      " + r[0] for r in cur.fetchall()))
    return 0


def _request(client, kind: str, cand, extra: dict):
    """One request of a scenario; a create sends a fresh ``{uniq}`` each time."""
    if kind == "create":
        path, body = cand
        text = json.dumps(body).replace("{uniq}", f"p{time.time_ns()}")
        return client.post(path, text, content_type="application/json", **extra)
    return client.get(cand, **extra)


def _split(times: int, client, kind: str, cand, extra: dict) -> None:
    """Median ms per request of: the ORM compiling its queries (outermost ``as_sql``), the
    database executing them (``execute_wrapper``: send, plan, run, first result), and the
    rest (Django, DRF, authentication, building querysets, reading rows, serialising)."""
    import statistics

    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler

    spent = {"compile": 0.0, "db": 0.0}
    depth = [0]
    original = SQLCompiler.as_sql

    def timed_as_sql(self, *a, **kw):
        depth[0] += 1
        t0 = time.perf_counter()
        try:
            return original(self, *a, **kw)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent["compile"] += time.perf_counter() - t0

    def timed_execute(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["db"] += time.perf_counter() - t0

    rows = []
    SQLCompiler.as_sql = timed_as_sql
    try:
        with connection.execute_wrapper(timed_execute):
            for _ in range(times):
                spent.update(compile=0.0, db=0.0)
                t0 = time.perf_counter()
                _request(client, kind, cand, extra)
                wall = time.perf_counter() - t0
                rows.append((wall, spent["compile"], spent["db"]))
    finally:
        SQLCompiler.as_sql = original
    wall, comp, db = (statistics.median(r[i] for r in rows) * 1000 for i in range(3))
    print(
        f"   split over {times}: wall {wall:.2f} ms = ORM compile {comp:.2f} + database "
        f"{db:.2f} + rest {wall - comp - db:.2f} (medians)"
    )


def _cprofile(times: int, client, kind: str, cand, extra: dict) -> None:
    """Python time by function over ``times`` requests (cumulative, top 40)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(times):
        profiler.enable()
        _request(client, kind, cand, extra)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", ""), 45)
    stats.sort_stats("tottime").print_stats(25)
    if os.environ.get("PROFILE_CALLERS"):
        # who calls a function, e.g. PROFILE_CALLERS=deepcopy
        stats.sort_stats("cumulative").print_callers(os.environ["PROFILE_CALLERS"])


if __name__ == "__main__":
    sys.exit(main())
