/*
 * The E2B story in C, top to bottom: a custom template built with the
 * template builder, a sandbox from it, code
 * with rich results, a command, a watched directory, a folder uploaded and
 * downloaded back with a progress bar, pause, resume by id with a new
 * timeout, list and connect from a second client, kill, and the error a
 * killed sandbox's id gives.
 *
 *   quickstart [TEMPLATE]
 *
 * TEMPLATE (else E2B_TEMPLATE) must have the code interpreter, as E2B's
 * code-interpreter-v1 and every e2b-local template do; without either, the
 * quickstart builds its own template "quickstart" from code-interpreter-v1
 * (a welcome file, an environment variable) and starts from it. Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for
 * e2b-local, from the environment. scripts/quickstart.sh builds and runs it,
 * against an e2b-local with a template of its own when E2B_API_KEY is unset.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2b.h"

/* Prints the error of a failed call and leaves. */
/* `err` is passed by address, read only after the call: C leaves the order in
 * which a call's arguments are evaluated open, so `check(f(&err), &err, ...)`
 * could read `err` before `f` has set it. */
static void check(e2b_error_code code, e2b_error **err, const char *what) {
    if (code == E2B_OK) {
        return;
    }
    fprintf(stderr, "%s failed: %s (%s)\n", what, e2b_error_message(*err), e2b_error_code_name(code));
    e2b_error_free(*err);
    exit(1);
}

/* Prints what the code writes to stdout as it comes. */
static int32_t on_output(void *user_data, e2b_execution_output output, const e2b_execution *run, size_t index) {
    (void)user_data;
    if (output == E2B_EXECUTION_STDOUT) {
        printf("  python says: %s", (const char *)e2b_execution_chunks_get(run, E2B_STREAM_STDOUT, index, NULL));
    }
    return 0;
}

/* Draws a progress bar naming the file in flight. */
static int32_t on_progress(void *user_data, const e2b_dir_progress *p) {
    const char *verb = user_data;
    int filled = p->total ? (int)(20 * p->done / p->total) : 20;
    printf("\r  %s [%-20.*s] %3d%%  file %zu of %zu: %-40s", verb, filled, "####################",
           p->total ? (int)(100 * p->done / p->total) : 100, p->index + 1, p->count, p->path);
    fflush(stdout);
    return 0;
}

/* Writes `text` to the local file `dir`/`name`. */
static void local_file(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* Prints a template build's log as it comes. */
static int print_build_log(void *user_data, const e2b_build_log_entry *entry) {
    (void)user_data;
    printf("  build: %s\n", e2b_build_log_entry_message(entry));
    return 0;
}

int main(int argc, char **argv) {
    e2b_error *err = NULL;
    if (e2b_abi_version() != E2B_ABI_VERSION) {
        fprintf(stderr, "libe2b %s does not match this header (%s)\n", e2b_version(), E2B_VERSION);
        return 1;
    }
    const char *template_id = argc > 1 ? argv[1] : getenv("E2B_TEMPLATE");
    e2b_client *client = NULL;
    check(e2b_client_new(NULL, &client, &err), &err, "e2b_client_new");

    /* 0. Without a template named, build one: the code interpreter's, with a welcome. */
    if (template_id == NULL || *template_id == '\0') {
        template_id = "quickstart";
        e2b_template *template = e2b_template_new();
        check(e2b_template_from_template(template, "code-interpreter-v1", &err), &err, "from template");
        check(e2b_template_run_cmd(template,
                                   "echo 'Welcome to a sandbox made from the template the quickstart built.' "
                                   "> /home/user/welcome.txt && echo wrote the welcome",
                                   NULL, &err),
              &err, "run_cmd");
        const char *keys[] = {"QUICKSTART"};
        const char *values[] = {"1"};
        check(e2b_template_set_envs(template, keys, values, 1, &err), &err, "set envs");
        /* (The call first: an argument's order of evaluation is the compiler's choice.) */
        e2b_error_code built =
            e2b_template_build(client, template, template_id, NULL, 0, print_build_log, NULL, NULL, NULL, &err);
        check(built, &err, "e2b_template_build");
        e2b_template_free(template);
        printf("built template %s\n", template_id);
    }

    /* 1. A sandbox from the template, alive for five minutes, tagged so we can find it. */
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    check(e2b_sandbox_options_set_template(options, template_id, &err), &err, "set template");
    check(e2b_sandbox_options_set_timeout_ms(options, 5 * 60 * 1000, &err), &err, "set timeout");
    check(e2b_sandbox_options_set_metadata(options, "example", "c-quickstart", &err), &err, "set metadata");
    e2b_sandbox *sandbox = NULL;
    check(e2b_client_create_sandbox(client, options, &sandbox, NULL, &err), &err, "e2b_client_create_sandbox");
    e2b_sandbox_options_free(options);
    char id[64];
    snprintf(id, sizeof id, "%s", e2b_sandbox_id(sandbox));
    printf("created sandbox %s from template %s\n", id, template_id);

    /* What the template put in the sandbox (the quickstart's own template has a welcome). */
    bool welcome = false;
    check(e2b_files_exists(sandbox, "/home/user/welcome.txt", NULL, &welcome, NULL, &err), &err, "e2b_files_exists");
    if (welcome) {
        e2b_bytes text = {0};
        check(e2b_files_read(sandbox, "/home/user/welcome.txt", NULL, &text, NULL, &err), &err, "e2b_files_read");
        printf("the template says: %s", (const char *)text.data);
        e2b_bytes_dispose(&text);
    }

    /* 2. Run code: output as it comes, then the value in every format it has. */
    const char *code = "import math\n"
                       "print(f'pi is {math.pi:.5f}')\n"
                       "class Circle:\n"
                       "    def __repr__(self): return 'a circle of radius 2'\n"
                       "    def _repr_html_(self): return '<svg><circle r=\"2\"/></svg>'\n"
                       "Circle()\n";
    e2b_execution *run = NULL;
    check(e2b_code_run(sandbox, code, NULL, on_output, NULL, &run, NULL, &err), &err, "e2b_code_run");
    for (size_t i = 0; i < e2b_execution_results_len(run); i++) {
        const e2b_execution_result *result = e2b_execution_results_get(run, i);
        for (size_t f = 0; f < e2b_execution_result_formats_len(result); f++) {
            const char *format = e2b_execution_result_formats_key(result, f);
            printf("  result as %s: %s\n", format, e2b_execution_result_formats_get(result, format));
        }
    }
    e2b_execution_free(run);

    /* 3. Run a command. */
    e2b_command_result *ran = NULL;
    check(e2b_commands_run(sandbox, "echo \"$(whoami) in $(pwd)\"", NULL, NULL, NULL, &ran, NULL, &err), &err,
          "e2b_commands_run");
    printf("command says: %s", (const char *)e2b_command_result_stdout(ran, NULL));
    e2b_command_result_free(ran);

    /* 4. Watch a directory while files appear in it. */
    check(e2b_files_make_dir(sandbox, "/home/user/inbox", NULL, NULL, NULL, &err), &err, "e2b_files_make_dir");
    e2b_watch *watch = NULL;
    check(e2b_files_watch_dir(sandbox, "/home/user/inbox", false, false, NULL, &watch, NULL, &err), &err,
          "e2b_files_watch_dir");
    check(e2b_commands_run(sandbox, "echo hi > inbox/note.txt && mv inbox/note.txt inbox/kept.txt", NULL, NULL, NULL,
                           &ran, NULL, &err),
          &err, "e2b_commands_run");
    e2b_command_result_free(ran);
    e2b_fs_event_list *events = NULL;
    check(e2b_watch_next_events(watch, 2000, &events, NULL, &err), &err, "e2b_watch_next_events");
    for (size_t i = 0; i < e2b_fs_event_list_len(events); i++) {
        const e2b_fs_event *event = e2b_fs_event_list_get(events, i);
        static const char *names[] = {"other", "create", "write", "remove", "rename", "chmod"};
        int type = (int)e2b_fs_event_type(event);
        printf("  watched: %s %s\n", type >= 0 && type <= 5 ? names[type] : "?", e2b_fs_event_name(event));
    }
    e2b_fs_event_list_free(events);
    e2b_watch_free(watch);

    /* 5. Upload a local folder, and download it back, with a progress bar. */
    char local[] = "/tmp/e2b-quickstart-XXXXXX";
    if (mkdtemp(local) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/project", local);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/project/src", local);
    mkdir(path, 0755);
    local_file(local, "project/README.md", "# A project\n");
    local_file(local, "project/src/main.py", "print('hello')\n");
    local_file(local, "project/src/data.csv", "x,y\n1,2\n3,4\n");
    size_t count = 0;
    snprintf(path, sizeof path, "%s/project", local);
    check(e2b_files_upload_dir(sandbox, path, "/home/user/project", NULL, on_progress, "upload", &count, NULL, &err),
          &err, "e2b_files_upload_dir");
    printf("\nuploaded %zu files\n", count);
    snprintf(path, sizeof path, "%s/back", local);
    check(e2b_files_download_dir(sandbox, "/home/user/project", path, NULL, on_progress, "download", &count, NULL,
                                 &err),
          &err, "e2b_files_download_dir");
    printf("\ndownloaded %zu files into %s\n", count, path);

    /* 6. Pause: files and memory are kept; only the id is needed to come back. */
    check(e2b_sandbox_pause(sandbox, NULL, NULL, &err), &err, "e2b_sandbox_pause");
    e2b_sandbox_free(sandbox);
    printf("paused sandbox %s\n", id);

    /* 7. Resume it by id, now for ten minutes, and find the project again. */
    check(e2b_client_resume_sandbox(client, id, 10 * 60 * 1000, &sandbox, NULL, &err), &err,
          "e2b_client_resume_sandbox");
    e2b_sandbox_info *info = NULL;
    check(e2b_sandbox_get_info(sandbox, &info, NULL, &err), &err, "e2b_sandbox_get_info");
    bool kept = false;
    check(e2b_files_exists(sandbox, "/home/user/project/src/main.py", NULL, &kept, NULL, &err), &err,
          "e2b_files_exists");
    printf("resumed: the project is %s, the sandbox ends %s\n", kept ? "there" : "gone", e2b_sandbox_info_end_at(info));
    e2b_sandbox_info_free(info);

    /* 8. A second client (another program, say) lists it and connects to it by id. */
    e2b_client *other = NULL;
    check(e2b_client_new(NULL, &other, &err), &err, "e2b_client_new");
    e2b_sandbox_query *query = e2b_sandbox_query_new();
    check(e2b_sandbox_query_add_metadata(query, "example", "c-quickstart", &err), &err, "add metadata");
    e2b_sandbox_page *page = NULL;
    check(e2b_client_list_sandboxes(other, query, &page, NULL, &err), &err, "e2b_client_list_sandboxes");
    for (size_t i = 0; i < e2b_sandbox_page_len(page); i++) {
        const e2b_sandbox_info *listed = e2b_sandbox_page_get(page, i);
        printf("listed: %s (template %s)\n", e2b_sandbox_info_id(listed), e2b_sandbox_info_template_id(listed));
    }
    e2b_sandbox_page_free(page);
    e2b_sandbox_query_free(query);
    e2b_sandbox *connected = NULL;
    check(e2b_client_connect_sandbox(other, id, 0, &connected, NULL, NULL, &err), &err, "e2b_client_connect_sandbox");
    bool running = false;
    check(e2b_sandbox_is_running(connected, &running, NULL, &err), &err, "e2b_sandbox_is_running");
    printf("connected from a second client: running %s\n", running ? "yes" : "no");
    e2b_sandbox_free(connected);

    /* 9. Kill it; its id is then unknown. */
    check(e2b_sandbox_kill(sandbox, NULL, NULL, &err), &err, "e2b_sandbox_kill");
    e2b_sandbox_free(sandbox);
    printf("killed sandbox %s\n", id);
    e2b_error_code code2 = e2b_client_resume_sandbox(other, id, 0, &sandbox, NULL, &err);
    printf("resume after kill: %s (%s)\n", e2b_error_code_name(code2), e2b_error_message(err));
    e2b_error_free(err);
    e2b_client_free(other);
    e2b_client_free(client);
    return code2 == E2B_ERR_SANDBOX_NOT_FOUND ? 0 : 1;
}
