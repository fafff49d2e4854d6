/*
 * C tests of terminals (e2b_pty_*), input streams (e2b_input_stream_*),
 * retained output and attaching with options: each function with good
 * arguments and NULL for each pointer, linked against the real library and
 * run against a real e2b-local.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static e2b_client *client;
static e2b_sandbox *sandbox;

/* What a terminal showed, pulled until `needle` appears (or 20 s pass). */
struct screen {
    char text[16384];
    size_t len;
};

static int read_until(e2b_command *shell, struct screen *screen, const char *needle) {
    for (int i = 0; i < 100; i++) {
        int32_t stream = 0;
        e2b_bytes data = {0};
        e2b_command_result *result = NULL;
        e2b_error *err = NULL;
        if (e2b_command_next_output(shell, 200, &stream, &data, &result, NULL, &err) != E2B_OK) {
            FAIL("next_output: %s", e2b_error_message(err));
            e2b_error_free(err);
            return 0;
        }
        if (result != NULL) {
            FAIL("the shell ended before \"%s\"", needle);
            e2b_command_result_free(result);
            return 0;
        }
        if (stream != 0) EXPECT(stream == E2B_STREAM_PTY);
        if (data.len > 0 && screen->len + data.len < sizeof screen->text) {
            memcpy(screen->text + screen->len, data.data, data.len);
            screen->len += data.len;
            screen->text[screen->len] = 0;
        }
        e2b_bytes_dispose(&data);
        if (strstr(screen->text, needle) != NULL) return 1;
    }
    FAIL("no \"%s\" in \"%s\"", needle, screen->text);
    return 0;
}

static void send(e2b_command *shell, const char *text) {
    EXPECT_OK(e2b_command_send_stdin(shell, (const uint8_t *)text, strlen(text), NULL, NULL));
}

struct seen {
    char text[16384];
    size_t len;
    int other_streams;
};

static int32_t collect(void *user_data, e2b_stream stream, const uint8_t *data, size_t len) {
    struct seen *seen = user_data;
    if (stream != E2B_STREAM_PTY) seen->other_streams++;
    if (seen->len + len < sizeof seen->text) {
        memcpy(seen->text + seen->len, data, len);
        seen->len += len;
        seen->text[seen->len] = 0;
    }
    return 0;
}

static void test_pty_options(void) {
    e2b_error *err = NULL;
    e2b_pty_options *o = e2b_pty_options_new();
    EXPECT_OK(e2b_pty_options_set_env(o, "GREETING", "hi", NULL));
    EXPECT_OK(e2b_pty_options_set_cwd(o, "/tmp", NULL));
    EXPECT_OK(e2b_pty_options_set_user(o, "root", NULL));
    EXPECT_OK(e2b_pty_options_set_timeout_ms(o, 30000, NULL));
    EXPECT_ERR(e2b_pty_options_set_env(NULL, "a", "b", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_pty_options_set_env(o, NULL, "b", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_pty_options_set_env(o, "a", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_ERR(e2b_pty_options_set_cwd(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "cwd");
    EXPECT_ERR(e2b_pty_options_set_user(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "user");
    EXPECT_ERR(e2b_pty_options_set_timeout_ms(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");

    /* The callback form: everything the terminal shows, as E2B_STREAM_PTY chunks. */
    e2b_command *shell = NULL;
    EXPECT_OK(e2b_pty_create(sandbox, 24, 80, o, &shell, NULL, NULL));
    EXPECT(e2b_command_is_pty(shell));
    send(shell, "echo \"<$GREETING $(pwd) $(whoami) $TERM>\"; exit 5\n");
    struct seen seen = {{0}, 0, 0};
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_command_wait(shell, collect, &seen, &result, NULL, NULL));
    EXPECT(strstr(seen.text, "<hi /tmp root xterm-256color>") != NULL);
    EXPECT(seen.other_streams == 0);
    EXPECT(e2b_command_result_exit_code(result) == 5);
    size_t len = 1;
    e2b_command_result_stdout(result, &len);
    EXPECT(len == 0);
    e2b_command_result_free(result);
    e2b_command_free(shell);
    e2b_pty_options_free(o);
}

static void test_pty_session(void) {
    e2b_error *err = NULL;
    e2b_command *shell = NULL;
    EXPECT_OK(e2b_pty_create(sandbox, 24, 80, NULL, &shell, NULL, NULL));
    if (shell == NULL) return;
    uint32_t pid = e2b_command_pid(shell);
    struct screen screen = {{0}, 0};
    send(shell, "stty size; echo one-$((6 * 7))\n");
    read_until(shell, &screen, "one-42");
    EXPECT(strstr(screen.text, "24 80\r\n") != NULL);

    EXPECT_OK(e2b_pty_resize(sandbox, pid, 40, 120, NULL, NULL));
    const char *line = "stty size\n";
    EXPECT_OK(e2b_pty_send_stdin(sandbox, pid, (const uint8_t *)line, strlen(line), NULL, NULL));
    read_until(shell, &screen, "40 120\r\n");

    /* A second follower, attached with a time limit. */
    e2b_connect_options *follow = e2b_connect_options_new();
    EXPECT_OK(e2b_connect_options_set_timeout_ms(follow, 30000, NULL));
    EXPECT_OK(e2b_connect_options_set_retain_output(follow, false, NULL));
    e2b_command *attached = NULL;
    EXPECT_OK(e2b_pty_connect(sandbox, pid, follow, &attached, NULL, NULL));
    e2b_connect_options_free(follow);

    /* An input stream with quick keepalives. */
    e2b_input_options *io = e2b_input_options_new();
    EXPECT_OK(e2b_input_options_set_timeout_ms(io, E2B_TIMEOUT_NONE, NULL));
    EXPECT_OK(e2b_input_options_set_keepalive_interval_ms(io, 100, NULL));
    EXPECT_ERR(e2b_input_options_set_keepalive_interval_ms(io, E2B_TIMEOUT_NONE, &err), E2B_ERR_INVALID_ARGUMENT,
               err, "interval_ms");
    e2b_input_stream *input = NULL;
    EXPECT_OK(e2b_pty_open_input(sandbox, pid, io, &input, NULL, NULL));
    e2b_input_options_free(io);
    EXPECT(e2b_input_stream_is_streaming(input));
    EXPECT_OK(e2b_input_stream_write(input, (const uint8_t *)"echo str", 8, NULL, NULL));
    EXPECT_OK(e2b_input_stream_write(input, (const uint8_t *)"eamed-$((5 * 5))\n", 17, NULL, NULL));
    EXPECT_OK(e2b_input_stream_write(input, NULL, 0, NULL, NULL));
    struct screen second = {{0}, 0};
    if (attached != NULL) read_until(attached, &second, "streamed-25");
    EXPECT_OK(e2b_input_stream_close(input, NULL, NULL));
    EXPECT_ERR(e2b_input_stream_close(input, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "closed");
    EXPECT_ERR(e2b_input_stream_write(input, (const uint8_t *)"x", 1, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "closed");
    EXPECT(!e2b_input_stream_is_streaming(input));
    e2b_input_stream_free(input);

    bool killed = false;
    EXPECT_OK(e2b_pty_kill(sandbox, pid, &killed, NULL, NULL));
    EXPECT(killed);
    e2b_command_result *result = NULL;
    if (attached != NULL) {
        EXPECT_OK(e2b_command_wait(attached, NULL, NULL, &result, NULL, NULL));
        EXPECT(e2b_command_result_exit_code(result) == -1);
        e2b_command_result_free(result);
    }
    e2b_command_free(attached);
    e2b_command_free(shell);
}

static void test_pty_errors(void) {
    e2b_error *err = NULL;
    e2b_command *shell = NULL;
    EXPECT_ERR(e2b_pty_create(NULL, 24, 80, NULL, &shell, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_pty_create(sandbox, 24, 80, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_pty_create(sandbox, 0, 80, NULL, &shell, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "row");
    EXPECT(shell == NULL);
    EXPECT_ERR(e2b_pty_connect(sandbox, 999999, NULL, &shell, NULL, &err), E2B_ERR_NOT_FOUND, err, "999999");
    EXPECT_ERR(e2b_pty_send_stdin(sandbox, 999999, (const uint8_t *)"x", 1, NULL, &err), E2B_ERR_NOT_FOUND, err,
               "999999");
    EXPECT_ERR(e2b_pty_send_stdin(sandbox, 1, NULL, 1, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "data");
    EXPECT_ERR(e2b_pty_resize(sandbox, 999999, 10, 10, NULL, &err), E2B_ERR_NOT_FOUND, err, "999999");
    EXPECT_ERR(e2b_pty_resize(sandbox, 999999, 10, 0, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "column");
    bool killed = true;
    EXPECT_OK(e2b_pty_kill(sandbox, 999999, &killed, NULL, NULL));
    EXPECT(!killed);
    e2b_input_stream *input = NULL;
    EXPECT_ERR(e2b_pty_open_input(sandbox, 999999, NULL, &input, NULL, &err), E2B_ERR_NOT_FOUND, err, "999999");
    EXPECT_ERR(e2b_commands_open_input(sandbox, 999999, NULL, &input, NULL, &err), E2B_ERR_NOT_FOUND, err, "999999");
    EXPECT_ERR(e2b_commands_open_input(NULL, 1, NULL, &input, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT(input == NULL);
    EXPECT_ERR(e2b_input_stream_write(NULL, (const uint8_t *)"x", 1, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "stream");
    EXPECT_ERR(e2b_input_stream_close(NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "stream");
    EXPECT(!e2b_input_stream_is_streaming(NULL));
    EXPECT(!e2b_command_is_pty(NULL));
    e2b_input_stream_free(NULL);
    e2b_pty_options_free(NULL);
    e2b_connect_options_free(NULL);
    e2b_input_options_free(NULL);

    /* A cancelled token stops opening at once. */
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_pty_create(sandbox, 24, 80, NULL, &shell, cancel, &err), E2B_ERR_CANCELLED, err, "");
    e2b_cancel_free(cancel);
}

static void test_stdin_streams(void) {
    e2b_error *err = NULL;
    e2b_command_options *o = e2b_command_options_new();
    EXPECT_OK(e2b_command_options_set_stdin(o, true, NULL));
    EXPECT_OK(e2b_command_options_set_retain_output(o, true, NULL));
    EXPECT_ERR(e2b_command_options_set_retain_output(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    e2b_command *cat = NULL;
    EXPECT_OK(e2b_commands_start(sandbox, "cat", o, &cat, NULL, NULL));
    e2b_command_options_free(o);
    if (cat == NULL) return;
    uint32_t pid = e2b_command_pid(cat);
    EXPECT(!e2b_command_is_pty(cat));

    e2b_input_stream *input = NULL;
    EXPECT_OK(e2b_commands_open_input(sandbox, pid, NULL, &input, NULL, NULL));
    EXPECT(e2b_input_stream_is_streaming(input));
    EXPECT_OK(e2b_input_stream_write(input, (const uint8_t *)"a\0b\n", 4, NULL, NULL));
    EXPECT_OK(e2b_input_stream_close(input, NULL, NULL));
    e2b_input_stream_free(input);
    EXPECT_OK(e2b_command_close_stdin(cat, NULL, NULL));
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_command_wait(cat, NULL, NULL, &result, NULL, NULL));
    size_t len = 0;
    const uint8_t *out = e2b_command_result_stdout(result, &len);
    EXPECT(len == 4 && memcmp(out, "a\0b\n", 4) == 0);
    e2b_command_result_free(result);
    e2b_command_free(cat);

    /* Without retained output the result is empty; attaching with a short limit times out. */
    o = e2b_command_options_new();
    EXPECT_OK(e2b_command_options_set_retain_output(o, false, NULL));
    EXPECT_OK(e2b_commands_run(sandbox, "echo hidden", o, NULL, NULL, &result, NULL, NULL));
    e2b_command_result_stdout(result, &len);
    EXPECT(len == 0);
    e2b_command_result_free(result);
    e2b_command_options_free(o);

    e2b_command *sleeper = NULL;
    EXPECT_OK(e2b_commands_start(sandbox, "sleep 30", NULL, &sleeper, NULL, NULL));
    e2b_connect_options *follow = e2b_connect_options_new();
    EXPECT_OK(e2b_connect_options_set_timeout_ms(follow, 500, NULL));
    e2b_command *attached = NULL;
    EXPECT_OK(e2b_commands_connect_with(sandbox, e2b_command_pid(sleeper), follow, &attached, NULL, NULL));
    e2b_connect_options_free(follow);
    EXPECT_ERR(e2b_command_wait(attached, NULL, NULL, &result, NULL, &err), E2B_ERR_TIMEOUT, err, "");
    EXPECT_OK(e2b_command_kill(sleeper, NULL, NULL, NULL));
    e2b_command_free(attached);
    e2b_command_free(sleeper);
}

int main(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    sandbox = testing_sandbox(client);
    RUN(test_pty_options);
    RUN(test_pty_session);
    RUN(test_pty_errors);
    RUN(test_stdin_streams);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return testing_summary();
}
