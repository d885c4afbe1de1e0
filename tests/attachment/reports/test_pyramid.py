"""The population pyramid: SVG rendered on the server, one bar per non-empty sex × age group."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from attachment.reports.charts import HALF, pyramid
from attachment.reports.selectors import PyramidBar, pyramid_on

D = datetime.date
RECT = re.compile(
    r'<rect class="bar (male|female)" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*data-count="(\d+)"'
)


@pytest.fixture
def population(age_groups, attach, person, clinic, other_clinic, district):
    for _ in range(2):
        attach(person(born=D(1990, 1, 1)), clinic, D(2020, 1, 1), district=district)
    attach(person(born=D(1990, 1, 1), sex="F"), clinic, D(2020, 1, 1))
    attach(person(born=D(2022, 6, 1)), clinic, D(2022, 6, 1), district=district)
    attach(person(born=D(1950, 1, 1), sex="F"), other_clinic, D(2020, 1, 1))


@pytest.mark.django_db
def test_pyramid_bars_per_organization(population, clinic, rules_admin, client):
    client.force_login(rules_admin)
    html = client.get(
        reverse("reports:population"), {"on": "2026-03-02", "organization": clinic.pk}
    ).content.decode()
    assert "<svg" in html and "<script" not in html
    bars = sorted((sex, float(width), int(count)) for sex, width, count in RECT.findall(html))
    assert bars == [("female", HALF / 2, 1), ("male", HALF / 2, 1), ("male", float(HALF), 2)]
    assert html.count('class="age"') == 11  # every age group labelled, empty ones too


@pytest.mark.django_db
def test_pyramid_per_district(population, clinic, district):
    bars = pyramid_on(on=D(2026, 3, 2), organizations=None, organization=clinic.pk, district=district.pk)
    nonzero = {(b.label, b.male, b.female) for b in bars if b.male or b.female}
    assert nonzero == {("30–39", 2, 0), ("1–4", 1, 0)}
    assert len(pyramid(bars).rects) == 2


def test_pyramid_geometry_oldest_on_top_and_proportional():
    chart = pyramid([PyramidBar("young", 4, 0), PyramidBar("old", 1, 2)])
    assert [r.label for r in chart.rects] == ["old", "old", "young"]
    assert [r.width for r in chart.rects] == [HALF / 4, HALF / 2, HALF]
    male, female = chart.rects[0], chart.rects[1]
    assert male.x + male.width < female.x  # males left of the labels, females right


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_pyramid_svg_numbers_are_never_localized_in_any_language(language):
    """The SVG's geometry and data attributes are machine-read: a decimal comma (Russian and
    Kazakh formats) or a thousands separator would break the drawing."""
    chart = pyramid([PyramidBar("0–1", 12345, 678), PyramidBar("1–4", 3, 1001)])
    with translation.override(language):
        svg = render_to_string("attachment/reports/pyramid.svg.html", {"chart": chart})
    root = ElementTree.fromstring("<svg" + svg.split("<svg", 1)[1].rsplit("</svg>", 1)[0] + "</svg>")
    numeric = {"x", "y", "width", "height", "data-count"}
    seen = 0
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in numeric:
                float(value)  # raises on "320,0" or "12 345"
                seen += 1
        if "viewBox" in element.attrib:
            assert [float(v) for v in element.attrib["viewBox"].split()] == [0, 0, chart.width, chart.height]
    assert seen > 10
    counts = sorted(int(r.get("data-count")) for r in root.iter("{http://www.w3.org/2000/svg}rect"))
    assert counts == [3, 678, 1001, 12345]
