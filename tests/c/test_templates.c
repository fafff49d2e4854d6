/*
 * C tests of template builds, linked against the real library and run against
 * a real e2b-local (E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY in the
 * environment): a template with a Python package installed from a local
 * source tree and a start command, a sandbox from it, status, tags, errors,
 * bad arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        FAIL("cannot write %s", path);
        return;
    }
    fputs(text, f);
    fclose(f);
}

/* A context folder with a tiny package `greet` and an app that uses it. */
static void make_context(char *dir) {
    EXPECT(mkdtemp(dir) != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/greet", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/greet/greet", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/greet/pyproject.toml", dir);
    write_file(path,
               "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
               "[project]\nname = \"greet\"\nversion = \"0.1.0\"\n");
    snprintf(path, sizeof path, "%s/greet/greet/__init__.py", dir);
    write_file(path, "def hello(name):\n    return f'hello {name}'\n");
    snprintf(path, sizeof path, "%s/app.py", dir);
    write_file(path, "import greet, pathlib, time\npathlib.Path('/tmp/started').write_text(greet.hello('c'))\n"
                     "time.sleep(3600)\n");
}

static void remove_context(const char *dir) {
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    EXPECT(system(command) == 0);
}

static int log_count = 0;
static int saw_installed = 0;

static int on_log(void *user_data, const e2b_build_log_entry *entry) {
    (void)user_data;
    log_count++;
    const char *message = e2b_build_log_entry_message(entry);
    if (message != NULL && strstr(message, "Successfully installed greet") != NULL) saw_installed = 1;
    EXPECT(e2b_build_log_entry_level(entry) != NULL && e2b_build_log_entry_timestamp(entry) != NULL);
    return 0;
}

static int stop_at_first(void *user_data, const e2b_build_log_entry *entry) {
    (void)user_data;
    (void)entry;
    return 42;
}

static char *run_stdout(e2b_sandbox *sandbox, const char *cmd) {
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_commands_run(sandbox, cmd, NULL, NULL, NULL, &result, NULL, NULL));
    size_t len = 0;
    const uint8_t *data = e2b_command_result_stdout(result, &len);
    char *text = calloc(1, len + 1);
    if (len > 0) memcpy(text, data, len);
    e2b_command_result_free(result);
    return text;
}

static void test_build_and_start_a_sandbox(void) {
    char dir[] = "/tmp/e2b-template-XXXXXX";
    make_context(dir);
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));

    e2b_template *template = e2b_template_new();
    EXPECT_OK(e2b_template_set_file_context_path(template, dir, NULL));
    EXPECT_OK(e2b_template_from_template(template, "code-interpreter-v1", NULL));
    EXPECT_OK(e2b_template_copy(template, "greet", "/opt/greet/", NULL, -1, false, false, NULL));
    EXPECT_OK(e2b_template_copy(template, "app.py", "/home/user/app/", "user", 0755, false, false, NULL));
    EXPECT_OK(e2b_template_run_cmd(template, "pip install --no-index --no-build-isolation /opt/greet", "root", NULL));
    const char *keys[] = {"GREETING"};
    const char *values[] = {"hi"};
    EXPECT_OK(e2b_template_set_envs(template, keys, values, 1, NULL));
    EXPECT_OK(e2b_template_set_workdir(template, "/home/user/app", NULL));
    EXPECT_OK(e2b_template_set_user(template, "user", NULL));
    EXPECT_OK(e2b_template_set_start_cmd(template, "python3 app.py", "test -e /tmp/started", NULL));

    e2b_build_info *info = NULL;
    EXPECT_OK(e2b_template_build(client, template, "c-greeter", NULL, 0, on_log, NULL, &info, NULL, NULL));
    EXPECT(log_count > 0 && saw_installed);
    EXPECT_STR(e2b_build_info_name(info), "c-greeter");
    EXPECT(e2b_build_info_template_id(info) != NULL && e2b_build_info_build_id(info) != NULL);
    EXPECT(e2b_build_info_tags_len(info) == 1);
    EXPECT_STR(e2b_build_info_tags_get(info, 0), "default");
    EXPECT(e2b_build_info_tags_get(info, 1) == NULL);

    bool exists = false;
    EXPECT_OK(e2b_template_exists(client, "c-greeter", &exists, NULL, NULL));
    EXPECT(exists);

    e2b_build_status_info *status = NULL;
    EXPECT_OK(e2b_template_get_build_status(client, info, 0, &status, NULL, NULL));
    EXPECT(e2b_build_status_info_status(status) == E2B_BUILD_READY);
    EXPECT(e2b_build_status_info_reason(status) == NULL);
    EXPECT(e2b_build_status_info_logs_len(status) > 0);
    EXPECT(e2b_build_log_entry_message(e2b_build_status_info_logs_get(status, 0)) != NULL);
    EXPECT(e2b_build_status_info_logs_get(status, 100000) == NULL);
    e2b_build_status_info_free(status);

    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_template(options, "c-greeter", NULL));
    e2b_sandbox *sandbox = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, options, &sandbox, NULL, NULL));
    e2b_sandbox_options_free(options);
    if (sandbox != NULL) {
        char *out = run_stdout(sandbox, "cat /tmp/started; echo; pwd; echo $GREETING");
        EXPECT_STR(out, "hello c\n/home/user/app\nhi\n");
        free(out);
        e2b_sandbox_kill(sandbox, NULL, NULL, NULL);
        e2b_sandbox_free(sandbox);
    }

    /* Tags. */
    const char *prod[] = {"prod"};
    EXPECT_OK(e2b_template_assign_tags(client, "c-greeter:default", prod, 1, NULL, NULL));
    e2b_template_tag_list *tags = NULL;
    EXPECT_OK(e2b_template_get_tags(client, "c-greeter", &tags, NULL, NULL));
    EXPECT(e2b_template_tag_list_len(tags) == 2);
    EXPECT_STR(e2b_template_tag_list_build_id(tags, 0), e2b_build_info_build_id(info));
    EXPECT(e2b_template_tag_list_created_at(tags, 1) != NULL && e2b_template_tag_list_tag(tags, 2) == NULL);
    e2b_template_tag_list_free(tags);
    EXPECT_OK(e2b_template_remove_tags(client, "c-greeter", prod, 1, NULL, NULL));
    EXPECT_OK(e2b_template_get_tags(client, "c-greeter", &tags, NULL, NULL));
    EXPECT(e2b_template_tag_list_len(tags) == 1);
    e2b_template_tag_list_free(tags);

    bool deleted = false;
    EXPECT_OK(e2b_template_delete(client, "c-greeter", &deleted, NULL, NULL));
    EXPECT(deleted);
    EXPECT_OK(e2b_template_exists(client, "c-greeter", &exists, NULL, NULL));
    EXPECT(!exists);

    e2b_build_info_free(info);
    e2b_template_free(template);
    e2b_client_free(client);
    remove_context(dir);
}

static void test_failures(void) {
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    e2b_error *err = NULL;

    e2b_template *failing = e2b_template_new();
    EXPECT_OK(e2b_template_from_template(failing, "base", NULL));
    EXPECT_OK(e2b_template_run_cmd(failing, "echo before; exit 5", NULL, NULL));
    EXPECT_ERR(e2b_template_build(client, failing, "c-fails", NULL, 0, NULL, NULL, NULL, NULL, &err), E2B_ERR_BUILD,
               err, "exit code 5");

    /* In the background: the status says why, and which step. */
    e2b_build_info *info = NULL;
    EXPECT_OK(e2b_template_build_in_background(client, failing, "c-fails", NULL, 0, &info, NULL, NULL));
    e2b_build_status_info *status = NULL;
    for (int i = 0; i < 600; i++) {
        EXPECT_OK(e2b_template_get_build_status(client, info, 0, &status, NULL, NULL));
        if (status == NULL || e2b_build_status_info_status(status) >= E2B_BUILD_READY) break;
        e2b_build_status_info_free(status);
        status = NULL;
        struct timespec pause = {0, 200000000};
        nanosleep(&pause, NULL);
    }
    EXPECT(e2b_build_status_info_status(status) == E2B_BUILD_ERROR);
    EXPECT(strstr(e2b_build_status_info_reason(status), "exit code 5") != NULL);
    EXPECT_STR(e2b_build_status_info_reason_step(status), "1");
    e2b_build_status_info_free(status);
    e2b_build_info_free(info);

    /* A callback that stops the wait. */
    EXPECT_ERR(e2b_template_build(client, failing, "c-stop", NULL, 0, stop_at_first, NULL, NULL, NULL, &err),
               E2B_ERR_CALLBACK_ABORTED, err, "callback");

    e2b_template *image = e2b_template_new();
    EXPECT_OK(e2b_template_from_image(image, "python:3.12", NULL));
    EXPECT_ERR(e2b_template_build(client, image, "c-nopull", NULL, 0, NULL, NULL, NULL, NULL, &err), E2B_ERR_BUILD, err,
               "python:3.12");

    e2b_template *missing = e2b_template_new();
    EXPECT_OK(e2b_template_set_file_context_path(missing, "/nonexistent-context", NULL));
    EXPECT_OK(e2b_template_copy(missing, "nothing", "/x", NULL, -1, false, false, NULL));
    EXPECT_ERR(e2b_template_build(client, missing, "c-missing", NULL, 0, NULL, NULL, NULL, NULL, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "No files found");

    /* Bad arguments. */
    EXPECT_ERR(e2b_template_from_image(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "template");
    EXPECT_ERR(e2b_template_from_image(image, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "image");
    EXPECT_ERR(e2b_template_run_cmd(image, BAD_UTF8, NULL, &err), E2B_ERR_INVALID_UTF8, err, "command");
    EXPECT_ERR(e2b_template_set_envs(image, NULL, NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "keys");
    EXPECT_ERR(e2b_template_build(NULL, image, "x", NULL, 0, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "client");
    EXPECT_ERR(e2b_template_build(client, image, NULL, NULL, 0, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT,
               err, "name");
    EXPECT_ERR(e2b_template_build_in_background(client, image, "x", NULL, 0, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT,
               err, "out");
    EXPECT_ERR(e2b_template_exists(client, BAD_UTF8, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT(e2b_build_info_name(NULL) == NULL && e2b_build_info_tags_len(NULL) == 0);
    EXPECT(e2b_build_status_info_status(NULL) == E2B_BUILD_ERROR && e2b_build_status_info_logs_len(NULL) == 0);
    EXPECT(e2b_build_log_entry_step(NULL) == NULL && e2b_template_tag_list_len(NULL) == 0);
    EXPECT_STR(e2b_error_code_name(E2B_ERR_BUILD), "E2B_ERR_BUILD");
    EXPECT_STR(e2b_error_code_name(E2B_ERR_FILE_UPLOAD), "E2B_ERR_FILE_UPLOAD");
    e2b_template_free(NULL);
    e2b_build_info_free(NULL);
    e2b_build_status_info_free(NULL);
    e2b_template_tag_list_free(NULL);

    e2b_template_free(missing);
    e2b_template_free(image);
    e2b_template_free(failing);
    e2b_client_free(client);
}

int main(void) {
    RUN(test_build_and_start_a_sandbox);
    RUN(test_failures);
    return testing_summary();
}
