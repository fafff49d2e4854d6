/*
 * A first program of a C user of the libe2b archive: creates a sandbox,
 * writes a file and reads it back, runs a command on it, kills the sandbox
 * and sees that it is gone. tests/package/c.sh builds it against the unpacked
 * archive in each way the README gives and runs it against e2b-local.
 *
 *   program NAME    (NAME says how it was built; it goes into the file)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <e2b.h>

static const char *name = "program";

/* Prints the error of a failed call and leaves. */
static void check(e2b_error_code code, e2b_error *err, const char *what) {
    if (code == E2B_OK) {
        return;
    }
    fprintf(stderr, "%s: %s failed: %s (%s)\n", name, what, e2b_error_message(err), e2b_error_code_name(code));
    e2b_error_free(err);
    exit(1);
}

static void fail(const char *what) {
    fprintf(stderr, "%s: %s\n", name, what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        name = argv[1];
    }
    if (e2b_abi_version() != E2B_ABI_VERSION || strcmp(e2b_version(), E2B_VERSION) != 0) {
        fail("the library does not match its header");
    }
    e2b_error *err = NULL;

    e2b_client *client = NULL;
    check(e2b_client_new(NULL, &client, &err), err, "e2b_client_new");
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    check(e2b_sandbox_options_set_timeout_ms(options, 60000, &err), err, "set timeout");
    e2b_sandbox *sandbox = NULL;
    check(e2b_client_create_sandbox(client, options, &sandbox, NULL, &err), err, "e2b_client_create_sandbox");
    e2b_sandbox_options_free(options);
    char id[64];
    snprintf(id, sizeof id, "%s", e2b_sandbox_id(sandbox));

    char text[256];
    snprintf(text, sizeof text, "written by %s\n", name);
    const char *path = "/home/user/package.txt";
    check(e2b_files_write(sandbox, path, (const uint8_t *)text, strlen(text), NULL, NULL, &err), err,
          "e2b_files_write");
    e2b_bytes content = {0};
    check(e2b_files_read(sandbox, path, NULL, &content, NULL, &err), err, "e2b_files_read");
    if (content.len != strlen(text) || memcmp(content.data, text, content.len) != 0) {
        fail("the file read back differs from the one written");
    }
    e2b_bytes_dispose(&content);

    /* The sandbox's shell sees the same file. */
    e2b_command_result *result = NULL;
    check(e2b_commands_run(sandbox, "cat package.txt", NULL, NULL, NULL, &result, NULL, &err), err,
          "e2b_commands_run");
    check(e2b_command_result_check(result, &err), err, "cat");
    size_t len = 0;
    const uint8_t *out = e2b_command_result_stdout(result, &len);
    if (len != strlen(text) || memcmp(out, text, len) != 0) {
        fail("cat printed something else than the file");
    }
    e2b_command_result_free(result);

    bool killed = false;
    check(e2b_sandbox_kill(sandbox, &killed, NULL, &err), err, "e2b_sandbox_kill");
    e2b_sandbox_free(sandbox);
    if (!killed) {
        fail("the sandbox was gone before it was killed");
    }
    e2b_sandbox_info *info = NULL;
    e2b_error_code code = e2b_client_get_sandbox_info(client, id, &info, NULL, &err);
    if (code != E2B_ERR_SANDBOX_NOT_FOUND) {
        fprintf(stderr, "%s: the killed sandbox answers: %s\n", name, e2b_error_code_name(code));
        return 1;
    }
    e2b_error_free(err);
    e2b_client_free(client);
    printf("%s: libe2b %s: created, wrote, read, ran and killed sandbox %s\n", name, e2b_version(), id);
    return 0;
}
