"""Charts as typed objects (``Result.chart``), with the official SDK's names
(``e2b_code_interpreter.charts``): a ``Chart`` of the class of its type,
read from the library's ``e2b_chart_fields`` in one call."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, Union

from . import _bindings as b
from ._bindings import ChartTypeCode, ScaleTypeCode


class ChartType(str, enum.Enum):
    """Chart types."""

    LINE = "line"
    SCATTER = "scatter"
    BAR = "bar"
    PIE = "pie"
    BOX_AND_WHISKER = "box_and_whisker"
    SUPERCHART = "superchart"
    UNKNOWN = "unknown"


class ScaleType(str, enum.Enum):
    """The scale of a point chart's axis."""

    LINEAR = "linear"
    DATETIME = "datetime"
    CATEGORICAL = "categorical"
    LOG = "log"
    SYMLOG = "symlog"
    LOGIT = "logit"
    FUNCTION = "function"
    FUNCTIONLOG = "functionlog"
    ASINH = "asinh"
    UNKNOWN = "unknown"


ChartValue = Union[str, float]
"""A coordinate or tick: a number, or text (dates, categories)."""


@dataclass(frozen=True)
class Chart:
    """A chart the code drew. A chart of a type this library does not know
    is a plain ``Chart`` (type ``UNKNOWN``) with its elements as sent."""

    type: ChartType
    title: str | None
    elements: list[Any]
    _raw: dict[str, Any] = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The chart as the interpreter sent it."""
        return self._raw


@dataclass(frozen=True)
class Chart2D(Chart):
    """A chart with two axes: their labels and units."""

    x_label: str | None
    y_label: str | None
    x_unit: str | None
    y_unit: str | None


@dataclass(frozen=True)
class PointData:
    """One series of a line or scatter chart."""

    label: str
    points: list[tuple[ChartValue, ChartValue]]


@dataclass(frozen=True)
class PointChart(Chart2D):
    """A chart of series of points: ticks, tick labels and scales of its axes."""

    x_ticks: list[ChartValue]
    x_tick_labels: list[str]
    x_scale: ScaleType
    y_ticks: list[ChartValue]
    y_tick_labels: list[str]
    y_scale: ScaleType
    elements: list[PointData]


@dataclass(frozen=True)
class LineChart(PointChart):
    """A line chart."""


@dataclass(frozen=True)
class ScatterChart(PointChart):
    """A scatter plot."""


@dataclass(frozen=True)
class BarData:
    """One bar of a bar chart."""

    label: str
    group: str
    value: float


@dataclass(frozen=True)
class BarChart(Chart2D):
    """A bar chart."""

    elements: list[BarData]


@dataclass(frozen=True)
class PieData:
    """One slice of a pie chart."""

    label: str
    angle: float
    """In degrees."""
    radius: float


@dataclass(frozen=True)
class PieChart(Chart):
    """A pie chart."""

    elements: list[PieData]


@dataclass(frozen=True)
class BoxAndWhiskerData:
    """One box of a box-and-whisker plot."""

    label: str
    min: float
    first_quartile: float
    median: float
    third_quartile: float
    max: float
    outliers: list[float]


@dataclass(frozen=True)
class BoxAndWhiskerChart(Chart2D):
    """A box-and-whisker plot."""

    elements: list[BoxAndWhiskerData]


@dataclass(frozen=True)
class SuperChart(Chart):
    """A figure of several charts (e.g. subplots)."""

    elements: list[Chart]


ChartTypes = Union[Chart, LineChart, ScatterChart, BarChart, PieChart, BoxAndWhiskerChart, SuperChart]

_TYPES = {
    ChartTypeCode.LINE: ChartType.LINE,
    ChartTypeCode.SCATTER: ChartType.SCATTER,
    ChartTypeCode.BAR: ChartType.BAR,
    ChartTypeCode.PIE: ChartType.PIE,
    ChartTypeCode.BOX_AND_WHISKER: ChartType.BOX_AND_WHISKER,
    ChartTypeCode.SUPERCHART: ChartType.SUPERCHART,
}
_SCALES = {
    ScaleTypeCode.LINEAR: ScaleType.LINEAR,
    ScaleTypeCode.DATETIME: ScaleType.DATETIME,
    ScaleTypeCode.CATEGORICAL: ScaleType.CATEGORICAL,
    ScaleTypeCode.LOG: ScaleType.LOG,
    ScaleTypeCode.SYMLOG: ScaleType.SYMLOG,
    ScaleTypeCode.LOGIT: ScaleType.LOGIT,
    ScaleTypeCode.FUNCTION: ScaleType.FUNCTION,
    ScaleTypeCode.FUNCTIONLOG: ScaleType.FUNCTIONLOG,
    ScaleTypeCode.ASINH: ScaleType.ASINH,
}


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode()


def _value(value: b.e2b_chart_value) -> ChartValue:
    text: bytes | None = value.text
    return float(value.number) if text is None else text.decode()


def read_chart(fields: b.e2b_chart_fields) -> ChartTypes:
    """The chart whose fields the library gave."""
    chart_type = _TYPES.get(fields.chart_type, ChartType.UNKNOWN)
    raw = json.loads(fields.json) if fields.json else {}
    common: dict[str, Any] = {"type": chart_type, "title": _text(fields.title), "_raw": raw}
    count = fields.elements_len
    if chart_type is ChartType.PIE and (fields.pie or not count):
        slices = [fields.pie[i] for i in range(count)]
        return PieChart(**common, elements=[PieData(_text(s.label) or "", s.angle, s.radius) for s in slices])
    if chart_type is ChartType.SUPERCHART:
        children = [read_chart(fields.charts[i].contents) for i in range(count)] if fields.charts else []
        return SuperChart(**common, elements=children)
    axes: dict[str, Any] = {name: _text(getattr(fields, name)) for name in ("x_label", "y_label", "x_unit", "y_unit")}
    if chart_type in (ChartType.LINE, ChartType.SCATTER) and (fields.points or not count):
        series = []
        for i in range(count):
            data = fields.points[i]
            points = [(_value(p.x), _value(p.y)) for p in (data.points[j] for j in range(data.points_len))]
            series.append(PointData(_text(data.label) or "", points))
        cls = LineChart if chart_type is ChartType.LINE else ScatterChart
        return cls(
            **common, **axes, elements=series,
            x_ticks=[_value(fields.x_ticks[i]) for i in range(fields.x_ticks_len)],
            x_tick_labels=[(fields.x_tick_labels[i] or b"").decode() for i in range(fields.x_tick_labels_len)],
            x_scale=_SCALES.get(fields.x_scale, ScaleType.UNKNOWN),
            y_ticks=[_value(fields.y_ticks[i]) for i in range(fields.y_ticks_len)],
            y_tick_labels=[(fields.y_tick_labels[i] or b"").decode() for i in range(fields.y_tick_labels_len)],
            y_scale=_SCALES.get(fields.y_scale, ScaleType.UNKNOWN),
        )
    if chart_type is ChartType.BAR and (fields.bars or not count):
        bars = [fields.bars[i] for i in range(count)]
        return BarChart(**common, **axes, elements=[
            BarData(_text(bar.label) or "", _text(bar.group) or "", bar.value) for bar in bars])
    if chart_type is ChartType.BOX_AND_WHISKER and (fields.box_and_whisker or not count):
        boxes = []
        for i in range(count):
            d = fields.box_and_whisker[i]
            boxes.append(BoxAndWhiskerData(_text(d.label) or "", d.min, d.first_quartile, d.median, d.third_quartile,
                                           d.max, [d.outliers[j] for j in range(d.outliers_len)]))
        return BoxAndWhiskerChart(**common, **axes, elements=boxes)
    # A type this library does not know, or elements that do not have their type's shape.
    elements = json.loads(fields.elements_json) if fields.elements_json else []
    return Chart(**common, elements=elements)
