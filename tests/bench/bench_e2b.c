/* The libe2b contender: every operation through the C ABI (include/e2b.h), one client. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "harness.h"

static e2b_client *client;

/* `err` is read only after the call has run: a plain `err` argument could be
 * evaluated before the call that sets it (C leaves the order unspecified). */
static int failed(e2b_error_code code, e2b_error **err, const char *what) {
    if (code == E2B_OK) {
        return 0;
    }
    fprintf(stderr, "%s: %s (%s)\n", what, e2b_error_message(*err), e2b_error_code_name(code));
    e2b_error_free(*err);
    *err = NULL;
    return -1;
}

int contender_init(void) {
    e2b_error *err = NULL;
    return failed(e2b_client_new(NULL, &client, &err), &err, "client");
}

bench_sandbox *contender_create(const char *template_id) {
    e2b_error *err = NULL;
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    e2b_sandbox *sandbox = NULL;
    e2b_error_code code = e2b_sandbox_options_set_template(options, template_id, &err);
    if (code == E2B_OK) {
        code = e2b_client_create_sandbox(client, options, &sandbox, NULL, &err);
    }
    e2b_sandbox_options_free(options);
    return failed(code, &err, "create") ? NULL : (bench_sandbox *)sandbox;
}

int contender_kill(bench_sandbox *sandbox) {
    e2b_error *err = NULL;
    int rc = failed(e2b_sandbox_kill((e2b_sandbox *)sandbox, NULL, NULL, &err), &err, "kill");
    e2b_sandbox_free((e2b_sandbox *)sandbox);
    return rc;
}

int contender_write(bench_sandbox *sandbox, const char *path, const uint8_t *data, size_t len) {
    e2b_error *err = NULL;
    return failed(e2b_files_write((e2b_sandbox *)sandbox, path, data, len, NULL, NULL, &err), &err, "write");
}

int contender_read(bench_sandbox *sandbox, const char *path, size_t expected) {
    e2b_error *err = NULL;
    e2b_bytes bytes = {NULL, 0};
    if (failed(e2b_files_read((e2b_sandbox *)sandbox, path, NULL, &bytes, NULL, &err), &err, "read")) {
        return -1;
    }
    size_t len = bytes.len;
    e2b_bytes_dispose(&bytes);
    return len == expected ? 0 : -1;
}

int contender_stat(bench_sandbox *sandbox, const char *path) {
    return contender_thread_stat((bench_thread *)sandbox, path);
}

int contender_list(bench_sandbox *sandbox, const char *path, size_t expected) {
    e2b_error *err = NULL;
    e2b_entry_list *list = NULL;
    if (failed(e2b_files_list((e2b_sandbox *)sandbox, path, 1, NULL, &list, NULL, &err), &err, "list")) {
        return -1;
    }
    /* Reading each entry's name and size is what a caller of list does. */
    size_t len = e2b_entry_list_len(list), total = 0;
    for (size_t i = 0; i < len; i++) {
        const e2b_entry_info *entry = e2b_entry_list_get(list, i);
        total += strlen(e2b_entry_info_name(entry)) + e2b_entry_info_size(entry);
    }
    e2b_entry_list_free(list);
    return (expected == 0 || len == expected) && total > 0 ? 0 : -1;
}

int contender_run(bench_sandbox *sandbox, const char *cmd) {
    e2b_error *err = NULL;
    e2b_command_result *result = NULL;
    if (failed(e2b_commands_run((e2b_sandbox *)sandbox, cmd, NULL, NULL, NULL, &result, NULL, &err), &err, "run")) {
        return -1;
    }
    int exit_code = e2b_command_result_exit_code(result);
    e2b_command_result_free(result);
    return exit_code == 0 ? 0 : -1;
}

int contender_run_code(bench_sandbox *sandbox, const char *code, const char *expected_text) {
    e2b_error *err = NULL;
    e2b_execution *execution = NULL;
    if (failed(e2b_code_run((e2b_sandbox *)sandbox, code, NULL, NULL, NULL, &execution, NULL, &err), &err, "run_code")) {
        return -1;
    }
    const char *text = e2b_execution_text(execution);
    int rc = text != NULL && strcmp(text, expected_text) == 0 ? 0 : -1;
    e2b_execution_free(execution);
    return rc;
}

struct source {
    uint64_t left;
    uint8_t chunk[1 << 16];
};

static int64_t produce(void *user_data, uint8_t *buffer, size_t capacity) {
    struct source *s = user_data;
    size_t n = capacity < s->left ? capacity : (size_t)s->left;
    size_t done = 0;
    while (done < n) {
        size_t part = n - done < sizeof s->chunk ? n - done : sizeof s->chunk;
        memcpy(buffer + done, s->chunk, part);
        done += part;
    }
    s->left -= n;
    return (int64_t)n;
}

int contender_upload(bench_sandbox *sandbox, const char *path, uint64_t size) {
    e2b_error *err = NULL;
    static struct source source;
    source.left = size;
    bench_fill(source.chunk, sizeof source.chunk);
    return failed(e2b_files_write_stream((e2b_sandbox *)sandbox, path, (int64_t)size, NULL, produce, NULL, &source,
                                         NULL, &err),
                  &err, "upload");
}

static int32_t discard(void *user_data, const uint8_t *data, size_t len) {
    (void)user_data;
    (void)data;
    (void)len;
    return 0;
}

int contender_download(bench_sandbox *sandbox, const char *path, uint64_t expected) {
    e2b_error *err = NULL;
    uint64_t received = 0;
    if (failed(e2b_files_read_stream((e2b_sandbox *)sandbox, path, NULL, discard, NULL, NULL, &received, NULL, &err), &err,
               "download")) {
        return -1;
    }
    return received == expected ? 0 : -1;
}

/* A sandbox handle is thread-safe: every thread uses the shared one. */
bench_thread *contender_thread_new(bench_sandbox *sandbox) { return (bench_thread *)sandbox; }

int contender_thread_stat(bench_thread *thread, const char *path) {
    e2b_error *err = NULL;
    e2b_entry_info *entry = NULL;
    if (failed(e2b_files_get_info((e2b_sandbox *)thread, path, NULL, &entry, NULL, &err), &err, "stat")) {
        return -1;
    }
    e2b_entry_info_free(entry);
    return 0;
}

void contender_thread_free(bench_thread *thread) { (void)thread; }
