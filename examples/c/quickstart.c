/*
 * The E2B quickstart in C: create a sandbox, write and read a file, pause
 * it, resume it by id, find it in the list, kill it, and show that a killed
 * sandbox cannot be resumed.
 *
 * Uses E2B_API_KEY (and E2B_API_URL / E2B_SANDBOX_URL for e2b-local) from
 * the environment. Build: see the README ("make quickstart" does it all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"

/* Prints the error of a failed call and leaves. */
static void check(e2b_error_code code, e2b_error *err, const char *what) {
    if (code == E2B_OK) {
        return;
    }
    fprintf(stderr, "%s failed: %s (%s, HTTP %u)\n", what, e2b_error_message(err),
            e2b_error_code_name(code), (unsigned)e2b_error_http_status(err));
    e2b_error_free(err);
    exit(1);
}

int main(void) {
    e2b_error *err = NULL;
    if (e2b_abi_version() != E2B_ABI_VERSION) {
        fprintf(stderr, "libe2b %s does not match this header (%s)\n", e2b_version(), E2B_VERSION);
        return 1;
    }

    e2b_client *client = NULL;
    check(e2b_client_new(NULL, &client, &err), err, "e2b_client_new");

    /* Create a sandbox from the base template, alive for five minutes. */
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    check(e2b_sandbox_options_set_timeout_ms(options, 300000, &err), err, "set timeout");
    check(e2b_sandbox_options_set_metadata(options, "example", "quickstart", &err), err, "set metadata");
    e2b_sandbox *sandbox = NULL;
    check(e2b_client_create_sandbox(client, options, &sandbox, NULL, &err), err, "e2b_client_create_sandbox");
    e2b_sandbox_options_free(options);
    char id[64];
    snprintf(id, sizeof id, "%s", e2b_sandbox_id(sandbox));
    printf("created sandbox %s\n", id);

    /* Write a file and read it back. */
    const char *text = "Hello from C!\n";
    check(e2b_files_write(sandbox, "/home/user/hello.txt", (const uint8_t *)text, strlen(text), NULL, NULL, &err),
          err, "e2b_files_write");
    e2b_bytes content = {0};
    check(e2b_files_read(sandbox, "/home/user/hello.txt", NULL, &content, NULL, &err), err, "e2b_files_read");
    printf("read back: %s", (const char *)content.data);
    e2b_bytes_dispose(&content);

    /* Pause it: the filesystem and memory are kept. */
    bool paused = false;
    check(e2b_sandbox_pause(sandbox, &paused, NULL, &err), err, "e2b_sandbox_pause");
    printf("paused sandbox %s\n", id);
    e2b_sandbox_free(sandbox);

    /* Resume it by id, for another minute, and read the file again. */
    check(e2b_client_resume_sandbox(client, id, 60000, &sandbox, NULL, &err), err, "e2b_client_resume_sandbox");
    check(e2b_files_read(sandbox, "/home/user/hello.txt", NULL, &content, NULL, &err), err, "e2b_files_read");
    printf("after resume: %s", (const char *)content.data);
    if (content.len != strlen(text) || memcmp(content.data, text, content.len) != 0) {
        fprintf(stderr, "the file changed across pause and resume\n");
        return 1;
    }
    e2b_bytes_dispose(&content);

    /* Find it among the running sandboxes. */
    e2b_sandbox_query *query = e2b_sandbox_query_new();
    check(e2b_sandbox_query_add_state(query, E2B_SANDBOX_RUNNING, &err), err, "add state");
    check(e2b_sandbox_query_add_metadata(query, "example", "quickstart", &err), err, "add metadata");
    e2b_sandbox_page *page = NULL;
    check(e2b_client_list_sandboxes(client, query, &page, NULL, &err), err, "e2b_client_list_sandboxes");
    bool found = false;
    for (size_t i = 0; i < e2b_sandbox_page_len(page); i++) {
        const e2b_sandbox_info *info = e2b_sandbox_page_get(page, i);
        if (strcmp(e2b_sandbox_info_id(info), id) == 0) {
            found = true;
            printf("listed: %s (template %s, ends %s)\n", id, e2b_sandbox_info_template_id(info),
                   e2b_sandbox_info_end_at(info));
        }
    }
    e2b_sandbox_page_free(page);
    e2b_sandbox_query_free(query);
    if (!found) {
        fprintf(stderr, "sandbox %s is not in the list\n", id);
        return 1;
    }

    /* Kill it; resuming it now fails with E2B_ERR_SANDBOX_NOT_FOUND. */
    bool killed = false;
    check(e2b_sandbox_kill(sandbox, &killed, NULL, &err), err, "e2b_sandbox_kill");
    printf("killed sandbox %s\n", id);
    e2b_sandbox_free(sandbox);

    e2b_sandbox *gone = NULL;
    e2b_error_code code = e2b_client_resume_sandbox(client, id, 60000, &gone, NULL, &err);
    printf("resume after kill: %s (%s)\n", e2b_error_code_name(code), e2b_error_message(err));
    e2b_error_free(err);
    e2b_client_free(client);
    return code == E2B_ERR_SANDBOX_NOT_FOUND ? 0 : 1;
}
