//! Typed charts of code-interpreter results, as plain structs: one call
//! (`e2b_execution_result_chart`) gives a chart with every field, its
//! elements and, for a super chart, its charts.

use std::ffi::{c_char, CString};
use std::ptr;

use crate::c_string;
use sdk::{Chart, ChartElements, ChartType, ChartValue, ScaleType};

/// The kind of a chart (the SDKs' `ChartType`), in `e2b_chart_fields`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_chart_type {
    /// A type this library does not know: the elements are in `elements_json`.
    E2B_CHART_UNKNOWN = 0,
    /// A line chart: `points`.
    E2B_CHART_LINE = 1,
    /// A scatter plot: `points`.
    E2B_CHART_SCATTER = 2,
    /// A bar chart: `bars`.
    E2B_CHART_BAR = 3,
    /// A pie chart: `pie`.
    E2B_CHART_PIE = 4,
    /// A box-and-whisker plot: `box_and_whisker`.
    E2B_CHART_BOX_AND_WHISKER = 5,
    /// A figure of several charts (e.g. subplots): `charts`.
    E2B_CHART_SUPERCHART = 6,
}

/// The scale of a point chart's axis (the SDKs' `ScaleType`), in `e2b_chart_fields`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_scale_type {
    /// Not a point chart (only line and scatter charts have scales).
    E2B_SCALE_NONE = 0,
    /// A scale this library does not know, or none given.
    E2B_SCALE_UNKNOWN = 1,
    /// "linear".
    E2B_SCALE_LINEAR = 2,
    /// "datetime": ticks and points are dates, as text.
    E2B_SCALE_DATETIME = 3,
    /// "categorical": ticks and points are categories, as text.
    E2B_SCALE_CATEGORICAL = 4,
    /// "log".
    E2B_SCALE_LOG = 5,
    /// "symlog".
    E2B_SCALE_SYMLOG = 6,
    /// "logit".
    E2B_SCALE_LOGIT = 7,
    /// "function".
    E2B_SCALE_FUNCTION = 8,
    /// "functionlog".
    E2B_SCALE_FUNCTIONLOG = 9,
    /// "asinh".
    E2B_SCALE_ASINH = 10,
}

/// A coordinate or tick of a point chart: text (dates, categories) when
/// `text` is not NULL, else the number `number` (NaN where the data had a
/// NaN). Fixed layout: it never changes.
#[repr(C)]
pub struct e2b_chart_value {
    /// The text; NULL when the value is a number.
    pub text: *const c_char,
    /// The number; NaN when the value is text.
    pub number: f64,
}

/// One point of a series. Fixed layout: it never changes.
#[repr(C)]
pub struct e2b_chart_point {
    /// The x coordinate.
    pub x: e2b_chart_value,
    /// The y coordinate.
    pub y: e2b_chart_value,
}

/// One series of a line or scatter chart (the SDKs' `PointData`). Fixed
/// layout: it never changes.
#[repr(C)]
pub struct e2b_point_data {
    /// The series' label.
    pub label: *const c_char,
    /// The points, `points_len` of them; NULL when there are none.
    pub points: *const e2b_chart_point,
    /// The number of points.
    pub points_len: usize,
}

/// One bar of a bar chart (the SDKs' `BarData`). Fixed layout: it never changes.
#[repr(C)]
pub struct e2b_bar_data {
    /// The bar's label (its category).
    pub label: *const c_char,
    /// The group (series) it belongs to.
    pub group: *const c_char,
    /// Its height.
    pub value: f64,
}

/// One slice of a pie chart (the SDKs' `PieData`). Fixed layout: it never changes.
#[repr(C)]
pub struct e2b_pie_data {
    /// The slice's label.
    pub label: *const c_char,
    /// Its angle, in degrees.
    pub angle: f64,
    /// Its radius.
    pub radius: f64,
}

/// One box of a box-and-whisker plot (the SDKs' `BoxAndWhiskerData`).
/// Fixed layout: it never changes.
#[repr(C)]
pub struct e2b_box_and_whisker_data {
    /// The box's label.
    pub label: *const c_char,
    /// The lower whisker.
    pub min: f64,
    /// The lower edge of the box.
    pub first_quartile: f64,
    /// The median.
    pub median: f64,
    /// The upper edge of the box.
    pub third_quartile: f64,
    /// The upper whisker.
    pub max: f64,
    /// The points beyond the whiskers, `outliers_len` of them; NULL when none.
    pub outliers: *const f64,
    /// The number of outliers.
    pub outliers_len: usize,
}

/// A chart the code drew (the SDKs' `Chart` and its kinds), every field at
/// once (see the preamble on `_fields` structs: it only ever grows at its
/// end; the element structs it points to never change). Owned by its
/// result; strings are UTF-8 and everything is valid until the execution is
/// freed. Fields a kind lacks are NULL, 0 or E2B_SCALE_NONE: labels and
/// units belong to 2D charts (line, scatter, bar, box and whisker), ticks
/// and scales to point charts (line, scatter). Exactly one of `points`,
/// `bars`, `pie`, `box_and_whisker`, `charts` and `elements_json` holds the
/// elements (or none, when there are none), by `chart_type`.
#[repr(C)]
pub struct e2b_chart_fields {
    /// The size of this struct in the library.
    pub struct_size: usize,
    /// The kind of chart.
    pub chart_type: e2b_chart_type,
    /// The title; NULL if none.
    pub title: *const c_char,
    /// The x axis' label; NULL if none.
    pub x_label: *const c_char,
    /// The y axis' label; NULL if none.
    pub y_label: *const c_char,
    /// The x axis' unit; NULL if none.
    pub x_unit: *const c_char,
    /// The y axis' unit; NULL if none.
    pub y_unit: *const c_char,
    /// The x axis' scale.
    pub x_scale: e2b_scale_type,
    /// The y axis' scale.
    pub y_scale: e2b_scale_type,
    /// The x axis' ticks, `x_ticks_len` of them; NULL when none.
    pub x_ticks: *const e2b_chart_value,
    /// The number of x ticks.
    pub x_ticks_len: usize,
    /// The x axis' tick labels as shown, `x_tick_labels_len` of them; NULL when none.
    pub x_tick_labels: *const *const c_char,
    /// The number of x tick labels.
    pub x_tick_labels_len: usize,
    /// The y axis' ticks, `y_ticks_len` of them; NULL when none.
    pub y_ticks: *const e2b_chart_value,
    /// The number of y ticks.
    pub y_ticks_len: usize,
    /// The y axis' tick labels as shown, `y_tick_labels_len` of them; NULL when none.
    pub y_tick_labels: *const *const c_char,
    /// The number of y tick labels.
    pub y_tick_labels_len: usize,
    /// The number of elements, in whichever array holds them.
    pub elements_len: usize,
    /// The series of a line or scatter chart; NULL otherwise.
    pub points: *const e2b_point_data,
    /// The bars of a bar chart; NULL otherwise.
    pub bars: *const e2b_bar_data,
    /// The slices of a pie chart; NULL otherwise.
    pub pie: *const e2b_pie_data,
    /// The boxes of a box-and-whisker plot; NULL otherwise.
    pub box_and_whisker: *const e2b_box_and_whisker_data,
    /// The charts of a super chart, each with its fields; NULL otherwise.
    pub charts: *const *const e2b_chart_fields,
    /// The elements as JSON text (an array) when they have none of the
    /// shapes above (a type this library does not know, or elements that do
    /// not fit their type); NULL otherwise.
    pub elements_json: *const c_char,
    /// The whole chart as the interpreter sent it, JSON text (the "chart"
    /// format of the result).
    pub json: *const c_char,
}

/// A chart's fields and everything they point to.
pub struct ChartData {
    fields: e2b_chart_fields,
    // Heap storage the fields point into; never changed once built.
    _strings: Vec<CString>,
    _ticks: [Vec<e2b_chart_value>; 2],
    _tick_labels: [Vec<*const c_char>; 2],
    _points: Vec<Vec<e2b_chart_point>>,
    _series: Vec<e2b_point_data>,
    _bars: Vec<e2b_bar_data>,
    _pie: Vec<e2b_pie_data>,
    _outliers: Vec<Vec<f64>>,
    _boxes: Vec<e2b_box_and_whisker_data>,
    _children: Vec<ChartData>,
    _child_fields: Vec<*const e2b_chart_fields>,
}

/// The pointer to `items`' first; NULL when there are none.
fn array<T>(items: &[T]) -> *const T {
    if items.is_empty() {
        ptr::null()
    } else {
        items.as_ptr()
    }
}

/// Owns the strings a chart's fields point to.
#[derive(Default)]
struct Strings(Vec<CString>);

impl Strings {
    fn add(&mut self, text: &str) -> *const c_char {
        let owned = c_string(text);
        let pointer = owned.as_ptr();
        self.0.push(owned);
        pointer
    }

    fn opt(&mut self, text: Option<&str>) -> *const c_char {
        text.map_or(ptr::null(), |text| self.add(text))
    }

    fn value(&mut self, value: &ChartValue) -> e2b_chart_value {
        match value {
            ChartValue::Number(number) => e2b_chart_value { text: ptr::null(), number: *number },
            ChartValue::Text(text) => e2b_chart_value { text: self.add(text), number: f64::NAN },
        }
    }
}

fn chart_type(chart_type: ChartType) -> e2b_chart_type {
    use e2b_chart_type::*;
    match chart_type {
        ChartType::Line => E2B_CHART_LINE,
        ChartType::Scatter => E2B_CHART_SCATTER,
        ChartType::Bar => E2B_CHART_BAR,
        ChartType::Pie => E2B_CHART_PIE,
        ChartType::BoxAndWhisker => E2B_CHART_BOX_AND_WHISKER,
        ChartType::SuperChart => E2B_CHART_SUPERCHART,
        _ => E2B_CHART_UNKNOWN,
    }
}

fn scale_type(scale: Option<ScaleType>) -> e2b_scale_type {
    use e2b_scale_type::*;
    match scale {
        None => E2B_SCALE_NONE,
        Some(ScaleType::Linear) => E2B_SCALE_LINEAR,
        Some(ScaleType::Datetime) => E2B_SCALE_DATETIME,
        Some(ScaleType::Categorical) => E2B_SCALE_CATEGORICAL,
        Some(ScaleType::Log) => E2B_SCALE_LOG,
        Some(ScaleType::Symlog) => E2B_SCALE_SYMLOG,
        Some(ScaleType::Logit) => E2B_SCALE_LOGIT,
        Some(ScaleType::Function) => E2B_SCALE_FUNCTION,
        Some(ScaleType::FunctionLog) => E2B_SCALE_FUNCTIONLOG,
        Some(ScaleType::Asinh) => E2B_SCALE_ASINH,
        Some(_) => E2B_SCALE_UNKNOWN,
    }
}

impl ChartData {
    /// The C form of `chart`. Every array and string it points to is on the
    /// heap, so the value may move.
    pub fn new(chart: &Chart) -> ChartData {
        let mut strings = Strings::default();
        let ticks =
            [&chart.x_ticks, &chart.y_ticks].map(|ticks| ticks.iter().map(|t| strings.value(t)).collect::<Vec<_>>());
        let tick_labels = [&chart.x_tick_labels, &chart.y_tick_labels]
            .map(|labels| labels.iter().map(|label| strings.add(label)).collect::<Vec<_>>());
        let (mut points, mut series, mut bars, mut pie, mut outliers, mut boxes) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut children = Vec::new();
        let mut elements_json = ptr::null();
        match &chart.elements {
            ChartElements::Points(data) => {
                for one in data {
                    let list: Vec<e2b_chart_point> = (one.points.iter())
                        .map(|(x, y)| e2b_chart_point { x: strings.value(x), y: strings.value(y) })
                        .collect();
                    series.push(e2b_point_data {
                        label: strings.add(&one.label),
                        points: array(&list),
                        points_len: list.len(),
                    });
                    points.push(list);
                }
            }
            ChartElements::Bars(data) => {
                bars = (data.iter())
                    .map(|bar| e2b_bar_data {
                        label: strings.add(&bar.label),
                        group: strings.add(&bar.group),
                        value: bar.value,
                    })
                    .collect();
            }
            ChartElements::Pie(data) => {
                pie = (data.iter())
                    .map(|slice| e2b_pie_data {
                        label: strings.add(&slice.label),
                        angle: slice.angle,
                        radius: slice.radius,
                    })
                    .collect();
            }
            ChartElements::BoxAndWhisker(data) => {
                for one in data {
                    let list = one.outliers.clone();
                    boxes.push(e2b_box_and_whisker_data {
                        label: strings.add(&one.label),
                        min: one.min,
                        first_quartile: one.first_quartile,
                        median: one.median,
                        third_quartile: one.third_quartile,
                        max: one.max,
                        outliers: array(&list),
                        outliers_len: list.len(),
                    });
                    outliers.push(list);
                }
            }
            ChartElements::Charts(data) => children = data.iter().map(ChartData::new).collect(),
            other => {
                let raw = match other {
                    ChartElements::Other(values) => serde_json::Value::Array(values.clone()),
                    _ => serde_json::Value::Array(Vec::new()),
                };
                elements_json = strings.add(&raw.to_string());
            }
        }
        // The children's fields are inside `ChartData`s in a vector that is never changed again.
        let child_fields: Vec<*const e2b_chart_fields> =
            children.iter().map(|child: &ChartData| &child.fields as *const _).collect();
        let fields = e2b_chart_fields {
            struct_size: size_of::<e2b_chart_fields>(),
            chart_type: chart_type(chart.chart_type),
            title: strings.opt(chart.title.as_deref()),
            x_label: strings.opt(chart.x_label.as_deref()),
            y_label: strings.opt(chart.y_label.as_deref()),
            x_unit: strings.opt(chart.x_unit.as_deref()),
            y_unit: strings.opt(chart.y_unit.as_deref()),
            x_scale: scale_type(chart.x_scale),
            y_scale: scale_type(chart.y_scale),
            x_ticks: array(&ticks[0]),
            x_ticks_len: ticks[0].len(),
            x_tick_labels: array(&tick_labels[0]),
            x_tick_labels_len: tick_labels[0].len(),
            y_ticks: array(&ticks[1]),
            y_ticks_len: ticks[1].len(),
            y_tick_labels: array(&tick_labels[1]),
            y_tick_labels_len: tick_labels[1].len(),
            elements_len: chart.elements.len(),
            points: array(&series),
            bars: array(&bars),
            pie: array(&pie),
            box_and_whisker: array(&boxes),
            charts: array(&child_fields),
            elements_json,
            json: strings.add(&chart.raw().to_string()),
        };
        ChartData {
            fields,
            _strings: strings.0,
            _ticks: ticks,
            _tick_labels: tick_labels,
            _points: points,
            _series: series,
            _bars: bars,
            _pie: pie,
            _outliers: outliers,
            _boxes: boxes,
            _children: children,
            _child_fields: child_fields,
        }
    }

    /// The fields, for C.
    pub fn fields(&self) -> *const e2b_chart_fields {
        &self.fields
    }
}
