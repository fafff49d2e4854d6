//! Charts as typed data: what the code interpreter's `e2b/chart` format
//! describes (the data behind a matplotlib figure, extracted by
//! `e2b-charts`), in the official SDKs' model (`e2b_code_interpreter.charts`).
//!
//! The SDKs have a class per kind of chart (`LineChart`, `BarChart`, ...,
//! all of them a `Chart`); here one [`Chart`] holds what every kind has
//! (type, title, the axes' labels and units, the ticks of point charts) and
//! its elements are a [`ChartElements`] of the kind's element type.
//! Parsing is lenient, as the SDKs' is: a chart of a type this crate does
//! not know, or whose elements do not have its type's shape, keeps its raw
//! elements ([`ChartElements::Other`]); a chart never fails the result it
//! belongs to. [`Chart::raw`] is the JSON as the interpreter sent it.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The kind of a chart (the SDKs' `ChartType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChartType {
    /// A line chart (`"line"`): [`ChartElements::Points`].
    Line,
    /// A scatter plot (`"scatter"`): [`ChartElements::Points`].
    Scatter,
    /// A bar chart (`"bar"`): [`ChartElements::Bars`].
    Bar,
    /// A pie chart (`"pie"`): [`ChartElements::Pie`].
    Pie,
    /// A box-and-whisker plot (`"box_and_whisker"`): [`ChartElements::BoxAndWhisker`].
    BoxAndWhisker,
    /// A figure of several charts, e.g. subplots (`"superchart"`): [`ChartElements::Charts`].
    SuperChart,
    /// A type this crate does not know, or none: [`ChartElements::Other`].
    Unknown,
}

impl ChartType {
    /// The type's name on the wire ("line", "box_and_whisker", ...; "unknown").
    pub fn as_str(self) -> &'static str {
        match self {
            ChartType::Line => "line",
            ChartType::Scatter => "scatter",
            ChartType::Bar => "bar",
            ChartType::Pie => "pie",
            ChartType::BoxAndWhisker => "box_and_whisker",
            ChartType::SuperChart => "superchart",
            ChartType::Unknown => "unknown",
        }
    }

    /// The type named `name`; [`ChartType::Unknown`] for any other name.
    pub fn from_name(name: &str) -> ChartType {
        match name {
            "line" => ChartType::Line,
            "scatter" => ChartType::Scatter,
            "bar" => ChartType::Bar,
            "pie" => ChartType::Pie,
            "box_and_whisker" => ChartType::BoxAndWhisker,
            "superchart" => ChartType::SuperChart,
            _ => ChartType::Unknown,
        }
    }
}

/// The scale of a point chart's axis (the SDKs' `ScaleType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScaleType {
    /// `"linear"`.
    Linear,
    /// `"datetime"`: ticks and points are dates, as text.
    Datetime,
    /// `"categorical"`: ticks and points are categories, as text.
    Categorical,
    /// `"log"`.
    Log,
    /// `"symlog"`.
    Symlog,
    /// `"logit"`.
    Logit,
    /// `"function"`.
    Function,
    /// `"functionlog"`.
    FunctionLog,
    /// `"asinh"`.
    Asinh,
    /// A scale this crate does not know, or none given.
    Unknown,
}

impl ScaleType {
    /// The scale's name on the wire ("linear", ...; "unknown").
    pub fn as_str(self) -> &'static str {
        match self {
            ScaleType::Linear => "linear",
            ScaleType::Datetime => "datetime",
            ScaleType::Categorical => "categorical",
            ScaleType::Log => "log",
            ScaleType::Symlog => "symlog",
            ScaleType::Logit => "logit",
            ScaleType::Function => "function",
            ScaleType::FunctionLog => "functionlog",
            ScaleType::Asinh => "asinh",
            ScaleType::Unknown => "unknown",
        }
    }

    /// The scale named `name`; [`ScaleType::Unknown`] for any other name.
    pub fn from_name(name: &str) -> ScaleType {
        match name {
            "linear" => ScaleType::Linear,
            "datetime" => ScaleType::Datetime,
            "categorical" => ScaleType::Categorical,
            "log" => ScaleType::Log,
            "symlog" => ScaleType::Symlog,
            "logit" => ScaleType::Logit,
            "function" => ScaleType::Function,
            "functionlog" => ScaleType::FunctionLog,
            "asinh" => ScaleType::Asinh,
            _ => ScaleType::Unknown,
        }
    }
}

/// A coordinate or tick of a point chart: a number, or text (dates and
/// categories), as the SDKs' `Union[str, float]`.
#[derive(Clone, Debug, PartialEq)]
pub enum ChartValue {
    /// A number; NaN where the interpreter sent `null` (a NaN in the data).
    Number(f64),
    /// Text, e.g. a date ("2024-01-01T00:00:00") or a category.
    Text(String),
}

impl<'de> Deserialize<'de> for ChartValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => Ok(ChartValue::Number(n.as_f64().unwrap_or(f64::NAN))),
            Value::String(text) => Ok(ChartValue::Text(text)),
            Value::Null => Ok(ChartValue::Number(f64::NAN)),
            other => Err(serde::de::Error::custom(format!("a chart value is a number or text, not {other}"))),
        }
    }
}

/// A number of a chart: `null` (a NaN in the data) is NaN, numeric text is
/// its number.
fn number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        Value::Null => Ok(f64::NAN),
        Value::String(text) => text.trim().parse().map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!("a chart number, not {other}"))),
    }
}

fn numbers<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
    #[derive(Deserialize)]
    struct N(#[serde(deserialize_with = "number")] f64);
    Ok(Option::<Vec<N>>::deserialize(deserializer)?.unwrap_or_default().into_iter().map(|n| n.0).collect())
}

/// Text that may be `null` (then empty).
fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// One series of a line or scatter chart (the SDKs' `PointData`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PointData {
    /// The series' label (from the legend, or "Line 0", ...).
    #[serde(default, deserialize_with = "text")]
    pub label: String,
    /// The points, `(x, y)`.
    pub points: Vec<(ChartValue, ChartValue)>,
}

/// One bar of a bar chart (the SDKs' `BarData`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BarData {
    /// The bar's label (its category).
    #[serde(default, deserialize_with = "text")]
    pub label: String,
    /// The group (series) the bar belongs to.
    #[serde(default, deserialize_with = "text")]
    pub group: String,
    /// The bar's height.
    #[serde(deserialize_with = "number")]
    pub value: f64,
}

/// One slice of a pie chart (the SDKs' `PieData`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PieData {
    /// The slice's label.
    #[serde(default, deserialize_with = "text")]
    pub label: String,
    /// The slice's angle, in degrees.
    #[serde(deserialize_with = "number")]
    pub angle: f64,
    /// The slice's radius.
    #[serde(deserialize_with = "number")]
    pub radius: f64,
}

/// One box of a box-and-whisker plot (the SDKs' `BoxAndWhiskerData`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BoxAndWhiskerData {
    /// The box's label.
    #[serde(default, deserialize_with = "text")]
    pub label: String,
    /// The lower whisker.
    #[serde(deserialize_with = "number")]
    pub min: f64,
    /// The lower edge of the box.
    #[serde(deserialize_with = "number")]
    pub first_quartile: f64,
    /// The median.
    #[serde(deserialize_with = "number")]
    pub median: f64,
    /// The upper edge of the box.
    #[serde(deserialize_with = "number")]
    pub third_quartile: f64,
    /// The upper whisker.
    #[serde(deserialize_with = "number")]
    pub max: f64,
    /// The points beyond the whiskers.
    #[serde(default, deserialize_with = "numbers")]
    pub outliers: Vec<f64>,
}

/// A chart's elements, of the kind its type says.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ChartElements {
    /// The series of a line or scatter chart.
    Points(Vec<PointData>),
    /// The bars of a bar chart.
    Bars(Vec<BarData>),
    /// The slices of a pie chart.
    Pie(Vec<PieData>),
    /// The boxes of a box-and-whisker plot.
    BoxAndWhisker(Vec<BoxAndWhiskerData>),
    /// The charts of a super chart.
    Charts(Vec<Chart>),
    /// The elements as sent, for a chart of an unknown type or whose
    /// elements do not have its type's shape.
    Other(Vec<Value>),
}

impl ChartElements {
    /// The number of elements.
    pub fn len(&self) -> usize {
        match self {
            ChartElements::Points(e) => e.len(),
            ChartElements::Bars(e) => e.len(),
            ChartElements::Pie(e) => e.len(),
            ChartElements::BoxAndWhisker(e) => e.len(),
            ChartElements::Charts(e) => e.len(),
            ChartElements::Other(e) => e.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A chart the code drew (the SDKs' `Chart` and its subclasses), from a
/// result's `e2b/chart` format. Fields a kind lacks are `None` or empty: the
/// axes' labels and units belong to 2D charts (line, scatter, bar, box and
/// whisker; the SDKs' `Chart2D`), ticks and scales to point charts (line
/// and scatter; `PointChart`).
///
/// The SDKs have a class per kind of chart (`LineChart`, `BarChart`, ...);
/// here one `Chart` holds what every kind has, and its [`elements`](Chart::elements)
/// are a [`ChartElements`] of the kind's element type. Parsing is lenient,
/// as the SDKs' is: a chart of a type this crate does not know
/// ([`ChartType::Unknown`]), or whose elements do not have its type's
/// shape, keeps its elements as sent ([`ChartElements::Other`]); a chart
/// never fails the result it belongs to. [`Chart::raw`] is the JSON as the
/// interpreter sent it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Chart {
    /// The kind of chart.
    pub chart_type: ChartType,
    /// The title, if any.
    pub title: Option<String>,
    /// The x axis' label (2D charts).
    pub x_label: Option<String>,
    /// The y axis' label (2D charts).
    pub y_label: Option<String>,
    /// The x axis' unit (2D charts).
    pub x_unit: Option<String>,
    /// The y axis' unit (2D charts).
    pub y_unit: Option<String>,
    /// The x axis' ticks (point charts).
    pub x_ticks: Vec<ChartValue>,
    /// The x axis' tick labels as shown (point charts).
    pub x_tick_labels: Vec<String>,
    /// The x axis' scale (point charts; `None` for the others).
    pub x_scale: Option<ScaleType>,
    /// The y axis' ticks (point charts).
    pub y_ticks: Vec<ChartValue>,
    /// The y axis' tick labels as shown (point charts).
    pub y_tick_labels: Vec<String>,
    /// The y axis' scale (point charts; `None` for the others).
    pub y_scale: Option<ScaleType>,
    /// The elements: series, bars, slices, boxes or charts, by type.
    pub elements: ChartElements,
    raw: Value,
}

impl Chart {
    /// The chart `value` (the `e2b/chart` JSON) describes; `None` if it is
    /// empty or not an object (as the SDKs, which skip such a chart). Never
    /// fails otherwise: see [`Chart`] on what a chart of an unknown type or
    /// with odd elements becomes.
    pub fn from_value(value: Value) -> Option<Chart> {
        let object = match &value {
            Value::Object(object) if !object.is_empty() => object,
            _ => return None,
        };
        let chart_type = object.get("type").and_then(Value::as_str).map_or(ChartType::Unknown, ChartType::from_name);
        let raw_elements = match object.get("elements") {
            Some(Value::Array(elements)) => elements.clone(),
            _ => Vec::new(),
        };
        let elements = match chart_type {
            ChartType::Line | ChartType::Scatter => parse(&raw_elements).map(ChartElements::Points),
            ChartType::Bar => parse(&raw_elements).map(ChartElements::Bars),
            ChartType::Pie => parse(&raw_elements).map(ChartElements::Pie),
            ChartType::BoxAndWhisker => parse(&raw_elements).map(ChartElements::BoxAndWhisker),
            ChartType::SuperChart => {
                Some(ChartElements::Charts(raw_elements.iter().cloned().filter_map(Chart::from_value).collect()))
            }
            ChartType::Unknown => None,
        }
        .unwrap_or(ChartElements::Other(raw_elements));
        let is_2d =
            matches!(chart_type, ChartType::Line | ChartType::Scatter | ChartType::Bar | ChartType::BoxAndWhisker);
        let is_point = matches!(chart_type, ChartType::Line | ChartType::Scatter);
        let string = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
        let axis_text = |key: &str| if is_2d { string(key) } else { None };
        let ticks = |key: &str| if is_point { values(object, key) } else { Vec::new() };
        let labels = |key: &str| {
            if !is_point {
                return Vec::new();
            }
            match object.get(key) {
                Some(Value::Array(labels)) => labels
                    .iter()
                    .map(|label| match label {
                        Value::String(text) => text.clone(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let scale = |key: &str| {
            is_point.then(|| object.get(key).and_then(Value::as_str).map_or(ScaleType::Unknown, ScaleType::from_name))
        };
        Some(Chart {
            chart_type,
            title: string("title"),
            x_label: axis_text("x_label"),
            y_label: axis_text("y_label"),
            x_unit: axis_text("x_unit"),
            y_unit: axis_text("y_unit"),
            x_ticks: ticks("x_ticks"),
            x_tick_labels: labels("x_tick_labels"),
            x_scale: scale("x_scale"),
            y_ticks: ticks("y_ticks"),
            y_tick_labels: labels("y_tick_labels"),
            y_scale: scale("y_scale"),
            elements,
            raw: value,
        })
    }

    /// The chart as the interpreter sent it (the SDKs' `to_dict()`).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// The elements as `T`s; `None` if one does not have `T`'s shape.
fn parse<T: serde::de::DeserializeOwned>(elements: &[Value]) -> Option<Vec<T>> {
    elements.iter().map(|element| T::deserialize(element).ok()).collect()
}

/// The ticks under `key`, leaving out any that is neither a number nor text.
fn values(object: &Map<String, Value>, key: &str) -> Vec<ChartValue> {
    match object.get(key) {
        Some(Value::Array(ticks)) => ticks.iter().filter_map(|tick| ChartValue::deserialize(tick).ok()).collect(),
        _ => Vec::new(),
    }
}

/// `ExecutionResult::chart`'s deserializer: never fails on a chart's content.
pub(crate) fn lenient<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Chart>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?.and_then(Chart::from_value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_line_chart_as_the_real_server_sends_it() {
        // The chart of the recorded `execute_rich_png`.
        let raw = json!({"type": "line", "title": "squares", "elements": [{"label": "Line 0", "points": [[1.0, 1.0], [2.0, 4.0], [3.0, 9.0]]}],
            "x_label": "x", "y_label": "y", "x_unit": null, "y_unit": null, "x_ticks": [0.75, 1.0], "x_tick_labels": ["0.75", "1.00"],
            "x_scale": "linear", "y_ticks": [0.0, 10.0], "y_tick_labels": ["0", "10"], "y_scale": "linear"});
        let chart = Chart::from_value(raw.clone()).unwrap();
        assert_eq!((chart.chart_type, chart.title.as_deref()), (ChartType::Line, Some("squares")));
        assert_eq!(
            (chart.x_label.as_deref(), chart.y_label.as_deref(), chart.x_unit.as_deref()),
            (Some("x"), Some("y"), None)
        );
        assert_eq!((chart.x_scale, chart.y_scale), (Some(ScaleType::Linear), Some(ScaleType::Linear)));
        assert_eq!(chart.x_ticks, [ChartValue::Number(0.75), ChartValue::Number(1.0)]);
        assert_eq!(chart.y_tick_labels, ["0", "10"]);
        let ChartElements::Points(series) = &chart.elements else { panic!("{:?}", chart.elements) };
        assert_eq!(series[0].label, "Line 0");
        assert_eq!(series[0].points[2], (ChartValue::Number(3.0), ChartValue::Number(9.0)));
        assert_eq!(chart.raw(), &raw);
    }

    #[test]
    fn every_kind_parses_and_odd_charts_keep_their_raw_elements() {
        let bar = Chart::from_value(
            json!({"type": "bar", "title": null, "x_label": "k", "y_label": null, "x_unit": null, "y_unit": null,
            "elements": [{"label": "A", "group": "G", "value": 1.5}, {"label": "B", "group": "G", "value": "2"}]}),
        )
        .unwrap();
        assert_eq!(
            (bar.chart_type, bar.title.as_deref(), bar.x_label.as_deref(), bar.x_scale),
            (ChartType::Bar, None, Some("k"), None)
        );
        let ChartElements::Bars(bars) = &bar.elements else { panic!() };
        assert_eq!((bars[0].value, bars[1].value, bars[1].group.as_str()), (1.5, 2.0, "G"));

        let pie = Chart::from_value(json!({"type": "pie", "title": "p", "elements": [{"label": "a", "angle": 90.0, "radius": 1}], "x_label": "ignored"}))
            .unwrap();
        assert_eq!(pie.x_label, None);
        assert_eq!(pie.elements, ChartElements::Pie(vec![PieData { label: "a".into(), angle: 90.0, radius: 1.0 }]));

        let boxes = Chart::from_value(json!({"type": "box_and_whisker", "title": "b", "elements": [
            {"label": "x", "min": 1, "first_quartile": 2, "median": 3, "third_quartile": 4, "max": 5, "outliers": [9.5]},
            {"label": "y", "min": 1, "first_quartile": 2, "median": 3, "third_quartile": 4, "max": 5}]}))
        .unwrap();
        let ChartElements::BoxAndWhisker(b) = &boxes.elements else { panic!() };
        assert_eq!((b[0].median, &b[0].outliers[..], &b[1].outliers[..]), (3.0, &[9.5][..], &[][..]));

        let scatter = Chart::from_value(
            json!({"type": "scatter", "elements": [{"label": "s", "points": [["2024-01-01", null], [1, "c"]]}],
            "x_scale": "datetime", "y_scale": "something-new", "x_ticks": ["2024-01-01", 3, {"odd": 1}]}),
        )
        .unwrap();
        assert_eq!((scatter.x_scale, scatter.y_scale), (Some(ScaleType::Datetime), Some(ScaleType::Unknown)));
        assert_eq!(scatter.x_ticks, [ChartValue::Text("2024-01-01".into()), ChartValue::Number(3.0)]);
        let ChartElements::Points(p) = &scatter.elements else { panic!() };
        assert!(matches!(p[0].points[0].1, ChartValue::Number(n) if n.is_nan()));
        assert_eq!(p[0].points[1].1, ChartValue::Text("c".into()));

        let superchart = Chart::from_value(json!({"type": "superchart", "title": "both", "elements": [
            {"type": "pie", "title": "one", "elements": []}, {}, {"type": "radar", "elements": [1, 2]}]}))
        .unwrap();
        let ChartElements::Charts(charts) = &superchart.elements else { panic!() };
        assert_eq!(charts.len(), 2, "the empty one is skipped, as the SDKs do");
        assert_eq!((charts[0].chart_type, charts[1].chart_type), (ChartType::Pie, ChartType::Unknown));
        assert_eq!(charts[1].elements, ChartElements::Other(vec![json!(1), json!(2)]));

        // A bar without a value: the chart stays a bar chart, with its elements as sent.
        let odd = Chart::from_value(json!({"type": "bar", "elements": [{"label": "A"}]})).unwrap();
        assert_eq!((odd.chart_type, odd.elements.len()), (ChartType::Bar, 1));
        assert!(matches!(odd.elements, ChartElements::Other(_)));
        let no_elements = Chart::from_value(json!({"type": "line", "title": 5})).unwrap();
        assert_eq!((no_elements.title, no_elements.elements), (None, ChartElements::Points(vec![])));
        assert_eq!(Chart::from_value(json!({})), None);
        assert_eq!(Chart::from_value(json!([1])), None);
        assert_eq!(Chart::from_value(Value::Null), None);
    }
}
