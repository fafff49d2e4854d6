package e2b

/*
#include "e2b.h"
*/
import "C"

import (
	"encoding/json"
	"unsafe"
)

// ChartType is the kind of a Chart (the SDKs' ChartType); its String is
// the SDKs' name ("line", "box_and_whisker", ...).
type ChartType int32

// String is "unknown", "line", "scatter", "bar", "pie", "box_and_whisker"
// or "superchart".
func (t ChartType) String() string {
	switch t {
	case ChartLine:
		return "line"
	case ChartScatter:
		return "scatter"
	case ChartBar:
		return "bar"
	case ChartPie:
		return "pie"
	case ChartBoxAndWhisker:
		return "box_and_whisker"
	case ChartSuperchart:
		return "superchart"
	}
	return "unknown"
}

// ScaleType is the scale of a point chart's axis (the SDKs' ScaleType);
// ScaleNone for charts other than line and scatter charts.
type ScaleType int32

// ChartValue is a coordinate or tick of a point chart: text (dates,
// categories) when IsText, else Number (NaN where the data had a NaN).
type ChartValue struct {
	IsText bool
	Text   string
	Number float64
}

// PointData is one series of a line or scatter chart.
type PointData struct {
	Label  string
	Points [][2]ChartValue // (x, y)
}

// BarData is one bar of a bar chart.
type BarData struct {
	Label string
	Group string
	Value float64
}

// PieData is one slice of a pie chart.
type PieData struct {
	Label  string
	Angle  float64 // degrees
	Radius float64
}

// BoxAndWhiskerData is one box of a box-and-whisker plot.
type BoxAndWhiskerData struct {
	Label         string
	Min           float64
	FirstQuartile float64
	Median        float64
	ThirdQuartile float64
	Max           float64
	Outliers      []float64
}

// Chart is a chart the code drew (the SDKs' Chart and its kinds), from a
// Result's "chart" format. Labels and units belong to 2D charts (line,
// scatter, bar, box and whisker), ticks and scales to point charts (line,
// scatter); the elements are in the field of the chart's kind: Points
// (line, scatter), Bars, Pie, BoxAndWhisker or Charts (a super chart).
// A chart of a type this package does not know (ChartUnknown), or whose
// elements do not have its type's shape, has them in Elements as sent.
type Chart struct {
	Type   ChartType
	Title  string // "" if none
	XLabel string
	YLabel string
	XUnit  string
	YUnit  string

	XTicks      []ChartValue
	XTickLabels []string
	XScale      ScaleType
	YTicks      []ChartValue
	YTickLabels []string
	YScale      ScaleType

	Points        []PointData
	Bars          []BarData
	Pie           []PieData
	BoxAndWhisker []BoxAndWhiskerData
	Charts        []Chart
	Elements      json.RawMessage

	// Raw is the chart as the interpreter sent it (the SDKs' to_dict()).
	Raw json.RawMessage
}

func cArray[T any](p *T, n C.size_t) []T {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice(p, int(n))
}

func chartValue(v C.e2b_chart_value) ChartValue {
	if v.text != nil {
		return ChartValue{IsText: true, Text: C.GoString(v.text), Number: float64(v.number)}
	}
	return ChartValue{Number: float64(v.number)}
}

func chartValues(p *C.e2b_chart_value, n C.size_t) []ChartValue {
	var out []ChartValue
	for _, v := range cArray(p, n) {
		out = append(out, chartValue(v))
	}
	return out
}

func chartStrings(p **C.char, n C.size_t) []string {
	var out []string
	for _, s := range cArray(p, n) {
		out = append(out, C.GoString(s))
	}
	return out
}

// chart copies the chart f describes (and its charts) into Go values.
func chart(f *C.e2b_chart_fields) Chart {
	c := Chart{
		Type: ChartType(f.chart_type), Title: C.GoString(f.title),
		XLabel: C.GoString(f.x_label), YLabel: C.GoString(f.y_label),
		XUnit: C.GoString(f.x_unit), YUnit: C.GoString(f.y_unit),
		XTicks: chartValues(f.x_ticks, f.x_ticks_len), XTickLabels: chartStrings(f.x_tick_labels, f.x_tick_labels_len),
		XScale: ScaleType(f.x_scale),
		YTicks: chartValues(f.y_ticks, f.y_ticks_len), YTickLabels: chartStrings(f.y_tick_labels, f.y_tick_labels_len),
		YScale: ScaleType(f.y_scale),
		Raw:    json.RawMessage(C.GoString(f.json)),
	}
	n := f.elements_len
	for _, p := range cArray(f.points, n) {
		data := PointData{Label: C.GoString(p.label)}
		for _, point := range cArray(p.points, p.points_len) {
			data.Points = append(data.Points, [2]ChartValue{chartValue(point.x), chartValue(point.y)})
		}
		c.Points = append(c.Points, data)
	}
	for _, b := range cArray(f.bars, n) {
		c.Bars = append(c.Bars, BarData{Label: C.GoString(b.label), Group: C.GoString(b.group), Value: float64(b.value)})
	}
	for _, s := range cArray(f.pie, n) {
		c.Pie = append(c.Pie, PieData{Label: C.GoString(s.label), Angle: float64(s.angle), Radius: float64(s.radius)})
	}
	for _, b := range cArray(f.box_and_whisker, n) {
		data := BoxAndWhiskerData{
			Label: C.GoString(b.label), Min: float64(b.min), FirstQuartile: float64(b.first_quartile),
			Median: float64(b.median), ThirdQuartile: float64(b.third_quartile), Max: float64(b.max),
		}
		for _, o := range cArray(b.outliers, b.outliers_len) {
			data.Outliers = append(data.Outliers, float64(o))
		}
		c.BoxAndWhisker = append(c.BoxAndWhisker, data)
	}
	for _, child := range cArray(f.charts, n) {
		c.Charts = append(c.Charts, chart(child))
	}
	if f.elements_json != nil {
		c.Elements = json.RawMessage(C.GoString(f.elements_json))
	}
	return c
}
