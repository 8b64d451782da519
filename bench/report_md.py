"""Render a ``bench/results/*.json`` file as the Markdown tables of docs/performance.md.

.venv/bin/python bench/report_md.py bench/results/<stamp>-<N>.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _num(v, digits: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def cpu_text(r: dict) -> str:
    """``app / db / wrk`` CPU ms per request, and the hypervisor's steal when there was any."""
    cpu = r.get("cpu")
    if not cpu:
        return "–"
    text = f"{cpu['app_ms']:.1f} / {cpu['db_ms']:.1f} / {cpu['loadgen_ms']:.1f}"
    if cpu.get("steal_pct"):
        text += f" (steal {cpu['steal_pct']:.0f} %)"
    return text


# The least a list page and a create can do on Tessera's schema (bench/urls.py): the
# yardstick for lists, filters and searches, and for creates.
LEAST = {"create": "floor/least-create", "list": "floor/least-list", "filter": "floor/least-list",
         "search": "floor/least-list", "search_broad": "floor/least-list"}  # fmt: skip


def vs_least(key: str, row: dict, rows: dict[str, dict]) -> float | None:
    """``row``'s req/s as a share of its kind's least floor (``LEAST``); None for the floors,
    the details and the peer."""
    if not key.startswith("tessera-") or not row.get("rps"):
        return None
    least = (rows.get(LEAST.get(key.rsplit("/", 1)[-1], "")) or {}).get("rps")
    return round(row["rps"] / least, 2) if least else None


def render(report: dict) -> str:
    rows = {r["key"]: r for r in report["rows"]}
    floor = (rows.get("floor/raw-sql-20") or {}).get("rps")
    drf = (rows.get("floor/drf-jwt-20") or {}).get("rps")
    out = [
        f"{report.get('tessera_tickets_in_db', report['tickets']):,} tickets, "
        f"{report['connections']} connections, {report['duration_s']} s per scenario, "
        f"{report.get('server', 'gunicorn -w 2')}; "
        + (
            f"median of {report['rounds']} rounds (req/s of each in brackets); "
            if report.get("rounds", 1) > 1
            else ""
        )
        + f"worker RSS MB {report['memory_rss_mb']}; "
        + (f"autovacuum {report['autovacuum']}; " if report.get("autovacuum") else "")
        + f"load at the end: {report.get('loadavg_at_end', '?')}",
        "",
        "| target / scenario | req/s | p50 ms | p99 ms | SQL/req | × raw-SQL floor | × DRF floor "
        "| × least | × peer | CPU ms/req app / db / wrk | load before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in rows.items():
        if "skipped" in r:
            out.append(f"| {key} | skipped: {r['skipped'][:70]} | | | | | | | | | |")
            continue
        vs_floor = round(r["rps"] / floor, 2) if floor and r.get("rps") else None
        vs_drf = round(r["rps"] / drf, 2) if drf and r.get("rps") else None
        spread = r.get("rounds_rps")
        rps = _num(r.get("rps"))
        if spread and len(spread) > 1:
            rps += " [" + ", ".join(f"{v:,.0f}" for v in spread) + "]"
        out.append(
            f"| {key} | {rps} | {_num(r.get('p50_ms'))} | {_num(r.get('p99_ms'))} "
            f"| {_num(r.get('queries'))} | {_num(vs_floor, 2)} | {_num(vs_drf, 2)} "
            f"| {_num(vs_least(key, r, rows), 2)} | {_num(r.get('ratio_vs_peer'))} | {cpu_text(r)} | {_num(r.get('load1_before'), 2)} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1]).read_text())))
