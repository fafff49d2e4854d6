//! The code interpreter against a real e2b-local: run_code with output,
//! results and errors, state across runs, and code contexts.

mod common;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use common::Local;
use e2b::{ErrorKind, ExecutionEvent, RunCodeOptions, SandboxOptions};

fn code_sandbox(local: &Local) -> e2b::Sandbox {
    local.client.create_sandbox(&SandboxOptions::new("code-interpreter-v1")).unwrap()
}

#[test]
fn output_results_and_errors_come_back() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let options = RunCodeOptions::default();

    let printed = sandbox.run_code("print('hello')", &options, None).unwrap();
    assert_eq!(printed.stdout_text(), "hello\n");
    let timestamp = printed.stdout[0].timestamp.as_deref().expect("each chunk has a timestamp");
    assert!(timestamp.len() > 20 && timestamp.as_bytes()[10] == b'T', "{timestamp}");
    assert!(printed.results.is_empty() && printed.error.is_none());
    assert!(printed.execution_count.is_some());

    let value = sandbox.run_code("1 + 1", &options, None).unwrap();
    assert_eq!(value.text(), Some("2"));
    assert!(value.results[0].is_main_result);

    let data = sandbox.run_code("{'a': 1, 'b': [1, 2]}", &options, None).unwrap();
    assert_eq!(data.results[0].json, Some(serde_json::json!({"a": 1, "b": [1, 2]})));

    let failed = sandbox.run_code("1 / 0", &options, None).unwrap();
    let error = failed.error.expect("the code's error is part of the result");
    assert_eq!((error.name.as_str(), error.value.as_str()), ("ZeroDivisionError", "division by zero"));
    assert!(error.traceback.contains("1 / 0"), "{}", error.traceback);

    let stderr = sandbox.run_code("import sys; sys.stderr.write('warn\\n')", &options, None).unwrap();
    assert_eq!(stderr.stderr_text(), "warn\n");
}

#[test]
fn state_persists_and_env_vars_last_one_run() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let options = RunCodeOptions::default();
    sandbox.run_code("x = 41", &options, None).unwrap();
    assert_eq!(sandbox.run_code("x + 1", &options, None).unwrap().text(), Some("42"));

    let with_env = RunCodeOptions::default().env("FOO", "bar");
    assert_eq!(sandbox.run_code("import os; os.environ['FOO']", &with_env, None).unwrap().text(), Some("bar"));
    assert_eq!(sandbox.run_code("os.environ.get('FOO')", &options, None).unwrap().text(), None);

    sandbox.files().write("/home/user/data.txt", "from the files API").unwrap();
    let read = sandbox.run_code("open('/home/user/data.txt').read()", &options, None).unwrap();
    assert_eq!(read.text(), Some("from the files API"));
}

#[test]
fn events_arrive_while_the_code_runs_and_a_callback_can_stop_it() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    // The kernel starts first (IPython's import), so that the timing below is the stream's own.
    sandbox.run_code("1", &RunCodeOptions::default(), None).unwrap();
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut on_event = |event: ExecutionEvent<'_>| {
        let label = match event {
            ExecutionEvent::Stdout(chunk) => format!("out {}", chunk.text.trim()),
            ExecutionEvent::Stderr(chunk) => format!("err {}", chunk.text.trim()),
            ExecutionEvent::Result(result) => format!("result {}", result.text.as_deref().unwrap_or("")),
            ExecutionEvent::Error(error) => format!("error {}", error.name),
            other => format!("other {other:?}"),
        };
        seen.push((label, started.elapsed()));
        ControlFlow::Continue(())
    };
    let code = "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.4)\n'end'";
    sandbox.run_code(code, &RunCodeOptions::default(), Some(&mut on_event)).unwrap();
    let labels: Vec<_> = seen.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["out 0", "out 1", "out 2", "result end"]);
    assert!(seen[0].1 < Duration::from_millis(900), "the first line came at {:?}", seen[0].1);

    let mut stop = |_: ExecutionEvent<'_>| ControlFlow::Break(());
    let err = sandbox
        .run_code(
            "import time\nwhile True:\n    print('tick', flush=True)\n    time.sleep(0.1)",
            &RunCodeOptions::default(),
            Some(&mut stop),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted);
    // The interrupted context still answers.
    assert_eq!(sandbox.run_code("'still here'", &RunCodeOptions::default(), None).unwrap().text(), Some("still here"));
}

#[test]
fn contexts_keep_separate_state() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let context = sandbox.create_code_context(Some("python"), Some("/tmp")).unwrap();
    assert_eq!((context.language.as_str(), context.cwd.as_str()), ("python", "/tmp"));
    assert!(sandbox.list_code_contexts().unwrap().iter().any(|c| c.id == context.id));

    let in_context = RunCodeOptions::default().context_id(&context.id);
    sandbox.run_code("y = 'mine'", &in_context, None).unwrap();
    assert_eq!(sandbox.run_code("import os; os.getcwd()", &in_context, None).unwrap().text(), Some("/tmp"));
    let elsewhere = sandbox.run_code("y", &RunCodeOptions::default(), None).unwrap();
    assert_eq!(elsewhere.error.map(|e| e.name), Some("NameError".to_owned()));

    sandbox.restart_code_context(&context.id).unwrap();
    let after_restart = sandbox.run_code("y", &in_context, None).unwrap();
    assert_eq!(after_restart.error.map(|e| e.name), Some("NameError".to_owned()));

    sandbox.remove_code_context(&context.id).unwrap();
    let err = sandbox.run_code("1", &in_context, None).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)), "{err}");
    assert_eq!(sandbox.remove_code_context(&context.id).unwrap_err().kind(), ErrorKind::NotFound);

    let both = in_context.clone().language("python");
    assert_eq!(sandbox.run_code("1", &both, None).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn a_run_past_its_timeout_fails_as_a_timeout() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let short = RunCodeOptions::default().timeout(Some(Duration::from_secs(1)));
    let started = Instant::now();
    let err = sandbox.run_code("import time; time.sleep(30)", &short, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.message().contains("did not finish within its timeout of 1s"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(sandbox.run_code("2 * 21", &RunCodeOptions::default(), None).unwrap().text(), Some("42"));
}

#[test]
fn output_keeps_its_chunks_nuls_and_extra_formats() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let mut errors = Vec::new();
    let mut on_event = |event: ExecutionEvent<'_>| {
        if let ExecutionEvent::Error(error) = event {
            errors.push(error.clone());
        }
        ControlFlow::Continue(())
    };
    let code =
        "import sys, time\nprint('a\\0b', flush=True)\ntime.sleep(0.3)\nsys.stdout.write('c')\nsys.stdout.flush()\n\
                class Custom:\n    def _repr_mimebundle_(self, include=None, exclude=None):\n        \
                return {'text/plain': 'custom', 'text/x-note': 'note', 'application/vnd.x+json': {'a': 1}}\n\
                display(Custom())\n1 / 0";
    let run = sandbox.run_code(code, &RunCodeOptions::default(), Some(&mut on_event)).unwrap();
    let chunks: Vec<_> = run.stdout.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(chunks, ["a\0b\n", "c"]);
    assert!(run.stdout.iter().all(|c| c.timestamp.is_some()));

    let extra = &run.results[0].extra;
    assert_eq!(extra.get("text/x-note"), Some(&serde_json::json!("note")));
    assert_eq!(extra.get("application/vnd.x+json"), Some(&serde_json::json!({"a": 1})));

    assert_eq!(errors.len(), 1);
    assert_eq!(Some(&errors[0]), run.error.as_ref());
    assert!(errors[0].traceback.contains("ZeroDivisionError"), "{}", errors[0].traceback);
}

/// Draws one figure of each kind the code interpreter describes (and two
/// subplots, a super chart), as the SDKs' chart examples do.
pub const CHARTS_CODE: &str = "\
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9], label='squares'); plt.title('line'); plt.xlabel('x'); plt.ylabel('y'); plt.legend(); plt.show()
plt.scatter([1, 2, 3], [3, 1, 2]); plt.title('scatter'); plt.show()
plt.bar(['a', 'b', 'c'], [3, 5, 1]); plt.title('bar'); plt.xlabel('letter'); plt.ylabel('count'); plt.show()
plt.pie([1, 2, 1], labels=['p', 'q', 'r']); plt.title('pie'); plt.show()
plt.boxplot([[1, 2, 3, 4, 5, 30], [2, 3, 4]], labels=['A', 'B'], patch_artist=True); plt.title('box'); plt.show()
fig, (left, right) = plt.subplots(1, 2); left.plot([1, 2], [2, 1]); left.set_title('left'); right.bar(['u'], [1]); right.set_title('right')
fig.suptitle('both'); plt.show()";

#[test]
fn charts_come_back_typed() {
    use e2b::{ChartElements, ChartType, ChartValue, ScaleType};
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let run = sandbox.run_code(CHARTS_CODE, &RunCodeOptions::default(), None).unwrap();
    assert!(run.error.is_none(), "{:?}", run.error);
    let charts: Vec<_> = run.results.iter().map(|r| r.chart.as_ref().expect("each figure has a chart")).collect();
    let types: Vec<_> = charts.iter().map(|c| c.chart_type).collect();
    use ChartType::*;
    assert_eq!(types, [Line, Scatter, Bar, Pie, BoxAndWhisker, SuperChart]);
    let titles: Vec<_> = charts.iter().map(|c| c.title.as_deref().unwrap_or("")).collect();
    assert_eq!(titles, ["line", "scatter", "bar", "pie", "box", "both"]);

    let line = charts[0];
    assert_eq!(
        (line.x_label.as_deref(), line.y_label.as_deref(), line.x_scale),
        (Some("x"), Some("y"), Some(ScaleType::Linear))
    );
    assert!(!line.x_ticks.is_empty() && line.x_ticks.len() == line.x_tick_labels.len());
    let ChartElements::Points(series) = &line.elements else { panic!("{line:?}") };
    assert_eq!(series[0].label, "squares");
    let points: Vec<_> = series[0].points.iter().map(|(x, y)| (x.clone(), y.clone())).collect();
    let n = ChartValue::Number;
    assert_eq!(points, [(n(1.0), n(1.0)), (n(2.0), n(4.0)), (n(3.0), n(9.0))]);

    let ChartElements::Points(scatter) = &charts[1].elements else { panic!("{:?}", charts[1]) };
    assert_eq!(scatter[0].points.len(), 3);

    let ChartElements::Bars(bars) = &charts[2].elements else { panic!("{:?}", charts[2]) };
    let bars: Vec<_> = bars.iter().map(|b| (b.label.as_str(), b.value)).collect();
    assert_eq!(bars, [("a", 3.0), ("b", 5.0), ("c", 1.0)]);
    assert_eq!((charts[2].x_label.as_deref(), charts[2].y_label.as_deref()), (Some("letter"), Some("count")));

    let ChartElements::Pie(slices) = &charts[3].elements else { panic!("{:?}", charts[3]) };
    let labels: Vec<_> = slices.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["p", "q", "r"]);
    assert!((slices.iter().map(|s| s.angle).sum::<f64>() - 360.0).abs() < 1e-6);

    let ChartElements::BoxAndWhisker(boxes) = &charts[4].elements else { panic!("{:?}", charts[4]) };
    assert_eq!((boxes[0].label.as_str(), boxes[0].median, &boxes[0].outliers[..]), ("A", 3.5, &[30.0][..]));
    assert_eq!((boxes[1].min, boxes[1].max), (2.0, 4.0));

    let ChartElements::Charts(children) = &charts[5].elements else { panic!("{:?}", charts[5]) };
    let children: Vec<_> = children.iter().map(|c| (c.chart_type, c.title.as_deref())).collect();
    assert_eq!(children, [(Line, Some("left")), (Bar, Some("right"))]);

    // The JSON as sent stays available, and is what the "chart" format gives.
    let format = run.results[0].formats().find(|(name, _)| *name == "chart").unwrap().1;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&format).unwrap(), *line.raw());
}

#[test]
fn bash_runs_in_a_persistent_shell_and_other_languages_fail_as_on_e2b() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let bash = RunCodeOptions::default().language("bash");
    let first = sandbox.run_code("x=5; cd /tmp; echo hello; echo oops >&2", &bash, None).unwrap();
    // Through bash_kernel's terminal, stderr comes as stdout, a line at a time.
    let chunks: Vec<_> = first.stdout.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(chunks, ["hello\n", "oops\n"]);
    assert!(first.error.is_none() && first.results.is_empty());

    let second = sandbox.run_code("echo $x $(pwd) $FOO", &bash.clone().env("FOO", "bar"), None).unwrap();
    assert_eq!(second.stdout_text(), "5 /tmp bar\n");
    assert_eq!(sandbox.run_code("echo ${FOO-unset}", &bash, None).unwrap().stdout_text(), "unset\n");

    // A failing cell: bash_kernel's error, the exit status as its value.
    let failed = sandbox.run_code("echo before; (exit 3)", &bash, None).unwrap();
    let error = failed.error.clone().expect("a non-zero exit status is an error");
    assert_eq!((error.name.as_str(), error.value.as_str(), error.traceback.as_str()), ("", "3", ""));
    assert_eq!(failed.stdout_text(), "before\n");

    // The Python context is another kernel; a bash context of its own keeps its own state.
    assert_eq!(sandbox.run_code("'x' in globals()", &RunCodeOptions::default(), None).unwrap().text(), Some("False"));
    let context = sandbox.create_code_context(Some("bash"), Some("/home/user")).unwrap();
    assert_eq!(context.language, "bash");
    let own = RunCodeOptions::default().context_id(&context.id);
    assert_eq!(sandbox.run_code("echo ${x-none} $(pwd)", &own, None).unwrap().stdout_text(), "none /home/user\n");
    let languages: Vec<_> = sandbox.list_code_contexts().unwrap().into_iter().map(|c| c.language).collect();
    assert_eq!(languages.iter().filter(|l| *l == "bash").count(), 2, "{languages:?}");

    // `exit` ends the shell: it starts again, as bash_kernel restarts it.
    let exited = sandbox.run_code("exit 1", &bash, None).unwrap();
    assert_eq!(exited.stdout_text(), "Restarting Bash");
    assert_eq!(sandbox.run_code("echo ${x-gone}", &bash, None).unwrap().stdout_text(), "gone\n");

    let err = sandbox.run_code("1", &RunCodeOptions::default().language("r"), None).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(500)), "{err}");
    assert!(err.message().contains("No such kernel named r"), "{err}");
}

#[test]
fn javascript_keeps_its_state_in_one_context() {
    let local = Local::start();
    let sandbox = code_sandbox(&local);
    let js = RunCodeOptions::default().language("javascript");
    let first = sandbox.run_code("let x = 40; console.log('hi'); console.error('warn'); x + 2", &js, None).unwrap();
    assert_eq!(
        (first.stdout_text().as_str(), first.stderr_text().as_str(), first.text()),
        ("hi\n", "warn\n", Some("42"))
    );
    let second = sandbox.run_code("x + Number(process.env.N)", &js.clone().env("N", "1"), None).unwrap();
    assert_eq!(second.text(), Some("41"));
    assert_eq!(sandbox.run_code("process.env.N", &js, None).unwrap().text(), None);
    assert_eq!(sandbox.run_code("Promise.resolve('done')", &js, None).unwrap().text(), Some("'done'"));

    let failed = sandbox.run_code("y.z", &js, None).unwrap();
    let error = failed.error.expect("the exception is the run's error");
    assert_eq!((error.name.as_str(), error.value.as_str()), ("ReferenceError", "y is not defined"));
    assert!(error.traceback.contains("ReferenceError: y is not defined"), "{}", error.traceback);

    let context = sandbox.create_code_context(Some("js"), None).unwrap();
    assert_eq!(context.language, "javascript");
    let own = RunCodeOptions::default().context_id(&context.id);
    assert_eq!(sandbox.run_code("typeof x", &own, None).unwrap().text(), Some("'undefined'"));
    assert_eq!(sandbox.run_code("process.cwd()", &own, None).unwrap().text(), Some("'/home/user'"));

    // A run past its timeout is interrupted; the context keeps its state.
    let short = js.clone().timeout(Some(Duration::from_secs(1)));
    assert_eq!(sandbox.run_code("while (true) {}", &short, None).unwrap_err().kind(), ErrorKind::Timeout);
    assert_eq!(sandbox.run_code("x", &js, None).unwrap().text(), Some("40"));
}
