/*
 * C tests of the git helpers: a local repository with a bare one as its
 * remote, typed status and branch lists, typed errors, every option setter,
 * NULL for each pointer and invalid UTF-8, against a real e2b-local.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};
static const char *REPO = "/home/user/repo";

static e2b_client *client;
static e2b_sandbox *sandbox;

static void write_file(const char *path, const char *text) {
    EXPECT_OK(e2b_files_write(sandbox, path, (const uint8_t *)text, strlen(text), NULL, NULL, NULL));
}

static const e2b_git_file_fields *find_file(const e2b_git_status_info *status, const char *name) {
    size_t len = 0;
    const e2b_git_file_fields *const *files = e2b_git_status_info_files_fields(status, &len);
    for (size_t i = 0; i < len; i++) {
        if (strcmp(files[i]->name, name) == 0) return files[i];
    }
    return NULL;
}

static void test_options(void) {
    e2b_error *err = NULL;
    e2b_git_options *o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_env(o, "A", "b", NULL));
    EXPECT_OK(e2b_git_options_set_cwd(o, "/tmp", NULL));
    EXPECT_OK(e2b_git_options_set_cwd(o, NULL, NULL));
    EXPECT_OK(e2b_git_options_set_user(o, "user", NULL));
    EXPECT_OK(e2b_git_options_set_timeout_ms(o, 30000, NULL));
    EXPECT_OK(e2b_git_options_set_path(o, "p", NULL));
    EXPECT_OK(e2b_git_options_set_branch(o, "b", NULL));
    EXPECT_OK(e2b_git_options_set_remote(o, "r", NULL));
    EXPECT_OK(e2b_git_options_set_initial_branch(o, "main", NULL));
    EXPECT_OK(e2b_git_options_set_depth(o, 1, NULL));
    EXPECT_OK(e2b_git_options_set_credentials(o, "u", "p", NULL));
    EXPECT_OK(e2b_git_options_set_credentials(o, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_options_set_dangerously_store_credentials(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_set_upstream(o, true, NULL));
    EXPECT_OK(e2b_git_options_set_allow_empty(o, true, NULL));
    EXPECT_OK(e2b_git_options_set_bare(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_fetch(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_overwrite(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_force(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_all(o, true, NULL));
    EXPECT_OK(e2b_git_options_set_author(o, "A", "a@x", NULL));
    EXPECT_OK(e2b_git_options_add_file(o, "f", NULL));
    EXPECT_OK(e2b_git_options_set_scope(o, E2B_GIT_CONFIG_LOCAL, NULL));
    EXPECT_ERR(e2b_git_options_set_scope(o, 9, &err), E2B_ERR_INVALID_ARGUMENT, err, "scope 9");
    EXPECT_OK(e2b_git_options_set_reset_mode(o, E2B_GIT_RESET_KEEP, NULL));
    EXPECT_ERR(e2b_git_options_set_reset_mode(o, 6, &err), E2B_ERR_INVALID_ARGUMENT, err, "mode 6");
    EXPECT_OK(e2b_git_options_set_target(o, "HEAD~1", NULL));
    EXPECT_OK(e2b_git_options_set_target(o, NULL, NULL));
    EXPECT_ERR(e2b_git_options_set_target(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "target");
    EXPECT_OK(e2b_git_options_set_staged(o, true, NULL));
    EXPECT_OK(e2b_git_options_set_worktree(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_source(o, "main", NULL));
    EXPECT_ERR(e2b_git_options_set_source(NULL, "main", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_git_options_set_credentials(o, "u", NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "password");
    EXPECT_ERR(e2b_git_options_set_credentials(o, "u", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "password");
    EXPECT_ERR(e2b_git_options_set_env(NULL, "a", "b", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_git_options_set_env(o, NULL, "b", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_git_options_set_branch(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "branch");
    EXPECT_ERR(e2b_git_options_set_bare(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_git_options_add_file(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "file");
    e2b_git_options_free(o);
    e2b_git_options_free(NULL);
    EXPECT_STR(e2b_git_file_change_name(E2B_GIT_FILE_UNTRACKED), "untracked");
    EXPECT_STR(e2b_git_file_change_name(99), "unknown");
    EXPECT_STR(e2b_error_code_name(E2B_ERR_GIT_AUTH), "E2B_ERR_GIT_AUTH");
    EXPECT_STR(e2b_error_code_name(E2B_ERR_GIT_UPSTREAM), "E2B_ERR_GIT_UPSTREAM");
}

static void test_repository(void) {
    e2b_error *err = NULL;
    e2b_command_result *result = NULL;
    e2b_git_options *o = e2b_git_options_new();

    /* A bare remote and a repository, both on the branch main. */
    EXPECT_OK(e2b_git_options_set_initial_branch(o, "main", NULL));
    EXPECT_OK(e2b_git_options_set_bare(o, true, NULL));
    EXPECT_OK(e2b_git_init(sandbox, "/home/user/remote.git", o, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_options_set_bare(o, false, NULL));
    EXPECT_OK(e2b_git_init(sandbox, REPO, o, &result, NULL, NULL));
    EXPECT(result != NULL && e2b_command_result_exit_code(result) == 0);
    e2b_command_result_free(result);
    e2b_git_options_free(o);

    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_scope(o, E2B_GIT_CONFIG_LOCAL, NULL));
    EXPECT_OK(e2b_git_configure_user(sandbox, "Ada", "ada@example.com", REPO, o, NULL, NULL));
    e2b_bytes value = {NULL, 0};
    EXPECT_OK(e2b_git_get_config(sandbox, "user.email", REPO, o, &value, NULL, NULL));
    EXPECT_STR((const char *)value.data, "ada@example.com");
    e2b_bytes_dispose(&value);
    EXPECT_OK(e2b_git_get_config(sandbox, "e2b.unset", REPO, o, &value, NULL, NULL));
    EXPECT(value.data == NULL && value.len == 0);
    EXPECT_OK(e2b_git_set_config(sandbox, "e2b.empty", "", REPO, o, NULL, NULL));
    EXPECT_OK(e2b_git_get_config(sandbox, "e2b.empty", REPO, o, &value, NULL, NULL));
    EXPECT(value.data != NULL && value.len == 0); /* set but empty is not absent */
    e2b_bytes_dispose(&value);
    EXPECT_ERR(e2b_git_set_config(sandbox, "a.b", "c", NULL, o, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "local scope");
    e2b_git_options_free(o);

    /* Status: untracked, then staged. */
    write_file("/home/user/repo/a file.txt", "one\n");
    write_file("/home/user/repo/b.txt", "two\n");
    e2b_git_status_info *status = NULL;
    EXPECT_OK(e2b_git_status(sandbox, REPO, NULL, &status, NULL, NULL));
    EXPECT_STR(e2b_git_status_info_current_branch(status), "main");
    EXPECT(e2b_git_status_info_upstream(status) == NULL && !e2b_git_status_info_detached(status));
    EXPECT(e2b_git_status_info_files_len(status) == 2);
    const e2b_git_status_fields *fields = e2b_git_status_info_fields(status);
    EXPECT(fields != NULL && fields->struct_size >= sizeof *fields && fields->files_len == 2);
    const e2b_git_file_info *first = e2b_git_status_info_files_get(status, 0);
    EXPECT_STR(e2b_git_file_info_name(first), "a file.txt");
    EXPECT(e2b_git_file_info_status(first) == E2B_GIT_FILE_UNTRACKED && !e2b_git_file_info_staged(first));
    EXPECT(e2b_git_file_info_index_status(first) == '?' && e2b_git_file_info_working_tree_status(first) == '?');
    EXPECT(e2b_git_file_info_renamed_from(first) == NULL);
    EXPECT(e2b_git_file_info_fields(first) == find_file(status, "a file.txt"));
    EXPECT(e2b_git_status_info_files_get(status, 2) == NULL);
    e2b_git_status_info_free(status);

    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_add_file(o, "a file.txt", NULL));
    EXPECT_OK(e2b_git_add(sandbox, REPO, o, NULL, NULL, NULL));
    e2b_git_options_free(o);
    EXPECT_OK(e2b_git_status(sandbox, REPO, NULL, &status, NULL, NULL));
    const e2b_git_file_fields *added = find_file(status, "a file.txt");
    EXPECT(added != NULL && added->status == E2B_GIT_FILE_ADDED && added->staged && added->index_status == 'A');
    const e2b_git_file_fields *untracked = find_file(status, "b.txt");
    EXPECT(untracked != NULL && untracked->status == E2B_GIT_FILE_UNTRACKED && !untracked->staged);
    e2b_git_status_info_free(status);

    /* Commit everything, with an author for this commit. */
    EXPECT_OK(e2b_git_add(sandbox, REPO, NULL, NULL, NULL, NULL));
    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_author(o, "Bob", "bob@example.com", NULL));
    EXPECT_OK(e2b_git_commit(sandbox, REPO, "first", o, &result, NULL, NULL));
    EXPECT(result != NULL && strstr((const char *)e2b_command_result_stdout(result, NULL), "first") != NULL);
    e2b_command_result_free(result);
    e2b_git_options_free(o);
    EXPECT_ERR(e2b_git_commit(sandbox, REPO, "nothing", NULL, NULL, NULL, &err), E2B_ERR_COMMAND_EXIT, err,
               "nothing to commit");
    EXPECT_OK(e2b_commands_run(sandbox, "git -C /home/user/repo log -1 --format=%an", NULL, NULL, NULL, &result,
                               NULL, NULL));
    EXPECT_STR((const char *)e2b_command_result_stdout(result, NULL), "Bob\n");
    e2b_command_result_free(result);

    /* Branches. */
    EXPECT_OK(e2b_git_create_branch(sandbox, REPO, "feature", NULL, NULL, NULL, NULL));
    e2b_git_branch_list *branches = NULL;
    EXPECT_OK(e2b_git_branches(sandbox, REPO, NULL, &branches, NULL, NULL));
    EXPECT(e2b_git_branch_list_len(branches) == 2);
    EXPECT_STR(e2b_git_branch_list_get(branches, 0), "feature");
    EXPECT_STR(e2b_git_branch_list_get(branches, 1), "main");
    EXPECT(e2b_git_branch_list_get(branches, 2) == NULL);
    EXPECT_STR(e2b_git_branch_list_current(branches), "feature");
    e2b_git_branch_list_free(branches);
    EXPECT_OK(e2b_git_checkout_branch(sandbox, REPO, "main", NULL, NULL, NULL, NULL));
    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_force(o, true, NULL));
    EXPECT_OK(e2b_git_delete_branch(sandbox, REPO, "feature", o, NULL, NULL, NULL));
    e2b_git_options_free(o);
    EXPECT_OK(e2b_git_branches(sandbox, REPO, NULL, &branches, NULL, NULL));
    EXPECT(e2b_git_branch_list_len(branches) == 1);
    EXPECT_STR(e2b_git_branch_list_current(branches), "main");
    e2b_git_branch_list_free(branches);

    /* Remotes, push and pull. */
    e2b_bytes url = {NULL, 0};
    EXPECT_OK(e2b_git_remote_get(sandbox, REPO, "origin", NULL, &url, NULL, NULL));
    EXPECT(url.data == NULL);
    EXPECT_ERR(e2b_git_push(sandbox, REPO, NULL, NULL, NULL, &err), E2B_ERR_COMMAND_EXIT, err, "push destination");
    EXPECT_ERR(e2b_git_pull(sandbox, REPO, NULL, NULL, NULL, &err), E2B_ERR_GIT_UPSTREAM, err, "upstream");
    EXPECT_OK(e2b_git_remote_add(sandbox, REPO, "origin", "/home/user/remote.git", NULL, NULL, NULL, NULL));
    EXPECT_ERR(e2b_git_push(sandbox, REPO, NULL, NULL, NULL, &err), E2B_ERR_GIT_UPSTREAM, err, "upstream");
    EXPECT_OK(e2b_git_remote_get(sandbox, REPO, "origin", NULL, &url, NULL, NULL));
    EXPECT_STR((const char *)url.data, "/home/user/remote.git");
    e2b_bytes_dispose(&url);
    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_remote(o, "origin", NULL));
    EXPECT_OK(e2b_git_options_set_branch(o, "main", NULL));
    EXPECT_OK(e2b_git_push(sandbox, REPO, o, NULL, NULL, NULL));
    e2b_git_options_free(o);

    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_path(o, "/home/user/copy", NULL));
    EXPECT_OK(e2b_git_options_set_depth(o, 1, NULL));
    EXPECT_OK(e2b_git_options_set_branch(o, "main", NULL));
    EXPECT_OK(e2b_git_clone(sandbox, "file:///home/user/remote.git", o, NULL, NULL, NULL));
    e2b_git_options_free(o);
    write_file("/home/user/repo/b.txt", "changed\n");
    EXPECT_OK(e2b_git_add(sandbox, REPO, NULL, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_commit(sandbox, REPO, "second", NULL, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_status(sandbox, REPO, NULL, &status, NULL, NULL));
    EXPECT_STR(e2b_git_status_info_upstream(status), "origin/main");
    EXPECT(e2b_git_status_info_ahead(status) == 1 && e2b_git_status_info_behind(status) == 0);
    e2b_git_status_info_free(status);
    EXPECT_OK(e2b_git_push(sandbox, REPO, NULL, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_pull(sandbox, "/home/user/copy", NULL, NULL, NULL, NULL));
    e2b_bytes data = {NULL, 0};
    EXPECT_OK(e2b_files_read(sandbox, "/home/user/copy/b.txt", NULL, &data, NULL, NULL));
    EXPECT_STR((const char *)data.data, "changed\n");
    e2b_bytes_dispose(&data);

    /* Typed errors. */
    EXPECT_ERR(e2b_git_status(sandbox, "/tmp", NULL, &status, NULL, &err), E2B_ERR_NOT_FOUND, err,
               "not a git repository");
    EXPECT(status == NULL);
    EXPECT_ERR(e2b_git_clone(sandbox, "/home/user/none.git", NULL, NULL, NULL, &err), E2B_ERR_NOT_FOUND, err,
               "does not exist");
    EXPECT_ERR(e2b_git_checkout_branch(sandbox, REPO, "nope", NULL, NULL, NULL, &err), E2B_ERR_COMMAND_EXIT, err,
               "nope");
}

static void expect_file(const char *path, const char *text) {
    e2b_bytes data = {NULL, 0};
    EXPECT_OK(e2b_files_read(sandbox, path, NULL, &data, NULL, NULL));
    EXPECT(data.len == strlen(text) && memcmp(data.data, text, data.len) == 0);
    e2b_bytes_dispose(&data);
}

static size_t staged_count(const char *repo) {
    e2b_git_status_info *status = NULL;
    EXPECT_OK(e2b_git_status(sandbox, repo, NULL, &status, NULL, NULL));
    size_t len = 0, staged = 0;
    const e2b_git_file_fields *const *files = e2b_git_status_info_files_fields(status, &len);
    for (size_t i = 0; i < len; i++) staged += files[i]->staged;
    e2b_git_status_info_free(status);
    return staged;
}

static void test_reset_and_restore(void) {
    const char *repo = "/home/user/undo";
    e2b_error *err = NULL;
    e2b_git_options *o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_initial_branch(o, "main", NULL));
    EXPECT_OK(e2b_git_init(sandbox, repo, o, NULL, NULL, NULL));
    e2b_git_options_free(o);
    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_author(o, "Ada", "ada@example.com", NULL));
    write_file("/home/user/undo/f.txt", "one\n");
    EXPECT_OK(e2b_git_add(sandbox, repo, NULL, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_commit(sandbox, repo, "one", o, NULL, NULL, NULL));
    write_file("/home/user/undo/f.txt", "two\n");
    EXPECT_OK(e2b_git_add(sandbox, repo, NULL, NULL, NULL, NULL));
    EXPECT_OK(e2b_git_commit(sandbox, repo, "two", o, NULL, NULL, NULL));
    e2b_git_options_free(o);

    /* restore: the working tree by default; the index with staged. */
    write_file("/home/user/undo/f.txt", "edited\n");
    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_add_file(o, "f.txt", NULL));
    EXPECT_OK(e2b_git_restore(sandbox, repo, o, NULL, NULL, NULL));
    expect_file("/home/user/undo/f.txt", "two\n");
    write_file("/home/user/undo/f.txt", "staged\n");
    EXPECT_OK(e2b_git_add(sandbox, repo, NULL, NULL, NULL, NULL));
    EXPECT(staged_count(repo) == 1);
    EXPECT_OK(e2b_git_options_set_staged(o, true, NULL));
    EXPECT_OK(e2b_git_restore(sandbox, repo, o, NULL, NULL, NULL));
    EXPECT(staged_count(repo) == 0);
    expect_file("/home/user/undo/f.txt", "staged\n");
    EXPECT_OK(e2b_git_options_set_worktree(o, false, NULL));
    EXPECT_OK(e2b_git_options_set_staged(o, false, NULL));
    EXPECT_ERR(e2b_git_restore(sandbox, repo, o, NULL, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "staged or worktree");
    e2b_git_options_free(o);
    EXPECT_ERR(e2b_git_restore(sandbox, repo, NULL, NULL, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "path");

    /* reset: hard to HEAD drops the edit; soft to HEAD~1 keeps it staged. */
    o = e2b_git_options_new();
    EXPECT_OK(e2b_git_options_set_reset_mode(o, E2B_GIT_RESET_HARD, NULL));
    EXPECT_OK(e2b_git_reset(sandbox, repo, o, NULL, NULL, NULL));
    expect_file("/home/user/undo/f.txt", "two\n");
    EXPECT_OK(e2b_git_options_set_reset_mode(o, E2B_GIT_RESET_SOFT, NULL));
    EXPECT_OK(e2b_git_options_set_target(o, "HEAD~1", NULL));
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_git_reset(sandbox, repo, o, &result, NULL, NULL));
    EXPECT(result != NULL && e2b_command_result_exit_code(result) == 0);
    e2b_command_result_free(result);
    EXPECT(staged_count(repo) == 1);
    EXPECT_OK(e2b_git_options_set_target(o, "no-such-ref", NULL));
    EXPECT_ERR(e2b_git_reset(sandbox, repo, o, NULL, NULL, &err), E2B_ERR_COMMAND_EXIT, err, "no-such-ref");
    e2b_git_options_free(o);
    EXPECT_ERR(e2b_git_reset(sandbox, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_git_restore(NULL, repo, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
}

static void test_bad_arguments(void) {
    e2b_error *err = NULL;
    e2b_git_status_info *status = NULL;
    e2b_git_branch_list *branches = NULL;
    e2b_bytes bytes = {NULL, 0};
    EXPECT_ERR(e2b_git_clone(NULL, "u", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_git_clone(sandbox, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "url");
    EXPECT_ERR(e2b_git_clone(sandbox, BAD_UTF8, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "url");
    EXPECT_ERR(e2b_git_clone(sandbox, "", NULL, NULL, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "url");
    EXPECT_ERR(e2b_git_init(sandbox, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_git_status(sandbox, REPO, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_git_status(sandbox, NULL, NULL, &status, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_git_branches(sandbox, BAD_UTF8, NULL, &branches, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_git_commit(sandbox, REPO, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "message");
    EXPECT_ERR(e2b_git_create_branch(sandbox, REPO, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "branch");
    EXPECT_ERR(e2b_git_remote_add(sandbox, REPO, "o", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "url");
    EXPECT_ERR(e2b_git_remote_get(sandbox, REPO, "o", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_git_get_config(sandbox, NULL, NULL, NULL, &bytes, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "key");
    EXPECT_ERR(e2b_git_configure_user(sandbox, "a", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "email");
    EXPECT_ERR(e2b_git_dangerously_authenticate(sandbox, "u", "p", NULL, "https", NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "host");
    EXPECT(e2b_git_status_info_fields(NULL) == NULL && e2b_git_status_info_files_len(NULL) == 0);
    EXPECT(e2b_git_file_info_status(NULL) == E2B_GIT_FILE_UNKNOWN && e2b_git_file_info_name(NULL) == NULL);
    EXPECT(e2b_git_branch_list_len(NULL) == 0 && e2b_git_branch_list_current(NULL) == NULL);
    e2b_git_status_info_free(NULL);
    e2b_git_branch_list_free(NULL);

    /* A cancelled token fails the call at once. */
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_git_status(sandbox, REPO, NULL, &status, cancel, &err), E2B_ERR_CANCELLED, err, "cancel");
    e2b_cancel_free(cancel);
}

int main(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    sandbox = testing_sandbox(client);
    RUN(test_options);
    RUN(test_repository);
    RUN(test_reset_and_restore);
    RUN(test_bad_arguments);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return testing_summary();
}
