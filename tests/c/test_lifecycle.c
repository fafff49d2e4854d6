/*
 * C tests of the lifecycle, file and listing functions, linked against the
 * real library and run against a real e2b-local (E2B_API_URL, E2B_SANDBOX_URL
 * and E2B_API_KEY in the environment). Every function is called with good
 * arguments, with NULL for each pointer, and with invalid UTF-8 for each string.
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

static void test_versions(void) {
    EXPECT(e2b_abi_version() == E2B_ABI_VERSION);
    EXPECT(e2b_version_number() == E2B_VERSION_NUMBER);
    EXPECT_STR(e2b_version(), E2B_VERSION);
    EXPECT(E2B_VERSION_NUMBER == E2B_VERSION_MAJOR * 1000000 + E2B_VERSION_MINOR * 1000 + E2B_VERSION_PATCH);
}

static void test_errors(void) {
    EXPECT_STR(e2b_error_code_name(E2B_OK), "E2B_OK");
    EXPECT_STR(e2b_error_code_name(E2B_ERR_SANDBOX_NOT_FOUND), "E2B_ERR_SANDBOX_NOT_FOUND");
    EXPECT_STR(e2b_error_code_name(E2B_ERR_IO), "E2B_ERR_IO");
    EXPECT_STR(e2b_error_code_name(E2B_ERR_CANCELLED), "E2B_ERR_CANCELLED");
    EXPECT_STR(e2b_error_code_name(-1), "E2B_ERR_UNKNOWN");
    EXPECT_STR(e2b_error_code_name(100000), "E2B_ERR_UNKNOWN");
    /* Accessors on NULL are safe and say so. */
    EXPECT(e2b_error_code_of(NULL) == E2B_ERR_NULL_ARGUMENT);
    EXPECT(e2b_error_message(NULL) != NULL);
    EXPECT(e2b_error_http_status(NULL) == 0);
    e2b_error_free(NULL);

    /* err_out is set to NULL on entry, even when it held garbage. */
    e2b_client_options *options = e2b_client_options_new();
    e2b_error *err = (e2b_error *)(uintptr_t)0x1;
    EXPECT_OK(e2b_client_options_set_debug(options, false, &err));
    EXPECT(err == NULL);
    e2b_client_options_free(options);
}

static void test_client_options(void) {
    e2b_error *err = NULL;
    e2b_client_options *options = e2b_client_options_new();
    EXPECT(options != NULL);
    EXPECT_OK(e2b_client_options_set_api_key(options, getenv("E2B_API_KEY"), NULL));
    EXPECT_OK(e2b_client_options_set_domain(options, "e2b.app", NULL));
    EXPECT_OK(e2b_client_options_set_api_url(options, getenv("E2B_API_URL"), NULL));
    EXPECT_OK(e2b_client_options_set_sandbox_url(options, getenv("E2B_SANDBOX_URL"), NULL));
    EXPECT_OK(e2b_client_options_add_header(options, "X-Test", "yes", NULL));
    EXPECT_OK(e2b_client_options_set_debug(options, false, NULL));
    EXPECT_OK(e2b_client_options_set_request_timeout_ms(options, 30000, NULL));
    EXPECT_OK(e2b_client_options_set_max_retries(options, 2, NULL));

    /* NULL for each pointer. */
    EXPECT_ERR(e2b_client_options_set_api_key(NULL, "k", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_set_api_key(options, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "api_key");
    EXPECT_ERR(e2b_client_options_set_domain(NULL, "d", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_set_domain(options, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "domain");
    EXPECT_ERR(e2b_client_options_set_api_url(NULL, "u", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_set_api_url(options, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "api_url");
    EXPECT_ERR(e2b_client_options_set_sandbox_url(NULL, "u", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_set_sandbox_url(options, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox_url");
    EXPECT_ERR(e2b_client_options_add_header(NULL, "n", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_add_header(options, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_client_options_add_header(options, "n", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "value");
    EXPECT_ERR(e2b_client_options_set_debug(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_set_request_timeout_ms(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_client_options_set_max_retries(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    /* Invalid UTF-8 for each string. */
    EXPECT_ERR(e2b_client_options_set_api_key(options, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "api_key");
    EXPECT_ERR(e2b_client_options_set_domain(options, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "domain");
    EXPECT_ERR(e2b_client_options_set_api_url(options, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "api_url");
    EXPECT_ERR(e2b_client_options_set_sandbox_url(options, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_url");
    EXPECT_ERR(e2b_client_options_add_header(options, BAD_UTF8, "v", &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT_ERR(e2b_client_options_add_header(options, "n", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    /* A header that could not be sent is refused when it is added. */
    EXPECT_ERR(e2b_client_options_add_header(options, "", "v", &err), E2B_ERR_INVALID_ARGUMENT, err, "header name");
    EXPECT_ERR(e2b_client_options_add_header(options, "X-Bad\r\nInjected", "v", &err), E2B_ERR_INVALID_ARGUMENT, err,
               "header name");
    EXPECT_ERR(e2b_client_options_add_header(options, "X-Ok", "a\r\nInjected: yes", &err), E2B_ERR_INVALID_ARGUMENT,
               err, "header value");
    EXPECT_ERR(e2b_client_options_add_header(options, "X-Ok", "line\n", &err), E2B_ERR_INVALID_ARGUMENT, err,
               "header value");
    /* Errors are reported without an err_out too. */
    EXPECT(e2b_client_options_set_api_key(NULL, "k", NULL) == E2B_ERR_NULL_ARGUMENT);

    e2b_client *client = NULL;
    EXPECT_ERR(e2b_client_new(options, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_OK(e2b_client_new(options, &client, &err));
    e2b_client_options_free(options); /* the client keeps its own copy */
    e2b_sandbox *sandbox = testing_sandbox(client);
    EXPECT(sandbox != NULL);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    e2b_client_options_free(NULL);
    e2b_client_free(NULL);
}

static void test_sandbox_options(void) {
    e2b_error *err = NULL;
    e2b_sandbox_options *o = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_template(o, "base", NULL));
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(o, 60000, NULL));
    EXPECT_OK(e2b_sandbox_options_set_metadata(o, "k", "v", NULL));
    EXPECT_OK(e2b_sandbox_options_set_env(o, "A", "1", NULL));
    EXPECT_OK(e2b_sandbox_options_set_secure(o, true, NULL));
    EXPECT_OK(e2b_sandbox_options_set_allow_internet_access(o, true, NULL));
    EXPECT_OK(e2b_sandbox_options_set_auto_pause(o, false, NULL));
    EXPECT_OK(e2b_sandbox_options_set_auto_resume(o, false, NULL));
    EXPECT_OK(e2b_sandbox_options_set_idempotency_key(o, "c-test-key", NULL));

    EXPECT_ERR(e2b_sandbox_options_set_template(NULL, "t", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_template(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "template_name");
    EXPECT_ERR(e2b_sandbox_options_set_template(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "template_name");
    EXPECT_ERR(e2b_sandbox_options_set_timeout_ms(NULL, 1000, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_timeout_ms(o, E2B_TIMEOUT_NONE, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "E2B_TIMEOUT_NONE");
    EXPECT_ERR(e2b_sandbox_options_set_metadata(NULL, "k", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_metadata(o, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "key");
    EXPECT_ERR(e2b_sandbox_options_set_metadata(o, "k", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "value");
    EXPECT_ERR(e2b_sandbox_options_set_metadata(o, BAD_UTF8, "v", &err), E2B_ERR_INVALID_UTF8, err, "key");
    EXPECT_ERR(e2b_sandbox_options_set_metadata(o, "k", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_ERR(e2b_sandbox_options_set_env(NULL, "n", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_env(o, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_sandbox_options_set_env(o, "n", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "value");
    EXPECT_ERR(e2b_sandbox_options_set_env(o, BAD_UTF8, "v", &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT_ERR(e2b_sandbox_options_set_env(o, "n", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_ERR(e2b_sandbox_options_set_secure(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_allow_internet_access(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err,
               "options");
    EXPECT_ERR(e2b_sandbox_options_set_auto_pause(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_auto_resume(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_idempotency_key(NULL, "k", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_idempotency_key(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "key");
    EXPECT_ERR(e2b_sandbox_options_set_idempotency_key(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "key");

    /* The options reach the server: same key, same sandbox; metadata kept. */
    e2b_client *client = new_client();
    e2b_sandbox *first = NULL, *second = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, o, &first, NULL, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, o, &second, NULL, NULL));
    EXPECT_STR(e2b_sandbox_id(first), e2b_sandbox_id(second));
    e2b_sandbox_info *info = NULL;
    EXPECT_OK(e2b_sandbox_get_info(first, &info, NULL, NULL));
    EXPECT_STR(e2b_sandbox_info_metadata_get(info, "k"), "v");
    e2b_sandbox_info_free(info);

    /* A bad key is refused at once; a key on an insecure sandbox at create. */
    EXPECT_ERR(e2b_sandbox_options_set_idempotency_key(o, "Not Valid", &err), E2B_ERR_INVALID_ARGUMENT, err,
               "idempotency key");
    EXPECT_OK(e2b_sandbox_options_set_secure(o, false, NULL));
    e2b_sandbox *none = (e2b_sandbox *)(uintptr_t)0x1;
    EXPECT_ERR(e2b_client_create_sandbox(client, o, &none, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "secure");
    EXPECT(none == NULL);

    EXPECT_OK(e2b_sandbox_kill(first, NULL, NULL, NULL));
    e2b_sandbox_free(first);
    e2b_sandbox_free(second);
    e2b_sandbox_options_free(o);
    e2b_sandbox_options_free(NULL);
    e2b_client_free(client);
}

static void test_lifecycle(void) {
    e2b_error *err = NULL;
    e2b_client *client = new_client();
    e2b_sandbox *sandbox = NULL;

    EXPECT_ERR(e2b_client_create_sandbox(NULL, NULL, &sandbox, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_create_sandbox(client, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_OK(e2b_client_create_sandbox(client, NULL, &sandbox, NULL, NULL));
    EXPECT(strlen(e2b_sandbox_id(sandbox)) == 20);
    EXPECT_STR(e2b_sandbox_template_id(sandbox), "base");
    EXPECT(strlen(e2b_sandbox_envd_version(sandbox)) > 0);
    EXPECT(e2b_sandbox_id(NULL) == NULL);
    EXPECT(e2b_sandbox_template_id(NULL) == NULL);
    EXPECT(e2b_sandbox_envd_version(NULL) == NULL);
    char id[64];
    snprintf(id, sizeof id, "%s", e2b_sandbox_id(sandbox));

    /* The host of a port: made locally, <port>-<id>.<domain>. */
    e2b_bytes host = {NULL, 0};
    EXPECT_OK(e2b_sandbox_get_host(sandbox, 8000, &host, NULL));
    char prefix[80];
    snprintf(prefix, sizeof prefix, "8000-%s.", id);
    EXPECT(host.data != NULL && strncmp((const char *)host.data, prefix, strlen(prefix)) == 0 &&
           host.len > strlen(prefix));
    e2b_bytes_dispose(&host);
    EXPECT_ERR(e2b_sandbox_get_host(NULL, 8000, &host, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_sandbox_get_host(sandbox, 8000, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");

    bool running = false;
    EXPECT_OK(e2b_sandbox_is_running(sandbox, &running, NULL, NULL));
    EXPECT(running);
    EXPECT_ERR(e2b_sandbox_is_running(NULL, &running, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_sandbox_is_running(sandbox, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "running_out");

    EXPECT_OK(e2b_sandbox_set_timeout(sandbox, 90000, NULL, NULL));
    EXPECT_ERR(e2b_sandbox_set_timeout(NULL, 90000, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    /* 0 is the default (300 s), not "now"; a sandbox cannot live without a limit. */
    EXPECT_OK(e2b_sandbox_set_timeout(sandbox, 0, NULL, NULL));
    EXPECT_OK(e2b_sandbox_is_running(sandbox, &running, NULL, NULL));
    EXPECT(running);
    EXPECT_ERR(e2b_sandbox_set_timeout(sandbox, E2B_TIMEOUT_NONE, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "E2B_TIMEOUT_NONE");
    e2b_sandbox *again = NULL;
    EXPECT_ERR(e2b_client_connect_sandbox(client, id, E2B_TIMEOUT_NONE, &again, NULL, NULL, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "E2B_TIMEOUT_NONE");
    EXPECT(again == NULL);

    e2b_sandbox_info *info = NULL;
    EXPECT_ERR(e2b_sandbox_get_info(NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_sandbox_get_info(sandbox, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_OK(e2b_sandbox_get_info(sandbox, &info, NULL, NULL));
    EXPECT_STR(e2b_sandbox_info_id(info), id);
    EXPECT_STR(e2b_sandbox_info_template_id(info), "base");
    EXPECT(e2b_sandbox_info_state(info) == E2B_SANDBOX_RUNNING);
    EXPECT(strlen(e2b_sandbox_info_started_at(info)) > 0);
    EXPECT(strcmp(e2b_sandbox_info_started_at(info), e2b_sandbox_info_end_at(info)) < 0);
    EXPECT(strlen(e2b_sandbox_info_envd_version(info)) > 0);
    EXPECT(e2b_sandbox_info_cpu_count(info) > 0);
    EXPECT(e2b_sandbox_info_memory_mb(info) > 0);
    (void)e2b_sandbox_info_disk_size_mb(info);
    (void)e2b_sandbox_info_alias(info);
    EXPECT(e2b_sandbox_info_metadata_len(info) == 0);
    EXPECT(e2b_sandbox_info_metadata_key(info, 0) == NULL);
    EXPECT(e2b_sandbox_info_metadata_value(info, 0) == NULL);
    EXPECT(e2b_sandbox_info_metadata_get(info, "none") == NULL);
    EXPECT(e2b_sandbox_info_metadata_get(info, NULL) == NULL);
    EXPECT(e2b_sandbox_info_metadata_get(info, BAD_UTF8) == NULL);
    /* Getters on NULL give their documented defaults. */
    EXPECT(e2b_sandbox_info_id(NULL) == NULL);
    EXPECT(e2b_sandbox_info_template_id(NULL) == NULL);
    EXPECT(e2b_sandbox_info_alias(NULL) == NULL);
    EXPECT(e2b_sandbox_info_started_at(NULL) == NULL);
    EXPECT(e2b_sandbox_info_end_at(NULL) == NULL);
    EXPECT(e2b_sandbox_info_envd_version(NULL) == NULL);
    EXPECT(e2b_sandbox_info_state(NULL) == E2B_SANDBOX_UNKNOWN);
    EXPECT(e2b_sandbox_info_cpu_count(NULL) == 0);
    EXPECT(e2b_sandbox_info_memory_mb(NULL) == 0);
    EXPECT(e2b_sandbox_info_disk_size_mb(NULL) == 0);
    EXPECT(e2b_sandbox_info_metadata_len(NULL) == 0);
    EXPECT(e2b_sandbox_info_metadata_key(NULL, 0) == NULL);
    EXPECT(e2b_sandbox_info_metadata_value(NULL, 0) == NULL);
    EXPECT(e2b_sandbox_info_metadata_get(NULL, "k") == NULL);
    e2b_sandbox_info_free(info);
    e2b_sandbox_info_free(NULL);

    EXPECT_ERR(e2b_client_get_sandbox_info(NULL, id, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_get_sandbox_info(client, NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox_id");
    EXPECT_ERR(e2b_client_get_sandbox_info(client, BAD_UTF8, &info, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_get_sandbox_info(client, id, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");

    /* Pause twice: the second reports "already paused" without an error. */
    bool paused = false;
    EXPECT_OK(e2b_sandbox_pause(sandbox, &paused, NULL, NULL));
    EXPECT(paused);
    EXPECT_OK(e2b_sandbox_pause(sandbox, &paused, NULL, NULL));
    EXPECT(!paused);
    EXPECT_ERR(e2b_sandbox_pause(NULL, &paused, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_OK(e2b_sandbox_is_running(sandbox, &running, NULL, NULL));
    EXPECT(!running);
    EXPECT_OK(e2b_client_get_sandbox_info(client, id, &info, NULL, NULL));
    EXPECT(e2b_sandbox_info_state(info) == E2B_SANDBOX_PAUSED);
    e2b_sandbox_info_free(info);

    /* Resume (connect) by id; connecting again finds it running. */
    e2b_sandbox *resumed = NULL;
    bool was_paused = false;
    EXPECT_ERR(e2b_client_connect_sandbox(NULL, id, 60000, &resumed, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_connect_sandbox(client, NULL, 60000, &resumed, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_connect_sandbox(client, BAD_UTF8, 60000, &resumed, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_connect_sandbox(client, id, 60000, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_OK(e2b_client_connect_sandbox(client, id, 60000, &resumed, &was_paused, NULL, NULL));
    EXPECT(was_paused);
    e2b_sandbox_free(resumed);
    EXPECT_OK(e2b_client_connect_sandbox(client, id, 0, &resumed, &was_paused, NULL, NULL));
    EXPECT(!was_paused);
    e2b_sandbox_free(resumed);
    EXPECT_ERR(e2b_client_resume_sandbox(NULL, id, 60000, &resumed, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_resume_sandbox(client, NULL, 60000, &resumed, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox_id");
    EXPECT_ERR(e2b_client_resume_sandbox(client, BAD_UTF8, 60000, &resumed, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_resume_sandbox(client, id, 60000, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");

    /* Kill: true, then false; everything after reports the sandbox gone. */
    bool killed = false;
    EXPECT_ERR(e2b_sandbox_kill(NULL, &killed, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_OK(e2b_sandbox_kill(sandbox, &killed, NULL, NULL));
    EXPECT(killed);
    EXPECT_OK(e2b_sandbox_kill(sandbox, &killed, NULL, NULL));
    EXPECT(!killed);
    EXPECT_ERR(e2b_client_kill_sandbox(NULL, id, &killed, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_kill_sandbox(client, NULL, &killed, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox_id");
    EXPECT_ERR(e2b_client_kill_sandbox(client, BAD_UTF8, &killed, NULL, &err), E2B_ERR_INVALID_UTF8, err, "sandbox_id");
    EXPECT_OK(e2b_client_kill_sandbox(client, id, &killed, NULL, NULL));
    EXPECT(!killed);

    resumed = (e2b_sandbox *)(uintptr_t)0x1;
    EXPECT_ERR(e2b_client_resume_sandbox(client, id, 60000, &resumed, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, id);
    EXPECT(resumed == NULL);
    EXPECT_ERR(e2b_sandbox_get_info(sandbox, &info, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, id);
    EXPECT(info == NULL);
    EXPECT_ERR(e2b_client_get_sandbox_info(client, id, &info, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, "doesn't exist");
    EXPECT_ERR(e2b_sandbox_pause(sandbox, &paused, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, id);
    EXPECT_ERR(e2b_sandbox_set_timeout(sandbox, 10000, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, id);

    e2b_sandbox_free(sandbox);
    e2b_sandbox_free(NULL);
    e2b_client_free(client);
}

static void test_files(void) {
    e2b_error *err = NULL;
    e2b_client *client = new_client();
    e2b_sandbox *sandbox = testing_sandbox(client);

    /* Binary data with NULs round-trips; the result has a NUL after it. */
    uint8_t data[1024];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7);
    }
    EXPECT_OK(e2b_files_write(sandbox, "/home/user/data.bin", data, sizeof data, NULL, NULL, NULL));
    e2b_bytes out = {0};
    EXPECT_OK(e2b_files_read(sandbox, "data.bin", NULL, &out, NULL, NULL));
    EXPECT(out.len == sizeof data && memcmp(out.data, data, sizeof data) == 0);
    EXPECT(out.data[out.len] == 0);
    e2b_bytes_dispose(&out);
    EXPECT(out.data == NULL && out.len == 0);
    e2b_bytes_dispose(&out); /* twice is harmless */
    e2b_bytes_dispose(NULL);

    /* Empty writes may pass NULL data. */
    EXPECT_OK(e2b_files_write(sandbox, "empty.txt", NULL, 0, NULL, NULL, NULL));
    EXPECT_OK(e2b_files_read(sandbox, "empty.txt", NULL, &out, NULL, NULL));
    EXPECT(out.len == 0 && out.data != NULL && out.data[0] == 0);
    e2b_bytes_dispose(&out);

    EXPECT_ERR(e2b_files_write(NULL, "p", data, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_write(sandbox, NULL, data, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_write(sandbox, BAD_UTF8, data, 1, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_write(sandbox, "p", NULL, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "data");
    EXPECT_ERR(e2b_files_write(sandbox, "/home/user", data, 1, NULL, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "directory");
    EXPECT_ERR(e2b_files_read(NULL, "p", NULL, &out, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_read(sandbox, NULL, NULL, &out, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_read(sandbox, BAD_UTF8, NULL, &out, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_read(sandbox, "p", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_files_read(sandbox, "/home/user/missing", NULL, &out, NULL, &err), E2B_ERR_NOT_FOUND, err, "missing");
    EXPECT(e2b_error_http_status(NULL) == 0);
    EXPECT(out.data == NULL && out.len == 0);

    /* A paused sandbox does not answer. */
    EXPECT_OK(e2b_sandbox_pause(sandbox, NULL, NULL, NULL));
    EXPECT_ERR(e2b_files_read(sandbox, "data.bin", NULL, &out, NULL, &err), E2B_ERR_SANDBOX_GONE, err, "not found");

    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_list(void) {
    e2b_error *err = NULL;
    e2b_client *client = new_client();
    e2b_sandbox_options *o = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_metadata(o, "suite", "c-list", NULL));
    EXPECT_OK(e2b_sandbox_options_set_metadata(o, "odd key", "a&b=c", NULL));
    e2b_sandbox *a = NULL, *b = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, o, &a, NULL, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, o, &b, NULL, NULL));
    e2b_sandbox_options_free(o);
    EXPECT_OK(e2b_sandbox_pause(b, NULL, NULL, NULL));

    e2b_sandbox_query *q = e2b_sandbox_query_new();
    EXPECT_OK(e2b_sandbox_query_add_metadata(q, "odd key", "a&b=c", NULL));
    EXPECT_OK(e2b_sandbox_query_add_state(q, E2B_SANDBOX_PAUSED, NULL));
    EXPECT_OK(e2b_sandbox_query_set_limit(q, 10, NULL));
    EXPECT_OK(e2b_sandbox_query_set_next_token(q, NULL, NULL));
    e2b_sandbox_page *page = NULL;
    EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
    EXPECT(e2b_sandbox_page_len(page) == 1);
    EXPECT_STR(e2b_sandbox_info_id(e2b_sandbox_page_get(page, 0)), e2b_sandbox_id(b));
    EXPECT(e2b_sandbox_info_state(e2b_sandbox_page_get(page, 0)) == E2B_SANDBOX_PAUSED);
    EXPECT_STR(e2b_sandbox_info_metadata_key(e2b_sandbox_page_get(page, 0), 0), "odd key");
    EXPECT_STR(e2b_sandbox_info_metadata_value(e2b_sandbox_page_get(page, 0), 0), "a&b=c");
    EXPECT(e2b_sandbox_page_get(page, 1) == NULL);
    EXPECT(e2b_sandbox_page_next_token(page) == NULL);
    e2b_sandbox_page_free(page);
    e2b_sandbox_query_free(q);

    /* Page through everything with this metadata, one at a time. */
    q = e2b_sandbox_query_new();
    EXPECT_OK(e2b_sandbox_query_add_metadata(q, "suite", "c-list", NULL));
    EXPECT_OK(e2b_sandbox_query_set_limit(q, 1, NULL));
    size_t seen = 0;
    for (;;) {
        EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
        seen += e2b_sandbox_page_len(page);
        const char *next = e2b_sandbox_page_next_token(page);
        if (next == NULL) {
            e2b_sandbox_page_free(page);
            break;
        }
        EXPECT_OK(e2b_sandbox_query_set_next_token(q, next, NULL));
        e2b_sandbox_page_free(page);
    }
    EXPECT(seen == 2);

    /* Oldest first, of the template base, started at or after a's start; one running. */
    e2b_sandbox_query_free(q);
    q = e2b_sandbox_query_new();
    e2b_sandbox_info *info_a = NULL;
    EXPECT_OK(e2b_client_get_sandbox_info(client, e2b_sandbox_id(a), &info_a, NULL, NULL));
    EXPECT_OK(e2b_sandbox_query_add_metadata(q, "suite", "c-list", NULL));
    EXPECT_OK(e2b_sandbox_query_set_order(q, E2B_LIST_ORDER_ASC, NULL));
    EXPECT_OK(e2b_sandbox_query_set_template(q, "base", NULL));
    EXPECT_OK(e2b_sandbox_query_set_started_after(q, e2b_sandbox_info_started_at(info_a), NULL));
    e2b_sandbox_info_free(info_a);
    EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
    EXPECT(e2b_sandbox_page_len(page) == 2);
    EXPECT_STR(e2b_sandbox_info_id(e2b_sandbox_page_get(page, 0)), e2b_sandbox_id(a));
    EXPECT_STR(e2b_sandbox_info_id(e2b_sandbox_page_get(page, 1)), e2b_sandbox_id(b));
    EXPECT(e2b_sandbox_page_total_running(page) == 1);
    e2b_sandbox_page_free(page);
    EXPECT_OK(e2b_sandbox_query_set_order(q, E2B_LIST_ORDER_DESC, NULL));
    EXPECT_OK(e2b_sandbox_query_add_state(q, E2B_SANDBOX_PAUSED, NULL));
    EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
    EXPECT(e2b_sandbox_page_len(page) == 1);
    EXPECT(e2b_sandbox_page_total_running(page) == -1);
    e2b_sandbox_page_free(page);
    EXPECT_OK(e2b_sandbox_query_set_template(q, "code-interpreter-v1", NULL));
    EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
    EXPECT(e2b_sandbox_page_len(page) == 0);
    e2b_sandbox_page_free(page);
    EXPECT_OK(e2b_sandbox_query_set_template(q, "base:v1", NULL));
    EXPECT_ERR(e2b_client_list_sandboxes(client, q, &page, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "tag");
    EXPECT_OK(e2b_sandbox_query_set_template(q, NULL, NULL));
    EXPECT_OK(e2b_sandbox_query_set_started_after(q, "yesterday", NULL));
    EXPECT_ERR(e2b_client_list_sandboxes(client, q, &page, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "yesterday");
    EXPECT_OK(e2b_sandbox_query_set_started_after(q, NULL, NULL));
    EXPECT_ERR(e2b_sandbox_query_set_order(q, 2, &err), E2B_ERR_INVALID_ARGUMENT, err, "e2b_list_order");
    EXPECT_ERR(e2b_sandbox_query_set_order(NULL, E2B_LIST_ORDER_ASC, &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_sandbox_query_set_template(q, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "template_name");
    EXPECT_ERR(e2b_sandbox_query_set_started_after(NULL, "t", &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT(e2b_sandbox_page_total_running(NULL) == -1);

    EXPECT_ERR(e2b_sandbox_query_add_state(NULL, E2B_SANDBOX_RUNNING, &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_sandbox_query_add_state(q, 42, &err), E2B_ERR_INVALID_ARGUMENT, err, "42");
    EXPECT_ERR(e2b_sandbox_query_add_state(q, E2B_SANDBOX_UNKNOWN, &err), E2B_ERR_INVALID_ARGUMENT, err, "0");
    EXPECT_ERR(e2b_sandbox_query_add_metadata(NULL, "k", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_sandbox_query_add_metadata(q, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "key");
    EXPECT_ERR(e2b_sandbox_query_add_metadata(q, "k", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "value");
    EXPECT_ERR(e2b_sandbox_query_add_metadata(q, BAD_UTF8, "v", &err), E2B_ERR_INVALID_UTF8, err, "key");
    EXPECT_ERR(e2b_sandbox_query_add_metadata(q, "k", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_ERR(e2b_sandbox_query_set_limit(NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_sandbox_query_set_next_token(NULL, "t", &err), E2B_ERR_NULL_ARGUMENT, err, "query");
    EXPECT_ERR(e2b_sandbox_query_set_next_token(q, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "next_token");
    EXPECT_OK(e2b_sandbox_query_set_next_token(q, "garbage", NULL));
    EXPECT_ERR(e2b_client_list_sandboxes(client, q, &page, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "");
    EXPECT_ERR(e2b_client_list_sandboxes(NULL, q, &page, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_list_sandboxes(client, q, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    e2b_sandbox_query_free(q);
    e2b_sandbox_query_free(NULL);

    EXPECT_OK(e2b_client_list_sandboxes(client, NULL, &page, NULL, NULL));
    EXPECT(e2b_sandbox_page_len(page) >= 2);
    e2b_sandbox_page_free(page);
    EXPECT(e2b_sandbox_page_len(NULL) == 0);
    EXPECT(e2b_sandbox_page_get(NULL, 0) == NULL);
    EXPECT(e2b_sandbox_page_next_token(NULL) == NULL);
    e2b_sandbox_page_free(NULL);

    EXPECT_OK(e2b_sandbox_kill(a, NULL, NULL, NULL));
    EXPECT_OK(e2b_sandbox_kill(b, NULL, NULL, NULL));
    e2b_sandbox_free(a);
    e2b_sandbox_free(b);
    e2b_client_free(client);
}

static void test_wrong_api_key(void) {
    e2b_error *err = NULL;
    e2b_client_options *options = e2b_client_options_new();
    EXPECT_OK(e2b_client_options_set_api_key(options, "e2b_0000", NULL));
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(options, &client, NULL));
    e2b_client_options_free(options);
    e2b_sandbox *sandbox = NULL;
    EXPECT_ERR(e2b_client_create_sandbox(client, NULL, &sandbox, NULL, &err), E2B_ERR_AUTHENTICATION, err, "401");
    e2b_client_free(client);
}

/* Lifecycle modes: on-timeout pause with the filesystem mode, pause with a
 * mode and strict, connect with on_resume, and the info fields that say so. */
static void test_lifecycle_modes(void) {
    e2b_error *err = NULL;
    e2b_client *client = new_client();
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(options, 120000, NULL));
    /* Checked as the SDKs check them, before any request. */
    EXPECT_ERR(e2b_sandbox_options_set_on_timeout(NULL, E2B_ON_TIMEOUT_KILL, E2B_PAUSE_MODE_DEFAULT, &err),
               E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_sandbox_options_set_on_timeout(options, 7, E2B_PAUSE_MODE_DEFAULT, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "e2b_on_timeout");
    EXPECT_ERR(e2b_sandbox_options_set_on_timeout(options, E2B_ON_TIMEOUT_PAUSE, 9, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "e2b_pause_mode");
    EXPECT_ERR(e2b_sandbox_options_set_on_timeout(options, E2B_ON_TIMEOUT_KILL, E2B_PAUSE_MODE_FULL, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "E2B_ON_TIMEOUT_PAUSE");
    EXPECT_OK(e2b_sandbox_options_set_on_timeout(options, E2B_ON_TIMEOUT_PAUSE, E2B_PAUSE_MODE_FILESYSTEM, NULL));
    EXPECT_OK(e2b_sandbox_options_set_auto_resume(options, true, NULL));
    e2b_sandbox *sandbox = NULL;
    EXPECT_ERR(e2b_client_create_sandbox(client, options, &sandbox, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "filesystem");
    EXPECT(sandbox == NULL);
    EXPECT_OK(e2b_sandbox_options_set_on_timeout(options, E2B_ON_TIMEOUT_PAUSE, E2B_PAUSE_MODE_FULL, NULL));
    EXPECT_OK(e2b_sandbox_options_set_allow_internet_access(options, false, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, options, &sandbox, NULL, NULL));
    e2b_sandbox_options_free(options);

    e2b_sandbox_info *info = NULL;
    EXPECT_OK(e2b_sandbox_get_info(sandbox, &info, NULL, NULL));
    EXPECT(e2b_sandbox_info_on_timeout(info) == E2B_ON_TIMEOUT_PAUSE);
    EXPECT(e2b_sandbox_info_auto_resume(info));
    EXPECT(e2b_sandbox_info_pause_mode(info) == E2B_PAUSE_MODE_DEFAULT);
    EXPECT(!e2b_sandbox_info_envd_unresponsive_at_pause(info));
    EXPECT(e2b_sandbox_info_allow_internet_access(info) == 0);
    const e2b_sandbox_fields *fields = e2b_sandbox_info_fields(info);
    EXPECT(fields->struct_size >= sizeof *fields);
    EXPECT(fields->on_timeout == E2B_ON_TIMEOUT_PAUSE && fields->auto_resume);
    EXPECT(fields->allow_internet_access == 0);
    const e2b_sandbox_network_fields *network = e2b_sandbox_info_network(info);
    EXPECT(network == fields->network);
    if (network != NULL) {
        EXPECT(network->struct_size >= sizeof *network);
        EXPECT(network->allow_out_len == 0 && network->allow_out == NULL);
        EXPECT(network->deny_out_len == 0 && network->https_ports_len == 0);
        EXPECT_STR(network->rules_json, "{}");
        EXPECT(network->egress_proxy_address == NULL);
        EXPECT(network->allow_public_traffic == -1);
    }
    e2b_sandbox_info_free(info);
    /* Getters on NULL give their documented defaults. */
    EXPECT(e2b_sandbox_info_on_timeout(NULL) == E2B_ON_TIMEOUT_DEFAULT);
    EXPECT(!e2b_sandbox_info_auto_resume(NULL));
    EXPECT(e2b_sandbox_info_pause_mode(NULL) == E2B_PAUSE_MODE_DEFAULT);
    EXPECT(!e2b_sandbox_info_envd_unresponsive_at_pause(NULL));
    EXPECT(e2b_sandbox_info_allow_internet_access(NULL) == -1);
    EXPECT(e2b_sandbox_info_domain(NULL) == NULL);
    EXPECT(e2b_sandbox_info_network(NULL) == NULL);

    /* Pause with a mode and strict; the info says how. */
    bool paused = false;
    EXPECT_ERR(e2b_sandbox_pause_with(NULL, E2B_PAUSE_MODE_FULL, true, &paused, NULL, &err), E2B_ERR_NULL_ARGUMENT,
               err, "sandbox");
    EXPECT_ERR(e2b_sandbox_pause_with(sandbox, 5, true, &paused, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "e2b_pause_mode");
    EXPECT_OK(e2b_sandbox_pause_with(sandbox, E2B_PAUSE_MODE_FILESYSTEM, true, &paused, NULL, NULL));
    EXPECT(paused);
    EXPECT_OK(e2b_sandbox_pause_with(sandbox, E2B_PAUSE_MODE_DEFAULT, false, &paused, NULL, NULL));
    EXPECT(!paused);
    EXPECT_OK(e2b_sandbox_get_info(sandbox, &info, NULL, NULL));
    EXPECT(e2b_sandbox_info_state(info) == E2B_SANDBOX_PAUSED);
    EXPECT(e2b_sandbox_info_pause_mode(info) == E2B_PAUSE_MODE_FILESYSTEM);
    e2b_sandbox_info_free(info);

    /* Connect, instance form, with reboot; then the class forms. */
    EXPECT_ERR(e2b_sandbox_connect(sandbox, 60000, 3, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "e2b_on_resume");
    EXPECT_ERR(e2b_sandbox_connect(NULL, 60000, E2B_ON_RESUME_REBOOT, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox");
    EXPECT_OK(e2b_sandbox_connect(sandbox, 60000, E2B_ON_RESUME_REBOOT, NULL, NULL));
    bool running = false;
    EXPECT_OK(e2b_sandbox_is_running(sandbox, &running, NULL, NULL));
    EXPECT(running);
    char id[64];
    snprintf(id, sizeof id, "%s", e2b_sandbox_id(sandbox));
    EXPECT_OK(e2b_client_pause_sandbox(client, id, E2B_PAUSE_MODE_FULL, false, &paused, NULL, NULL));
    EXPECT(paused);
    EXPECT_ERR(e2b_client_pause_sandbox(client, BAD_UTF8, E2B_PAUSE_MODE_FULL, false, &paused, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "sandbox_id");
    EXPECT_ERR(e2b_client_pause_sandbox(client, "nosuchsandbox", E2B_PAUSE_MODE_FULL, false, &paused, NULL, &err),
               E2B_ERR_SANDBOX_NOT_FOUND, err, "nosuchsandbox");
    e2b_sandbox *again = NULL;
    bool resumed = false;
    EXPECT_ERR(e2b_client_connect_sandbox_with(client, id, 60000, 2, &again, &resumed, NULL, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "e2b_on_resume");
    EXPECT_ERR(e2b_client_connect_sandbox_with(client, NULL, 60000, E2B_ON_RESUME_RESTORE, &again, &resumed, NULL,
                                               &err),
               E2B_ERR_NULL_ARGUMENT, err, "sandbox_id");
    EXPECT_OK(e2b_client_connect_sandbox_with(client, id, 60000, E2B_ON_RESUME_RESTORE, &again, &resumed, NULL, NULL));
    EXPECT(resumed && again != NULL);
    e2b_sandbox_free(again);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

int main(void) {
    RUN(test_versions);
    RUN(test_errors);
    RUN(test_client_options);
    RUN(test_sandbox_options);
    RUN(test_lifecycle);
    RUN(test_lifecycle_modes);
    RUN(test_files);
    RUN(test_list);
    RUN(test_wrong_api_key);
    return testing_summary();
}
