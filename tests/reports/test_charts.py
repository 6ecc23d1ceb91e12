"""Server-side SVG charts, without a database: well-formed, accessible, escaped, and
drawn to scale."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.charts import HEIGHT, MARGIN_BOTTOM, Series, bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = ["3 mai", "10 mai", "17 mai"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def test_a_bar_chart_is_an_accessible_image_with_a_title_and_a_description():
    svg = parse(bar_chart(chart_id="points", title="Points par semaine",
                          description="Gagnés et dépensés", labels=WEEKS,
                          series=[Series("Gagnés", [10, 20, 5]), Series("Dépensés", [1, 0, 4])]))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "points-title points-desc"
    assert svg.find(f"{SVG}title").text == "Points par semaine"
    assert svg.find(f"{SVG}desc").text == "Gagnés et dépensés"


def test_bars_are_drawn_to_scale_with_a_tooltip_each():
    svg = parse(bar_chart(chart_id="c", title="t", description="d", labels=WEEKS,
                          series=[Series("Earned", [10, 20, 5]), Series("Spent", [1, 0, 4])],
                          number=lambda n: f"{n:.0f} pts"))

    bars = svg.find(f"{SVG}g[@class='bars']").findall(f"{SVG}rect")
    heights = [float(bar.get("height")) for bar in bars]
    assert len(bars) == 6
    assert heights[2] == pytest.approx(2 * heights[0])  # 20 is twice 10
    assert heights[3] == 0
    assert bars[2].find(f"{SVG}title").text == "10 mai: Earned 20 pts"


def test_axis_labels_use_the_number_format_given():
    svg = bar_chart(chart_id="c", title="t", description="d", labels=WEEKS,
                    series=[Series("Earned", [1200, 2400, 3100])],
                    number=lambda n: f"{n:,.0f}".replace(",", "\u202f"))

    assert "4\u202f000" in svg  # the top of the axis, in the French way
    assert "3 mai" in svg


def test_text_is_escaped_everywhere():
    hostile = '<script>alert("x")</script>'
    svg = line_chart(chart_id="c", title=hostile, description=hostile, labels=[hostile],
                     series=[Series(hostile, [3], color='red"/><script>')])

    assert "<script>" not in svg
    assert parse(svg).find(f"{SVG}title").text == hostile


def test_a_line_chart_has_a_point_per_label():
    svg = parse(line_chart(chart_id="members", title="Active members", description="d",
                           labels=WEEKS, series=[Series("Members", [3, 5, 4])]))

    circles = svg.find(f"{SVG}g[@class='line']").findall(f"{SVG}circle")
    assert len(circles) == 3
    assert float(circles[1].get("cy")) < float(circles[0].get("cy"))  # 5 is higher than 3


def test_many_labels_are_thinned_so_that_they_do_not_overlap():
    labels = [f"W{n}" for n in range(52)]

    svg = bar_chart(chart_id="c", title="t", description="d", labels=labels,
                    series=[Series("s", [1] * 52)])

    shown = [label for label in labels if f">{label}<" in svg]
    assert 4 <= len(shown) <= 8
    assert "W0" in shown


@pytest.mark.parametrize("values", [[1, -1, 2], [float("nan"), 1, 2], [1, 2]])
def test_negative_missing_or_infinite_values_are_refused(values):
    with pytest.raises(ValueError, match="series"):
        bar_chart(chart_id="c", title="t", description="d", labels=WEEKS,
                  series=[Series("s", values)])


def test_a_chart_id_must_be_a_plain_name():
    with pytest.raises(ValueError, match="chart id"):
        bar_chart(chart_id='x" onload="y', title="t", description="d", labels=WEEKS,
                  series=[Series("s", [1, 2, 3])])


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=60))
def test_every_chart_is_well_formed_and_stays_inside_its_frame(values):
    labels = [str(n) for n in range(len(values))]
    for draw in (bar_chart, line_chart):
        svg = parse(draw(chart_id="c", title="t", description="d", labels=labels,
                         series=[Series("s", values)]))
        floor = HEIGHT - MARGIN_BOTTOM + 0.1
        for shape in svg.iter(f"{SVG}rect"):
            assert float(shape.get("y")) + float(shape.get("height")) <= floor
        for point in svg.iter(f"{SVG}circle"):
            assert 0 <= float(point.get("cy")) <= floor


@given(st.floats(0, 1e12))
def test_the_axis_top_is_a_round_number_at_or_above_the_largest_value(value):
    top = nice_ceiling(value)

    assert top >= value
    assert top <= max(2.5 * value, 4)  # 1, 2 or 5 steps: at most 2.5 times the value
