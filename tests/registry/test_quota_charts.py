"""Quota charts (issue 15): the pure geometry, the figures behind it and the two pages."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from registry import charts, selectors
from registry.models import QuotaUtilisation
from tests.registry.factories import (
    ProducerGroupFactory,
    QuotaAllocationFactory,
    QuotaBatchFactory,
    QuotaCycleFactory,
)

# ------------------------------------------------------------------ geometry (no database)


def _bars(*values, **kwargs):
    data = [
        charts.Datum(label=f"row {i}", value=v, confidence="reported") for i, v in enumerate(values)
    ]
    return charts.hbar_chart(data, id="t", title="T", desc="D", **kwargs)


def test_bar_lengths_are_proportional_to_the_values_on_a_round_scale():
    chart = _bars(100_000, 50_000, 25_000)
    assert chart.scale_max == 100_000
    long, half, quarter = chart.bars
    assert long.width == pytest.approx(chart.plot_width)
    assert half.width == pytest.approx(chart.plot_width / 2)
    assert quarter.width == pytest.approx(chart.plot_width / 4)
    # Bars start at the plot's left edge, one row below the other, never overlapping.
    assert {b.x for b in chart.bars} == {chart.plot_x}
    assert long.y + long.height <= half.y


def test_the_scale_rounds_up_to_a_readable_maximum():
    assert charts.nice_max(94_580) == 100_000
    assert charts.nice_max(188_650) == 200_000
    assert charts.nice_max(210_000) == 250_000
    assert charts.nice_max(270_000) == 300_000  # not 500k: the longest bar fills the plot
    assert charts.nice_tick_count(300_000) == 6
    assert charts.nice_max(0) == 1
    chart = _bars(188_650)
    assert chart.bars[0].width == pytest.approx(chart.plot_width * 188_650 / 200_000, abs=0.01)
    assert chart.ticks[-1].label == "200k"


def test_an_unpublished_figure_is_a_hatched_stub_that_says_so_not_a_size():
    chart = _bars(100_000, None)
    known, unknown = chart.bars
    assert unknown.unpublished
    assert not known.unpublished
    assert unknown.width == charts.UNPUBLISHED_STUB
    assert unknown.text.startswith("not published")
    assert "reported" in unknown.text  # the confidence is on every figure
    assert chart.unpublished_count == 1
    # An all-unpublished chart still draws (no division by zero) and marks every bar.
    empty = _bars(None, None)
    assert [b.unpublished for b in empty.bars] == [True, True]


def test_a_fixed_percent_scale_widens_when_use_passes_the_allocation():
    within = _bars(50.0, max_value=100, unit="%", reference=100)
    assert within.scale_max == 100
    assert within.reference_x == pytest.approx(within.plot_x + within.plot_width)
    over = _bars(120.0, max_value=100, unit="%", reference=100)
    assert over.scale_max == 120
    assert over.reference_x == pytest.approx(over.plot_x + over.plot_width * 100 / 120, abs=0.01)
    assert [t.label for t in over.ticks] == ["0%", "20%", "40%", "60%", "80%", "100%", "120%"]


def test_year_on_year_percent():
    assert charts.yoy_percent(110, 100) == 10.0
    assert charts.yoy_percent(Decimal("94580"), Decimal("80943")) == 16.8
    assert charts.yoy_percent(90, 100) == -10.0
    assert charts.yoy_percent(None, 100) is None
    assert charts.yoy_percent(100, None) is None
    assert charts.yoy_percent(100, 0) is None
    assert charts.yoy_text(16.8) == "+16.8%"
    assert charts.yoy_text(-10.0) == "-10.0%"
    assert charts.yoy_text(None) == ""


def test_grouped_rows_get_one_heading_per_group():
    data = [
        charts.Datum(group="Northern", label="Mining", value=1, confidence="official"),
        charts.Datum(group="Northern", label="Smelting", value=2, confidence="official"),
        charts.Datum(group="CREG", label="Mining", value=3, confidence="official"),
    ]
    chart = charts.hbar_chart(data, id="g", title="T", desc="D")
    assert [h.text for h in chart.headings] == ["Northern", "CREG"]
    assert chart.headings[1].y > chart.bars[1].y


# -------------------------------------------------------------------- figures (database)


@pytest.fixture
def cycles(db):
    """2023 (three batches, Northern in all of them), 2024 (two batches, Northern only in
    the first; CREG's ionic mining row not published), 2025 unpublished."""
    northern = ProducerGroupFactory(name="China Northern Rare Earth")
    creg = ProducerGroupFactory(name="China Rare Earth Group")
    c23 = QuotaCycleFactory(year=2023, confidence="official", mining_total=Decimal("255000"))
    c24 = QuotaCycleFactory(year=2024, confidence="reported", mining_total=Decimal("270000"))
    c25 = QuotaCycleFactory(year=2025, published=False)
    b23 = [QuotaBatchFactory(cycle=c23, number=n) for n in (1, 2, 3)]
    b24 = [QuotaBatchFactory(cycle=c24, number=n) for n in (1, 2)]
    for batch, tonnes in zip(b23, (80000, 85000, 12000), strict=True):
        QuotaAllocationFactory(
            batch=batch, group=northern, kind="mining", category="light", tonnes=tonnes
        )
    QuotaAllocationFactory(
        batch=b24[0], group=northern, kind="mining", category="light", tonnes=94000
    )
    QuotaAllocationFactory(
        batch=b23[0], group=creg, kind="mining", category="ionic", tonnes=7434, confidence=""
    )
    QuotaAllocationFactory(
        batch=b24[0], group=creg, kind="mining", category="ionic", tonnes=None, confidence=""
    )
    QuotaAllocationFactory(
        batch=b24[0], group=creg, kind="smelting", category="total", tonnes=38990,
        confidence="estimated",
    )  # fmt: skip
    QuotaUtilisation.objects.create(
        cycle=c24, group=northern, kind="mining", category="light",
        reported_on=date(2024, 6, 30), tonnes_used=Decimal("47000"),
    )  # fmt: skip
    return {"northern": northern, "creg": creg, "c23": c23, "c24": c24, "c25": c25}


def _figure(figures, group, kind, category):
    return next(f for f in figures if (f.group, f.kind, f.category) == (group, kind, category))


def test_year_on_year_compares_the_batches_both_cycles_share(cycles):
    figures = selectors.quota_allocation_figures(cycles["c24"])
    north = _figure(figures, cycles["northern"], "mining", "light")
    assert north.tonnes == 94000
    assert north.coverage == "batch 1 of 2"
    # 2024 has Northern only in batch 1: compared with 2023's batch 1 (80,000), not its year.
    assert north.previous_year == 2023
    assert north.previous_tonnes == 80000
    assert north.yoy == 17.5
    assert north.yoy_basis == "batch 1"


def test_an_unpublished_row_has_no_tonnes_and_no_year_on_year(cycles):
    figures = selectors.quota_allocation_figures(cycles["c24"])
    ionic = _figure(figures, cycles["creg"], "mining", "ionic")
    assert ionic.tonnes is None
    assert ionic.yoy is None
    assert ionic.confidence == "reported"  # blank: as its cycle
    smelting = _figure(figures, cycles["creg"], "smelting", "total")
    assert smelting.confidence == "estimated"
    assert smelting.yoy is None
    assert smelting.yoy_basis == "no batch to compare"


def test_full_years_are_compared_as_full_years(cycles):
    figures = selectors.quota_allocation_figures(cycles["c23"])
    north = _figure(figures, cycles["northern"], "mining", "light")
    assert north.tonnes == 177000
    assert north.coverage == "full year"
    assert north.previous_year is None
    assert north.yoy is None


def test_cycle_totals_year_on_year(cycles):
    rows = {r.cycle.year: r for r in selectors.quota_cycle_totals()}
    assert rows[2024].mining_yoy == pytest.approx(5.9)  # 270,000 / 255,000
    assert rows[2024].previous_year == 2023
    assert rows[2025].mining_yoy is None  # not published
    assert rows[2023].mining_yoy is None  # nothing before it


# ------------------------------------------------------------------------------ pages


def _svg(html: str, chart_id: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="{chart_id}-title[^"]*".*?</svg>', html, re.S)
    assert match, f"no SVG for {chart_id}"
    return match.group(0)


def test_the_cycle_page_draws_allocations_and_utilisation_as_accessible_svg(viewer_client, cycles):
    response = viewer_client.get(reverse("registry:quota_cycle_detail", args=[cycles["c24"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    svg = _svg(html, "chart-allocations")
    assert 'role="img"' in svg
    assert '<title id="chart-allocations-title">2024 allocations' in svg
    assert "<desc" in svg
    # The unpublished ionic row: hatched, and in words.
    assert svg.count('fill="url(#chart-allocations-hatch)"') == 1
    assert "not published · reported" in svg
    assert "94,000 t · reported · batch 1 of 2 · +17.5% vs 2023 (batch 1)" in svg
    assert "38,990 t · estimated" in svg
    util = _svg(html, "chart-utilisation")
    assert "50.0% (47,000 t of 94,000 t)" in util
    # The same figures in a table beside the chart.
    assert re.search(r"<td class=\"num\">\+17\.5%</td><td>batch 1</td>", html)
    assert "<script" not in svg


def test_the_overview_lists_cycles_with_a_year_on_year_chart(viewer_client, cycles):
    response = viewer_client.get(reverse("registry:quota_overview"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = _svg(html, "chart-totals")
    assert "270,000 t · reported · +5.9% vs 2023" in svg
    assert "2025 · mining" in svg
    assert svg.count('fill="url(#chart-totals-hatch)"') >= 2  # 2025's totals, 2023/24 smelting
    assert reverse("registry:quota_cycle_detail", args=[cycles["c25"].pk]) in html
    assert reverse("registry:quota_overview") in html  # linked from the reference-data nav


def test_an_unpublished_cycle_says_its_allocations_were_not_published(viewer_client, cycles):
    response = viewer_client.get(reverse("registry:quota_cycle_detail", args=[cycles["c25"].pk]))
    assert response.status_code == 200
    assert "no group allocations were made public" in response.content.decode()


@pytest.mark.parametrize("name", ["quota_overview", "quota_cycle_detail"])
def test_a_user_without_the_permission_is_refused(client, no_role_user, cycles, name):
    args = [cycles["c24"].pk] if name == "quota_cycle_detail" else []
    client.force_login(no_role_user)
    assert client.get(reverse(f"registry:{name}", args=args)).status_code == 403


@pytest.mark.parametrize("name", ["quota_overview", "quota_cycle_detail"])
def test_anonymous_users_are_sent_to_log_in(client, cycles, name):
    args = [cycles["c24"].pk] if name == "quota_cycle_detail" else []
    response = client.get(reverse(f"registry:{name}", args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
