/*
 * Benchmarks through the C ABI, against the server in E2B_API_URL /
 * E2B_SANDBOX_URL (tests/bench/run.sh starts a release e2b-local):
 *
 * - a 1 GiB upload and download, streamed through callbacks, in MB/s, with
 *   the content checked and this process's peak RSS (which must stay small:
 *   transfers run in constant memory);
 * - commands per second for `true`;
 * - run_code round trips per second.
 *
 *   bench [MiB] [commands] [runs]     (defaults: 1024 200 200)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "e2b.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static void check(e2b_error_code code, e2b_error *err, const char *what) {
    if (code != E2B_OK) {
        fprintf(stderr, "%s: %s (%s)\n", what, e2b_error_message(err), e2b_error_code_name(code));
        exit(1);
    }
}

/* The byte at `offset` of the test content: cheap, and different per position. */
static uint8_t pattern(uint64_t offset) {
    return (uint8_t)((offset * 2654435761u) >> 13);
}

struct source {
    uint64_t offset, size;
};

static int64_t produce(void *user_data, uint8_t *buffer, size_t capacity) {
    struct source *s = user_data;
    size_t n = 0;
    while (n < capacity && s->offset < s->size) {
        buffer[n++] = pattern(s->offset++);
    }
    return (int64_t)n;
}

struct sink {
    uint64_t offset;
    int mismatch;
};

static int32_t consume(void *user_data, const uint8_t *data, size_t len) {
    struct sink *s = user_data;
    for (size_t i = 0; i < len; i++) {
        if (data[i] != pattern(s->offset + i)) {
            s->mismatch = 1;
        }
    }
    s->offset += len;
    return 0;
}

int main(int argc, char **argv) {
    uint64_t mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 1024;
    int commands = argc > 2 ? atoi(argv[2]) : 200;
    int runs = argc > 3 ? atoi(argv[3]) : 200;
    e2b_error *err = NULL;
    e2b_client *client = NULL;
    check(e2b_client_new(NULL, &client, &err), err, "client");

    e2b_sandbox_options *options = e2b_sandbox_options_new();
    check(e2b_sandbox_options_set_template(options, "code-interpreter-v1", &err), err, "template");
    e2b_sandbox *sandbox = NULL;
    check(e2b_sandbox_create(client, options, &sandbox, &err), err, "create");
    e2b_sandbox_options_free(options);

    uint64_t size = mib << 20;
    struct source source = {0, size};
    double start = now();
    check(e2b_files_write_stream(sandbox, "/tmp/big.bin", (int64_t)size, NULL, produce, NULL, &source, &err), err,
          "upload");
    double upload = now() - start;
    long rss_after_upload = peak_rss_kib();

    struct sink sink = {0, 0};
    uint64_t received = 0;
    start = now();
    check(e2b_files_read_stream(sandbox, "/tmp/big.bin", NULL, consume, NULL, &sink, &received, &err), err,
          "download");
    double download = now() - start;
    if (received != size || sink.mismatch) {
        fprintf(stderr, "download: got %llu bytes%s\n", (unsigned long long)received,
                sink.mismatch ? ", content differs" : "");
        return 1;
    }
    printf("upload   %llu MiB  %.1f s  %.0f MB/s\n", (unsigned long long)mib, upload, size / upload / 1e6);
    printf("download %llu MiB  %.1f s  %.0f MB/s\n", (unsigned long long)mib, download, size / download / 1e6);
    printf("peak RSS of this process: %.1f MiB after upload, %.1f MiB after download\n", rss_after_upload / 1024.0,
           peak_rss_kib() / 1024.0);

    start = now();
    for (int i = 0; i < commands; i++) {
        e2b_command_result *result = NULL;
        check(e2b_commands_run(sandbox, "true", NULL, NULL, NULL, &result, &err), err, "run true");
        e2b_command_result_free(result);
    }
    printf("commands: %d x `true` in %.2f s: %.1f per second\n", commands, now() - start, commands / (now() - start));

    if (runs > 0) {
        /* The first run starts the interpreter; it is not a round trip. */
        e2b_execution *warmup = NULL;
        check(e2b_code_run(sandbox, "1", NULL, NULL, NULL, &warmup, &err), err, "run_code");
        e2b_execution_free(warmup);
    }
    start = now();
    for (int i = 0; i < runs; i++) {
        e2b_execution *execution = NULL;
        check(e2b_code_run(sandbox, "1 + 1", NULL, NULL, NULL, &execution, &err), err, "run_code");
        e2b_execution_free(execution);
    }
    printf("run_code: %d round trips in %.2f s: %.1f per second\n", runs, now() - start, runs / (now() - start));

    check(e2b_sandbox_kill(sandbox, NULL, &err), err, "kill");
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
    return 0;
}
