/*
 * C tests of the volume functions: the control plane (create, connect, get
 * info, list, destroy), the volume content API, and a volume mounted into two
 * sandboxes in turn; with NULL and invalid UTF-8 arguments; linked against
 * the real library and run against a real e2b-local.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static e2b_client *client;

/* A volume name no other run uses. */
static void unique_name(char *out, size_t size, const char *prefix) {
    snprintf(out, size, "%s-%ld-%d", prefix, (long)time(NULL), rand() % 100000);
}

static void test_control_plane(void) {
    e2b_error *err = NULL;
    char name[64];
    unique_name(name, sizeof name, "c-vol");
    e2b_volume *volume = NULL;
    EXPECT_OK(e2b_client_create_volume(client, name, &volume, NULL, NULL));
    EXPECT_STR(e2b_volume_name(volume), name);
    EXPECT(e2b_volume_id(volume) != NULL && strlen(e2b_volume_id(volume)) > 0);
    EXPECT(e2b_volume_token(volume) != NULL && strlen(e2b_volume_token(volume)) > 0);

    e2b_volume *again = NULL;
    EXPECT_ERR(e2b_client_create_volume(client, name, &again, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "already exists");
    EXPECT(again == NULL);
    EXPECT_ERR(e2b_client_create_volume(client, "no spaces", &again, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "Invalid volume name");
    EXPECT_ERR(e2b_client_create_volume(client, NULL, &again, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_client_create_volume(client, BAD_UTF8, &again, NULL, &err), E2B_ERR_INVALID_UTF8, err, "name");
    EXPECT_ERR(e2b_client_create_volume(NULL, name, &again, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_create_volume(client, name, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");

    e2b_volume_list *list = NULL;
    EXPECT_OK(e2b_client_list_volumes(client, &list, NULL, NULL));
    int found = 0;
    for (size_t i = 0; i < e2b_volume_list_len(list); i++) {
        const e2b_volume_info *info = e2b_volume_list_get(list, i);
        if (strcmp(e2b_volume_info_id(info), e2b_volume_id(volume)) == 0) {
            found++;
            EXPECT_STR(e2b_volume_info_name(info), name);
            EXPECT(e2b_volume_info_token(info) == NULL);
        }
    }
    EXPECT(found == 1);
    EXPECT(e2b_volume_list_get(list, e2b_volume_list_len(list)) == NULL);
    e2b_volume_list_free(list);

    e2b_volume_info *info = NULL;
    EXPECT_OK(e2b_client_get_volume_info(client, e2b_volume_id(volume), &info, NULL, NULL));
    EXPECT_STR(e2b_volume_info_name(info), name);
    EXPECT(e2b_volume_info_token(info) != NULL);
    EXPECT(e2b_volume_info_domain(info) == NULL);
    e2b_volume_info_free(info);

    e2b_volume *connected = NULL;
    EXPECT_OK(e2b_client_connect_volume(client, e2b_volume_id(volume), &connected, NULL, NULL));
    EXPECT_STR(e2b_volume_name(connected), name);
    e2b_volume_free(connected);

    bool destroyed = false;
    EXPECT_OK(e2b_client_destroy_volume(client, e2b_volume_id(volume), &destroyed, NULL, NULL));
    EXPECT(destroyed);
    EXPECT_OK(e2b_client_destroy_volume(client, e2b_volume_id(volume), &destroyed, NULL, NULL));
    EXPECT(!destroyed);
    EXPECT_ERR(e2b_client_connect_volume(client, e2b_volume_id(volume), &connected, NULL, &err), E2B_ERR_NOT_FOUND,
               err, "not found");
    EXPECT_ERR(e2b_client_get_volume_info(client, NULL, &info, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "volume_id");
    e2b_volume_free(volume);
    e2b_volume_free(NULL);
    e2b_volume_list_free(NULL);
    e2b_volume_info_free(NULL);
}

static void test_content(void) {
    e2b_error *err = NULL;
    char name[64];
    unique_name(name, sizeof name, "c-content");
    e2b_volume *volume = NULL;
    EXPECT_OK(e2b_client_create_volume(client, name, &volume, NULL, NULL));

    const char *text = "hello from C";
    e2b_volume_entry *entry = NULL;
    EXPECT_OK(e2b_volume_write_file(volume, "/hello.txt", (const uint8_t *)text, strlen(text), NULL, &entry, NULL,
                                    NULL));
    EXPECT_STR(e2b_volume_entry_name(entry), "hello.txt");
    EXPECT_STR(e2b_volume_entry_path(entry), "/hello.txt");
    EXPECT(e2b_volume_entry_type(entry) == E2B_FILE_TYPE_FILE);
    EXPECT(e2b_volume_entry_size(entry) == (int64_t)strlen(text));
    EXPECT(e2b_volume_entry_uid(entry) == 1000 && e2b_volume_entry_gid(entry) == 1000);
    EXPECT(e2b_volume_entry_mtime(entry) != NULL && e2b_volume_entry_target(entry) == NULL);
    e2b_volume_entry_free(entry);

    e2b_bytes out = {0};
    EXPECT_OK(e2b_volume_read_file(volume, "/hello.txt", &out, NULL, NULL));
    EXPECT(out.len == strlen(text) && memcmp(out.data, text, out.len) == 0);
    e2b_bytes_dispose(&out);

    e2b_volume_write_options *o = e2b_volume_write_options_new();
    EXPECT_OK(e2b_volume_write_options_set_force(o, true, NULL));
    EXPECT_OK(e2b_volume_write_options_set_mode(o, 0750, NULL));
    EXPECT_OK(e2b_volume_make_dir(volume, "/a/b", o, &entry, NULL, NULL));
    EXPECT(e2b_volume_entry_type(entry) == E2B_FILE_TYPE_DIR && e2b_volume_entry_mode(entry) == 0750);
    e2b_volume_entry_free(entry);
    EXPECT_ERR(e2b_volume_write_options_set_mode(NULL, 0, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    e2b_volume_write_options_free(o);
    EXPECT_ERR(e2b_volume_make_dir(volume, "/x/y", NULL, NULL, NULL, &err), E2B_ERR_NOT_FOUND, err, "not found");
    EXPECT_ERR(e2b_volume_make_dir(volume, "/a", NULL, NULL, NULL, &err), E2B_ERR_CONFLICT, err, "exists");
    EXPECT_OK(e2b_volume_write_file(volume, "/a/b/c.txt", (const uint8_t *)"c", 1, NULL, NULL, NULL, NULL));

    e2b_volume_entry_list *list = NULL;
    EXPECT_OK(e2b_volume_list_dir(volume, "/", 3, &list, NULL, NULL));
    const char *expected[] = {"/a", "/a/b", "/a/b/c.txt", "/hello.txt"};
    EXPECT(e2b_volume_entry_list_len(list) == 4);
    for (size_t i = 0; i < 4 && i < e2b_volume_entry_list_len(list); i++) {
        EXPECT_STR(e2b_volume_entry_path(e2b_volume_entry_list_get(list, i)), expected[i]);
    }
    EXPECT(e2b_volume_entry_list_get(list, 4) == NULL);
    e2b_volume_entry_list_free(list);

    bool exists = false;
    EXPECT_OK(e2b_volume_exists(volume, "/a/b/c.txt", &exists, NULL, NULL));
    EXPECT(exists);
    EXPECT_OK(e2b_volume_exists(volume, "/nope", &exists, NULL, NULL));
    EXPECT(!exists);

    o = e2b_volume_write_options_new();
    EXPECT_OK(e2b_volume_write_options_set_mode(o, 0600, NULL));
    EXPECT_OK(e2b_volume_update_metadata(volume, "/a/b/c.txt", o, &entry, NULL, NULL));
    EXPECT(e2b_volume_entry_mode(entry) == 0600);
    e2b_volume_entry_free(entry);
    e2b_volume_write_options_free(o);
    EXPECT_OK(e2b_volume_get_entry_info(volume, "/a/b/c.txt", &entry, NULL, NULL));
    EXPECT(e2b_volume_entry_size(entry) == 1 && e2b_volume_entry_mode(entry) == 0600);
    e2b_volume_entry_free(entry);

    EXPECT_OK(e2b_volume_remove(volume, "/a", NULL, NULL));
    EXPECT_ERR(e2b_volume_remove(volume, "/a", NULL, &err), E2B_ERR_NOT_FOUND, err, "not found");
    EXPECT_ERR(e2b_volume_read_file(volume, "/../etc/passwd", &out, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "..");
    EXPECT(out.data == NULL && out.len == 0);
    EXPECT_ERR(e2b_volume_read_file(volume, NULL, &out, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_volume_read_file(NULL, "/x", &out, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "volume");
    EXPECT_ERR(e2b_volume_write_file(volume, BAD_UTF8, NULL, 0, NULL, NULL, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "path");
    EXPECT_ERR(e2b_volume_write_file(volume, "/x", NULL, 3, NULL, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "data");

    /* A cancelled token ends a call at once. */
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_volume_exists(volume, "/", &exists, cancel, &err), E2B_ERR_CANCELLED, err, "");
    e2b_cancel_free(cancel);

    EXPECT_OK(e2b_client_destroy_volume(client, e2b_volume_id(volume), NULL, NULL, NULL));
    e2b_volume_free(volume);
}

/* Streams: a source that makes a pattern as it goes, a sink that checks it. */
struct pattern {
    uint64_t at, left;
    int fail;        /* the source returns -1 at once */
    int stop_after;  /* the sink (or progress) stops after this many calls */
    int calls, bad;
    uint64_t done, total;
};

static uint8_t pattern_byte(uint64_t i) { return (uint8_t)(i * 7 % 251); }

static int64_t pattern_read(void *user_data, uint8_t *buffer, size_t capacity) {
    struct pattern *p = user_data;
    if (p->fail) {
        return -3;
    }
    size_t n = p->left < capacity ? (size_t)p->left : capacity;
    for (size_t i = 0; i < n; i++) {
        buffer[i] = pattern_byte(p->at + i);
    }
    p->at += n;
    p->left -= n;
    return (int64_t)n;
}

static int32_t pattern_check(void *user_data, const uint8_t *data, size_t len) {
    struct pattern *p = user_data;
    for (size_t i = 0; i < len; i++) {
        p->bad += data[i] != pattern_byte(p->at + i);
    }
    p->at += len;
    p->calls++;
    return p->stop_after && p->calls >= p->stop_after ? 5 : 0;
}

static int32_t pattern_progress(void *user_data, uint64_t done, uint64_t total) {
    struct pattern *p = user_data;
    p->done = done;
    p->total = total;
    return 0;
}

static void test_streams(void) {
    e2b_error *err = NULL;
    char name[64];
    unique_name(name, sizeof name, "c-stream");
    e2b_volume *volume = NULL;
    EXPECT_OK(e2b_client_create_volume(client, name, &volume, NULL, NULL));
    const uint64_t size = 5u << 20;

    /* A few MiB each way, with progress, compared byte by byte. */
    struct pattern source = {0, size, 0, 0, 0, 0, 0, 0};
    e2b_volume_entry *entry = NULL;
    EXPECT_OK(e2b_volume_write_stream(volume, "/big.bin", (int64_t)size, NULL, pattern_read, pattern_progress, &source,
                                      &entry, NULL, NULL));
    EXPECT(e2b_volume_entry_size(entry) == (int64_t)size);
    EXPECT_STR(e2b_volume_entry_path(entry), "/big.bin");
    e2b_volume_entry_free(entry);
    EXPECT(source.left == 0 && source.done == size && source.total == size);

    struct pattern sink = {0, 0, 0, 0, 0, 0, 0, 0};
    uint64_t read = 0;
    EXPECT_OK(e2b_volume_read_stream(volume, "/big.bin", pattern_check, pattern_progress, &sink, &read, NULL, NULL));
    EXPECT(read == size && sink.at == size && sink.bad == 0 && sink.calls > 1);
    EXPECT(sink.done == size && sink.total == size);

    /* Unknown size, no progress, no entry wanted; options apply. */
    struct pattern unknown = {0, 1000, 0, 0, 0, 0, 0, 0};
    e2b_volume_write_options *o = e2b_volume_write_options_new();
    EXPECT_OK(e2b_volume_write_options_set_mode(o, 0600, NULL));
    EXPECT_OK(e2b_volume_write_stream(volume, "/unknown.bin", -1, o, pattern_read, NULL, &unknown, NULL, NULL, NULL));
    e2b_volume_write_options_free(o);
    EXPECT_OK(e2b_volume_get_entry_info(volume, "/unknown.bin", &entry, NULL, NULL));
    EXPECT(e2b_volume_entry_size(entry) == 1000 && e2b_volume_entry_mode(entry) == 0600);
    e2b_volume_entry_free(entry);

    /* A source short of or over its size fails at once, naming both numbers;
     * the file keeps its old content. */
    EXPECT_OK(e2b_volume_write_file(volume, "/short.bin", (const uint8_t *)"old", 3, NULL, NULL, NULL, NULL));
    struct pattern short_source = {0, 5, 0, 0, 0, 0, 0, 0};
    entry = (e2b_volume_entry *)&short_source;
    EXPECT_ERR(e2b_volume_write_stream(volume, "/short.bin", 10, NULL, pattern_read, NULL, &short_source, &entry, NULL,
                                       &err),
               E2B_ERR_IO, err, "after 5 of the 10 bytes");
    EXPECT(entry == NULL);
    struct pattern long_source = {0, 13, 0, 0, 0, 0, 0, 0};
    EXPECT_ERR(e2b_volume_write_stream(volume, "/long.bin", 10, NULL, pattern_read, NULL, &long_source, NULL, NULL,
                                       &err),
               E2B_ERR_IO, err, "more than the 10 bytes");
    e2b_bytes out = {0};
    EXPECT_OK(e2b_volume_read_file(volume, "/short.bin", &out, NULL, NULL));
    EXPECT(out.len == 3 && memcmp(out.data, "old", 3) == 0);
    e2b_bytes_dispose(&out);
    struct pattern unused = {0, 10, 0, 0, 0, 0, 0, 0};
    EXPECT_ERR(e2b_volume_write_stream(volume, "/negative.bin", -2, NULL, pattern_read, NULL, &unused, NULL, NULL,
                                       &err),
               E2B_ERR_INVALID_ARGUMENT, err, "size");
    EXPECT(unused.left == 10);

    /* Unknown paths, callbacks that stop. */
    read = 7;
    EXPECT_ERR(e2b_volume_read_stream(volume, "/missing.bin", pattern_check, NULL, &sink, &read, NULL, &err),
               E2B_ERR_NOT_FOUND, err, "not found");
    EXPECT(read == 0);
    struct pattern three = {0, 3, 0, 0, 0, 0, 0, 0};
    EXPECT_ERR(e2b_volume_write_stream(volume, "/no/such/dir.bin", 3, NULL, pattern_read, NULL, &three, NULL, NULL,
                                       &err),
               E2B_ERR_NOT_FOUND, err, "not found");
    struct pattern stopper = {0, 0, 0, 1, 0, 0, 0, 0};
    EXPECT_ERR(e2b_volume_read_stream(volume, "/big.bin", pattern_check, NULL, &stopper, NULL, NULL, &err),
               E2B_ERR_CALLBACK_ABORTED, err, "callback");
    struct pattern failing = {0, 10, 1, 0, 0, 0, 0, 0};
    EXPECT(e2b_volume_write_stream(volume, "/failing.bin", -1, NULL, pattern_read, NULL, &failing, NULL, NULL, &err) ==
           E2B_ERR_CALLBACK_ABORTED);
    EXPECT(strstr(e2b_error_message(err), "read callback") != NULL);
    EXPECT(e2b_error_callback_value(err) == -3);
    e2b_error_free(err);
    err = NULL;

    /* NULL and invalid arguments. */
    EXPECT_ERR(e2b_volume_read_stream(NULL, "/p", pattern_check, NULL, &sink, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT,
               err, "volume");
    EXPECT_ERR(e2b_volume_read_stream(volume, NULL, pattern_check, NULL, &sink, NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_volume_read_stream(volume, BAD_UTF8, pattern_check, NULL, &sink, NULL, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_volume_read_stream(volume, "/p", NULL, NULL, &sink, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "on_data");
    EXPECT_ERR(e2b_volume_write_stream(NULL, "/p", 0, NULL, pattern_read, NULL, &unused, NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "volume");
    EXPECT_ERR(e2b_volume_write_stream(volume, NULL, 0, NULL, pattern_read, NULL, &unused, NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_volume_write_stream(volume, BAD_UTF8, 0, NULL, pattern_read, NULL, &unused, NULL, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "path");
    EXPECT_ERR(e2b_volume_write_stream(volume, "/p", 0, NULL, NULL, NULL, &unused, NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "read");

    /* A cancelled token ends a stream at once. */
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_volume_read_stream(volume, "/big.bin", pattern_check, NULL, &sink, NULL, cancel, &err),
               E2B_ERR_CANCELLED, err, "");
    e2b_cancel_free(cancel);

    EXPECT_OK(e2b_client_destroy_volume(client, e2b_volume_id(volume), NULL, NULL, NULL));
    e2b_volume_free(volume);
}

/* A file one sandbox writes into a volume, another sandbox reads. */
static void test_mounted_in_two_sandboxes(void) {
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: volume mounts need e2b-local to run as root\n");
        return;
    }
    e2b_error *err = NULL;
    char name[64];
    unique_name(name, sizeof name, "c-shared");
    e2b_volume *volume = NULL;
    EXPECT_OK(e2b_client_create_volume(client, name, &volume, NULL, NULL));

    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(options, 120000, NULL));
    EXPECT_OK(e2b_sandbox_options_set_volume_mount(options, "/mnt/data", e2b_volume_name(volume), NULL));
    EXPECT_ERR(e2b_sandbox_options_set_volume_mount(options, NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "path");
    EXPECT_ERR(e2b_sandbox_options_set_volume_mount(options, "/p", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err,
               "volume_name");
    e2b_sandbox *writer = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, options, &writer, NULL, NULL));
    e2b_sandbox_info *info = NULL;
    EXPECT_OK(e2b_sandbox_get_info(writer, &info, NULL, NULL));
    EXPECT(e2b_sandbox_info_volume_mounts_len(info) == 1);
    EXPECT_STR(e2b_sandbox_info_volume_mounts_key(info, 0), "/mnt/data");
    EXPECT_STR(e2b_sandbox_info_volume_mounts_value(info, 0), name);
    EXPECT_STR(e2b_sandbox_info_volume_mounts_get(info, "/mnt/data"), name);
    EXPECT(e2b_sandbox_info_volume_mounts_get(info, "/elsewhere") == NULL);
    EXPECT(e2b_sandbox_info_volume_mounts_key(info, 1) == NULL);
    e2b_sandbox_info_free(info);
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_commands_run(writer, "echo from C > /mnt/data/note.txt", NULL, NULL, NULL, &result, NULL,
                               NULL));
    e2b_command_result_free(result);
    EXPECT_OK(e2b_sandbox_kill(writer, NULL, NULL, NULL));
    e2b_sandbox_free(writer);

    e2b_sandbox_options_free(options);
    options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_volume_mount(options, "/home/user/shared", e2b_volume_name(volume), NULL));
    e2b_sandbox *reader = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, options, &reader, NULL, NULL));
    e2b_sandbox_options_free(options);
    e2b_bytes out = {0};
    EXPECT_OK(e2b_files_read(reader, "/home/user/shared/note.txt", NULL, &out, NULL, NULL));
    EXPECT(out.len == 7 && memcmp(out.data, "from C\n", 7) == 0);
    e2b_bytes_dispose(&out);
    EXPECT_OK(e2b_volume_read_file(volume, "/note.txt", &out, NULL, NULL));
    EXPECT(out.len == 7 && memcmp(out.data, "from C\n", 7) == 0);
    e2b_bytes_dispose(&out);
    EXPECT_OK(e2b_sandbox_kill(reader, NULL, NULL, NULL));
    e2b_sandbox_free(reader);

    /* A mount of a volume that does not exist is refused at create. */
    options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_volume_mount(options, "/mnt/x", "no-such-volume", NULL));
    e2b_sandbox *refused = NULL;
    EXPECT_ERR(e2b_client_create_sandbox(client, options, &refused, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "volume 'no-such-volume' not found");
    EXPECT(refused == NULL);
    e2b_sandbox_options_free(options);

    EXPECT_OK(e2b_client_destroy_volume(client, e2b_volume_id(volume), NULL, NULL, NULL));
    e2b_volume_free(volume);
}

int main(void) {
    srand((unsigned)getpid());
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    RUN(test_control_plane);
    RUN(test_content);
    RUN(test_streams);
    RUN(test_mounted_in_two_sandboxes);
    e2b_client_free(client);
    return testing_summary();
}
