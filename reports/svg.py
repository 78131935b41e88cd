"""Charts of the HTML report drawn on the server as inline SVG: no CDN, no JavaScript.

Each function returns SVG markup, already escaped, for the template to
include with ``|safe``. Bars are laid out horizontally, one line per unit.
Labels longer than the label column are cut with an ellipsis and the full
name is kept in a ``<title>`` (shown on hover and read by screen readers);
the legend sits above the bars and wraps; values are written by
``reports.formats`` so the chart says "44,52" exactly as the table does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape

from reports import formats

PALETTE = ("#0b5cad", "#d4a72c", "#b42318", "#6e40c9", "#067647", "#57606a")
ROW = 22
LABEL_WIDTH = 250
BAR_WIDTH = 400
VALUE_WIDTH = 70
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
CHAR_WIDTH = (
    7.0  # average advance of a 12 px sans-serif character (DejaVu Sans, the widest common one)
)
LEGEND_SWATCH = 12


def _advance(char: str) -> float:
    """A generous estimate of a character's width at 12 px: no label may overflow its column."""
    if char == " ":
        return 3.9
    if char in "il.,;:'|()[]-/\u2013":
        return 4.2
    if char.isupper():
        return 8.6
    if char.isdigit():
        return 7.7
    return 7.0


def text_width(text: str) -> float:
    return sum(_advance(c) for c in text)


def fit(label: str, width: float = LABEL_WIDTH - 10) -> str:
    """``label`` cut to fit ``width`` pixels, with an ellipsis when cut."""
    if text_width(label) <= width:
        return label
    room = width - _advance("\u2026")
    cut = []
    for char in label:
        room -= _advance(char)
        if room < 0:
            break
        cut.append(char)
    return "".join(cut).rstrip() + "\u2026"


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    maximum: float | None = None,
    value_format: Callable[[float | None], str] = formats.count,
) -> str:
    """One bar per label; a missing value is drawn as a dash."""
    return stacked_bar_chart(
        title,
        labels,
        [("", list(values))],
        maximum=maximum,
        legend=False,
        value_format=value_format,
    )


def _legend(
    series: Sequence[tuple[str, Sequence[float | None]]], top: int
) -> tuple[list[str], int]:
    """Legend items left to right, wrapping at the chart's width; returns the parts and the height
    used."""
    parts: list[str] = []
    x, y = 0.0, top
    for i, (name, _values) in enumerate(series):
        item = LEGEND_SWATCH + 6 + text_width(name) + 16
        if x > 0 and x + item > WIDTH:
            x, y = 0.0, y + ROW
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.0f}" y="{y}" width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{x + LEGEND_SWATCH + 4:.0f}" y="{y + 11}" '
            f'class="chart-legend">{escape(name)}</text>'
        )
        x += item
    return parts, (y - top) + ROW


def stacked_bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    maximum: float | None = None,
    legend: bool = True,
    value_format: Callable[[float | None], str] = formats.count,
) -> str:
    """Horizontal stacked bars: one line per label, one colour per series."""
    totals = [sum(float(s[1][i] or 0) for s in series) for i in range(len(labels))]
    top = maximum or max(totals, default=0) or 1.0
    legend_parts, legend_height = _legend(series, 28) if legend else ([], 0)
    y0 = 28 + legend_height
    height = y0 + ROW * len(labels) + 8
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 '
        f'{WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
        *legend_parts,
    ]
    for row, label in enumerate(labels):
        y = y0 + row * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" class="chart-label">'
            f"<title>{escape(label)}</title>{escape(fit(label))}</text>"
        )
        x = float(LABEL_WIDTH)
        present = any(values[row] is not None for _name, values in series)
        for i, (name, values) in enumerate(series):
            value = values[row]
            if not value:
                continue
            w = BAR_WIDTH * float(value) / top
            colour = PALETTE[i % len(PALETTE)]
            tip = f"{label}: {name + ' ' if name else ''}{value_format(float(value))}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" fill="{colour}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            x += w
        shown = value_format(totals[row]) if present else formats.DASH
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 15}" class="chart-value">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
