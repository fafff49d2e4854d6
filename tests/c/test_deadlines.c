/*
 * C tests of call deadlines: e2b_client_with_deadline and
 * e2b_sandbox_with_deadline make views whose blocking calls (and the handles
 * they start) end within the deadline, freed independently of the original.
 * Linked against the real library and run against a real e2b-local.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <time.h>

#include "e2b.h"
#include "testing.h"

/* What a call may take beyond its deadline (valgrind runs these too). */
#define MARGIN_MS 1500

static e2b_client *client;
static e2b_sandbox *sandbox;

static uint64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* `elapsed` is within `deadline` plus the margin. */
#define EXPECT_WITHIN(elapsed, deadline)                                                  \
    do {                                                                                  \
        uint64_t e_ = (elapsed);                                                          \
        if (e_ > (deadline) + MARGIN_MS)                                                  \
            FAIL("took %lu ms, deadline %lu ms", (unsigned long)e_, (unsigned long)(deadline)); \
    } while (0)

static void test_null_arguments(void) {
    e2b_error *err = NULL;
    e2b_client *client_view = (e2b_client *)&err; /* not NULL: must be cleared */
    e2b_sandbox *sandbox_view = (e2b_sandbox *)&err;
    EXPECT_ERR(e2b_client_with_deadline(NULL, 100, &client_view, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT(client_view == NULL);
    EXPECT_ERR(e2b_client_with_deadline(client, 100, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT_ERR(e2b_sandbox_with_deadline(NULL, 100, &sandbox_view, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT(sandbox_view == NULL);
    EXPECT_ERR(e2b_sandbox_with_deadline(sandbox, 100, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "out");
    EXPECT(e2b_client_with_deadline(NULL, 100, &client_view, NULL) == E2B_ERR_NULL_ARGUMENT);
}

/* A command that outlives the deadline: the call ends with TIMEOUT in time. */
static void test_sandbox_deadline_ends_a_stalled_run(void) {
    e2b_error *err = NULL;
    e2b_sandbox *view = NULL;
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_sandbox_with_deadline(sandbox, 1500, &view, NULL));
    EXPECT_STR(e2b_sandbox_id(view), e2b_sandbox_id(sandbox));
    uint64_t start = now_ms();
    EXPECT_ERR(e2b_commands_run(view, "sleep 30", NULL, NULL, NULL, &result, NULL, &err), E2B_ERR_TIMEOUT, err,
               "deadline");
    EXPECT_WITHIN(now_ms() - start, 1500);
    EXPECT(result == NULL);
    /* Each call has its own deadline: the next one through the view succeeds. */
    EXPECT_OK(e2b_commands_run(view, "true", NULL, NULL, NULL, &result, NULL, NULL));
    e2b_command_result_free(result);
    e2b_sandbox_free(view);
}

/* A handle started through a view ends with the deadline of the call that started it. */
static void test_started_command_inherits_the_deadline(void) {
    e2b_error *err = NULL;
    e2b_sandbox *view = NULL;
    e2b_command *command = NULL;
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_sandbox_with_deadline(sandbox, 1500, &view, NULL));
    uint64_t start = now_ms();
    EXPECT_OK(e2b_commands_start(view, "sleep 30", NULL, &command, NULL, NULL));
    /* The view may go first: the command keeps what it needs. */
    e2b_sandbox_free(view);
    EXPECT_ERR(e2b_command_wait(command, NULL, NULL, &result, NULL, &err), E2B_ERR_TIMEOUT, err, "deadline");
    EXPECT_WITHIN(now_ms() - start, 1500);
    EXPECT(result == NULL);
    EXPECT_OK(e2b_command_kill(command, NULL, NULL, NULL));
    e2b_command_free(command);
}

/* Sandboxes made through a client view carry its deadline; the client view
 * and the original are freed in either order. */
static void test_client_deadline_reaches_its_sandboxes(void) {
    e2b_error *err = NULL;
    e2b_client *view = NULL;
    e2b_client *other = NULL;
    e2b_sandbox *made = NULL;
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_client_new(NULL, &other, NULL));
    EXPECT_OK(e2b_client_with_deadline(other, 5000, &view, NULL));
    e2b_client_free(other);
    EXPECT_OK(e2b_client_connect_sandbox(view, e2b_sandbox_id(sandbox), 0, &made, NULL, NULL, NULL));
    e2b_client_free(view);
    uint64_t start = now_ms();
    EXPECT_ERR(e2b_commands_run(made, "sleep 30", NULL, NULL, NULL, &result, NULL, &err), E2B_ERR_TIMEOUT, err,
               "deadline");
    EXPECT_WITHIN(now_ms() - start, 5000);
    EXPECT(now_ms() - start >= 4900);
    e2b_sandbox_free(made);
}

/* 0 means no call deadline, also on a view that has one. */
static void test_zero_means_no_deadline(void) {
    e2b_sandbox *short_view = NULL;
    e2b_sandbox *view = NULL;
    e2b_command_result *result = NULL;
    e2b_client *client_view = NULL;
    EXPECT_OK(e2b_sandbox_with_deadline(sandbox, 300, &short_view, NULL));
    EXPECT_OK(e2b_sandbox_with_deadline(short_view, 0, &view, NULL));
    e2b_sandbox_free(short_view);
    EXPECT_OK(e2b_commands_run(view, "sleep 1", NULL, NULL, NULL, &result, NULL, NULL));
    EXPECT(result != NULL && e2b_command_result_exit_code(result) == 0);
    e2b_command_result_free(result);
    e2b_sandbox_free(view);
    EXPECT_OK(e2b_client_with_deadline(client, 0, &client_view, NULL));
    e2b_client_free(client_view);
}

int main(void) {
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    EXPECT_OK(e2b_client_create_sandbox(client, NULL, &sandbox, NULL, NULL));
    RUN(test_null_arguments);
    RUN(test_sandbox_deadline_ends_a_stalled_run);
    RUN(test_started_command_inherits_the_deadline);
    RUN(test_client_deadline_reaches_its_sandboxes);
    RUN(test_zero_means_no_deadline);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return testing_summary();
}
