"""Server-rendered SVG charts: geometry computed here, drawn by ``web/partials/*_chart.html``.

No JavaScript and nothing from a CDN: a chart is plain SVG with a <title>, and every chart
sits beside a table of the same numbers (screen readers read the table).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

LABEL_W = 120
BAR_AREA = 190
ROW_H = 26


def bar_chart(bars: Sequence, *, title: str, max_value: int | None = None) -> dict:
    """Horizontal bars, one row per ``Bar(label, value, color)``."""
    top = max_value or max((b.value for b in bars), default=0) or 1
    rows = []
    for i, b in enumerate(bars):
        w = round(BAR_AREA * b.value / top) if b.value else 0
        y = i * ROW_H + 4
        rows.append(
            {
                "label": b.label if len(b.label) <= 17 else b.label[:16] + "…",
                "full": b.label,
                "value": b.value,
                "color": b.color,
                "y": y,
                "text_y": y + 14,
                "w": max(w, 2) if b.value else 0,
                "value_x": LABEL_W + w + 6,
            }
        )
    return {
        "title": title,
        "rows": rows,
        "width": LABEL_W + BAR_AREA + 44,
        "height": max(len(rows), 1) * ROW_H + 8,
        "label_w": LABEL_W,
        "label_x": LABEL_W - 6,
        "empty": not rows,
    }


def day_chart(days: Sequence[tuple[date, int, int]], *, title: str) -> dict:
    """Two bars per day: created (blue) and resolved (green)."""
    height, bottom, slot = 170, 140, 22
    top = max((max(c, r) for _d, c, r in days), default=0) or 1
    cols = []
    for i, (d, created, resolved) in enumerate(days):
        x = 30 + i * slot
        hc = round(120 * created / top)
        hr = round(120 * resolved / top)
        cols.append(
            {
                "day": d,
                "label": d.strftime("%m-%d"),
                "show_label": i % 2 == 0,
                "created": created,
                "resolved": resolved,
                "x": x,
                "xr": x + 10,
                "yc": bottom - hc,
                "hc": hc,
                "yr": bottom - hr,
                "hr": hr,
                "label_x": x + 9,
            }
        )
    return {
        "title": title,
        "cols": cols,
        "width": 40 + len(days) * slot,
        "height": height,
        "bottom": bottom,
        "top": top,
        "label_y": bottom + 16,
    }
