"""The population pyramid as SVG geometry, computed on the server (no JavaScript, no CDN)."""

from dataclasses import dataclass

from .selectors import PyramidBar

WIDTH = 640
HALF = 250  # the longest bar
LABEL = 70  # the middle column with the age group labels
ROW = 22
BAR = 16
TOP = 24


@dataclass
class Rect:
    sex: str
    x: float
    y: float
    width: float
    count: int
    label: str


@dataclass
class Pyramid:
    width: int
    height: int
    rects: list[Rect]
    labels: list[tuple[float, float, str]]  # x, y, text
    axis: dict
    male: int
    female: int


def pyramid(bars: list[PyramidBar]) -> Pyramid:
    """Oldest group on top; males to the left of the middle column, females to the right.
    Only groups with people get a bar; each bar's length is proportional to its count."""
    centre = WIDTH / 2
    peak = max([b.male for b in bars] + [b.female for b in bars] + [1])
    rects, labels = [], []
    for i, bar in enumerate(reversed(bars)):
        y = TOP + i * ROW
        labels.append((centre, y + BAR - 3, bar.label))
        if bar.male:
            width = round(HALF * bar.male / peak, 1)
            rects.append(Rect("male", centre - LABEL / 2 - width, y, width, bar.male, bar.label))
        if bar.female:
            width = round(HALF * bar.female / peak, 1)
            rects.append(Rect("female", centre + LABEL / 2, y, width, bar.female, bar.label))
    height = TOP + len(bars) * ROW + 10
    axis = {"male_x": centre - LABEL / 2 - HALF, "female_x": centre + LABEL / 2 + HALF, "y": TOP - 8}
    return Pyramid(WIDTH, height, rects, labels, axis, sum(b.male for b in bars), sum(b.female for b in bars))
