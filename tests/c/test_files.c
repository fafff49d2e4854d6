/*
 * C tests of the file functions: transfers, streams, the filesystem service,
 * signed URLs and watching, each with good arguments, NULL for each pointer
 * and invalid UTF-8 for each string; linked against the real library and run
 * against a real e2b-local.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static e2b_client *client;
static e2b_sandbox *sandbox;

static void setup(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, NULL, &sandbox, NULL, NULL));
}

static void teardown(void) {
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_options(void) {
    e2b_error *err = NULL;
    e2b_files_options *o = e2b_files_options_new();
    EXPECT_OK(e2b_files_options_set_user(o, "root", NULL));
    EXPECT_OK(e2b_files_options_set_gzip(o, true, NULL));
    EXPECT_ERR(e2b_files_options_set_user(NULL, "u", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_files_options_set_user(o, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "user");
    EXPECT_ERR(e2b_files_options_set_user(o, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "user");
    EXPECT_ERR(e2b_files_options_set_gzip(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");

    /* With gzip on the wire, as root, content is unchanged. */
    const char *text = "compressed on the wire";
    EXPECT_OK(e2b_files_write(sandbox, "/root/gz.txt", (const uint8_t *)text, strlen(text), o, NULL, NULL));
    e2b_bytes out = {0};
    EXPECT_OK(e2b_files_read(sandbox, "/root/gz.txt", o, &out, NULL, NULL));
    EXPECT(out.len == strlen(text) && memcmp(out.data, text, out.len) == 0);
    e2b_bytes_dispose(&out);
    e2b_files_options_free(o);
    e2b_files_options_free(NULL);
}

/* Writes with metadata: stored by envd with lowercased keys, read back in the
 * entry info, replaced by each write; bad metadata fails before sending. */
static void test_metadata(void) {
    e2b_error *err = NULL;
    e2b_files_options *o = e2b_files_options_new();
    EXPECT_OK(e2b_files_options_set_metadata(o, "Author", "someone", NULL));
    EXPECT_OK(e2b_files_options_set_metadata(o, "rev", "1", NULL));
    EXPECT_OK(e2b_files_options_set_metadata(o, "rev", "2", NULL));
    EXPECT_ERR(e2b_files_options_set_metadata(NULL, "k", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_files_options_set_metadata(o, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "key");
    EXPECT_ERR(e2b_files_options_set_metadata(o, "k", NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "value");
    EXPECT_ERR(e2b_files_options_set_metadata(o, "k", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "value");
    EXPECT_OK(e2b_files_write(sandbox, "meta/a.txt", (const uint8_t *)"a", 1, o, NULL, NULL));

    e2b_entry_info *info = NULL;
    EXPECT_OK(e2b_files_get_info(sandbox, "meta/a.txt", NULL, &info, NULL, NULL));
    EXPECT(e2b_entry_info_metadata_len(info) == 2);
    EXPECT_STR(e2b_entry_info_metadata_key(info, 0), "author");
    EXPECT_STR(e2b_entry_info_metadata_value(info, 0), "someone");
    EXPECT_STR(e2b_entry_info_metadata_key(info, 1), "rev");
    EXPECT_STR(e2b_entry_info_metadata_value(info, 1), "2");
    EXPECT(e2b_entry_info_metadata_key(info, 2) == NULL);
    const e2b_entry_fields *fields = e2b_entry_info_fields(info);
    EXPECT(fields->metadata_len == 2);
    EXPECT_STR(fields->metadata[1].key, "rev");
    e2b_entry_info_free(info);

    /* A write without metadata clears it. */
    EXPECT_OK(e2b_files_write(sandbox, "meta/a.txt", (const uint8_t *)"b", 1, NULL, NULL, NULL));
    EXPECT_OK(e2b_files_get_info(sandbox, "meta/a.txt", NULL, &info, NULL, NULL));
    EXPECT(e2b_entry_info_metadata_len(info) == 0);
    e2b_entry_info_free(info);

    e2b_files_options *bad = e2b_files_options_new();
    EXPECT_OK(e2b_files_options_set_metadata(bad, "not a token", "v", NULL));
    EXPECT_ERR(e2b_files_write(sandbox, "meta/bad.txt", (const uint8_t *)"x", 1, bad, NULL, &err), E2B_ERR_INVALID_ARGUMENT,
               err, "metadata key");
    e2b_files_options_free(bad);
    bad = e2b_files_options_new();
    EXPECT_OK(e2b_files_options_set_metadata(bad, "k", "tab\there", NULL));
    EXPECT_ERR(e2b_files_write(sandbox, "meta/bad.txt", (const uint8_t *)"x", 1, bad, NULL, &err), E2B_ERR_INVALID_ARGUMENT,
               err, "printable ASCII");
    e2b_files_options_free(bad);
    bool exists = true;
    EXPECT_OK(e2b_files_exists(sandbox, "meta/bad.txt", NULL, &exists, NULL, NULL));
    EXPECT(!exists);
    e2b_files_options_free(o);
}

struct counter {
    size_t bytes;
    int calls;
    int stop_after;
};

static int32_t on_data(void *user_data, const uint8_t *data, size_t len) {
    struct counter *c = user_data;
    (void)data;
    c->bytes += len;
    c->calls++;
    return c->stop_after && c->calls >= c->stop_after;
}

static int32_t on_progress(void *user_data, uint64_t done, uint64_t total) {
    struct counter *c = user_data;
    (void)total;
    c->bytes = (size_t)done;
    return 0;
}

/* What a directory transfer reported: the last file named, and the bytes. */
struct tree_progress {
    char path[256];
    size_t index, count, calls;
    uint64_t done, total;
    int32_t stop_at_index; /* a non-zero value stops the transfer when that file starts */
};

static int32_t on_dir_progress(void *user_data, const e2b_dir_progress *progress) {
    struct tree_progress *t = user_data;
    snprintf(t->path, sizeof t->path, "%s", progress->path);
    t->index = progress->index;
    t->count = progress->count;
    t->done = progress->done;
    t->total = progress->total;
    t->calls++;
    return t->stop_at_index && (int32_t)progress->index == t->stop_at_index ? 7 : 0;
}

struct source {
    size_t left;
    int fail;
};

static int64_t read_source(void *user_data, uint8_t *buffer, size_t capacity) {
    struct source *s = user_data;
    if (s->fail) {
        return -1;
    }
    size_t n = s->left < capacity ? s->left : capacity;
    memset(buffer, 'z', n);
    s->left -= n;
    return (int64_t)n;
}

/* A deadline guard: a call that hangs or spins fails the test instead of
 * stalling the suite. */
static void on_alarm(int signal) {
    (void)signal;
    static const char message[] = "FAILED: a call did not return within its deadline\n";
    (void)!write(2, message, sizeof message - 1);
    _exit(1);
}

static void deadline(unsigned seconds) {
    signal(SIGALRM, on_alarm);
    alarm(seconds);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A body sent with a size must be that size: fewer or more bytes fail at
 * once (E2B_ERR_IO, naming both numbers), never spin. */
static void test_stream_sizes(void) {
    e2b_error *err = NULL;
    deadline(60);
    double started = now_seconds();
    struct source short_source = {5, 0};
    EXPECT_ERR(e2b_files_write_stream(sandbox, "short.bin", 10, NULL, read_source, NULL, &short_source, NULL, &err),
               E2B_ERR_IO, err, "5 of the 10 bytes");
    EXPECT(now_seconds() - started < 10);
    struct source long_source = {13, 0};
    EXPECT_ERR(e2b_files_write_stream(sandbox, "long.bin", 10, NULL, read_source, NULL, &long_source, NULL, &err),
               E2B_ERR_IO, err, "more than the 10 bytes");
    struct source source = {10, 0};
    EXPECT_ERR(e2b_files_write_stream(sandbox, "negative.bin", -2, NULL, read_source, NULL, &source, NULL, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "size");
    EXPECT(source.left == 10);
    EXPECT_OK(e2b_files_write_stream(sandbox, "exact.bin", 10, NULL, read_source, NULL, &source, NULL, NULL));

    /* Files under /sys report a size unrelated to their content. */
    const char *lying = "/sys/kernel/mm/transparent_hugepage/enabled";
    if (access(lying, R_OK) == 0) {
        EXPECT_ERR(e2b_files_upload_file(sandbox, lying, "thp", NULL, NULL, NULL, NULL, &err), E2B_ERR_IO, err,
                   "of the 4096 bytes");
    }
    alarm(0);
}

static void test_streams(void) {
    e2b_error *err = NULL;
    struct source source = {3 << 20, 0};
    EXPECT_OK(e2b_files_write_stream(sandbox, "stream.bin", 3 << 20, NULL, read_source, NULL, &source, NULL, NULL));
    struct source unknown = {1000, 0};
    EXPECT_OK(e2b_files_write_stream(sandbox, "unknown.bin", -1, NULL, read_source, NULL, &unknown, NULL, NULL));

    struct counter counter = {0, 0, 0};
    uint64_t size = 0;
    EXPECT_OK(e2b_files_read_stream(sandbox, "stream.bin", NULL, on_data, NULL, &counter, &size, NULL, NULL));
    EXPECT(counter.bytes == (3u << 20) && size == (3u << 20));

    struct counter stopper = {0, 0, 1};
    EXPECT_ERR(e2b_files_read_stream(sandbox, "stream.bin", NULL, on_data, NULL, &stopper, NULL, NULL, &err),
               E2B_ERR_CALLBACK_ABORTED, err, "callback");
    struct source failing = {10, 1};
    EXPECT_ERR(e2b_files_write_stream(sandbox, "failing.bin", -1, NULL, read_source, NULL, &failing, NULL, &err),
               E2B_ERR_CALLBACK_ABORTED, err, "callback");

    EXPECT_ERR(e2b_files_read_stream(NULL, "p", NULL, on_data, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox");
    EXPECT_ERR(e2b_files_read_stream(sandbox, NULL, NULL, on_data, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT,
               err, "path");
    EXPECT_ERR(e2b_files_read_stream(sandbox, BAD_UTF8, NULL, on_data, NULL, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8,
               err, "path");
    EXPECT_ERR(e2b_files_read_stream(sandbox, "p", NULL, NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "on_data");
    EXPECT_ERR(e2b_files_write_stream(NULL, "p", 0, NULL, read_source, NULL, &source, NULL, &err), E2B_ERR_NULL_ARGUMENT,
               err, "sandbox");
    EXPECT_ERR(e2b_files_write_stream(sandbox, NULL, 0, NULL, read_source, NULL, &source, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_write_stream(sandbox, BAD_UTF8, 0, NULL, read_source, NULL, &source, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_write_stream(sandbox, "p", 0, NULL, NULL, NULL, &source, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "read");

    /* Pull reading. */
    e2b_file_reader *reader = NULL;
    EXPECT_OK(e2b_files_open_read(sandbox, "unknown.bin", NULL, &reader, NULL, NULL));
    uint8_t buffer[300];
    size_t total = 0, n = 0;
    do {
        EXPECT_OK(e2b_file_reader_read(reader, buffer, sizeof buffer, &n, NULL, NULL));
        total += n;
    } while (n > 0);
    EXPECT(total == 1000);
    EXPECT_OK(e2b_file_reader_read(reader, NULL, 0, &n, NULL, NULL));
    EXPECT(n == 0);
    EXPECT_ERR(e2b_file_reader_read(reader, NULL, 10, &n, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "buffer");
    EXPECT_ERR(e2b_file_reader_read(reader, buffer, 10, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "read_out");
    EXPECT_ERR(e2b_file_reader_read(NULL, buffer, 10, &n, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "reader");
    e2b_file_reader_free(reader);
    e2b_file_reader_free(NULL);
    EXPECT_ERR(e2b_files_open_read(sandbox, "missing.bin", NULL, &reader, NULL, &err), E2B_ERR_NOT_FOUND, err, "missing");
    EXPECT(reader == NULL);
    EXPECT_ERR(e2b_files_open_read(NULL, "p", NULL, &reader, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_open_read(sandbox, NULL, NULL, &reader, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_open_read(sandbox, BAD_UTF8, NULL, &reader, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_open_read(sandbox, "p", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
}

static void test_write_files(void) {
    e2b_error *err = NULL;
    e2b_write_entry entries[] = {
        {"/home/user/many/a.txt", (const uint8_t *)"a", 1},
        {"many/deep/b.txt", (const uint8_t *)"bb", 2},
        {"many/empty.txt", NULL, 0},
    };
    EXPECT_OK(e2b_files_write_files(sandbox, entries, 3, NULL, NULL, NULL));
    e2b_bytes out = {0};
    EXPECT_OK(e2b_files_read(sandbox, "many/deep/b.txt", NULL, &out, NULL, NULL));
    EXPECT(out.len == 2 && memcmp(out.data, "bb", 2) == 0);
    e2b_bytes_dispose(&out);
    EXPECT_OK(e2b_files_write_files(sandbox, NULL, 0, NULL, NULL, NULL));

    EXPECT_ERR(e2b_files_write_files(NULL, entries, 3, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_write_files(sandbox, NULL, 3, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "entries");
    e2b_write_entry bad_path[] = {{NULL, (const uint8_t *)"x", 1}};
    EXPECT_ERR(e2b_files_write_files(sandbox, bad_path, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "entries[0].path");
    e2b_write_entry bad_utf8[] = {{"ok", NULL, 0}, {BAD_UTF8, NULL, 0}};
    EXPECT_ERR(e2b_files_write_files(sandbox, bad_utf8, 2, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "entries[1].path");
    e2b_write_entry bad_data[] = {{"x", NULL, 5}};
    EXPECT_ERR(e2b_files_write_files(sandbox, bad_data, 1, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "entries[0].data");
}

static void test_filesystem(void) {
    e2b_error *err = NULL;
    EXPECT_OK(e2b_files_write(sandbox, "fs/a.txt", (const uint8_t *)"hello", 5, NULL, NULL, NULL));
    bool flag = false;
    EXPECT_OK(e2b_files_make_dir(sandbox, "fs/dir/sub", NULL, &flag, NULL, NULL));
    EXPECT(flag);
    EXPECT_OK(e2b_files_make_dir(sandbox, "fs/dir/sub", NULL, &flag, NULL, NULL));
    EXPECT(!flag);
    EXPECT_ERR(e2b_files_make_dir(sandbox, "fs/a.txt", NULL, &flag, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "");

    e2b_entry_list *list = NULL;
    EXPECT_OK(e2b_files_list(sandbox, "fs", 1, NULL, &list, NULL, NULL));
    EXPECT(e2b_entry_list_len(list) == 2);
    for (size_t i = 0; i < e2b_entry_list_len(list); i++) {
        const e2b_entry_info *entry = e2b_entry_list_get(list, i);
        if (strcmp(e2b_entry_info_name(entry), "a.txt") == 0) {
            EXPECT(e2b_entry_info_type(entry) == E2B_FILE_TYPE_FILE);
            EXPECT(e2b_entry_info_size(entry) == 5);
            EXPECT_STR(e2b_entry_info_path(entry), "/home/user/fs/a.txt");
            EXPECT(e2b_entry_info_permissions(entry)[0] == '-');
            EXPECT(e2b_entry_info_mode(entry) != 0);
            EXPECT(e2b_entry_info_owner(entry) != NULL && e2b_entry_info_group(entry) != NULL);
            EXPECT(e2b_entry_info_modified_time(entry) != NULL);
            EXPECT(e2b_entry_info_symlink_target(entry) == NULL);
            EXPECT(e2b_entry_info_metadata_len(entry) == 0);
            EXPECT(e2b_entry_info_metadata_key(entry, 0) == NULL);
            EXPECT(e2b_entry_info_metadata_value(entry, 0) == NULL);
        } else {
            EXPECT_STR(e2b_entry_info_name(entry), "dir");
            EXPECT(e2b_entry_info_type(entry) == E2B_FILE_TYPE_DIR);
        }
    }
    EXPECT(e2b_entry_list_get(list, 2) == NULL);
    e2b_entry_list_free(list);
    EXPECT_OK(e2b_files_list(sandbox, "fs", 3, NULL, &list, NULL, NULL));
    EXPECT(e2b_entry_list_len(list) == 3);
    e2b_entry_list_free(list);
    EXPECT_ERR(e2b_files_list(sandbox, "fs", 0, NULL, &list, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "depth");
    EXPECT_ERR(e2b_files_list(sandbox, "fs/missing", 1, NULL, &list, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_files_list(NULL, "fs", 1, NULL, &list, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_list(sandbox, NULL, 1, NULL, &list, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_list(sandbox, BAD_UTF8, 1, NULL, &list, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_list(sandbox, "fs", 1, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT(e2b_entry_list_len(NULL) == 0 && e2b_entry_list_get(NULL, 0) == NULL);
    e2b_entry_list_free(NULL);

    e2b_entry_info *info = NULL;
    EXPECT_OK(e2b_files_get_info(sandbox, "fs/dir", NULL, &info, NULL, NULL));
    EXPECT(e2b_entry_info_type(info) == E2B_FILE_TYPE_DIR);
    e2b_entry_info_free(info);
    EXPECT_ERR(e2b_files_get_info(sandbox, "fs/none", NULL, &info, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_files_get_info(NULL, "p", NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_get_info(sandbox, NULL, NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_get_info(sandbox, BAD_UTF8, NULL, &info, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_get_info(sandbox, "p", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    /* Accessors on NULL give their defaults. */
    EXPECT(e2b_entry_info_name(NULL) == NULL && e2b_entry_info_path(NULL) == NULL);
    EXPECT(e2b_entry_info_type(NULL) == E2B_FILE_TYPE_OTHER && e2b_entry_info_size(NULL) == 0);
    EXPECT(e2b_entry_info_mode(NULL) == 0 && e2b_entry_info_permissions(NULL) == NULL);
    EXPECT(e2b_entry_info_owner(NULL) == NULL && e2b_entry_info_group(NULL) == NULL);
    EXPECT(e2b_entry_info_modified_time(NULL) == NULL && e2b_entry_info_symlink_target(NULL) == NULL);
    EXPECT(e2b_entry_info_metadata_len(NULL) == 0);
    e2b_entry_info_free(NULL);

    EXPECT_OK(e2b_files_exists(sandbox, "fs/a.txt", NULL, &flag, NULL, NULL));
    EXPECT(flag);
    EXPECT_OK(e2b_files_exists(sandbox, "fs/none", NULL, &flag, NULL, NULL));
    EXPECT(!flag);
    EXPECT_ERR(e2b_files_exists(NULL, "p", NULL, &flag, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_exists(sandbox, NULL, NULL, &flag, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_exists(sandbox, BAD_UTF8, NULL, &flag, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_exists(sandbox, "p", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "exists_out");

    EXPECT_OK(e2b_files_rename(sandbox, "fs/a.txt", "fs/moved/b.txt", NULL, &info, NULL, NULL));
    EXPECT_STR(e2b_entry_info_path(info), "/home/user/fs/moved/b.txt");
    e2b_entry_info_free(info);
    EXPECT_OK(e2b_files_rename(sandbox, "fs/moved/b.txt", "fs/c.txt", NULL, NULL, NULL, NULL));
    EXPECT_ERR(e2b_files_rename(sandbox, "fs/none", "fs/x", NULL, NULL, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_files_rename(NULL, "a", "b", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_rename(sandbox, NULL, "b", NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "old_path");
    EXPECT_ERR(e2b_files_rename(sandbox, "a", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "new_path");
    EXPECT_ERR(e2b_files_rename(sandbox, BAD_UTF8, "b", NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "old_path");
    EXPECT_ERR(e2b_files_rename(sandbox, "a", BAD_UTF8, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "new_path");

    EXPECT_OK(e2b_files_remove(sandbox, "fs", NULL, NULL, NULL));
    EXPECT_OK(e2b_files_remove(sandbox, "fs", NULL, NULL, NULL));
    EXPECT_OK(e2b_files_exists(sandbox, "fs/c.txt", NULL, &flag, NULL, NULL));
    EXPECT(!flag);
    EXPECT_ERR(e2b_files_remove(NULL, "p", NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_remove(sandbox, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_remove(sandbox, BAD_UTF8, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_make_dir(NULL, "p", NULL, &flag, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_make_dir(sandbox, NULL, NULL, &flag, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_make_dir(sandbox, BAD_UTF8, NULL, &flag, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
}

static void test_local_transfers(void) {
    e2b_error *err = NULL;
    char dir[] = "/tmp/e2b-c-test-XXXXXX";
    EXPECT(mkdtemp(dir) != NULL);
    char path[1024], tree[256], copy[256], nested[256];
    snprintf(path, sizeof path, "%s/local.bin", dir);
    snprintf(tree, sizeof tree, "%s/tree", dir);
    snprintf(copy, sizeof copy, "%s/copy", dir);
    snprintf(nested, sizeof nested, "%s/tree/inner.txt", dir);
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 100000; i++) {
        fputc(i % 256, f);
    }
    fclose(f);
    mkdir(tree, 0755);
    f = fopen(nested, "w");
    fputs("inner", f);
    fclose(f);

    struct counter progress = {0, 0, 0};
    EXPECT_OK(e2b_files_upload_file(sandbox, path, "uploaded.bin", NULL, on_progress, &progress, NULL, NULL));
    EXPECT(progress.bytes == 100000);
    snprintf(path, sizeof path, "%s/back.bin", dir);
    EXPECT_OK(e2b_files_download_file(sandbox, "uploaded.bin", path, NULL, NULL, NULL, NULL, NULL));
    struct stat st;
    EXPECT(stat(path, &st) == 0 && st.st_size == 100000);

    size_t count = 0;
    EXPECT_OK(e2b_files_upload_dir(sandbox, tree, "/home/user/tree", NULL, NULL, NULL, &count, NULL, NULL));
    EXPECT(count == 1);
    struct tree_progress tree_progress = {{0}, 0, 0, 0, 0, 0, 0};
    EXPECT_OK(e2b_files_download_dir(sandbox, "/home/user/tree", copy, NULL, on_dir_progress, &tree_progress, &count,
                                     NULL, NULL));
    EXPECT(count == 1);
    EXPECT_STR(tree_progress.path, "/home/user/tree/inner.txt");
    EXPECT(tree_progress.index == 0 && tree_progress.count == 1 && tree_progress.calls >= 2);
    EXPECT(tree_progress.done == 5 && tree_progress.total == 5);
    EXPECT_OK(e2b_files_write(sandbox, "/home/user/tree/second.txt", (const uint8_t *)"2", 1, NULL, NULL, NULL));
    struct tree_progress stopping = {{0}, 0, 0, 0, 0, 0, 1};
    EXPECT_ERR(e2b_files_download_dir(sandbox, "/home/user/tree", copy, NULL, on_dir_progress, &stopping, &count, NULL,
                                      &err),
               E2B_ERR_CALLBACK_ABORTED, err, "stopped by the progress callback");
    EXPECT(stopping.index == 1 && stopping.count == 2);
    snprintf(path, sizeof path, "%s/inner.txt", copy);
    EXPECT(stat(path, &st) == 0 && st.st_size == 5);

    EXPECT_ERR(e2b_files_upload_file(sandbox, "/no/such/local/file", "x", NULL, NULL, NULL, NULL, &err), E2B_ERR_IO, err,
               "/no/such/local/file");
    EXPECT_ERR(e2b_files_download_file(sandbox, "missing", path, NULL, NULL, NULL, NULL, &err), E2B_ERR_NOT_FOUND, err, "");
    EXPECT_ERR(e2b_files_upload_file(NULL, "a", "b", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_upload_file(sandbox, NULL, "b", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "local_path");
    EXPECT_ERR(e2b_files_upload_file(sandbox, "a", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_upload_file(sandbox, BAD_UTF8, "b", NULL, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "local_path");
    EXPECT_ERR(e2b_files_download_file(NULL, "a", "b", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox");
    EXPECT_ERR(e2b_files_download_file(sandbox, NULL, "b", NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "path");
    EXPECT_ERR(e2b_files_download_file(sandbox, "a", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "local_path");
    EXPECT_ERR(e2b_files_download_file(sandbox, "a", BAD_UTF8, NULL, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "local_path");
    EXPECT_ERR(e2b_files_upload_dir(NULL, "a", "b", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox");
    EXPECT_ERR(e2b_files_upload_dir(sandbox, NULL, "b", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "local_dir");
    EXPECT_ERR(e2b_files_upload_dir(sandbox, "a", BAD_UTF8, NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "path");
    EXPECT_ERR(e2b_files_download_dir(NULL, "a", "b", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox");
    EXPECT_ERR(e2b_files_download_dir(sandbox, "a", NULL, NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "local_dir");
    EXPECT_ERR(e2b_files_download_dir(sandbox, BAD_UTF8, "b", NULL, NULL, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8,
               err, "path");

    char command[600];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    EXPECT(system(command) == 0);
}

/* A symbolic link is E2B_FILE_TYPE_SYMLINK with its target, whatever it
 * points to, and download_dir skips it instead of copying what it points to. */
static void test_symlinks(void) {
    EXPECT_OK(e2b_files_write(sandbox, "links/real.txt", (const uint8_t *)"real", 4, NULL, NULL, NULL));
    EXPECT_OK(e2b_files_write(sandbox, "elsewhere.txt", (const uint8_t *)"away", 4, NULL, NULL, NULL));
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_commands_run(sandbox,
                               "cd /home/user/links && ln -s /home/user/elsewhere.txt outside && ln -s /etc etc "
                               "&& ln -s missing dangling",
                               NULL, NULL, NULL, &result, NULL, NULL));
    e2b_command_result_free(result);

    e2b_entry_info *info = NULL;
    EXPECT_OK(e2b_files_get_info(sandbox, "links/outside", NULL, &info, NULL, NULL));
    EXPECT(e2b_entry_info_type(info) == E2B_FILE_TYPE_SYMLINK);
    EXPECT_STR(e2b_entry_info_symlink_target(info), "/home/user/elsewhere.txt");
    e2b_entry_info_free(info);
    e2b_entry_list *list = NULL;
    EXPECT_OK(e2b_files_list(sandbox, "links", 1, NULL, &list, NULL, NULL));
    size_t links = 0;
    for (size_t i = 0; i < e2b_entry_list_len(list); i++) {
        const e2b_entry_info *entry = e2b_entry_list_get(list, i);
        if (e2b_entry_info_type(entry) == E2B_FILE_TYPE_SYMLINK) {
            links++;
            EXPECT(e2b_entry_info_symlink_target(entry) != NULL);
        }
    }
    EXPECT(links == 3);
    e2b_entry_list_free(list);

    char dir[] = "/tmp/e2b-links-XXXXXX";
    EXPECT(mkdtemp(dir) != NULL);
    char copy[64], path[96];
    snprintf(copy, sizeof copy, "%s/copy", dir);
    size_t count = 0;
    EXPECT_OK(e2b_files_download_dir(sandbox, "links", copy, NULL, NULL, NULL, &count, NULL, NULL));
    EXPECT(count == 1);
    struct stat st;
    const char *skipped[] = {"outside", "etc", "dangling"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", copy, skipped[i]);
        EXPECT(lstat(path, &st) != 0);
    }
    snprintf(path, sizeof path, "%s/real.txt", copy);
    EXPECT(remove(path) == 0);
    EXPECT(rmdir(copy) == 0);
    EXPECT(rmdir(dir) == 0);
}

static void test_signed_urls(void) {
    e2b_error *err = NULL;
    e2b_bytes url = {0};
    EXPECT_OK(e2b_files_download_url(sandbox, "/home/user/a.txt", 0, NULL, &url, NULL, NULL));
    EXPECT(strstr((const char *)url.data, "/files?path=%2Fhome%2Fuser%2Fa.txt") != NULL);
    EXPECT(strstr((const char *)url.data, "signature=v1_") != NULL);
    EXPECT(strstr((const char *)url.data, "signature_expiration") == NULL);
    e2b_bytes_dispose(&url);
    EXPECT_OK(e2b_files_upload_url(sandbox, "/home/user/a.txt", 60000, NULL, &url, NULL, NULL));
    EXPECT(strstr((const char *)url.data, "signature_expiration=") != NULL);
    e2b_bytes_dispose(&url);
    EXPECT_ERR(e2b_files_download_url(NULL, "p", 0, NULL, &url, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_download_url(sandbox, NULL, 0, NULL, &url, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_download_url(sandbox, BAD_UTF8, 0, NULL, &url, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_download_url(sandbox, "p", 0, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_files_upload_url(NULL, "p", 0, NULL, &url, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_upload_url(sandbox, BAD_UTF8, 0, NULL, &url, NULL, &err), E2B_ERR_INVALID_UTF8, err, "path");
}

/* Writes a file a moment later, from another thread (handles are thread-safe). */
static void *write_later(void *unused) {
    (void)unused;
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    EXPECT_OK(e2b_files_write(sandbox, "watched/later.txt", (const uint8_t *)"x", 1, NULL, NULL, NULL));
    return NULL;
}

static int32_t on_event(void *user_data, const e2b_fs_event *event) {
    int *creates = user_data;
    if (e2b_fs_event_type(event) == E2B_EVENT_CREATE) {
        (*creates)++;
    }
    return *creates >= 1;
}

struct waiter {
    e2b_watch *watch;
    e2b_error_code code;
    size_t events;
    double returned;
};

static void *wait_for_events(void *arg) {
    struct waiter *w = arg;
    e2b_fs_event_list *events = NULL;
    w->code = e2b_watch_next_events(w->watch, 20000, &events, NULL, NULL);
    w->returned = now_seconds();
    w->events = e2b_fs_event_list_len(events);
    e2b_fs_event_list_free(events);
    return NULL;
}

/* A watch stopped from another thread ends a waiting e2b_watch_next_events
 * promptly with an empty batch, never an error. */
static void test_watch_stopped_while_waiting(void) {
    bool made = false;
    EXPECT_OK(e2b_files_make_dir(sandbox, "quiet", NULL, &made, NULL, NULL));
    deadline(60);
    for (int round = 0; round < 3; round++) {
        struct waiter w = {NULL, E2B_ERR_PANIC, 99, 0};
        EXPECT_OK(e2b_files_watch_dir(sandbox, "quiet", false, false, NULL, &w.watch, NULL, NULL));
        pthread_t thread;
        EXPECT(pthread_create(&thread, NULL, wait_for_events, &w) == 0);
        struct timespec pause = {0, 300 * 1000 * 1000};
        nanosleep(&pause, NULL);
        double stopped = now_seconds();
        EXPECT_OK(e2b_watch_stop(w.watch, NULL, NULL));
        pthread_join(thread, NULL);
        EXPECT(w.code == E2B_OK);
        EXPECT(w.events == 0);
        EXPECT(w.returned - stopped < 1.0);
        e2b_watch_free(w.watch);
    }
    alarm(0);
}

static void test_watch(void) {
    e2b_error *err = NULL;
    bool made = false;
    EXPECT_OK(e2b_files_make_dir(sandbox, "watched", NULL, &made, NULL, NULL));
    e2b_watch *watch = NULL;
    EXPECT_OK(e2b_files_watch_dir(sandbox, "watched", true, true, NULL, &watch, NULL, NULL));
    EXPECT(e2b_watch_id(watch) != NULL && strlen(e2b_watch_id(watch)) > 0);
    EXPECT_OK(e2b_files_write(sandbox, "watched/new.txt", (const uint8_t *)"x", 1, NULL, NULL, NULL));

    e2b_fs_event_list *events = NULL;
    size_t seen = 0;
    bool created = false;
    for (int round = 0; round < 20 && !created; round++) {
        EXPECT_OK(e2b_watch_next_events(watch, 500, &events, NULL, NULL));
        for (size_t i = 0; i < e2b_fs_event_list_len(events); i++) {
            const e2b_fs_event *event = e2b_fs_event_list_get(events, i);
            seen++;
            if (e2b_fs_event_type(event) == E2B_EVENT_CREATE && strcmp(e2b_fs_event_name(event), "new.txt") == 0) {
                created = true;
                EXPECT(e2b_fs_event_entry(event) != NULL);
                EXPECT_STR(e2b_entry_info_name(e2b_fs_event_entry(event)), "new.txt");
            }
        }
        e2b_fs_event_list_free(events);
    }
    EXPECT(created && seen >= 1);
    EXPECT_OK(e2b_watch_get_new_events(watch, &events, NULL, NULL));
    e2b_fs_event_list_free(events);
    EXPECT(e2b_fs_event_list_len(NULL) == 0 && e2b_fs_event_list_get(NULL, 0) == NULL);
    EXPECT(e2b_fs_event_name(NULL) == NULL && e2b_fs_event_entry(NULL) == NULL);
    EXPECT(e2b_fs_event_type(NULL) == E2B_EVENT_OTHER);
    e2b_fs_event_list_free(NULL);

    EXPECT_OK(e2b_watch_stop(watch, NULL, NULL));
    EXPECT_OK(e2b_watch_stop(watch, NULL, NULL));
    EXPECT_ERR(e2b_watch_get_new_events(watch, &events, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "stopped");
    EXPECT_ERR(e2b_watch_next_events(NULL, 0, &events, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "watch");
    EXPECT_ERR(e2b_watch_next_events(watch, 0, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_watch_stop(NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "watch");
    EXPECT(e2b_watch_id(NULL) == NULL);
    e2b_watch_free(watch);
    e2b_watch_free(NULL);

    /* Freeing a watch that was never stopped stops it; allowing network
     * mounts changes nothing for a local directory. */
    e2b_files_options *o = e2b_files_options_new();
    EXPECT_OK(e2b_files_options_set_allow_network_mounts(o, true, NULL));
    EXPECT_ERR(e2b_files_options_set_allow_network_mounts(NULL, true, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_OK(e2b_files_watch_dir(sandbox, "watched", false, false, o, &watch, NULL, NULL));
    e2b_watch_free(watch);
    e2b_files_options_free(o);

    EXPECT_ERR(e2b_files_watch_dir(sandbox, "no-such-dir", false, false, NULL, &watch, NULL, &err), E2B_ERR_NOT_FOUND, err,
               "");
    EXPECT_ERR(e2b_files_watch_dir(NULL, "p", false, false, NULL, &watch, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox");
    EXPECT_ERR(e2b_files_watch_dir(sandbox, NULL, false, false, NULL, &watch, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "path");
    EXPECT_ERR(e2b_files_watch_dir(sandbox, BAD_UTF8, false, false, NULL, &watch, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "path");
    EXPECT_ERR(e2b_files_watch_dir(sandbox, "p", false, false, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");

    /* The stream form: a quiet watch ends at its deadline; a callback that
     * returns non-zero (after the create a second thread makes) stops it. */
    int creates = 0;
    EXPECT_OK(e2b_files_watch_dir_stream(sandbox, "watched", false, false, 300, NULL, on_event, &creates, NULL, NULL));
    EXPECT(creates == 0);
    pthread_t writer;
    EXPECT(pthread_create(&writer, NULL, write_later, NULL) == 0);
    EXPECT_ERR(e2b_files_watch_dir_stream(sandbox, "watched", false, false, 20000, NULL, on_event, &creates, NULL, &err),
               E2B_ERR_CALLBACK_ABORTED, err, "callback");
    pthread_join(writer, NULL);
    EXPECT(creates == 1);
    EXPECT_ERR(e2b_files_watch_dir_stream(NULL, "p", false, false, 10, NULL, on_event, &creates, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_files_watch_dir_stream(sandbox, NULL, false, false, 10, NULL, on_event, &creates, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_files_watch_dir_stream(sandbox, BAD_UTF8, false, false, 10, NULL, on_event, &creates, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_files_watch_dir_stream(sandbox, "watched", false, false, 10, NULL, NULL, &creates, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "on_event");
}

int main(void) {
    setup();
    RUN(test_options);
    RUN(test_metadata);
    RUN(test_streams);
    RUN(test_stream_sizes);
    RUN(test_write_files);
    RUN(test_filesystem);
    RUN(test_local_transfers);
    RUN(test_symlinks);
    RUN(test_signed_urls);
    RUN(test_watch);
    RUN(test_watch_stopped_while_waiting);
    teardown();
    return testing_summary();
}
