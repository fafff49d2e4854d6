/* Assertion macros for the C tests (failures are counted and printed
 * with their place; a test goes on after a failed check), and a sandbox. */
#ifndef E2B_TESTING_H
#define E2B_TESTING_H

#include <stdio.h>
#include <string.h>

#include "e2b.h"

static int testing_failures = 0;

#define FAIL(...)                                                   \
    do {                                                            \
        testing_failures++;                                         \
        fprintf(stderr, "%s:%d: FAILED: ", __FILE__, __LINE__);     \
        fprintf(stderr, __VA_ARGS__);                               \
        fprintf(stderr, "\n");                                      \
    } while (0)

#define EXPECT(cond)                          \
    do {                                      \
        if (!(cond)) FAIL("%s", #cond);       \
    } while (0)

#define EXPECT_STR(actual, expected)                                                 \
    do {                                                                             \
        const char *a_ = (actual), *e_ = (expected);                                 \
        if (a_ == NULL || e_ == NULL || strcmp(a_, e_) != 0)                         \
            FAIL("%s is \"%s\", expected \"%s\"", #actual, a_ ? a_ : "(null)",       \
                 e_ ? e_ : "(null)");                                                \
    } while (0)

/* The call succeeds. */
#define EXPECT_OK(call)                                                          \
    do {                                                                         \
        e2b_error_code c_ = (call);                                              \
        if (c_ != E2B_OK) FAIL("%s returned %s", #call, e2b_error_code_name(c_)); \
    } while (0)

/* The call fails with `code`, and its error object (in `err`) has that code
 * and a message containing `part`; the error is then freed. */
#define EXPECT_ERR(call, code, err, part)                                                        \
    do {                                                                                         \
        e2b_error_code c_ = (call);                                                              \
        if (c_ != (code)) {                                                                      \
            FAIL("%s returned %s, expected %s (%s)", #call, e2b_error_code_name(c_),             \
                 e2b_error_code_name(code), e2b_error_message(err));                             \
        } else if ((err) == NULL || e2b_error_code_of(err) != (code)) {                          \
            FAIL("%s gave no matching error object", #call);                                     \
        } else if (strstr(e2b_error_message(err), (part)) == NULL) {                             \
            FAIL("%s: message \"%s\" lacks \"%s\"", #call, e2b_error_message(err), (part));      \
        }                                                                                        \
        e2b_error_free(err);                                                                     \
        (err) = NULL;                                                                            \
    } while (0)

#define RUN(test)                              \
    do {                                       \
        int before_ = testing_failures;        \
        test();                                \
        fprintf(stderr, "%s %s\n",             \
                testing_failures == before_ ? "ok  " : "FAIL", #test); \
    } while (0)

/* A sandbox made with `client` that lives two minutes, so a failed test
 * leaves nothing behind for long. */
static inline e2b_sandbox *testing_sandbox(e2b_client *client) {
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(options, 120000, NULL));
    e2b_sandbox *sandbox = NULL;
    EXPECT_OK(e2b_client_create_sandbox(client, options, &sandbox, NULL, NULL));
    e2b_sandbox_options_free(options);
    return sandbox;
}

static int testing_summary(void) {
    if (testing_failures) {
        fprintf(stderr, "%d check(s) failed\n", testing_failures);
        return 1;
    }
    return 0;
}

#endif
