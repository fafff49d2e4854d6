// The code interpreter: run_code with callbacks, results in every format,
// errors raised by the code, options, and code contexts.
#include <algorithm>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

class Code : public CodeTest {};

bool has_context(const std::vector<e2b::CodeContext>& contexts, const std::string& id) {
    return std::any_of(contexts.begin(), contexts.end(), [&](const e2b::CodeContext& c) { return c.id == id; });
}

}  // namespace

TEST_F(Code, RunReturnsTheLastValue) {
    const e2b::Execution run = sandbox.run_code("x = 40\nx + 2");
    EXPECT_EQ(run.text, "42");
    ASSERT_EQ(run.results.size(), 1u);
    EXPECT_TRUE(run.results[0].is_main);
    EXPECT_EQ(run.results[0].get("text"), "42");
    EXPECT_FALSE(run.results[0].get("html").has_value());
    EXPECT_FALSE(run.error.has_value());
    EXPECT_TRUE(run.execution_count.has_value());
}

TEST_F(Code, CallbacksSeeOutputAsItComes) {
    std::string out;
    std::string err;
    std::vector<e2b::ExecutionResult> results;
    e2b::ExecutionCallbacks callbacks;
    callbacks.on_stdout = [&](const e2b::OutputMessage& chunk) { out += chunk.text; };
    callbacks.on_stderr = [&](const e2b::OutputMessage& chunk) { err += chunk.text; };
    callbacks.on_result = [&](const e2b::ExecutionResult& result) { results.push_back(result); };
    const e2b::Execution run =
        sandbox.run_code("import sys\nprint('out')\nprint('err', file=sys.stderr)\n'value'", {}, callbacks);
    EXPECT_EQ(out, "out\n");
    EXPECT_EQ(err, "err\n");
    EXPECT_EQ(run.stdout_text, "out\n");
    EXPECT_EQ(run.stderr_text, "err\n");
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].get("text"), "value");
    EXPECT_EQ(run.text, "value");
}

TEST_F(Code, AnExceptionInTheCodeIsPartOfTheExecution) {
    std::optional<e2b::ExecutionError> reported;
    e2b::ExecutionCallbacks callbacks;
    callbacks.on_error = [&](const e2b::ExecutionError& error) { reported = error; };
    const e2b::Execution run = sandbox.run_code("1 / 0", {}, callbacks);
    ASSERT_TRUE(run.error.has_value());
    EXPECT_EQ(run.error->name, "ZeroDivisionError");
    EXPECT_EQ(run.error->value, "division by zero");
    EXPECT_NE(run.error->traceback.find("ZeroDivisionError"), std::string::npos);
    ASSERT_TRUE(reported.has_value());
    EXPECT_EQ(reported->name, "ZeroDivisionError");
    EXPECT_EQ(reported->value, "division by zero");
    EXPECT_EQ(reported->traceback, run.error->traceback);
    EXPECT_FALSE(run.text.has_value());
}

TEST_F(Code, OutputKeepsItsChunksTimestampsAndNuls) {
    std::vector<e2b::OutputMessage> seen;
    e2b::ExecutionCallbacks callbacks;
    callbacks.on_stdout = [&](const e2b::OutputMessage& chunk) { seen.push_back(chunk); };
    const e2b::Execution run = sandbox.run_code(
        "import sys, time\nprint('a\\0b', flush=True)\ntime.sleep(0.3)\nsys.stdout.write('c')", {}, callbacks);
    ASSERT_EQ(run.stdout_chunks.size(), 2u);
    EXPECT_EQ(run.stdout_chunks[0].text, std::string("a\0b\n", 4));
    EXPECT_EQ(run.stdout_chunks[1].text, "c");
    EXPECT_EQ(run.stdout_text, std::string("a\0b\nc", 5));
    ASSERT_TRUE(run.stdout_chunks[0].timestamp.has_value());
    EXPECT_EQ(run.stdout_chunks[0].timestamp->at(10), 'T');
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].text, run.stdout_chunks[0].text);
    EXPECT_EQ(seen[1].timestamp, run.stdout_chunks[1].timestamp);
    EXPECT_TRUE(run.stderr_chunks.empty());
}

TEST_F(Code, ResultsComeInEveryFormat) {
    const e2b::Execution run = sandbox.run_code(R"py(
class Rich:
    def _repr_html_(self): return "<b>rich</b>"
    def _repr_markdown_(self): return "**rich**"
    def _repr_svg_(self): return "<svg></svg>"
    def _repr_png_(self): return b"png"
    def _repr_jpeg_(self): return b"jpeg"
    def _repr_pdf_(self): return b"pdf"
    def _repr_latex_(self): return "$rich$"
    def _repr_json_(self): return {"rich": True}
    def _repr_javascript_(self): return "rich()"
    def _repr_mimebundle_(self, include=None, exclude=None): return {"application/x-custom": "custom"}
    def __repr__(self): return "Rich()"
display({"shown": 1})
Rich()
)py");
    ASSERT_EQ(run.results.size(), 2u);
    const e2b::ExecutionResult& shown = run.results[0];
    EXPECT_FALSE(shown.is_main);
    EXPECT_EQ(shown.get("json"), R"({"shown":1})");

    const e2b::ExecutionResult& rich = run.results[1];
    EXPECT_TRUE(rich.is_main);
    const std::map<std::string, std::string> expected{
        {"text", "Rich()"},        {"html", "<b>rich</b>"},       {"markdown", "**rich**"},
        {"svg", "<svg></svg>"},    {"png", "cG5n"},               {"jpeg", "anBlZw=="},
        {"pdf", "cGRm"},           {"latex", "$rich$"},           {"json", R"({"rich":true})"},
        {"javascript", "rich()"},
    };
    EXPECT_EQ(rich.formats, expected);
    const std::map<std::string, std::string> extra{{"application/x-custom", "custom"}};
    EXPECT_EQ(rich.extra, extra);
    EXPECT_EQ(run.text, "Rich()");
}

TEST_F(Code, ACallbackExceptionInterruptsTheRunAndComesOut) {
    e2b::ExecutionCallbacks callbacks;
    callbacks.on_stdout = [](const e2b::OutputMessage&) { throw Stop(); };
    EXPECT_THROW(sandbox.run_code("import time\nprint('tick', flush=True)\ntime.sleep(30)", {}, callbacks), Stop);
    EXPECT_EQ(sandbox.run_code("'still usable'").text, "still usable");
}

TEST_F(Code, OptionsSetTheEnvironmentLanguageAndTimeout) {
    e2b::RunCodeOptions env;
    env.env("ONLY_THIS_RUN", "yes");
    EXPECT_EQ(sandbox.run_code("import os\nos.environ['ONLY_THIS_RUN']", env).text, "yes");
    EXPECT_EQ(sandbox.run_code("6 * 7", e2b::RunCodeOptions().language("python")).text, "42");
    EXPECT_THROW(sandbox.run_code("import time\ntime.sleep(30)", e2b::RunCodeOptions().timeout(500ms)), e2b::Timeout);
    EXPECT_THROW(sandbox.run_code("1", e2b::RunCodeOptions().language("python").context_id("any")),
                 e2b::InvalidArgument);
}

TEST_F(Code, ContextsKeepTheirOwnState) {
    const e2b::CodeContext context = sandbox.create_code_context("python", "/tmp");
    EXPECT_FALSE(context.id.empty());
    EXPECT_EQ(context.language, "python");
    EXPECT_EQ(context.cwd, "/tmp");
    e2b::RunCodeOptions in_context;
    in_context.context_id(context.id);

    sandbox.run_code("y = 5", in_context);
    EXPECT_EQ(sandbox.run_code("y", in_context).text, "5");
    EXPECT_EQ(sandbox.run_code("import os\nos.getcwd()", in_context).text, "/tmp");
    const e2b::Execution elsewhere = sandbox.run_code("y");
    ASSERT_TRUE(elsewhere.error.has_value());
    EXPECT_EQ(elsewhere.error->name, "NameError");

    EXPECT_TRUE(has_context(sandbox.list_code_contexts(), context.id));
    sandbox.restart_code_context(context.id);
    const e2b::Execution restarted = sandbox.run_code("y", in_context);
    ASSERT_TRUE(restarted.error.has_value());
    EXPECT_EQ(restarted.error->name, "NameError");

    sandbox.remove_code_context(context.id);
    EXPECT_FALSE(has_context(sandbox.list_code_contexts(), context.id));
    EXPECT_THROW(sandbox.run_code("1", in_context), e2b::NotFound);
    EXPECT_THROW(sandbox.restart_code_context(context.id), e2b::NotFound);
    EXPECT_THROW(sandbox.remove_code_context(context.id), e2b::NotFound);
}

TEST_F(Code, ADefaultContextIsPython) {
    const e2b::CodeContext context = sandbox.create_code_context();
    EXPECT_EQ(context.language, "python");
    EXPECT_FALSE(context.cwd.empty());
    sandbox.remove_code_context(context.id);
}

TEST_F(Code, ChartsAreTyped) {
    const char* code =
        "import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3], [1, 4, 9], label='squares'); plt.title('line'); plt.xlabel('x'); plt.show()\n"
        "plt.bar(['a', 'b', 'c'], [3, 5, 1]); plt.title('bar'); plt.show()\n"
        "plt.pie([1, 2, 1], labels=['p', 'q', 'r']); plt.title('pie'); plt.show()\n"
        "plt.boxplot([[1, 2, 3, 4, 5, 30], [2, 3, 4]], labels=['A', 'B'], patch_artist=True); plt.show()\n"
        "fig, (l, r) = plt.subplots(1, 2); l.scatter([1, 2], [2, 1]); r.bar(['u'], [1]); fig.suptitle('both')\n"
        "plt.show()\n"
        "'no chart'";
    const e2b::Execution run = sandbox.run_code(code);
    ASSERT_FALSE(run.error.has_value());
    ASSERT_EQ(run.results.size(), 6u);
    const std::vector<e2b::ChartType> want = {e2b::ChartType::Line, e2b::ChartType::Bar, e2b::ChartType::Pie,
                                              e2b::ChartType::BoxAndWhisker, e2b::ChartType::Superchart};
    for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_TRUE(run.results[i].chart.has_value()) << i;
        EXPECT_EQ(run.results[i].chart->type, want[i]) << i;
    }
    EXPECT_FALSE(run.results[5].chart.has_value());

    const e2b::Chart& line = *run.results[0].chart;
    EXPECT_STREQ(e2b::chart_type_name(line.type), "line");
    EXPECT_EQ(line.title, "line");
    EXPECT_EQ(line.x_label, "x");
    EXPECT_EQ(line.x_scale, e2b::ScaleType::Linear);
    EXPECT_EQ(line.x_ticks.size(), line.x_tick_labels.size());
    ASSERT_EQ(line.points.size(), 1u);
    EXPECT_EQ(line.points[0].label, "squares");
    ASSERT_EQ(line.points[0].points.size(), 3u);
    EXPECT_EQ(line.points[0].points[2].first.number, 3.0);
    EXPECT_EQ(line.points[0].points[2].second.number, 9.0);
    EXPECT_FALSE(line.points[0].points[2].second.text.has_value());
    EXPECT_EQ(line.json, run.results[0].get("chart"));

    const e2b::Chart& bar = *run.results[1].chart;
    ASSERT_EQ(bar.bars.size(), 3u);
    EXPECT_EQ(bar.bars[1].label, "b");
    EXPECT_EQ(bar.bars[1].value, 5.0);
    EXPECT_EQ(bar.x_scale, e2b::ScaleType::None);

    const e2b::Chart& pie = *run.results[2].chart;
    ASSERT_EQ(pie.pie.size(), 3u);
    EXPECT_EQ(pie.pie[2].label, "r");

    const e2b::Chart& box = *run.results[3].chart;
    ASSERT_EQ(box.box_and_whisker.size(), 2u);
    EXPECT_EQ(box.box_and_whisker[0].median, 3.5);
    EXPECT_EQ(box.box_and_whisker[0].outliers, std::vector<double>{30.0});

    const e2b::Chart& both = *run.results[4].chart;
    EXPECT_EQ(both.title, "both");
    ASSERT_EQ(both.charts.size(), 2u);
    EXPECT_EQ(both.charts[0].type, e2b::ChartType::Scatter);
    EXPECT_EQ(both.charts[1].type, e2b::ChartType::Bar);
    EXPECT_EQ(both.charts[1].bars.size(), 1u);
}
