/*
 * C tests of snapshots and fork, linked against the real library and run
 * against a real e2b-local (E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY in
 * the environment). Every function is called with good arguments, with NULL
 * for each pointer, and with invalid UTF-8 for each string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static e2b_client *new_client(void) {
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    return client;
}

/* The content of `path` in `sandbox`, as a string the caller frees. */
static char *read_text(e2b_sandbox *sandbox, const char *path) {
    e2b_bytes bytes = {0};
    EXPECT_OK(e2b_files_read(sandbox, path, NULL, &bytes, NULL, NULL));
    char *text = calloc(1, bytes.len + 1);
    if (bytes.len > 0) memcpy(text, bytes.data, bytes.len);
    e2b_bytes_dispose(&bytes);
    return text;
}

static void write_text(e2b_sandbox *sandbox, const char *path, const char *text) {
    EXPECT_OK(e2b_files_write(sandbox, path, (const uint8_t *)text, strlen(text), NULL, NULL, NULL));
}

/* A sandbox started from `snapshot_id`. */
static e2b_sandbox *from_snapshot(e2b_client *client, const char *snapshot_id, e2b_error **err) {
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_template(options, snapshot_id, NULL));
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(options, 120000, NULL));
    e2b_sandbox *sandbox = NULL;
    e2b_client_create_sandbox(client, options, &sandbox, NULL, err);
    e2b_sandbox_options_free(options);
    return sandbox;
}

static void test_snapshot_start_from_and_delete(void) {
    e2b_client *client = new_client();
    e2b_sandbox *source = testing_sandbox(client);
    write_text(source, "/home/user/before.txt", "written before");

    e2b_snapshot_info *info = NULL;
    EXPECT_OK(e2b_sandbox_create_snapshot(source, NULL, &info, NULL, NULL));
    const char *id = e2b_snapshot_info_id(info);
    EXPECT(id != NULL && strlen(id) == 28 && strcmp(id + 20, ":default") == 0);
    EXPECT(e2b_snapshot_info_names_len(info) == 0);
    EXPECT(e2b_snapshot_info_names_get(info, 0) == NULL);
    const e2b_snapshot_fields *fields = e2b_snapshot_info_fields(info);
    EXPECT(fields != NULL && fields->struct_size >= sizeof(e2b_snapshot_fields));
    EXPECT(fields != NULL && fields->snapshot_id == id && fields->names == NULL && fields->names_len == 0);
    write_text(source, "/home/user/after.txt", "written after");

    e2b_sandbox *copy = from_snapshot(client, id, NULL);
    EXPECT(copy != NULL);
    if (copy) {
        char *text = read_text(copy, "/home/user/before.txt");
        EXPECT_STR(text, "written before");
        free(text);
        bool exists = true;
        EXPECT_OK(e2b_files_exists(copy, "/home/user/after.txt", NULL, &exists, NULL, NULL));
        EXPECT(!exists);
    }

    bool deleted = false;
    EXPECT_OK(e2b_client_delete_snapshot(client, id, &deleted, NULL, NULL));
    EXPECT(deleted);
    EXPECT_OK(e2b_client_delete_snapshot(client, id, &deleted, NULL, NULL));
    EXPECT(!deleted);
    e2b_error *err = NULL;
    EXPECT(from_snapshot(client, id, &err) == NULL);
    EXPECT(err != NULL && e2b_error_code_of(err) == E2B_ERR_NOT_FOUND && e2b_error_http_status(err) == 404);
    e2b_error_free(err);

    e2b_snapshot_info_free(info);
    e2b_sandbox_kill(copy, NULL, NULL, NULL);
    e2b_sandbox_free(copy);
    e2b_sandbox_kill(source, NULL, NULL, NULL);
    e2b_sandbox_free(source);
    e2b_client_free(client);
}

static void test_named_snapshots_and_listing(void) {
    e2b_client *client = new_client();
    e2b_sandbox *sandbox = testing_sandbox(client);
    e2b_snapshot_options *options = e2b_snapshot_options_new();
    EXPECT_OK(e2b_snapshot_options_set_name(options, "c-env", NULL));
    EXPECT_OK(e2b_snapshot_options_set_mode(options, E2B_SNAPSHOT_MODE_FILESYSTEM, NULL));
    e2b_snapshot_info *named = NULL;
    EXPECT_OK(e2b_client_create_snapshot(client, e2b_sandbox_id(sandbox), options, &named, NULL, NULL));
    EXPECT_STR(e2b_snapshot_info_id(named), "local/c-env:default");
    EXPECT(e2b_snapshot_info_names_len(named) == 1);
    EXPECT_STR(e2b_snapshot_info_names_get(named, 0), "local/c-env");
    const e2b_snapshot_fields *fields = e2b_snapshot_info_fields(named);
    EXPECT(fields != NULL && fields->names_len == 1 && strcmp(fields->names[0], "local/c-env") == 0);
    EXPECT_OK(e2b_snapshot_options_set_name(options, NULL, NULL)); /* unnamed again */

    const char *made[3];
    e2b_snapshot_info *infos[3];
    for (int i = 0; i < 3; i++) {
        infos[i] = NULL;
        EXPECT_OK(e2b_sandbox_create_snapshot(sandbox, options, &infos[i], NULL, NULL));
        made[i] = e2b_snapshot_info_id(infos[i]);
    }

    /* This sandbox's snapshots, two a page, newest first. */
    e2b_snapshot_query *query = e2b_snapshot_query_new();
    EXPECT_OK(e2b_snapshot_query_set_limit(query, 2, NULL));
    e2b_snapshot_page *page = NULL;
    EXPECT_OK(e2b_sandbox_list_snapshots(sandbox, query, &page, NULL, NULL));
    EXPECT(e2b_snapshot_page_len(page) == 2);
    EXPECT_STR(e2b_snapshot_info_id(e2b_snapshot_page_get(page, 0)), made[2]);
    EXPECT_STR(e2b_snapshot_info_id(e2b_snapshot_page_get(page, 1)), made[1]);
    EXPECT(e2b_snapshot_page_get(page, 2) == NULL);
    size_t len = 0;
    const e2b_snapshot_fields *const *all = e2b_snapshot_page_fields(page, &len);
    EXPECT(len == 2 && all != NULL && strcmp(all[0]->snapshot_id, made[2]) == 0);
    EXPECT(e2b_snapshot_page_next_token(page) != NULL);
    EXPECT_OK(e2b_snapshot_query_set_next_token(query, e2b_snapshot_page_next_token(page), NULL));
    e2b_snapshot_page_free(page);
    page = NULL;
    EXPECT_OK(e2b_sandbox_list_snapshots(sandbox, query, &page, NULL, NULL));
    EXPECT(e2b_snapshot_page_len(page) == 2);
    EXPECT_STR(e2b_snapshot_info_id(e2b_snapshot_page_get(page, 0)), made[0]);
    EXPECT_STR(e2b_snapshot_info_id(e2b_snapshot_page_get(page, 1)), "local/c-env:default");
    EXPECT(e2b_snapshot_page_next_token(page) == NULL);
    e2b_snapshot_page_free(page);

    /* By name, through the client; by sandbox id. */
    e2b_snapshot_query_free(query);
    query = e2b_snapshot_query_new();
    EXPECT_OK(e2b_snapshot_query_set_name(query, "c-env", NULL));
    page = NULL;
    EXPECT_OK(e2b_client_list_snapshots(client, query, &page, NULL, NULL));
    EXPECT(e2b_snapshot_page_len(page) == 1);
    EXPECT_STR(e2b_snapshot_info_id(e2b_snapshot_page_get(page, 0)), "local/c-env:default");
    e2b_snapshot_page_free(page);
    EXPECT_OK(e2b_snapshot_query_set_name(query, NULL, NULL));
    EXPECT_OK(e2b_snapshot_query_set_sandbox_id(query, e2b_sandbox_id(sandbox), NULL));
    page = NULL;
    EXPECT_OK(e2b_client_list_snapshots(client, query, &page, NULL, NULL));
    EXPECT(e2b_snapshot_page_len(page) == 4);
    e2b_snapshot_page_free(page);
    page = NULL;
    EXPECT_OK(e2b_client_list_snapshots(client, NULL, &page, NULL, NULL));
    EXPECT(e2b_snapshot_page_len(page) >= 4);
    e2b_snapshot_page_free(page);

    /* Bad queries are the server's 400s. */
    e2b_error *err = NULL;
    EXPECT_OK(e2b_snapshot_query_set_next_token(query, "garbage!", NULL));
    page = NULL;
    EXPECT_ERR(e2b_client_list_snapshots(client, query, &page, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "Invalid next token");
    EXPECT(page == NULL);

    for (int i = 0; i < 3; i++) {
        EXPECT_OK(e2b_client_delete_snapshot(client, made[i], NULL, NULL, NULL));
        e2b_snapshot_info_free(infos[i]);
    }
    EXPECT_OK(e2b_client_delete_snapshot(client, "c-env", NULL, NULL, NULL));
    e2b_snapshot_query_free(query);
    e2b_snapshot_info_free(named);
    e2b_snapshot_options_free(options);
    e2b_sandbox_kill(sandbox, NULL, NULL, NULL);
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_fork(void) {
    e2b_client *client = new_client();
    e2b_sandbox *source = testing_sandbox(client);
    write_text(source, "/home/user/shared.txt", "from the source");

    e2b_fork_options *options = e2b_fork_options_new();
    EXPECT_OK(e2b_fork_options_set_count(options, 2, NULL));
    EXPECT_OK(e2b_fork_options_set_timeout_ms(options, 60000, NULL));
    e2b_fork_list *forks = NULL;
    EXPECT_OK(e2b_sandbox_fork(source, options, &forks, NULL, NULL));
    EXPECT(e2b_fork_list_len(forks) == 2);
    for (size_t i = 0; i < 2; i++) {
        const e2b_sandbox *fork = e2b_fork_list_get(forks, i);
        EXPECT(fork != NULL && e2b_fork_list_error(forks, i) == NULL);
        if (fork == NULL) continue;
        EXPECT(strcmp(e2b_sandbox_id(fork), e2b_sandbox_id(source)) != 0);
        char *text = read_text((e2b_sandbox *)fork, "/home/user/shared.txt");
        EXPECT_STR(text, "from the source");
        free(text);
    }
    EXPECT(e2b_fork_list_get(forks, 2) == NULL && e2b_fork_list_error(forks, 2) == NULL);
    /* One fork is taken out and outlives the list; the other goes with it. */
    e2b_sandbox *kept = e2b_fork_list_take(forks, 0);
    EXPECT(kept != NULL);
    EXPECT(e2b_fork_list_get(forks, 0) == NULL && e2b_fork_list_take(forks, 0) == NULL);
    e2b_sandbox_kill(e2b_fork_list_get(forks, 1), NULL, NULL, NULL);
    e2b_fork_list_free(forks);
    bool running = false;
    EXPECT_OK(e2b_sandbox_is_running(kept, &running, NULL, NULL));
    EXPECT(running);
    e2b_sandbox_kill(kept, NULL, NULL, NULL);
    e2b_sandbox_free(kept);

    /* Through the client, with the defaults: one fork. */
    forks = NULL;
    EXPECT_OK(e2b_client_fork_sandbox(client, e2b_sandbox_id(source), NULL, &forks, NULL, NULL));
    EXPECT(e2b_fork_list_len(forks) == 1 && e2b_fork_list_get(forks, 0) != NULL);
    e2b_sandbox_kill(e2b_fork_list_get(forks, 0), NULL, NULL, NULL);
    e2b_fork_list_free(forks);

    /* A paused sandbox cannot be forked nor snapshotted. */
    e2b_error *err = NULL;
    EXPECT_OK(e2b_sandbox_pause(source, NULL, NULL, NULL));
    forks = NULL;
    EXPECT_ERR(e2b_sandbox_fork(source, NULL, &forks, NULL, &err), E2B_ERR_CONFLICT, err, "cannot be forked");
    EXPECT(forks == NULL);
    e2b_snapshot_info *info = NULL;
    EXPECT_ERR(e2b_sandbox_create_snapshot(source, NULL, &info, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, "");

    e2b_fork_options_free(options);
    e2b_sandbox_kill(source, NULL, NULL, NULL);
    e2b_sandbox_free(source);
    e2b_client_free(client);
}

static void test_bad_arguments(void) {
    e2b_client *client = new_client();
    e2b_error *err = NULL;
    const char *unknown = "aaaaaaaaaaaaaaaaaaaa";

    e2b_snapshot_options *snapshot_options = e2b_snapshot_options_new();
    EXPECT_ERR(e2b_snapshot_options_set_name(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_snapshot_options_set_name(snapshot_options, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT_ERR(e2b_snapshot_options_set_mode(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_snapshot_options_set_mode(snapshot_options, 7, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "e2b_snapshot_mode");
    EXPECT_OK(e2b_snapshot_options_set_name(snapshot_options, "Has Spaces", NULL));

    e2b_snapshot_info *info = NULL;
    EXPECT_ERR(e2b_sandbox_create_snapshot(NULL, NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_client_create_snapshot(client, unknown, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "out");
    EXPECT_ERR(e2b_client_create_snapshot(NULL, unknown, NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "client");
    EXPECT_ERR(e2b_client_create_snapshot(client, NULL, NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_create_snapshot(client, BAD_UTF8, NULL, &info, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_create_snapshot(client, unknown, NULL, &info, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err,
               unknown);
    e2b_sandbox *sandbox = testing_sandbox(client);
    EXPECT_ERR(e2b_sandbox_create_snapshot(sandbox, snapshot_options, &info, NULL, &err), E2B_ERR_INVALID_ARGUMENT,
               err, "Invalid name");
    EXPECT(info == NULL);

    bool deleted = true;
    EXPECT_ERR(e2b_client_delete_snapshot(NULL, "x", &deleted, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT(!deleted);
    EXPECT_ERR(e2b_client_delete_snapshot(client, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "snapshot_id");
    EXPECT_ERR(e2b_client_delete_snapshot(client, BAD_UTF8, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "snapshot_id");
    EXPECT_ERR(e2b_client_delete_snapshot(client, "base", NULL, NULL, &err), E2B_ERR_PERMISSION_DENIED, err,
               "You don't have access to template 'base'");

    e2b_snapshot_query *query = e2b_snapshot_query_new();
    EXPECT_ERR(e2b_snapshot_query_set_sandbox_id(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_snapshot_query_set_sandbox_id(query, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "sandbox_id");
    EXPECT_ERR(e2b_snapshot_query_set_name(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_snapshot_query_set_name(query, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT_ERR(e2b_snapshot_query_set_limit(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_snapshot_query_set_next_token(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_snapshot_query_set_next_token(query, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "next_token");
    EXPECT_OK(e2b_snapshot_query_set_limit(query, 101, NULL));
    e2b_snapshot_page *page = NULL;
    EXPECT_ERR(e2b_client_list_snapshots(client, query, &page, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "limit must be between 1 and 100");
    EXPECT_ERR(e2b_client_list_snapshots(NULL, NULL, &page, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_list_snapshots(client, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_sandbox_list_snapshots(NULL, NULL, &page, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");

    e2b_fork_options *fork_options = e2b_fork_options_new();
    EXPECT_ERR(e2b_fork_options_set_count(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_fork_options_set_count(fork_options, 21, &err), E2B_ERR_INVALID_ARGUMENT, err, "between 1 and 20");
    EXPECT_ERR(e2b_fork_options_set_timeout_ms(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_fork_options_set_timeout_ms(fork_options, E2B_TIMEOUT_NONE, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "timeout_ms");
    EXPECT_OK(e2b_fork_options_set_timeout_ms(fork_options, 90000000, NULL));
    e2b_fork_list *forks = NULL;
    EXPECT_ERR(e2b_sandbox_fork(sandbox, fork_options, &forks, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "Timeout cannot be greater than 24 hours");
    EXPECT_ERR(e2b_sandbox_fork(NULL, NULL, &forks, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_sandbox_fork(sandbox, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_client_fork_sandbox(client, NULL, NULL, &forks, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_fork_sandbox(client, BAD_UTF8, NULL, &forks, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_fork_sandbox(client, unknown, NULL, &forks, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err,
               unknown);
    EXPECT(forks == NULL);

    /* A cancelled token stops the call before it is sent. */
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_sandbox_fork(sandbox, NULL, &forks, cancel, &err), E2B_ERR_CANCELLED, err, "cancelled");
    EXPECT_ERR(e2b_client_list_snapshots(client, NULL, &page, cancel, &err), E2B_ERR_CANCELLED, err, "cancelled");
    e2b_cancel_free(cancel);

    /* Getters and frees take NULL. */
    EXPECT(e2b_snapshot_info_id(NULL) == NULL && e2b_snapshot_info_names_len(NULL) == 0);
    EXPECT(e2b_snapshot_info_names_get(NULL, 0) == NULL && e2b_snapshot_info_fields(NULL) == NULL);
    size_t len = 5;
    EXPECT(e2b_snapshot_page_len(NULL) == 0 && e2b_snapshot_page_get(NULL, 0) == NULL);
    EXPECT(e2b_snapshot_page_next_token(NULL) == NULL && e2b_snapshot_page_fields(NULL, &len) == NULL && len == 0);
    EXPECT(e2b_fork_list_len(NULL) == 0 && e2b_fork_list_get(NULL, 0) == NULL);
    EXPECT(e2b_fork_list_take(NULL, 0) == NULL && e2b_fork_list_error(NULL, 0) == NULL);
    e2b_snapshot_info_free(NULL);
    e2b_snapshot_page_free(NULL);
    e2b_snapshot_query_free(NULL);
    e2b_snapshot_options_free(NULL);
    e2b_fork_options_free(NULL);
    e2b_fork_list_free(NULL);

    e2b_fork_options_free(fork_options);
    e2b_snapshot_query_free(query);
    e2b_snapshot_options_free(snapshot_options);
    e2b_sandbox_kill(sandbox, NULL, NULL, NULL);
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

int main(void) {
    RUN(test_snapshot_start_from_and_delete);
    RUN(test_named_snapshots_and_listing);
    RUN(test_fork);
    RUN(test_bad_arguments);
    return testing_summary();
}
