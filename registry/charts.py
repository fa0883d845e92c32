"""Chart geometry for the reference pages, drawn by the templates as inline SVG.

Pure: plain values in, rectangles, ticks and labels out; no Django, no models, so the
geometry is unit-tested without a database. A figure that was not published is never a
bar of some length: it is a hatched stub of fixed width with the words "not published".
Every bar carries its confidence (official, reported, estimated) in its text.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

# ----------------------------------------------------------------------------- numbers


def yoy_percent(current: float | None, previous: float | None) -> float | None:
    """The change from `previous` to `current` in percent, one decimal; None when either is
    not known or the previous figure is zero (no meaningful ratio)."""
    if current is None or previous is None or previous == 0:
        return None
    return round((float(current) - float(previous)) / float(previous) * 100, 1)


def yoy_text(percent: float | None) -> str:
    if percent is None:
        return ""
    if percent == 0:
        return "±0.0%"
    return f"{percent:+.1f}%"


def nice_max(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^n at or above `value` (the
    axis end): round, and never much more than the largest bar."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        candidate = step * 10**exp
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exp + 1))  # pragma: no cover - the loop always returns


_TICKS = {1.0: 5, 1.2: 6, 1.5: 6, 2.0: 4, 2.5: 5, 3.0: 6, 4.0: 4, 5.0: 5, 6.0: 6, 8.0: 4}


def nice_tick_count(scale: float) -> int:
    """How many intervals split a `nice_max` axis into round steps (300k: 6 of 50k)."""
    if scale <= 0:
        return 5
    mantissa = round(scale / 10 ** math.floor(math.log10(scale)), 1)
    return _TICKS.get(mantissa, 5)


def tonnes_text(value: float) -> str:
    return f"{value:,.0f} t"


# ------------------------------------------------------------------------ bar charts


@dataclass(frozen=True)
class Datum:
    """One bar's data. value None: the figure was not published (or is not known)."""

    label: str
    value: float | None
    confidence: str
    kind: str = ""  # a CSS modifier: "mining", "smelting", "used"
    note: str = ""  # e.g. "batch 1 of 2", "+4.2% vs 2023"
    value_text: str = ""  # overrides the default "94,580 t"
    group: str = ""  # rows sharing a group are drawn under one heading


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str  # value, confidence and note, drawn right of the bar
    text_x: float
    label_y: float
    unpublished: bool
    confidence: str
    kind: str


@dataclass(frozen=True)
class Heading:
    y: float
    text: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    plot_x: float
    plot_width: float
    plot_top: float
    plot_bottom: float
    scale_max: float
    bars: tuple[Bar, ...]
    headings: tuple[Heading, ...]
    ticks: tuple[Tick, ...]
    reference_x: float | None = None  # e.g. the 100% line of a utilisation chart
    reference_label: str = ""

    @property
    def unpublished_count(self) -> int:
        return sum(1 for b in self.bars if b.unpublished)


UNPUBLISHED_STUB = 56.0  # px: a fixed width, so that "not published" never reads as a size


def hbar_chart(
    data: list[Datum],
    *,
    id: str,
    title: str,
    desc: str,
    width: int = 1100,
    label_width: int = 300,
    text_width: int = 280,
    row_height: int = 22,
    bar_height: int = 14,
    heading_height: int = 22,
    max_value: float | None = None,
    unit: str = "t",
    ticks: int | None = None,
    reference: float | None = None,
    reference_label: str = "",
) -> BarChart:
    """Horizontal bars, one per datum, lengths proportional to the value on a shared scale
    from zero to a round maximum (or `max_value`). Unknown values are a hatched stub."""
    known = [d.value for d in data if d.value is not None]
    top = max([*known, reference or 0, 0])
    # A fixed maximum (100% for utilisation) widens to a round value when a figure passes it.
    scale = nice_max(top) if max_value is None or top > max_value else float(max_value)
    plot_x = float(label_width)
    plot_width = float(width - label_width - text_width)
    axis_h = 20.0
    y = 4.0
    bars: list[Bar] = []
    headings: list[Heading] = []
    current_group = None
    for d in data:
        if d.group and d.group != current_group:
            headings.append(Heading(y=y + heading_height - 7, text=d.group))
            y += heading_height
            current_group = d.group
        bar_y = y + (row_height - bar_height) / 2
        if d.value is None:
            w = UNPUBLISHED_STUB
            value_text = d.value_text or "not published"
        else:
            w = plot_width * float(d.value) / scale if scale else 0.0
            value_text = d.value_text or (
                tonnes_text(d.value) if unit == "t" else f"{d.value:,.1f}{unit}"
            )
        parts = [value_text, d.confidence] + ([d.note] if d.note else [])
        bars.append(
            Bar(
                x=plot_x,
                y=bar_y,
                width=round(w, 2),
                height=float(bar_height),
                label=d.label,
                text=" · ".join(p for p in parts if p),
                text_x=round(plot_x + max(w, 0) + 6, 2),
                label_y=bar_y + bar_height - 3,
                unpublished=d.value is None,
                confidence=d.confidence,
                kind=d.kind,
            )
        )
        y += row_height
    plot_bottom = y + 2
    ticks = ticks or nice_tick_count(scale)
    tick_list = tuple(
        Tick(
            x=round(plot_x + plot_width * i / ticks, 2),
            label=_tick_label(scale * i / ticks, unit),
        )
        for i in range(ticks + 1)
    )
    ref_x = round(plot_x + plot_width * reference / scale, 2) if reference is not None else None
    return BarChart(
        id=id,
        title=title,
        desc=desc,
        width=width,
        height=math.ceil(plot_bottom + axis_h),
        plot_x=plot_x,
        plot_width=plot_width,
        plot_top=4.0,
        plot_bottom=plot_bottom,
        scale_max=scale,
        bars=tuple(bars),
        headings=tuple(headings),
        ticks=tick_list,
        reference_x=ref_x,
        reference_label=reference_label,
    )


def _tick_label(value: float, unit: str) -> str:
    if unit == "t":
        if value >= 1000:
            return f"{value / 1000:,.0f}k" if value % 1000 == 0 else f"{value / 1000:,.1f}k"
        return f"{value:,.0f}"
    return f"{value:,.0f}{unit}"


# -------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineItem:
    """One measure: its window [start, end) and its suspension windows [start, end)."""

    key: str
    label: str
    layers: tuple[str, ...]
    start: dt.date
    end: dt.date | None
    suspensions: tuple[tuple[dt.date, dt.date | None], ...] = ()
    warning: str = ""  # non-empty: drawn with a warning symbol where the suspension ends
    warning_on: dt.date | None = None
    confidence: str = ""


@dataclass(frozen=True)
class Span:
    x: float
    width: float
    start: dt.date
    end: dt.date | None
    open_end: bool  # runs on past the axis (no end date)


@dataclass(frozen=True)
class TimelineRow:
    key: str
    label: str
    layer: str  # the first layer, a CSS modifier; layers_text names them all
    layers_text: str
    y: float  # top of the row
    bar_y: float
    bar_height: float
    text_y: float
    window: Span
    suspensions: tuple[Span, ...]
    warning: str
    warning_x: float | None
    warning_y: float
    warning_anchor: str  # "start" | "end": the text stays inside the plot
    confidence: str


@dataclass(frozen=True)
class Timeline:
    id: str
    title: str
    desc: str
    width: int
    height: int
    plot_x: float
    plot_width: float
    axis_start: dt.date
    axis_end: dt.date
    rows: tuple[TimelineRow, ...]
    ticks: tuple[Tick, ...]
    today: dt.date
    today_x: float
    rows_bottom: float = 0.0
    warnings: tuple[str, ...] = field(default_factory=tuple)


def timeline_chart(
    items: list[TimelineItem],
    *,
    today: dt.date,
    id: str = "timeline",
    title: str = "Measures on one time axis",
    desc: str = "",
    width: int = 1300,
    label_width: int = 360,
    row_height: int = 40,
    bar_height: int = 14,
    right_pad: int = 24,
) -> Timeline:
    """Every measure on one shared axis, from 1 January of the earliest start to 1 January
    after the latest end (or a year past today, whichever is later). An open end runs to
    the axis end."""
    starts = [i.start for i in items] or [today]
    ends = [d for i in items for d in (i.end, *(e for _, e in i.suspensions)) if d]
    starts += [s for i in items for s, _ in i.suspensions]
    axis_start = dt.date(min(starts).year, 1, 1)
    last = max([*ends, today + dt.timedelta(days=365)])
    axis_end = dt.date(last.year + 1, 1, 1)
    plot_x = float(label_width)
    plot_width = float(width - label_width - right_pad)
    span_days = (axis_end - axis_start).days

    def x_of(day: dt.date) -> float:
        day = min(max(day, axis_start), axis_end)
        return round(plot_x + plot_width * (day - axis_start).days / span_days, 2)

    def span(start: dt.date, end: dt.date | None) -> Span:
        x0 = x_of(start)
        x1 = x_of(end) if end else plot_x + plot_width
        return Span(x=x0, width=round(max(x1 - x0, 1.5), 2), start=start, end=end, open_end=not end)

    top = 22.0  # room for the year labels above the rows
    rows = []
    for n, item in enumerate(items):
        y = top + n * row_height
        bar_y = y + row_height - bar_height - 6
        warning_x = x_of(item.warning_on) if item.warning and item.warning_on else None
        anchor = "end" if warning_x and warning_x > plot_x + plot_width * 0.7 else "start"
        rows.append(
            TimelineRow(
                key=item.key,
                label=item.label,
                layer=item.layers[0] if item.layers else "other",
                layers_text=", ".join(item.layers),
                y=y,
                bar_y=bar_y,
                bar_height=float(bar_height),
                text_y=y + 16,
                window=span(item.start, item.end),
                suspensions=tuple(span(s, e) for s, e in item.suspensions),
                warning=item.warning,
                warning_x=warning_x,
                warning_y=bar_y - 4,
                warning_anchor=anchor,
                confidence=item.confidence,
            )
        )
    bottom = top + len(items) * row_height
    step = 1 if axis_end.year - axis_start.year <= 16 else 2
    ticks = tuple(
        Tick(x=x_of(dt.date(year, 1, 1)), label=str(year))
        for year in range(axis_start.year, axis_end.year + 1, step)
    )
    return Timeline(
        id=id,
        title=title,
        desc=desc,
        width=width,
        height=int(bottom + 20),
        plot_x=plot_x,
        plot_width=plot_width,
        axis_start=axis_start,
        axis_end=axis_end,
        rows=tuple(rows),
        ticks=ticks,
        today=today,
        today_x=x_of(today),
        rows_bottom=bottom,
        warnings=tuple(i.warning for i in items if i.warning),
    )
