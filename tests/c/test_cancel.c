/*
 * C tests of cancellation: a blocking call given an e2b_cancel token and
 * cancelled from another thread returns E2B_ERR_CANCELLED promptly, against
 * a test server that never answers (or answers a canned response first and
 * then goes silent) and against a real e2b-local; a token cancelled before a
 * call fails it at once; freeing a watch never waits for the network. Also
 * the error's callback value and Retry-After. Each measured time from the
 * cancel to the call's return is printed (the target is 100 ms).
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2b.h"
#include "testing.h"

/* How long after the call starts the other thread cancels it. */
#define CANCEL_AFTER_MS 300
/* The most a cancelled call may take to return (valgrind runs these too). */
#define PROMPT_MS 2000
/* The most a call given a cancelled token, or e2b_watch_free, may take. */
#define AT_ONCE_MS 500

static uint64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static void sleep_ms(unsigned ms) {
    struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* ---- a test server on 127.0.0.1 ----
 * It answers the first request of each of its first connections with the
 * next canned response, and then never says anything more: every connection
 * stays open and silent until the server stops. */

#define MAX_CONNECTIONS 64

struct server {
    int listener;
    char url[64];
    const char *canned[4];
    int canned_len, canned_next;
    int connections[MAX_CONNECTIONS];
    int connection_count;
    pthread_mutex_t lock;
    int stopping;
    pthread_t thread;
};

/* Reads a request's head (up to the blank line), giving up after 5 s. */
static void read_head(int fd) {
    char buf[8192];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) return;
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0) return;
        len += (size_t)n;
        buf[len] = 0;
        if (strstr(buf, "\r\n\r\n") != NULL) return;
    }
}

static void *server_main(void *arg) {
    struct server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        int stopping = s->stopping;
        pthread_mutex_unlock(&s->lock);
        if (stopping) return NULL;
        struct pollfd p = {s->listener, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0) continue;
        int fd = accept(s->listener, NULL, NULL);
        if (fd < 0) continue;
        if (s->canned_next < s->canned_len) {
            const char *answer = s->canned[s->canned_next++];
            read_head(fd);
            if (write(fd, answer, strlen(answer)) < 0) perror("write");
        }
        pthread_mutex_lock(&s->lock);
        if (s->connection_count < MAX_CONNECTIONS) {
            s->connections[s->connection_count++] = fd;
        } else {
            close(fd);
        }
        pthread_mutex_unlock(&s->lock);
    }
}

/* Starts a server answering with `canned` (NULL-terminated, may be empty). */
static void server_start(struct server *s, const char *const *canned) {
    memset(s, 0, sizeof *s);
    while (canned != NULL && canned[s->canned_len] != NULL && s->canned_len < 4) {
        s->canned[s->canned_len] = canned[s->canned_len];
        s->canned_len++;
    }
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t addr_len = sizeof addr;
    if (s->listener < 0 || bind(s->listener, (struct sockaddr *)&addr, addr_len) != 0 ||
        listen(s->listener, 64) != 0 || getsockname(s->listener, (struct sockaddr *)&addr, &addr_len) != 0) {
        perror("test server");
        exit(2);
    }
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", ntohs(addr.sin_port));
    pthread_mutex_init(&s->lock, NULL);
    pthread_create(&s->thread, NULL, server_main, s);
}

/* Stops the server, closing every connection (calls still waiting see it close). */
static void server_stop(struct server *s) {
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    for (int i = 0; i < s->connection_count; i++) close(s->connections[i]);
    close(s->listener);
    pthread_mutex_destroy(&s->lock);
}

/* ---- cancelling from another thread ---- */

struct canceller {
    e2b_cancel *cancel;
    unsigned after_ms;
    /* When set, the cancel comes only once a process running this command is listed. */
    const char *once_running;
    int free_it;
    uint64_t cancelled_at;
    pthread_t thread;
};

static int running(const char *cmd);

static void *canceller_main(void *arg) {
    struct canceller *c = arg;
    sleep_ms(c->after_ms);
    for (int i = 0; c->once_running != NULL && !running(c->once_running) && i < 200; i++) sleep_ms(50);
    c->cancelled_at = now_us();
    e2b_cancel_cancel(c->cancel);
    if (c->free_it) e2b_cancel_free(c->cancel);
    return NULL;
}

/* Cancels `cancel` from another thread CANCEL_AFTER_MS from now, or once
 * a process running `once_running` (if not NULL) is listed; then frees it
 * if `free_it`. */
static void cancel_later(struct canceller *c, e2b_cancel *cancel, const char *once_running, int free_it) {
    memset(c, 0, sizeof *c);
    c->cancel = cancel;
    c->free_it = free_it;
    c->after_ms = CANCEL_AFTER_MS;
    c->once_running = once_running;
    pthread_create(&c->thread, NULL, canceller_main, c);
}

/* The time from the cancel to now, in microseconds; 0 if the call returned before the cancel. */
static uint64_t since_cancel(struct canceller *c) {
    uint64_t returned = now_us();
    pthread_join(c->thread, NULL);
    return returned >= c->cancelled_at ? returned - c->cancelled_at : 0;
}

/* `call` (which blocks, given `err` and a fresh token `cancel` that another
 * thread cancels) fails with E2B_ERR_CANCELLED well within PROMPT_MS of the
 * cancel; the time it took is printed. */
#define EXPECT_CANCELLED(what, cancel, err, call) EXPECT_CANCELLED_RUNNING(what, cancel, err, call, NULL)

/* The same, cancelled once a process running `cmd` is listed. */
#define EXPECT_CANCELLED_RUNNING(what, cancel, err, call, cmd)                                           \
    do {                                                                                                 \
        struct canceller c_;                                                                             \
        cancel_later(&c_, (cancel), (cmd), 0);                                                              \
        e2b_error_code code_ = (call);                                                                   \
        uint64_t took_ = since_cancel(&c_);                                                              \
        fprintf(stderr, "     %-48s cancelled -> returned in %6.1f ms\n", (what), took_ / 1000.0);       \
        if (took_ == 0) FAIL("%s returned %s before the cancel", (what), e2b_error_code_name(code_));    \
        if (took_ > PROMPT_MS * 1000) FAIL("%s took %lu ms after the cancel", (what), (unsigned long)(took_ / 1000)); \
        EXPECT_ERR(code_, E2B_ERR_CANCELLED, err, "cancelled");                                          \
        e2b_cancel_free(cancel);                                                                         \
    } while (0)

/* ---- clients ---- */

/* A client of e2b-local (from the environment), with its API or sandbox URL
 * replaced when given. */
static e2b_client *new_client(const char *api_url, const char *sandbox_url, uint32_t max_retries) {
    e2b_client_options *options = e2b_client_options_new();
    if (api_url != NULL) EXPECT_OK(e2b_client_options_set_api_url(options, api_url, NULL));
    if (sandbox_url != NULL) EXPECT_OK(e2b_client_options_set_sandbox_url(options, sandbox_url, NULL));
    EXPECT_OK(e2b_client_options_set_max_retries(options, max_retries, NULL));
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(options, &client, NULL));
    e2b_client_options_free(options);
    return client;
}

/* A sandbox made by e2b-local whose envd is a test server. */
struct stub {
    struct server server;
    e2b_client *client;
    e2b_sandbox *sandbox;
};

static void stub_start(struct stub *s, const char *const *canned) {
    server_start(&s->server, canned);
    s->client = new_client(NULL, s->server.url, 3);
    s->sandbox = testing_sandbox(s->client);
}

static void stub_stop(struct stub *s) {
    EXPECT_OK(e2b_sandbox_kill(s->sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(s->sandbox);
    e2b_client_free(s->client);
    server_stop(&s->server);
}

/* e2b-local's client and sandbox, for the tests against a real server. */
static e2b_client *local;
static e2b_sandbox *sandbox;

/* Whether a process running `cmd` (as e2b_commands_run starts it) is listed in the sandbox. */
static int running(const char *cmd) {
    e2b_process_list *list = NULL;
    EXPECT_OK(e2b_commands_list(sandbox, &list, NULL, NULL));
    int found = 0;
    for (size_t i = 0; i < e2b_process_list_len(list); i++) {
        const char *arg = e2b_process_info_args_get(e2b_process_list_get(list, i), 2);
        if (arg != NULL && strcmp(arg, cmd) == 0) found = 1;
    }
    e2b_process_list_free(list);
    return found;
}

/* Whether the process running `cmd` is gone within 2 s (a killed process
 * is listed until the sandbox has reaped it). */
static int gone(const char *cmd) {
    for (int i = 0; i < 40; i++) {
        if (!running(cmd)) return 1;
        sleep_ms(50);
    }
    return 0;
}

/* ---- the tests ---- */

static void test_tokens(void) {
    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT(cancel != NULL);
    EXPECT(!e2b_cancel_is_cancelled(cancel));
    e2b_cancel_cancel(cancel);
    e2b_cancel_cancel(cancel);
    EXPECT(e2b_cancel_is_cancelled(cancel));
    EXPECT(!e2b_cancel_is_cancelled(NULL));
    e2b_cancel_cancel(NULL);
    e2b_cancel_free(cancel);
    e2b_cancel_free(NULL);
}

/* A control-plane call to a server that never answers. */
static void test_silent_control_plane(void) {
    struct server server;
    server_start(&server, NULL);
    e2b_client *client = new_client(server.url, NULL, 3);
    e2b_error *err = NULL;
    e2b_sandbox *made = NULL;
    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT_CANCELLED("silent API: e2b_client_create_sandbox", cancel, err,
                     e2b_client_create_sandbox(client, NULL, &made, cancel, &err));
    EXPECT(made == NULL);
    e2b_sandbox_page *page = NULL;
    cancel = e2b_cancel_new();
    EXPECT_CANCELLED("silent API: e2b_client_list_sandboxes", cancel, err,
                     e2b_client_list_sandboxes(client, NULL, &page, cancel, &err));
    EXPECT(page == NULL);
    e2b_client_free(client);
    server_stop(&server);
}

/* Calls to a sandbox whose envd never answers. */
static void test_silent_envd(void) {
    struct stub stub;
    stub_start(&stub, NULL);
    e2b_sandbox *silent = stub.sandbox;
    e2b_error *err = NULL;

    e2b_bytes data = {NULL, 0};
    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT_CANCELLED("silent envd: e2b_files_read", cancel, err,
                     e2b_files_read(silent, "/home/user/a.txt", NULL, &data, cancel, &err));
    EXPECT(data.data == NULL && data.len == 0);

    e2b_command_result *result = NULL;
    cancel = e2b_cancel_new();
    EXPECT_CANCELLED("silent envd: e2b_commands_run", cancel, err,
                     e2b_commands_run(silent, "sleep 30", NULL, NULL, NULL, &result, cancel, &err));
    EXPECT(result == NULL);
    stub_stop(&stub);
}

/* A file whose transfer stops mid-stream, read piece by piece. */
static void test_stalled_reader(void) {
    static const char *const canned[] = {
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nhello",
        NULL,
    };
    struct stub stub;
    stub_start(&stub, canned);
    e2b_sandbox *stalled = stub.sandbox;
    e2b_error *err = NULL;

    e2b_file_reader *reader = NULL;
    EXPECT_OK(e2b_files_open_read(stalled, "/home/user/big.bin", NULL, &reader, NULL, NULL));
    uint8_t buffer[64];
    size_t n = 0;
    EXPECT_OK(e2b_file_reader_read(reader, buffer, sizeof buffer, &n, NULL, NULL));
    EXPECT(n == 5 && memcmp(buffer, "hello", 5) == 0);
    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT_CANCELLED("stalled transfer: e2b_file_reader_read", cancel, err,
                     e2b_file_reader_read(reader, buffer, sizeof buffer, &n, cancel, &err));
    EXPECT(n == 0);
    e2b_file_reader_free(reader);
    stub_stop(&stub);
}

/* A watch whose envd answers its creation, then nothing: polling it is
 * cancelled, and freeing it does not wait for the stop request. */
static void test_silent_watch(void) {
    static const char *const canned[] = {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"watcherId\":\"w-test\"}",
        NULL,
    };
    struct stub stub;
    stub_start(&stub, canned);
    e2b_sandbox *silent = stub.sandbox;
    e2b_error *err = NULL;

    e2b_watch *watch = NULL;
    EXPECT_OK(e2b_files_watch_dir(silent, "/home/user", false, false, NULL, &watch, NULL, NULL));
    EXPECT_STR(e2b_watch_id(watch), "w-test");
    e2b_fs_event_list *events = NULL;
    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT_CANCELLED("silent envd: e2b_watch_next_events", cancel, err,
                     e2b_watch_next_events(watch, E2B_TIMEOUT_NONE, &events, cancel, &err));
    EXPECT(events == NULL);

    uint64_t start = now_us();
    e2b_watch_free(watch);
    uint64_t took = now_us() - start;
    fprintf(stderr, "     %-48s returned in %6.1f ms\n", "silent envd: e2b_watch_free", took / 1000.0);
    if (took > AT_ONCE_MS * 1000) FAIL("e2b_watch_free took %lu ms", (unsigned long)(took / 1000));
    stub_stop(&stub);
}

/* A 429 with Retry-After reaches the caller. */
static void test_retry_after(void) {
    static const char *const canned[] = {
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Type: application/json\r\n"
        "Content-Length: 34\r\n\r\n{\"code\":429,\"message\":\"slow down\"}",
        NULL,
    };
    struct server server;
    server_start(&server, canned);
    e2b_client *client = new_client(server.url, NULL, 0);
    e2b_error *err = NULL;
    e2b_sandbox_page *page = NULL;
    EXPECT(e2b_client_list_sandboxes(client, NULL, &page, NULL, &err) == E2B_ERR_RATE_LIMITED);
    EXPECT(e2b_error_retry_after_ms(err) == 7000);
    EXPECT(e2b_error_http_status(err) == 429);
    EXPECT(e2b_error_callback_value(err) == 0);
    e2b_error_free(err);
    EXPECT(e2b_error_retry_after_ms(NULL) == 0 && e2b_error_callback_value(NULL) == 0);
    e2b_client_free(client);
    server_stop(&server);
}

/* e2b_commands_run of a long command, cancelled: the command is killed. */
static void test_local_run(void) {
    e2b_error *err = NULL;
    e2b_command_result *result = NULL;
    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT_CANCELLED_RUNNING("e2b-local: e2b_commands_run(sleep 30)", cancel, err,
                             e2b_commands_run(sandbox, "sleep 30", NULL, NULL, NULL, &result, cancel, &err),
                             "sleep 30");
    EXPECT(result == NULL);
    EXPECT(gone("sleep 30"));
}

/* Waiting on and pulling from a background command, cancelled. */
static void test_local_command(void) {
    e2b_error *err = NULL;
    e2b_command *command = NULL;
    e2b_cancel *start = e2b_cancel_new();
    EXPECT_OK(e2b_commands_start(sandbox, "echo started; sleep 31", NULL, &command, start, NULL));
    /* The start's token is for the start only: the output still comes. */
    e2b_cancel_cancel(start);
    e2b_cancel_free(start);
    int stream = -1;
    e2b_bytes data = {NULL, 0};
    e2b_command_result *result = NULL;
    EXPECT_OK(e2b_command_next_output(command, 10000, &stream, &data, &result, NULL, NULL));
    EXPECT(stream == E2B_STREAM_STDOUT && data.len == 8 && memcmp(data.data, "started\n", 8) == 0);
    e2b_bytes_dispose(&data);

    e2b_cancel *cancel = e2b_cancel_new();
    EXPECT_CANCELLED("e2b-local: e2b_command_next_output", cancel, err,
                     e2b_command_next_output(command, E2B_TIMEOUT_NONE, &stream, &data, &result, cancel, &err));
    EXPECT(stream == 0 && data.data == NULL && result == NULL);
    EXPECT(running("echo started; sleep 31"));

    cancel = e2b_cancel_new();
    EXPECT_CANCELLED("e2b-local: e2b_command_wait", cancel, err,
                     e2b_command_wait(command, NULL, NULL, &result, cancel, &err));
    EXPECT(result == NULL);
    EXPECT(gone("echo started; sleep 31"));
    e2b_command_free(command);
}

/* Waiting for events of a quiet directory, cancelled; the token is freed by
 * the cancelling thread while the call still runs. */
static void test_local_watch(void) {
    e2b_error *err = NULL;
    e2b_watch *watch = NULL;
    e2b_cancel *start = e2b_cancel_new();
    EXPECT_OK(e2b_files_watch_dir(sandbox, "/home/user", false, false, NULL, &watch, start, NULL));
    /* The start's token is for the start only: polling goes on. */
    e2b_cancel_cancel(start);
    e2b_cancel_free(start);
    e2b_fs_event_list *events = NULL;
    EXPECT_OK(e2b_watch_get_new_events(watch, &events, NULL, NULL));
    e2b_fs_event_list_free(events);
    events = NULL;
    struct canceller c;
    e2b_cancel *cancel = e2b_cancel_new();
    cancel_later(&c, cancel, NULL, 1);
    e2b_error_code code = e2b_watch_next_events(watch, E2B_TIMEOUT_NONE, &events, cancel, &err);
    uint64_t took = since_cancel(&c);
    fprintf(stderr, "     %-48s cancelled -> returned in %6.1f ms\n", "e2b-local: e2b_watch_next_events",
            took / 1000.0);
    if (took == 0 || took > PROMPT_MS * 1000) FAIL("e2b_watch_next_events: %lu us after the cancel", (unsigned long)took);
    EXPECT_ERR(code, E2B_ERR_CANCELLED, err, "cancelled");
    EXPECT(events == NULL);
    /* The watch still works. */
    EXPECT_OK(e2b_watch_get_new_events(watch, &events, NULL, NULL));
    e2b_fs_event_list_free(events);
    e2b_watch_free(watch);
}

/* A transfer from e2b-local read in small pieces, cancelled mid-stream. */
static void test_local_reader(void) {
    e2b_error *err = NULL;
    size_t size = 16 << 20;
    uint8_t *content = calloc(size, 1);
    EXPECT_OK(e2b_files_write(sandbox, "/home/user/big.bin", content, size, NULL, NULL, NULL));
    free(content);
    e2b_file_reader *reader = NULL;
    e2b_cancel *open = e2b_cancel_new();
    EXPECT_OK(e2b_files_open_read(sandbox, "/home/user/big.bin", NULL, &reader, open, NULL));
    /* The open's token is for the open only: reading goes on. */
    e2b_cancel_cancel(open);
    e2b_cancel_free(open);
    uint8_t buffer[16];
    size_t n = 0, total = 0;
    EXPECT_OK(e2b_file_reader_read(reader, buffer, sizeof buffer, &n, NULL, NULL));
    EXPECT(n > 0);
    total += n;
    struct canceller c;
    e2b_cancel *cancel = e2b_cancel_new();
    cancel_later(&c, cancel, NULL, 0);
    e2b_error_code code;
    while ((code = e2b_file_reader_read(reader, buffer, sizeof buffer, &n, cancel, &err)) == E2B_OK && n > 0) {
        total += n;
    }
    uint64_t took = since_cancel(&c);
    fprintf(stderr, "     %-48s cancelled -> returned in %6.1f ms (after %zu bytes)\n",
            "e2b-local: e2b_file_reader_read", took / 1000.0, total);
    if (took == 0 || took > PROMPT_MS * 1000) FAIL("e2b_file_reader_read: %lu us after the cancel", (unsigned long)took);
    EXPECT(total < size);
    EXPECT_ERR(code, E2B_ERR_CANCELLED, err, "cancelled");
    e2b_cancel_free(cancel);
    e2b_file_reader_free(reader);
}

/* A token cancelled before the call fails it at once, before anything is sent. */
/* `call`, given a cancelled token, fails with E2B_ERR_CANCELLED within AT_ONCE_MS. */
#define EXPECT_CANCELLED_AT_ONCE(err, call)                                                       \
    do {                                                                                          \
        uint64_t start_ = now_us();                                                               \
        e2b_error_code code_ = (call);                                                            \
        uint64_t took_ = now_us() - start_;                                                       \
        if (took_ > slowest) slowest = took_;                                                     \
        if (took_ > AT_ONCE_MS * 1000) FAIL("%s took %lu ms", #call, (unsigned long)(took_ / 1000)); \
        EXPECT_ERR(code_, E2B_ERR_CANCELLED, err, "cancelled");                                   \
    } while (0)

/* A token cancelled before the call fails it at once, before anything is sent. */
static void test_cancelled_before(void) {
    e2b_error *err = NULL;
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    uint64_t slowest = 0;

    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_metadata(options, "test", "cancelled-before", NULL));
    e2b_sandbox *made = NULL;
    EXPECT_CANCELLED_AT_ONCE(err, e2b_client_create_sandbox(local, options, &made, cancel, &err));
    EXPECT(made == NULL);
    e2b_sandbox_options_free(options);

    e2b_bytes data = {NULL, 0};
    EXPECT_CANCELLED_AT_ONCE(err, e2b_files_read(sandbox, "/home/user/big.bin", NULL, &data, cancel, &err));
    EXPECT_CANCELLED_AT_ONCE(err, e2b_files_write(sandbox, "/home/user/never.txt", (const uint8_t *)"x", 1, NULL,
                                                  cancel, &err));
    e2b_command_result *result = NULL;
    EXPECT_CANCELLED_AT_ONCE(err, e2b_commands_run(sandbox, "touch /home/user/never.txt", NULL, NULL, NULL, &result,
                                                   cancel, &err));
    e2b_watch *watch = NULL;
    EXPECT_CANCELLED_AT_ONCE(err, e2b_files_watch_dir(sandbox, "/home/user", false, false, NULL, &watch, cancel, &err));
    EXPECT(watch == NULL);
    EXPECT_OK(e2b_files_watch_dir(sandbox, "/home/user", false, false, NULL, &watch, NULL, NULL));
    e2b_fs_event_list *events = NULL;
    EXPECT_CANCELLED_AT_ONCE(err, e2b_watch_next_events(watch, E2B_TIMEOUT_NONE, &events, cancel, &err));
    e2b_watch_free(watch);
    e2b_command *command = NULL;
    EXPECT_OK(e2b_commands_start(sandbox, "sleep 32", NULL, &command, NULL, NULL));
    EXPECT_CANCELLED_AT_ONCE(err, e2b_command_wait(command, NULL, NULL, &result, cancel, &err));
    EXPECT_CANCELLED_AT_ONCE(err, e2b_command_kill(command, NULL, cancel, &err));
    EXPECT_CANCELLED_AT_ONCE(err, e2b_files_download_url(sandbox, "/home/user/big.bin", 0, NULL, &data, cancel, &err));
    fprintf(stderr, "     %-48s slowest returned in %6.1f ms\n", "calls given a cancelled token", slowest / 1000.0);

    /* Nothing was done. */
    bool exists = true;
    EXPECT_OK(e2b_files_exists(sandbox, "/home/user/never.txt", NULL, &exists, NULL, NULL));
    EXPECT(!exists);
    e2b_sandbox_query *query = e2b_sandbox_query_new();
    EXPECT_OK(e2b_sandbox_query_add_metadata(query, "test", "cancelled-before", NULL));
    e2b_sandbox_page *page = NULL;
    EXPECT_OK(e2b_client_list_sandboxes(local, query, &page, NULL, NULL));
    EXPECT(e2b_sandbox_page_len(page) == 0);
    e2b_sandbox_page_free(page);
    e2b_sandbox_query_free(query);
    EXPECT_OK(e2b_command_kill(command, NULL, NULL, NULL));
    e2b_command_free(command);
    e2b_cancel_free(cancel);
}

static int32_t stop_with_42(void *user_data, e2b_stream stream, const uint8_t *data, size_t len) {
    (void)user_data, (void)stream, (void)data, (void)len;
    return 42;
}

static int32_t stop_with_minus_3(void *user_data, const uint8_t *data, size_t len) {
    (void)user_data, (void)data, (void)len;
    return -3;
}

/* A callback's own value comes back in the error. */
static void test_callback_value(void) {
    e2b_error *err = NULL;
    e2b_command_result *result = NULL;
    e2b_error_code code = e2b_commands_run(sandbox, "echo hi", NULL, stop_with_42, NULL, &result, NULL, &err);
    EXPECT(code == E2B_ERR_CALLBACK_ABORTED);
    EXPECT(e2b_error_callback_value(err) == 42);
    e2b_error_free(err);
    err = NULL;
    EXPECT_OK(e2b_files_write(sandbox, "/home/user/small.txt", (const uint8_t *)"abc", 3, NULL, NULL, NULL));
    code = e2b_files_read_stream(sandbox, "/home/user/small.txt", NULL, stop_with_minus_3, NULL, NULL, NULL, NULL,
                                 &err);
    EXPECT(code == E2B_ERR_CALLBACK_ABORTED);
    EXPECT(e2b_error_callback_value(err) == -3);
    e2b_error_free(err);
    err = NULL;
    /* Another error carries no callback value. */
    e2b_bytes data = {NULL, 0};
    EXPECT(e2b_files_read(sandbox, "/home/user/missing.txt", NULL, &data, NULL, &err) == E2B_ERR_NOT_FOUND);
    EXPECT(e2b_error_callback_value(err) == 0 && e2b_error_retry_after_ms(err) == 0);
    e2b_error_free(err);
}

int main(void) {
    local = new_client(NULL, NULL, 3);
    sandbox = testing_sandbox(local);
    RUN(test_tokens);
    RUN(test_silent_control_plane);
    RUN(test_silent_envd);
    RUN(test_stalled_reader);
    RUN(test_silent_watch);
    RUN(test_retry_after);
    RUN(test_local_run);
    RUN(test_local_command);
    RUN(test_local_watch);
    RUN(test_local_reader);
    RUN(test_cancelled_before);
    RUN(test_callback_value);
    EXPECT_OK(e2b_sandbox_kill(sandbox, NULL, NULL, NULL));
    e2b_sandbox_free(sandbox);
    e2b_client_free(local);
    return testing_summary();
}
