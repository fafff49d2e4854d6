package e2b_test

import (
	"encoding/json"
	"math"
	"testing"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// chartsCode draws one figure of each kind (as e2b/tests/code.rs's CHARTS_CODE).
const chartsCode = `import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9], label='squares'); plt.title('line'); plt.xlabel('x'); plt.ylabel('y'); plt.legend(); plt.show()
plt.scatter([1, 2, 3], [3, 1, 2]); plt.title('scatter'); plt.show()
plt.bar(['a', 'b', 'c'], [3, 5, 1]); plt.title('bar'); plt.xlabel('letter'); plt.ylabel('count'); plt.show()
plt.pie([1, 2, 1], labels=['p', 'q', 'r']); plt.title('pie'); plt.show()
plt.boxplot([[1, 2, 3, 4, 5, 30], [2, 3, 4]], labels=['A', 'B'], patch_artist=True); plt.title('box'); plt.show()
fig, (left, right) = plt.subplots(1, 2); left.plot([1, 2], [2, 1]); left.set_title('left'); right.bar(['u'], [1])
right.set_title('right'); fig.suptitle('both'); plt.show()
'no chart'`

func TestChartsAreTyped(t *testing.T) {
	s := codeSandbox(t)
	x := must(s.RunCode(ctx, chartsCode, nil))(t)
	if x.Error != nil || len(x.Results) != 7 {
		t.Fatalf("error %+v, %d results", x.Error, len(x.Results))
	}
	var types []string
	for _, r := range x.Results[:6] {
		if r.Chart == nil {
			t.Fatalf("no chart in %+v", r)
		}
		types = append(types, r.Chart.Type.String()+":"+r.Chart.Title)
	}
	want := []string{"line:line", "scatter:scatter", "bar:bar", "pie:pie", "box_and_whisker:box", "superchart:both"}
	if len(types) != len(want) {
		t.Fatalf("types %v", types)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("types %v, want %v", types, want)
		}
	}
	if x.Results[6].Chart != nil {
		t.Fatalf("a value has a chart: %+v", x.Results[6].Chart)
	}

	line := x.Results[0].Chart
	if line.XLabel != "x" || line.YLabel != "y" || line.XScale != e2b.ScaleLinear || line.XScale.String() != "linear" ||
		len(line.XTicks) == 0 || len(line.XTicks) != len(line.XTickLabels) {
		t.Fatalf("line chart %+v", line)
	}
	if len(line.Points) != 1 || line.Points[0].Label != "squares" || len(line.Points[0].Points) != 3 ||
		line.Points[0].Points[2][0].Number != 3 || line.Points[0].Points[2][1].Number != 9 || line.Points[0].Points[2][1].IsText {
		t.Fatalf("line points %+v", line.Points)
	}
	var raw map[string]any
	if err := json.Unmarshal(line.Raw, &raw); err != nil || raw["type"] != "line" {
		t.Fatalf("raw %s: %v", line.Raw, err)
	}

	bar := x.Results[2].Chart
	if bar.XScale != e2b.ScaleNone || len(bar.Bars) != 3 || bar.Bars[1].Label != "b" || bar.Bars[1].Value != 5 || bar.XLabel != "letter" {
		t.Fatalf("bar chart %+v", bar)
	}
	pie := x.Results[3].Chart
	total := 0.0
	for _, slice := range pie.Pie {
		total += slice.Angle
	}
	if len(pie.Pie) != 3 || pie.Pie[2].Label != "r" || math.Abs(total-360) > 1e-6 {
		t.Fatalf("pie chart %+v", pie)
	}
	box := x.Results[4].Chart
	if len(box.BoxAndWhisker) != 2 || box.BoxAndWhisker[0].Label != "A" || box.BoxAndWhisker[0].Median != 3.5 ||
		len(box.BoxAndWhisker[0].Outliers) != 1 || box.BoxAndWhisker[0].Outliers[0] != 30 {
		t.Fatalf("box chart %+v", box)
	}
	both := x.Results[5].Chart
	if len(both.Charts) != 2 || both.Charts[0].Type != e2b.ChartLine || both.Charts[0].Title != "left" ||
		both.Charts[1].Type != e2b.ChartBar || len(both.Charts[1].Bars) != 1 {
		t.Fatalf("super chart %+v", both)
	}
}
