"""Charts of the HTML report drawn on the server as inline SVG: no CDN, no JavaScript.

Each function returns SVG markup, already escaped, for the template to
include with ``|safe``. Bars are laid out horizontally, one line per unit,
so long Vietnamese unit names stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape

PALETTE = ("#0b5cad", "#d4a72c", "#b42318", "#6e40c9", "#067647", "#57606a")
ROW = 22
LABEL_WIDTH = 230
BAR_WIDTH = 420
VALUE_WIDTH = 70


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], *, maximum: float | None = None) -> str:
    """One bar per label; a missing value is drawn as a dash."""
    return stacked_bar_chart(title, labels, [("", list(values))], maximum=maximum, legend=False)


def stacked_bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float | None = None,
    legend: bool = True,
) -> str:
    """Horizontal stacked bars: one line per label, one colour per series."""
    totals = [sum(float(s[1][i] or 0) for s in series) for i in range(len(labels))]
    top = maximum or max(totals, default=0) or 1.0
    legend_height = ROW if legend else 0
    height = 28 + legend_height + ROW * len(labels) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    if legend:
        x = LABEL_WIDTH
        for i, (name, _values) in enumerate(series):
            colour = PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="37" class="chart-legend">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    y0 = 28 + legend_height
    for row, label in enumerate(labels):
        y = y0 + row * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" class="chart-label">{escape(label)}</text>'
        )
        x = float(LABEL_WIDTH)
        present = any(values[row] is not None for _name, values in series)
        for i, (name, values) in enumerate(series):
            value = values[row]
            if not value:
                continue
            w = BAR_WIDTH * float(value) / top
            colour = PALETTE[i % len(PALETTE)]
            tip = f"{label}: {name + ' ' if name else ''}{_number(float(value))}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" fill="{colour}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            x += w
        shown = _number(totals[row]) if present else "\u2013"
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" class="chart-value">{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)
