/*
 * C tests of commands and the code interpreter: each function with good
 * arguments, NULL for each pointer and invalid UTF-8 for each string, linked
 * against the real library and run against a real e2b-local.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static e2b_client *client;
static e2b_sandbox *sandbox;

struct output {
    char text[4096];
    size_t len;
    int chunks;
    int stop;
};

static int32_t on_output(void *user_data, e2b_stream stream, const uint8_t *data, size_t len) {
    struct output *out = user_data;
    if (stream == E2B_STREAM_STDOUT && out->len + len < sizeof out->text) {
        memcpy(out->text + out->len, data, len);
        out->len += len;
    }
    out->chunks++;
    return out->stop;
}

static void test_command_options(void) {
    e2b_error *err = NULL;
    e2b_command_options *o = e2b_command_options_new();
    EXPECT_OK(e2b_command_options_set_env(o, "GREETING", "hi", NULL));
    EXPECT_OK(e2b_command_options_set_cwd(o, "/tmp", NULL));
    EXPECT_OK(e2b_command_options_set_user(o, "root", NULL));
    EXPECT_OK(e2b_command_options_set_timeout_ms(o, 20000, NULL));
    EXPECT_OK(e2b_command_options_set_stdin(o, false, NULL));
    EXPECT_ERR(e2b_command_options_set_env(NULL, "a", "b", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_command_options_set_env(o, NULL, "b", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_command_options_set_env(o, "a", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "value");
    EXPECT_ERR(e2b_command_options_set_env(o, BAD_UTF8, "b", &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT_ERR(e2b_command_options_set_env(o, "a", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_ERR(e2b_command_options_set_cwd(NULL, "/", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_command_options_set_cwd(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "cwd");
    EXPECT_ERR(e2b_command_options_set_cwd(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "cwd");
    EXPECT_ERR(e2b_command_options_set_user(NULL, "u", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_command_options_set_user(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "user");
    EXPECT_ERR(e2b_command_options_set_user(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "user");
    EXPECT_ERR(e2b_command_options_set_timeout_ms(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_command_options_set_stdin(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");

    struct output out = {{0}, 0, 0, 0};
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_commands_run(sandbox, "echo \"$GREETING\"; pwd; id -u", o, on_output, &out, &result, NULL, NULL));
    EXPECT(out.len == strlen("hi\n/tmp\n0\n") && memcmp(out.text, "hi\n/tmp\n0\n", out.len) == 0);
    e2b_command_result_free(result);
    e2b_command_options_free(o);
    e2b_command_options_free(NULL);
}

static void test_run(void) {
    e2b_error *err = NULL;
    e2b_command_result *result = NULL;
    size_t len = 0;
    EXPECT_OK(e2b_commands_run(sandbox, "printf 'a\\000b'; echo err >&2; exit 7", NULL, NULL, NULL, &result, NULL, NULL));
    EXPECT(e2b_command_result_exit_code(result) == 7);
    const uint8_t *stdout_data = e2b_command_result_stdout(result, &len);
    EXPECT(len == 3 && memcmp(stdout_data, "a\0b\0", 4) == 0); /* a NUL after, not counted */
    EXPECT(memcmp(e2b_command_result_stderr(result, &len), "err\n", 4) == 0 && len == 4);
    EXPECT_STR((const char *)e2b_command_result_stderr(result, NULL), "err\n");
    EXPECT_STR(e2b_command_result_error(result), "exit status 7");
    EXPECT_ERR(e2b_command_result_check(result, &err), E2B_ERR_COMMAND_EXIT, err, "code 7");
    e2b_command_result_free(result);

    EXPECT_OK(e2b_commands_run(sandbox, "true", NULL, NULL, NULL, &result, NULL, NULL));
    EXPECT_OK(e2b_command_result_check(result, NULL));
    EXPECT(e2b_command_result_error(result) == NULL);
    e2b_command_result_free(result);

    struct output stopper = {{0}, 0, 0, 1};
    EXPECT_ERR(e2b_commands_run(sandbox, "while true; do echo y; sleep 0.1; done", NULL, on_output, &stopper, &result,
                                NULL,
                                &err),
               E2B_ERR_CALLBACK_ABORTED, err, "callback");
    EXPECT(result == NULL);

    e2b_command_options *short_life = e2b_command_options_new();
    EXPECT_OK(e2b_command_options_set_timeout_ms(short_life, 500, NULL));
    EXPECT_ERR(e2b_commands_run(sandbox, "sleep 30", short_life, NULL, NULL, &result, NULL, &err), E2B_ERR_TIMEOUT, err,
               "");
    e2b_command_options_free(short_life);

    EXPECT_ERR(e2b_commands_run(NULL, "true", NULL, NULL, NULL, &result, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_commands_run(sandbox, NULL, NULL, NULL, NULL, &result, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "cmd");
    EXPECT_ERR(e2b_commands_run(sandbox, BAD_UTF8, NULL, NULL, NULL, &result, NULL, &err), E2B_ERR_INVALID_UTF8, err, "cmd");
    EXPECT_ERR(e2b_commands_run(sandbox, "true", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_command_result_check(NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "result");
    EXPECT(e2b_command_result_exit_code(NULL) == -1);
    EXPECT(e2b_command_result_stdout(NULL, &len) == NULL && len == 0);
    EXPECT(e2b_command_result_stderr(NULL, NULL) == NULL);
    EXPECT(e2b_command_result_error(NULL) == NULL);
    e2b_command_result_free(NULL);
}

static void test_background(void) {
    e2b_error *err = NULL;
    e2b_command_options *o = e2b_command_options_new();
    EXPECT_OK(e2b_command_options_set_stdin(o, true, NULL));
    e2b_command *cat = NULL;
    EXPECT_OK(e2b_commands_start(sandbox, "cat", o, &cat, NULL, NULL));
    e2b_command_options_free(o);
    uint32_t pid = e2b_command_pid(cat);
    EXPECT(pid > 0);

    EXPECT_OK(e2b_command_send_stdin(cat, (const uint8_t *)"one\n", 4, NULL, NULL));
    int32_t stream = -1;
    e2b_bytes data = {0};
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_command_next_output(cat, 10000, &stream, &data, &result, NULL, NULL));
    EXPECT(stream == E2B_STREAM_STDOUT && data.len == 4 && memcmp(data.data, "one\n", 4) == 0 && result == NULL);
    e2b_bytes_dispose(&data);
    EXPECT_OK(e2b_command_next_output(cat, 50, &stream, &data, &result, NULL, NULL));
    EXPECT(stream == 0 && data.len == 0 && result == NULL);

    EXPECT_OK(e2b_commands_send_stdin(sandbox, pid, (const uint8_t *)"two\n", 4, NULL, NULL));
    EXPECT_OK(e2b_command_close_stdin(cat, NULL, NULL));
    struct output out = {{0}, 0, 0, 0};
    EXPECT_OK(e2b_command_wait(cat, on_output, &out, &result, NULL, NULL));
    EXPECT(e2b_command_result_exit_code(result) == 0);
    EXPECT(out.len == 4 && memcmp(out.text, "two\n", 4) == 0);
    size_t len = 0;
    e2b_command_result_stdout(result, &len);
    EXPECT(len == 8);
    e2b_command_result_free(result);
    EXPECT_OK(e2b_command_next_output(cat, 0, &stream, &data, &result, NULL, NULL));
    EXPECT(result != NULL && e2b_command_result_exit_code(result) == 0);
    e2b_command_result_free(result);
    e2b_command_free(cat);

    e2b_command *sleeper = NULL;
    EXPECT_OK(e2b_commands_start(sandbox, "sleep 600", NULL, &sleeper, NULL, NULL));
    e2b_process_list *list = NULL;
    EXPECT_OK(e2b_commands_list(sandbox, &list, NULL, NULL));
    bool listed = false;
    for (size_t i = 0; i < e2b_process_list_len(list); i++) {
        const e2b_process_info *info = e2b_process_list_get(list, i);
        if (e2b_process_info_pid(info) == e2b_command_pid(sleeper)) {
            listed = true;
            EXPECT_STR(e2b_process_info_cmd(info), "/bin/bash");
            EXPECT(e2b_process_info_args_len(info) == 3);
            EXPECT_STR(e2b_process_info_args_get(info, 2), "sleep 600");
            EXPECT(e2b_process_info_args_get(info, 3) == NULL);
            (void)e2b_process_info_cwd(info);
            (void)e2b_process_info_tag(info);
            EXPECT(e2b_process_info_envs_get(info, "NOT_SET") == NULL);
            EXPECT(e2b_process_info_envs_get(info, NULL) == NULL);
        }
    }
    EXPECT(listed);
    EXPECT(e2b_process_list_get(list, e2b_process_list_len(list)) == NULL);
    e2b_process_list_free(list);
    EXPECT(e2b_process_list_len(NULL) == 0 && e2b_process_list_get(NULL, 0) == NULL);
    EXPECT(e2b_process_info_pid(NULL) == 0 && e2b_process_info_cmd(NULL) == NULL);
    EXPECT(e2b_process_info_args_len(NULL) == 0 && e2b_process_info_args_get(NULL, 0) == NULL);
    EXPECT(e2b_process_info_cwd(NULL) == NULL && e2b_process_info_tag(NULL) == NULL);
    EXPECT(e2b_process_info_envs_get(NULL, "A") == NULL);
    e2b_process_list_free(NULL);

    /* Reattach, then kill through the new handle. */
    e2b_command *again = NULL;
    EXPECT_OK(e2b_commands_connect(sandbox, e2b_command_pid(sleeper), &again, NULL, NULL));
    e2b_command_free(sleeper);
    bool killed = false;
    EXPECT_OK(e2b_command_kill(again, &killed, NULL, NULL));
    EXPECT(killed);
    EXPECT_OK(e2b_command_wait(again, NULL, NULL, &result, NULL, NULL));
    EXPECT(e2b_command_result_exit_code(result) == -1);
    e2b_command_result_free(result);
    EXPECT_OK(e2b_commands_kill(sandbox, e2b_command_pid(again), &killed, NULL, NULL));
    EXPECT(!killed);
    e2b_command_free(again);
    e2b_command_free(NULL);

    EXPECT_ERR(e2b_commands_send_stdin(sandbox, 999999, (const uint8_t *)"x", 1, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_commands_close_stdin(sandbox, 999999, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    e2b_command *none = NULL;
    EXPECT_ERR(e2b_commands_connect(sandbox, 999999, &none, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_commands_start(NULL, "true", NULL, &none, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_commands_start(sandbox, NULL, NULL, &none, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "cmd");
    EXPECT_ERR(e2b_commands_start(sandbox, BAD_UTF8, NULL, &none, NULL, &err), E2B_ERR_INVALID_UTF8, err, "cmd");
    EXPECT_ERR(e2b_commands_start(sandbox, "true", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_commands_connect(NULL, 1, &none, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_commands_connect(sandbox, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_commands_list(NULL, &list, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_commands_list(sandbox, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_commands_kill(NULL, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_commands_send_stdin(NULL, 1, NULL, 0, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_commands_send_stdin(sandbox, 1, NULL, 3, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "data");
    EXPECT_ERR(e2b_commands_close_stdin(NULL, 1, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_command_wait(NULL, NULL, NULL, &result, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "command");
    EXPECT_ERR(e2b_command_next_output(NULL, 0, &stream, &data, &result, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "command");
    EXPECT_ERR(e2b_command_send_stdin(NULL, NULL, 0, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "command");
    EXPECT_ERR(e2b_command_close_stdin(NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "command");
    EXPECT_ERR(e2b_command_kill(NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "command");
    EXPECT(e2b_command_pid(NULL) == 0);
}

struct execution_seen {
    int stdout_chunks, results, errors;
    char last_result[64];
    char traceback[4096];
};

static int32_t on_execution(void *user_data, e2b_execution_output output, const e2b_execution *execution,
                            size_t index) {
    struct execution_seen *seen = user_data;
    size_t len = 0;
    switch (output) {
    case E2B_EXECUTION_STDOUT:
        seen->stdout_chunks++;
        EXPECT(e2b_execution_chunks_len(execution, E2B_STREAM_STDOUT) == index + 1);
        EXPECT(e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, index, &len) != NULL && len > 0);
        EXPECT(e2b_execution_chunks_timestamp(execution, E2B_STREAM_STDOUT, index) != NULL);
        break;
    case E2B_EXECUTION_RESULT:
        seen->results++;
        snprintf(seen->last_result, sizeof seen->last_result, "%s",
                 e2b_execution_result_formats_get(e2b_execution_results_get(execution, index), "text"));
        break;
    case E2B_EXECUTION_ERROR:
        seen->errors++;
        EXPECT(index == 0);
        EXPECT_STR(e2b_execution_error_name(execution), "ZeroDivisionError");
        snprintf(seen->traceback, sizeof seen->traceback, "%s", e2b_execution_error_traceback(execution));
        break;
    default:
        break;
    }
    return 0;
}

/* Output keeps its chunks (exact bytes, NULs included) and their
 * timestamps; formats without a name of their own keep their MIME type. */
static void test_code_output(void) {
    e2b_execution *execution = NULL;
    struct execution_seen seen = {0, 0, 0, {0}, {0}};
    const char *code = "import sys, time\nprint('a\\0b', flush=True)\ntime.sleep(0.3)\nsys.stdout.write('c')\nsys.stdout.flush()\n"
                       "class Custom:\n"
                       "    def _repr_mimebundle_(self, include=None, exclude=None):\n"
                       "        return {'text/plain': 'custom', 'text/x-note': 'note', 'application/vnd.x+json': {'a': 1}}\n"
                       "display(Custom())\n1 / 0";
    EXPECT_OK(e2b_code_run(sandbox, code, NULL, on_execution, &seen, &execution, NULL, NULL));
    EXPECT(seen.stdout_chunks == 2 && seen.results == 1 && seen.errors == 1);
    EXPECT(strstr(seen.traceback, "ZeroDivisionError") != NULL);
    EXPECT_STR(e2b_execution_error_traceback(execution), seen.traceback);

    EXPECT(e2b_execution_chunks_len(execution, E2B_STREAM_STDOUT) == 2);
    EXPECT(e2b_execution_chunks_len(execution, E2B_STREAM_STDERR) == 0);
    size_t len = 99;
    const uint8_t *data = e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, 0, &len);
    EXPECT(len == 4 && data != NULL && memcmp(data, "a\0b\n", 5) == 0);
    data = e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, 1, &len);
    EXPECT(len == 1 && data != NULL && memcmp(data, "c", 2) == 0);
    const char *timestamp = e2b_execution_chunks_timestamp(execution, E2B_STREAM_STDOUT, 0);
    EXPECT(timestamp != NULL && strlen(timestamp) > 20 && timestamp[10] == 'T');
    /* The joined text is a C string: the NUL shows as U+FFFD. */
    EXPECT_STR(e2b_execution_stdout(execution), "a\xEF\xBF\xBD" "b\nc");
    EXPECT(e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, 2, &len) == NULL && len == 0);
    EXPECT(e2b_execution_chunks_get(execution, 7, 0, &len) == NULL && e2b_execution_chunks_len(execution, 7) == 0);
    EXPECT(e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, 0, NULL) != NULL);
    EXPECT(e2b_execution_chunks_timestamp(execution, E2B_STREAM_STDERR, 0) == NULL);
    EXPECT(e2b_execution_chunks_len(NULL, E2B_STREAM_STDOUT) == 0);
    EXPECT(e2b_execution_chunks_get(NULL, E2B_STREAM_STDOUT, 0, &len) == NULL && len == 0);
    EXPECT(e2b_execution_chunks_timestamp(NULL, E2B_STREAM_STDOUT, 0) == NULL);

    const e2b_execution_result *result = e2b_execution_results_get(execution, 0);
    EXPECT_STR(e2b_execution_result_formats_get(result, "text"), "custom");
    EXPECT(e2b_execution_result_formats_get(result, "extra") == NULL);
    EXPECT(e2b_execution_result_extras_len(result) == 2);
    EXPECT_STR(e2b_execution_result_extras_key(result, 0), "application/vnd.x+json");
    EXPECT_STR(e2b_execution_result_extras_value(result, 0), "{\"a\":1}");
    EXPECT_STR(e2b_execution_result_extras_key(result, 1), "text/x-note");
    EXPECT_STR(e2b_execution_result_extras_value(result, 1), "note");
    EXPECT(e2b_execution_result_extras_key(result, 2) == NULL);
    EXPECT(e2b_execution_result_extras_value(result, 2) == NULL);
    EXPECT(e2b_execution_result_extras_len(NULL) == 0 && e2b_execution_result_extras_key(NULL, 0) == NULL);
    EXPECT(e2b_execution_result_extras_value(NULL, 0) == NULL);
    e2b_execution_free(execution);
}

static void test_code(void) {
    e2b_error *err = NULL;
    e2b_execution *execution = NULL;
    struct execution_seen seen = {0, 0, 0, {0}, {0}};
    EXPECT_OK(e2b_code_run(sandbox, "print('hi')\n{'a': [1, 2]}", NULL, on_execution, &seen, &execution, NULL, NULL));
    EXPECT(seen.stdout_chunks == 1 && seen.results == 1);
    EXPECT_STR(e2b_execution_stdout(execution), "hi\n");
    EXPECT_STR(e2b_execution_stderr(execution), "");
    EXPECT_STR(e2b_execution_text(execution), "{'a': [1, 2]}");
    EXPECT(e2b_execution_results_len(execution) == 1);
    const e2b_execution_result *result = e2b_execution_results_get(execution, 0);
    EXPECT(e2b_execution_result_is_main(result));
    EXPECT_STR(e2b_execution_result_formats_get(result, "json"), "{\"a\":[1,2]}");
    EXPECT(e2b_execution_result_formats_get(result, "png") == NULL);
    EXPECT(e2b_execution_result_formats_get(result, NULL) == NULL);
    EXPECT(e2b_execution_result_formats_len(result) == 2);
    EXPECT_STR(e2b_execution_result_formats_key(result, 0), "text");
    EXPECT(e2b_execution_result_formats_key(result, 2) == NULL);
    EXPECT(e2b_execution_count(execution) > 0);
    EXPECT(e2b_execution_error_name(execution) == NULL);
    EXPECT(e2b_execution_results_get(execution, 1) == NULL);
    e2b_execution_free(execution);

    EXPECT_OK(e2b_code_run(sandbox, "1/0", NULL, on_execution, &seen, &execution, NULL, NULL));
    EXPECT(seen.errors == 1);
    EXPECT_STR(e2b_execution_error_name(execution), "ZeroDivisionError");
    EXPECT_STR(e2b_execution_error_value(execution), "division by zero");
    EXPECT(strstr(e2b_execution_error_traceback(execution), "1/0") != NULL);
    EXPECT(e2b_execution_text(execution) == NULL);
    e2b_execution_free(execution);

    e2b_run_code_options *o = e2b_run_code_options_new();
    EXPECT_OK(e2b_run_code_options_set_env(o, "FOO", "bar", NULL));
    EXPECT_OK(e2b_run_code_options_set_timeout_ms(o, 60000, NULL));
    EXPECT_OK(e2b_run_code_options_set_language(o, "python", NULL));
    EXPECT_OK(e2b_code_run(sandbox, "import os; os.environ['FOO']", o, NULL, NULL, &execution, NULL, NULL));
    EXPECT_STR(e2b_execution_text(execution), "bar");
    e2b_execution_free(execution);

    e2b_code_context *context = NULL;
    EXPECT_OK(e2b_code_create_context(sandbox, NULL, "/tmp", &context, NULL, NULL));
    EXPECT(strlen(e2b_code_context_id(context)) > 0);
    EXPECT_STR(e2b_code_context_language(context), "python");
    EXPECT_STR(e2b_code_context_cwd(context), "/tmp");
    /* A language and a context together are refused. */
    EXPECT_OK(e2b_run_code_options_set_context_id(o, e2b_code_context_id(context), NULL));
    EXPECT_ERR(e2b_code_run(sandbox, "1", o, NULL, NULL, &execution, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "");
    e2b_run_code_options_free(o);
    o = e2b_run_code_options_new();
    EXPECT_OK(e2b_run_code_options_set_context_id(o, e2b_code_context_id(context), NULL));
    EXPECT_OK(e2b_code_run(sandbox, "import os; os.getcwd()", o, NULL, NULL, &execution, NULL, NULL));
    EXPECT_STR(e2b_execution_text(execution), "/tmp");
    e2b_execution_free(execution);

    e2b_code_context_list *contexts = NULL;
    EXPECT_OK(e2b_code_list_contexts(sandbox, &contexts, NULL, NULL));
    bool found = false;
    for (size_t i = 0; i < e2b_code_context_list_len(contexts); i++) {
        found |= strcmp(e2b_code_context_id(e2b_code_context_list_get(contexts, i)), e2b_code_context_id(context)) == 0;
    }
    EXPECT(found);
    EXPECT(e2b_code_context_list_get(contexts, e2b_code_context_list_len(contexts)) == NULL);
    e2b_code_context_list_free(contexts);

    EXPECT_OK(e2b_code_restart_context(sandbox, e2b_code_context_id(context), NULL, NULL));
    EXPECT_OK(e2b_code_remove_context(sandbox, e2b_code_context_id(context), NULL, NULL));
    EXPECT_ERR(e2b_code_run(sandbox, "1", o, NULL, NULL, &execution, NULL, &err), E2B_ERR_NOT_FOUND, err, "not found");
    EXPECT_ERR(e2b_code_remove_context(sandbox, e2b_code_context_id(context), NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_code_restart_context(sandbox, e2b_code_context_id(context), NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    e2b_code_context_free(context);
    e2b_run_code_options_free(o);

    EXPECT_ERR(e2b_run_code_options_set_language(NULL, "python", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    o = e2b_run_code_options_new();
    EXPECT_ERR(e2b_run_code_options_set_language(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "language");
    EXPECT_ERR(e2b_run_code_options_set_language(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "language");
    EXPECT_ERR(e2b_run_code_options_set_context_id(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "context_id");
    EXPECT_ERR(e2b_run_code_options_set_context_id(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "context_id");
    EXPECT_ERR(e2b_run_code_options_set_env(o, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_run_code_options_set_env(o, "n", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_ERR(e2b_run_code_options_set_timeout_ms(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    e2b_run_code_options_free(o);
    e2b_run_code_options_free(NULL);
    EXPECT_ERR(e2b_code_run(NULL, "1", NULL, NULL, NULL, &execution, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_code_run(sandbox, NULL, NULL, NULL, NULL, &execution, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "code");
    EXPECT_ERR(e2b_code_run(sandbox, BAD_UTF8, NULL, NULL, NULL, &execution, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "code");
    EXPECT_ERR(e2b_code_run(sandbox, "1", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_code_create_context(NULL, NULL, NULL, &context, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_code_create_context(sandbox, BAD_UTF8, NULL, &context, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "language");
    EXPECT_ERR(e2b_code_create_context(sandbox, NULL, BAD_UTF8, &context, NULL, &err), E2B_ERR_INVALID_UTF8, err, "cwd");
    EXPECT_ERR(e2b_code_create_context(sandbox, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_code_list_contexts(NULL, &contexts, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_code_list_contexts(sandbox, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_code_restart_context(NULL, "x", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_code_restart_context(sandbox, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "context_id");
    EXPECT_ERR(e2b_code_restart_context(sandbox, BAD_UTF8, NULL, &err), E2B_ERR_INVALID_UTF8, err, "context_id");
    EXPECT_ERR(e2b_code_remove_context(NULL, "x", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_code_remove_context(sandbox, BAD_UTF8, NULL, &err), E2B_ERR_INVALID_UTF8, err, "context_id");
    EXPECT(e2b_execution_text(NULL) == NULL && e2b_execution_results_len(NULL) == 0);
    EXPECT(e2b_execution_results_get(NULL, 0) == NULL && e2b_execution_stdout(NULL) == NULL);
    EXPECT(e2b_execution_stderr(NULL) == NULL && e2b_execution_error_name(NULL) == NULL);
    EXPECT(e2b_execution_error_value(NULL) == NULL && e2b_execution_error_traceback(NULL) == NULL);
    EXPECT(e2b_execution_count(NULL) == -1);
    EXPECT(!e2b_execution_result_is_main(NULL) && e2b_execution_result_formats_len(NULL) == 0);
    EXPECT(e2b_execution_result_formats_key(NULL, 0) == NULL && e2b_execution_result_formats_get(NULL, "text") == NULL);
    EXPECT(e2b_code_context_id(NULL) == NULL && e2b_code_context_language(NULL) == NULL);
    EXPECT(e2b_code_context_cwd(NULL) == NULL);
    EXPECT(e2b_code_context_list_len(NULL) == 0 && e2b_code_context_list_get(NULL, 0) == NULL);
    e2b_execution_free(NULL);
    e2b_code_context_free(NULL);
    e2b_code_context_list_free(NULL);
}

int main(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_template(options, "code-interpreter-v1", NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, options, &sandbox, NULL, NULL));
    e2b_sandbox_options_free(options);
    RUN(test_command_options);
    RUN(test_run);
    RUN(test_background);
    RUN(test_code);
    RUN(test_code_output);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return testing_summary();
}
