/* The log callback: one line per request, levels, turning it off, and no
 * secret in any line. Runs against e2b-local (scripts/with-e2b-local.sh). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>

#include "testing.h"

#define MAX_LINES 256

/* The lines received, from whichever thread logged them. */
struct log {
    pthread_mutex_t lock;
    size_t count;
    e2b_log_level levels[MAX_LINES];
    char *lines[MAX_LINES];
};

static struct log received = {PTHREAD_MUTEX_INITIALIZER, 0, {E2B_LOG_OFF}, {NULL}};

static void on_log(void *user_data, e2b_log_level level, const char *target, const char *message) {
    struct log *log = user_data;
    pthread_mutex_lock(&log->lock);
    if (log->count < MAX_LINES && strncmp(target, "e2b", 3) == 0) {
        log->levels[log->count] = level;
        log->lines[log->count++] = strdup(message);
    }
    pthread_mutex_unlock(&log->lock);
}

static void forget_lines(void) {
    for (size_t i = 0; i < received.count; i++) {
        free(received.lines[i]);
        received.lines[i] = NULL;
    }
    received.count = 0;
}

/* How many lines contain `part`. */
static size_t lines_with(const char *part) {
    size_t n = 0;
    for (size_t i = 0; i < received.count; i++) {
        n += strstr(received.lines[i], part) != NULL;
    }
    return n;
}

static void test_requests_are_logged_without_secrets(void) {
    EXPECT_OK(e2b_set_log_callback(E2B_LOG_DEBUG, on_log, &received, NULL));
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    e2b_sandbox *sandbox = testing_sandbox(client);
    EXPECT_OK(e2b_files_write(sandbox, "/home/user/log.txt", (const uint8_t *)"hi", 2, NULL, NULL, NULL));
    e2b_bytes url = {NULL, 0};
    EXPECT_OK(e2b_files_download_url(sandbox, "/home/user/log.txt", 60000, NULL, &url, NULL, NULL));
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));

    EXPECT(lines_with("create sandbox from template 'base': POST http") == 1);
    EXPECT(lines_with("/sandboxes -> 201 Created in ") == 1);
    EXPECT(lines_with("write /home/user/log.txt: POST http") == 1);
    EXPECT(lines_with(": DELETE http") == 1);
    EXPECT(lines_with("received ") == received.count);
    for (size_t i = 0; i < received.count; i++) {
        EXPECT(received.levels[i] == E2B_LOG_DEBUG);
    }
    /* No line holds the API key, nor the signature the sandbox's token made. */
    const char *key = getenv("E2B_API_KEY");
    EXPECT(key != NULL && strlen(key) > 8 && lines_with(key) == 0);
    const char *signature = url.data ? strstr((const char *)url.data, "signature=") : NULL;
    EXPECT(signature != NULL);
    if (signature != NULL) {
        char value[128] = {0};
        sscanf(signature + strlen("signature="), "%127[^&]", value);
        EXPECT(strlen(value) > 8 && lines_with(value) == 0);
    }
    e2b_bytes_dispose(&url);

    /* Below the level, or with no callback, nothing arrives. */
    forget_lines();
    EXPECT_OK(e2b_set_log_callback(E2B_LOG_INFO, on_log, &received, NULL));
    e2b_sandbox_info *info = NULL;
    e2b_error *err = NULL;
    EXPECT_ERR(e2b_client_get_sandbox_info(client, e2b_sandbox_id(sandbox), &info, NULL, &err),
               E2B_ERR_SANDBOX_NOT_FOUND, err, "doesn't exist");
    EXPECT(received.count == 0);
    EXPECT_OK(e2b_set_log_callback(E2B_LOG_DEBUG, NULL, NULL, NULL));
    EXPECT_ERR(e2b_client_get_sandbox_info(client, e2b_sandbox_id(sandbox), &info, NULL, &err),
               E2B_ERR_SANDBOX_NOT_FOUND, err, "doesn't exist");
    EXPECT(received.count == 0);
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_bad_level(void) {
    e2b_error *err = NULL;
    EXPECT_ERR(e2b_set_log_callback(6, on_log, &received, &err), E2B_ERR_INVALID_ARGUMENT, err, "level 6");
    EXPECT_ERR(e2b_set_log_callback(-1, on_log, &received, &err), E2B_ERR_INVALID_ARGUMENT, err, "level -1");
}

int main(void) {
    RUN(test_requests_are_logged_without_secrets);
    RUN(test_bad_level);
    forget_lines();
    return testing_summary();
}
