"""The funded-versus-requested chart of a decision, as inline SVG (no script, no image file)."""

from __future__ import annotations

from html import escape
from typing import Any

from inquiry.kernel.money import format_money as money

WIDTH = 320
BAR = 14
GAP = 30


def funding_chart(rows: list[dict[str, Any]], currency: str) -> str:
    """One pair of bars per project: requested (outline) and funded (filled), scaled to the dearest."""
    top = max((r["cost_minor"] for r in rows), default=1) or 1
    height = GAP * len(rows) + 10
    parts = [f'<svg class="funding-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
             '<title id="chart-title">Funded versus requested, per project</title>']
    for n, r in enumerate(rows):
        y = n * GAP + 16
        asked = max(1, round(WIDTH * r["cost_minor"] / top))
        funded = round(WIDTH * r["amount_minor"] / top)
        label = f'{r["title"]}: requested {money(r["cost_minor"], currency)}, funded {money(r["amount_minor"], currency)}'
        parts.append(f'<g><title>{escape(label)}</title>'
                     f'<text x="0" y="{y - 3}" font-size="10">{escape(r["title"][:48])}</text>'
                     f'<rect x="0" y="{y}" width="{asked}" height="{BAR}" fill="none" stroke="#57606a"/>'
                     f'<rect x="0" y="{y}" width="{funded}" height="{BAR}" fill="#0b6e4f"/></g>')
    parts.append("</svg>")
    return "".join(parts)
