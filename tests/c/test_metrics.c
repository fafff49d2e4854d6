/*
 * C tests of sandbox metrics, linked against the real library and run
 * against a real e2b-local: a sandbox that burns CPU and holds memory shows
 * it in its samples (taken every 5 seconds), the time range selects past
 * samples, the list's getters and `_fields` agree, and every error path
 * (NULL, bad UTF-8, a negative time, an unknown sandbox, a cancelled call).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* The list's getters and its `_fields` array say the same. */
static void expect_consistent(const e2b_metrics_list *list) {
    size_t len = 99;
    const e2b_metrics_fields *const *all = e2b_metrics_list_fields(list, &len);
    EXPECT(len == e2b_metrics_list_len(list));
    EXPECT((all == NULL) == (len == 0));
    for (size_t i = 0; i < len; i++) {
        const e2b_metrics_fields *sample = e2b_metrics_list_get(list, i);
        EXPECT(sample == all[i]);
        EXPECT(sample->struct_size == sizeof(e2b_metrics_fields));
        EXPECT(sample->timestamp_unix_ms % 5000 == 0);
        if (i > 0) EXPECT(sample->timestamp_unix_ms > all[i - 1]->timestamp_unix_ms);
    }
    EXPECT(e2b_metrics_list_get(list, len) == NULL);
}

static void test_busy_sandbox(void) {
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    e2b_sandbox *sandbox = testing_sandbox(client);
    if (sandbox == NULL) {
        e2b_client_free(client);
        return;
    }
    e2b_command *burn = NULL, *hold = NULL;
    EXPECT_OK(e2b_commands_start(sandbox, "timeout 60 sh -c 'while :; do :; done'", NULL, &burn, NULL, NULL));
    EXPECT_OK(e2b_commands_start(sandbox, "python3 -c \"import time; b = b'x' * (200 << 20); time.sleep(60)\"",
                                 NULL, &hold, NULL, NULL));

    /* Wait (at most 30 s) for two samples, the newest showing the work. */
    e2b_metrics_list *list = NULL;
    const e2b_metrics_fields *last = NULL;
    for (int i = 0; i < 60; i++) {
        e2b_metrics_list_free(list);
        list = NULL;
        EXPECT_OK(e2b_sandbox_get_metrics(sandbox, 0, 0, &list, NULL, NULL));
        size_t len = e2b_metrics_list_len(list);
        last = len ? e2b_metrics_list_get(list, len - 1) : NULL;
        if (len >= 2 && last->cpu_used_pct >= 2.0 && last->mem_used >= (200u << 20)) break;
        last = NULL;
        sleep_ms(500);
    }
    if (last == NULL) {
        FAIL("no sample showed the sandbox's work");
    } else {
        expect_consistent(list);
        EXPECT(last->cpu_count == 2);
        EXPECT(last->cpu_used_pct <= 100.0);
        EXPECT(last->mem_total == 512u << 20);
        EXPECT(last->mem_used < last->mem_total);
        EXPECT(last->disk_used > 0 && last->disk_used < last->disk_total);

        /* The range selects past samples; both ends included, by whole seconds. */
        const e2b_metrics_fields *first = e2b_metrics_list_get(list, 0);
        const e2b_metrics_fields *second = e2b_metrics_list_get(list, 1);
        e2b_metrics_list *range = NULL;
        EXPECT_OK(e2b_sandbox_get_metrics(sandbox, first->timestamp_unix_ms, first->timestamp_unix_ms + 999,
                                          &range, NULL, NULL));
        EXPECT(e2b_metrics_list_len(range) == 1);
        if (e2b_metrics_list_len(range) == 1) {
            const e2b_metrics_fields *got = e2b_metrics_list_get(range, 0);
            EXPECT(got->timestamp_unix_ms == first->timestamp_unix_ms && got->cpu_count == first->cpu_count);
            EXPECT(got->cpu_used_pct == first->cpu_used_pct && got->mem_used == first->mem_used);
            EXPECT(got->mem_cache == first->mem_cache && got->disk_used == first->disk_used);
        }
        e2b_metrics_list_free(range);
        range = NULL;
        EXPECT_OK(e2b_client_get_sandbox_metrics(client, e2b_sandbox_id(sandbox), second->timestamp_unix_ms, 0,
                                                 &range, NULL, NULL));
        EXPECT(e2b_metrics_list_len(range) >= 1);
        if (e2b_metrics_list_len(range) >= 1) {
            EXPECT(e2b_metrics_list_get(range, 0)->timestamp_unix_ms == second->timestamp_unix_ms);
        }
        expect_consistent(range);
        e2b_metrics_list_free(range);
        range = NULL;
        int64_t future = ((int64_t)time(NULL) + 3600) * 1000;
        EXPECT_OK(e2b_sandbox_get_metrics(sandbox, future, 0, &range, NULL, NULL));
        EXPECT(e2b_metrics_list_len(range) == 0);
        EXPECT(e2b_metrics_list_fields(range, NULL) == NULL);
        e2b_metrics_list_free(range);
    }
    e2b_metrics_list_free(list);
    EXPECT_OK(e2b_command_kill(burn, NULL, NULL, NULL));
    EXPECT_OK(e2b_command_kill(hold, NULL, NULL, NULL));
    e2b_command_free(burn);
    e2b_command_free(hold);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_errors(void) {
    e2b_error *err = NULL;
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    e2b_sandbox *sandbox = testing_sandbox(client);
    e2b_metrics_list *list = NULL;

    EXPECT_ERR(e2b_sandbox_get_metrics(NULL, 0, 0, &list, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_sandbox_get_metrics(sandbox, 0, 0, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_sandbox_get_metrics(sandbox, -1, 0, &list, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "start_unix_ms");
    EXPECT_ERR(e2b_sandbox_get_metrics(sandbox, 0, -5, &list, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "end_unix_ms");
    EXPECT_ERR(e2b_sandbox_get_metrics(sandbox, 20000, 10000, &list, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "start");
    EXPECT(list == NULL);
    EXPECT_ERR(e2b_client_get_sandbox_metrics(NULL, "abc", 0, 0, &list, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "client");
    EXPECT_ERR(e2b_client_get_sandbox_metrics(client, NULL, 0, 0, &list, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_get_sandbox_metrics(client, BAD_UTF8, 0, 0, &list, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_get_sandbox_metrics(client, "nosuchsandbox", 0, 0, &list, NULL, &err),
               E2B_ERR_SANDBOX_NOT_FOUND, err, "nosuchsandbox");

    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_sandbox_get_metrics(sandbox, 0, 0, &list, cancel, &err), E2B_ERR_CANCELLED, err, "cancel");
    e2b_cancel_free(cancel);

    /* NULL lists give the documented defaults. */
    size_t len = 7;
    EXPECT(e2b_metrics_list_len(NULL) == 0);
    EXPECT(e2b_metrics_list_get(NULL, 0) == NULL);
    EXPECT(e2b_metrics_list_fields(NULL, &len) == NULL && len == 0);
    e2b_metrics_list_free(NULL);

    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    EXPECT_ERR(e2b_sandbox_get_metrics(sandbox, 0, 0, &list, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND, err, "");
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

int main(void) {
    RUN(test_errors);
    RUN(test_busy_sandbox);
    return testing_summary();
}
