/*
 * C tests of the `_fields` functions: every field of an entry or a sandbox
 * info as one plain struct, and a whole list or page of them in one call.
 * Each struct must say what the getters say, for entries of every kind
 * (file, directory, symlink), from a list, a stat, a rename and a watch
 * event, and for sandboxes with and without metadata; NULL and empty lists
 * give NULL. Linked against the real library, run against a real e2b-local.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static e2b_client *client;
static e2b_sandbox *sandbox;

/* Two strings are equal, NULL only to NULL. */
static int same(const char *a, const char *b) {
    return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

/* `fields` says exactly what the getters say of `entry`. */
static void expect_entry(const e2b_entry_fields *fields, const e2b_entry_info *entry) {
    if (fields == NULL) {
        FAIL("no fields for entry %s", e2b_entry_info_path(entry));
        return;
    }
    EXPECT(fields == e2b_entry_info_fields(entry));
    EXPECT(fields->struct_size == sizeof(e2b_entry_fields));
    EXPECT_STR(fields->name, e2b_entry_info_name(entry));
    EXPECT_STR(fields->path, e2b_entry_info_path(entry));
    EXPECT(fields->file_type == e2b_entry_info_type(entry));
    EXPECT(fields->mode == e2b_entry_info_mode(entry));
    EXPECT(fields->size == e2b_entry_info_size(entry));
    EXPECT_STR(fields->permissions, e2b_entry_info_permissions(entry));
    EXPECT_STR(fields->owner, e2b_entry_info_owner(entry));
    EXPECT_STR(fields->group, e2b_entry_info_group(entry));
    EXPECT(same(fields->modified_time, e2b_entry_info_modified_time(entry)));
    EXPECT(same(fields->symlink_target, e2b_entry_info_symlink_target(entry)));
    EXPECT(fields->metadata_len == e2b_entry_info_metadata_len(entry));
    EXPECT((fields->metadata == NULL) == (fields->metadata_len == 0));
    for (size_t i = 0; i < fields->metadata_len; i++) {
        EXPECT_STR(fields->metadata[i].key, e2b_entry_info_metadata_key(entry, i));
        EXPECT_STR(fields->metadata[i].value, e2b_entry_info_metadata_value(entry, i));
    }
}

/* `fields` says exactly what the getters say of `info`. */
static void expect_sandbox(const e2b_sandbox_fields *fields, const e2b_sandbox_info *info) {
    if (fields == NULL) {
        FAIL("no fields for sandbox %s", e2b_sandbox_info_id(info));
        return;
    }
    EXPECT(fields == e2b_sandbox_info_fields(info));
    EXPECT(fields->struct_size == sizeof(e2b_sandbox_fields));
    EXPECT_STR(fields->sandbox_id, e2b_sandbox_info_id(info));
    EXPECT_STR(fields->template_id, e2b_sandbox_info_template_id(info));
    EXPECT(same(fields->alias, e2b_sandbox_info_alias(info)));
    EXPECT_STR(fields->started_at, e2b_sandbox_info_started_at(info));
    EXPECT_STR(fields->end_at, e2b_sandbox_info_end_at(info));
    EXPECT_STR(fields->envd_version, e2b_sandbox_info_envd_version(info));
    EXPECT(fields->state == e2b_sandbox_info_state(info));
    EXPECT(fields->cpu_count == e2b_sandbox_info_cpu_count(info));
    EXPECT(fields->memory_mb == e2b_sandbox_info_memory_mb(info));
    EXPECT(fields->disk_size_mb == e2b_sandbox_info_disk_size_mb(info));
    EXPECT(fields->metadata_len == e2b_sandbox_info_metadata_len(info));
    EXPECT((fields->metadata == NULL) == (fields->metadata_len == 0));
    for (size_t i = 0; i < fields->metadata_len; i++) {
        EXPECT_STR(fields->metadata[i].key, e2b_sandbox_info_metadata_key(info, i));
        EXPECT_STR(fields->metadata[i].value, e2b_sandbox_info_metadata_value(info, i));
    }
}

static void test_entry_list(void) {
    EXPECT_OK(e2b_files_write(sandbox, "tree/a.txt", (const uint8_t *)"hello", 5, NULL, NULL, NULL));
    EXPECT_OK(e2b_files_write(sandbox, "tree/sub/b.bin", (const uint8_t *)"bytes!!", 7, NULL, NULL, NULL));
    EXPECT_OK(e2b_files_make_dir(sandbox, "tree/empty", NULL, NULL, NULL, NULL));
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_commands_run(sandbox, "cd /home/user/tree && ln -s a.txt link && ln -s missing dangling", NULL,
                               NULL, NULL, &result, NULL, NULL));
    e2b_command_result_free(result);

    e2b_entry_list *list = NULL;
    EXPECT_OK(e2b_files_list(sandbox, "tree", 2, NULL, &list, NULL, NULL));
    size_t len = 12345;
    const e2b_entry_fields *const *items = e2b_entry_list_fields(list, &len);
    EXPECT(len == e2b_entry_list_len(list));
    EXPECT(len == 6); /* a.txt, sub, sub/b.bin, empty, link, dangling */
    EXPECT(items != NULL);
    size_t files = 0, dirs = 0, links = 0;
    for (size_t i = 0; items != NULL && i < len; i++) {
        const e2b_entry_fields *f = items[i];
        expect_entry(f, e2b_entry_list_get(list, i));
        if (f == NULL) continue;
        switch (f->file_type) {
        case E2B_FILE_TYPE_FILE:
            files++;
            EXPECT(f->symlink_target == NULL && f->modified_time != NULL && f->permissions[0] == '-');
            if (strcmp(f->name, "a.txt") == 0) {
                EXPECT(f->size == 5);
                EXPECT_STR(f->path, "/home/user/tree/a.txt");
            } else {
                EXPECT_STR(f->path, "/home/user/tree/sub/b.bin");
                EXPECT(f->size == 7);
            }
            break;
        case E2B_FILE_TYPE_DIR:
            dirs++;
            EXPECT(f->permissions[0] == 'd');
            break;
        case E2B_FILE_TYPE_SYMLINK:
            links++;
            EXPECT(f->symlink_target != NULL);
            break;
        default:
            FAIL("unexpected type %d for %s", (int)f->file_type, f->path);
        }
        EXPECT(f->owner != NULL && f->group != NULL);
        EXPECT(f->file_type == E2B_FILE_TYPE_SYMLINK || f->mode != 0);
        EXPECT(f->metadata_len == 0 && f->metadata == NULL);
    }
    EXPECT(files == 2 && dirs == 2 && links == 2);
    /* The same array again, without the length. */
    EXPECT(e2b_entry_list_fields(list, NULL) == items);
    e2b_entry_list_free(list);

    /* An empty list, and no list. */
    EXPECT_OK(e2b_files_list(sandbox, "tree/empty", 1, NULL, &list, NULL, NULL));
    len = 12345;
    EXPECT(e2b_entry_list_fields(list, &len) == NULL);
    EXPECT(len == 0);
    e2b_entry_list_free(list);
    len = 12345;
    EXPECT(e2b_entry_list_fields(NULL, &len) == NULL);
    EXPECT(len == 0);
    EXPECT(e2b_entry_list_fields(NULL, NULL) == NULL);
}

static void test_entry_info(void) {
    e2b_entry_info *info = NULL;
    EXPECT_OK(e2b_files_get_info(sandbox, "tree/link", NULL, &info, NULL, NULL));
    const e2b_entry_fields *f = e2b_entry_info_fields(info);
    expect_entry(f, info);
    if (f != NULL) {
        EXPECT(f->file_type == E2B_FILE_TYPE_SYMLINK);
        EXPECT_STR(f->symlink_target, "/home/user/tree/a.txt");
        EXPECT_STR(f->name, "link");
    }
    e2b_entry_info_free(info);

    EXPECT_OK(e2b_files_rename(sandbox, "tree/a.txt", "tree/moved.txt", NULL, &info, NULL, NULL));
    f = e2b_entry_info_fields(info);
    expect_entry(f, info);
    if (f != NULL) {
        EXPECT_STR(f->path, "/home/user/tree/moved.txt");
        EXPECT(f->file_type == E2B_FILE_TYPE_FILE && f->size == 5);
    }
    e2b_entry_info_free(info);
    EXPECT(e2b_entry_info_fields(NULL) == NULL);
}

static void test_event_entry(void) {
    e2b_watch *watch = NULL;
    EXPECT_OK(e2b_files_watch_dir(sandbox, "tree", false, true, NULL, &watch, NULL, NULL));
    EXPECT_OK(e2b_files_write(sandbox, "tree/new.txt", (const uint8_t *)"abc", 3, NULL, NULL, NULL));
    size_t with_entry = 0;
    for (int round = 0; round < 50 && with_entry == 0; round++) {
        e2b_fs_event_list *events = NULL;
        EXPECT_OK(e2b_watch_next_events(watch, 200, &events, NULL, NULL));
        for (size_t i = 0; i < e2b_fs_event_list_len(events); i++) {
            const e2b_entry_info *entry = e2b_fs_event_entry(e2b_fs_event_list_get(events, i));
            if (entry != NULL) {
                with_entry++;
                expect_entry(e2b_entry_info_fields(entry), entry);
                EXPECT_STR(e2b_entry_info_fields(entry)->path, "/home/user/tree/new.txt");
            }
        }
        e2b_fs_event_list_free(events);
    }
    EXPECT(with_entry > 0);
    e2b_watch_free(watch);
}

static void test_sandbox_page(void) {
    e2b_sandbox_options *o = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(o, 120000, NULL));
    EXPECT_OK(e2b_sandbox_options_set_metadata(o, "suite", "c-fields", NULL));
    EXPECT_OK(e2b_sandbox_options_set_metadata(o, "b", "2", NULL));
    EXPECT_OK(e2b_sandbox_options_set_metadata(o, "a", "1", NULL));
    e2b_sandbox *a = NULL, *b = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, o, &a, NULL, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, o, &b, NULL, NULL));
    e2b_sandbox_options_free(o);
    EXPECT_OK(e2b_sandbox_pause(b, NULL, NULL, NULL));

    e2b_sandbox_query *q = e2b_sandbox_query_new();
    EXPECT_OK(e2b_sandbox_query_add_metadata(q, "suite", "c-fields", NULL));
    e2b_sandbox_page *page = NULL;
    EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
    size_t len = 12345;
    const e2b_sandbox_fields *const *items = e2b_sandbox_page_fields(page, &len);
    EXPECT(len == 2 && len == e2b_sandbox_page_len(page));
    size_t running = 0, paused = 0;
    for (size_t i = 0; items != NULL && i < len; i++) {
        const e2b_sandbox_fields *f = items[i];
        expect_sandbox(f, e2b_sandbox_page_get(page, i));
        if (f == NULL) continue;
        EXPECT(f->state == E2B_SANDBOX_RUNNING || f->state == E2B_SANDBOX_PAUSED);
        running += f->state == E2B_SANDBOX_RUNNING;
        paused += f->state == E2B_SANDBOX_PAUSED;
        EXPECT(same(f->sandbox_id, e2b_sandbox_id(f->state == E2B_SANDBOX_PAUSED ? b : a)));
        EXPECT(f->cpu_count > 0 && f->memory_mb > 0);
        /* The metadata, sorted by key. */
        EXPECT(f->metadata_len == 3);
        if (f->metadata_len == 3) {
            EXPECT_STR(f->metadata[0].key, "a");
            EXPECT_STR(f->metadata[0].value, "1");
            EXPECT_STR(f->metadata[1].key, "b");
            EXPECT_STR(f->metadata[2].key, "suite");
            EXPECT_STR(f->metadata[2].value, "c-fields");
        }
    }
    EXPECT(running == 1 && paused == 1);
    EXPECT(e2b_sandbox_page_fields(page, NULL) == items);
    e2b_sandbox_page_free(page);

    /* An empty page, and no page. */
    EXPECT_OK(e2b_sandbox_query_add_metadata(q, "suite", "none such", NULL));
    EXPECT_OK(e2b_client_list_sandboxes(client, q, &page, NULL, NULL));
    len = 12345;
    EXPECT(e2b_sandbox_page_fields(page, &len) == NULL && len == 0);
    e2b_sandbox_page_free(page);
    e2b_sandbox_query_free(q);
    len = 12345;
    EXPECT(e2b_sandbox_page_fields(NULL, &len) == NULL && len == 0);
    EXPECT(e2b_sandbox_page_fields(NULL, NULL) == NULL);

    /* One info, without metadata. */
    e2b_sandbox_info *info = NULL;
    EXPECT_OK(e2b_sandbox_get_info(sandbox, &info, NULL, NULL));
    const e2b_sandbox_fields *f = e2b_sandbox_info_fields(info);
    expect_sandbox(f, info);
    if (f != NULL) {
        EXPECT_STR(f->sandbox_id, e2b_sandbox_id(sandbox));
        EXPECT(f->state == E2B_SANDBOX_RUNNING);
        EXPECT(f->metadata_len == 0 && f->metadata == NULL);
    }
    e2b_sandbox_info_free(info);
    EXPECT(e2b_sandbox_info_fields(NULL) == NULL);

    EXPECT_OK(e2b_sandbox_kill(a, NULL, NULL, NULL));
    EXPECT_OK(e2b_sandbox_kill(b, NULL, NULL, NULL));
    e2b_sandbox_free(a);
    e2b_sandbox_free(b);
}

int main(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    sandbox = testing_sandbox(client);
    RUN(test_entry_list);
    RUN(test_entry_info);
    RUN(test_event_entry);
    RUN(test_sandbox_page);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return testing_summary();
}
