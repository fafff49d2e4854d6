/*
 * C tests of typed charts: one figure of each kind drawn by real matplotlib
 * and e2b-charts in e2b-local's code interpreter, read through
 * e2b_execution_result_chart in one call per chart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static e2b_client *client;
static e2b_sandbox *sandbox;

/* The figures of e2b/tests/code.rs's CHARTS_CODE. */
static const char *CHARTS_CODE =
    "import matplotlib.pyplot as plt\n"
    "plt.plot([1, 2, 3], [1, 4, 9], label='squares'); plt.title('line'); plt.xlabel('x'); plt.ylabel('y'); "
    "plt.legend(); plt.show()\n"
    "plt.scatter([1, 2, 3], [3, 1, 2]); plt.title('scatter'); plt.show()\n"
    "plt.bar(['a', 'b', 'c'], [3, 5, 1]); plt.title('bar'); plt.xlabel('letter'); plt.ylabel('count'); plt.show()\n"
    "plt.pie([1, 2, 1], labels=['p', 'q', 'r']); plt.title('pie'); plt.show()\n"
    "plt.boxplot([[1, 2, 3, 4, 5, 30], [2, 3, 4]], labels=['A', 'B'], patch_artist=True); plt.title('box'); "
    "plt.show()\n"
    "fig, (left, right) = plt.subplots(1, 2); left.plot([1, 2], [2, 1]); left.set_title('left'); "
    "right.bar(['u'], [1]); right.set_title('right')\n"
    "fig.suptitle('both'); plt.show()\n"
    "print('no chart')\n"
    "'a value'";

static const e2b_chart_fields *chart_of(const e2b_execution *execution, size_t index) {
    return e2b_execution_result_chart(e2b_execution_results_get(execution, index));
}

static void test_every_kind(void) {
    e2b_execution *execution = NULL;
    EXPECT_OK(e2b_code_run(sandbox, CHARTS_CODE, NULL, NULL, NULL, &execution, NULL, NULL));
    if (!execution) return;
    EXPECT(e2b_execution_error_name(execution) == NULL);
    EXPECT(e2b_execution_results_len(execution) == 7);

    const e2b_chart_fields *line = chart_of(execution, 0);
    EXPECT(line != NULL);
    if (line) {
        EXPECT(line->struct_size == sizeof(e2b_chart_fields));
        EXPECT(line->chart_type == E2B_CHART_LINE);
        EXPECT_STR(line->title, "line");
        EXPECT_STR(line->x_label, "x");
        EXPECT_STR(line->y_label, "y");
        EXPECT(line->x_unit == NULL && line->y_unit == NULL);
        EXPECT(line->x_scale == E2B_SCALE_LINEAR && line->y_scale == E2B_SCALE_LINEAR);
        EXPECT(line->x_ticks_len > 0 && line->x_ticks_len == line->x_tick_labels_len);
        EXPECT(line->x_ticks[0].text == NULL && !isnan(line->x_ticks[0].number));
        EXPECT(line->x_tick_labels[0] != NULL);
        EXPECT(line->elements_len == 1 && line->points != NULL && line->bars == NULL && line->elements_json == NULL);
        EXPECT_STR(line->points[0].label, "squares");
        EXPECT(line->points[0].points_len == 3);
        EXPECT(line->points[0].points[2].x.number == 3.0 && line->points[0].points[2].y.number == 9.0);
        /* The JSON as sent, the same text as the "chart" format. */
        EXPECT_STR(line->json, e2b_execution_result_formats_get(e2b_execution_results_get(execution, 0), "chart"));
    }

    const e2b_chart_fields *scatter = chart_of(execution, 1);
    EXPECT(scatter != NULL && scatter->chart_type == E2B_CHART_SCATTER);
    if (scatter) EXPECT(scatter->elements_len == 1 && scatter->points[0].points_len == 3);

    const e2b_chart_fields *bar = chart_of(execution, 2);
    EXPECT(bar != NULL && bar->chart_type == E2B_CHART_BAR);
    if (bar) {
        EXPECT(bar->x_scale == E2B_SCALE_NONE && bar->x_ticks == NULL && bar->points == NULL);
        EXPECT_STR(bar->x_label, "letter");
        EXPECT(bar->elements_len == 3 && bar->bars != NULL);
        EXPECT_STR(bar->bars[1].label, "b");
        EXPECT(bar->bars[1].value == 5.0 && bar->bars[1].group != NULL);
    }

    const e2b_chart_fields *pie = chart_of(execution, 3);
    EXPECT(pie != NULL && pie->chart_type == E2B_CHART_PIE);
    if (pie) {
        EXPECT(pie->x_label == NULL && pie->elements_len == 3 && pie->pie != NULL);
        double total = 0;
        for (size_t i = 0; i < pie->elements_len; i++) total += pie->pie[i].angle;
        EXPECT(fabs(total - 360.0) < 1e-6);
        EXPECT_STR(pie->pie[2].label, "r");
    }

    const e2b_chart_fields *box = chart_of(execution, 4);
    EXPECT(box != NULL && box->chart_type == E2B_CHART_BOX_AND_WHISKER);
    if (box) {
        EXPECT(box->elements_len == 2 && box->box_and_whisker != NULL);
        const e2b_box_and_whisker_data *a = &box->box_and_whisker[0];
        EXPECT_STR(a->label, "A");
        EXPECT(a->median == 3.5 && a->outliers_len == 1 && a->outliers[0] == 30.0);
        EXPECT(box->box_and_whisker[1].outliers_len == 0 && box->box_and_whisker[1].outliers == NULL);
    }

    const e2b_chart_fields *both = chart_of(execution, 5);
    EXPECT(both != NULL && both->chart_type == E2B_CHART_SUPERCHART);
    if (both) {
        EXPECT_STR(both->title, "both");
        EXPECT(both->elements_len == 2 && both->charts != NULL);
        if (both->charts) {
            EXPECT(both->charts[0]->chart_type == E2B_CHART_LINE);
            EXPECT_STR(both->charts[0]->title, "left");
            EXPECT(both->charts[1]->chart_type == E2B_CHART_BAR);
            EXPECT(both->charts[1]->elements_len == 1);
            EXPECT_STR(both->charts[1]->bars[0].group, "Group 0");
        }
    }

    /* The last expression's value has no chart. */
    EXPECT(chart_of(execution, 6) == NULL);
    EXPECT(e2b_execution_result_chart(NULL) == NULL);
    e2b_execution_free(execution);
}

static void test_dates_and_categories_are_text(void) {
    e2b_execution *execution = NULL;
    const char *code = "import matplotlib.pyplot as plt, datetime\n"
                       "days = [datetime.date(2024, 1, d) for d in (1, 2, 3)]\n"
                       "plt.plot(days, [1, 2, 3]); plt.title('dates'); plt.show()";
    EXPECT_OK(e2b_code_run(sandbox, code, NULL, NULL, NULL, &execution, NULL, NULL));
    if (!execution) return;
    const e2b_chart_fields *chart = chart_of(execution, 0);
    EXPECT(chart != NULL && chart->chart_type == E2B_CHART_LINE);
    if (chart) {
        EXPECT(chart->x_scale == E2B_SCALE_DATETIME);
        EXPECT(chart->points[0].points[0].x.text != NULL && isnan(chart->points[0].points[0].x.number));
        if (chart->points[0].points[0].x.text) EXPECT(strncmp(chart->points[0].points[0].x.text, "2024-01-01", 10) == 0);
        EXPECT(chart->points[0].points[0].y.text == NULL && chart->points[0].points[0].y.number == 1.0);
    }
    e2b_execution_free(execution);
}

int main(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_template(options, "code-interpreter-v1", NULL));
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(options, 120000, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, options, &sandbox, NULL, NULL));
    e2b_sandbox_options_free(options);
    if (sandbox) {
        RUN(test_every_kind);
        RUN(test_dates_and_categories_are_text);
        EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    }
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return testing_summary();
}
