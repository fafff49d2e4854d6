/*
 * The measuring half of the C contenders (bench_e2b.c through libe2b's C ABI,
 * bench_curl.c the libcurl floor): harness.c runs the operations that
 * tests/bench/bench.py asks for and prints one JSON line per measurement; a
 * contender only implements the calls below. contender.py (the Python binding
 * and the official SDK) and go/main.go (the Go binding) measure the same way:
 * see tests/bench/README.md.
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* A sandbox as the contender holds it. */
typedef struct bench_sandbox bench_sandbox;
/* What one thread uses to call the shared client (the sandbox itself where it is thread-safe). */
typedef struct bench_thread bench_thread;

/* Every call returns 0 on success; on failure it prints why to stderr and returns -1. */

/* Creates the contender's one client (from E2B_API_KEY, E2B_API_URL, E2B_SANDBOX_URL). */
int contender_init(void);
/* Creates a sandbox of `template` (NULL on failure) and kills it. */
bench_sandbox *contender_create(const char *template_id);
int contender_kill(bench_sandbox *sandbox);
int contender_write(bench_sandbox *sandbox, const char *path, const uint8_t *data, size_t len);
/* Reads the file at `path`, which must hold `expected` bytes. */
int contender_read(bench_sandbox *sandbox, const char *path, size_t expected);
int contender_stat(bench_sandbox *sandbox, const char *path);
/* Lists the folder at `path` (depth 1), which must hold `expected` entries (0: any number). */
int contender_list(bench_sandbox *sandbox, const char *path, size_t expected);
/* Runs `cmd` as commands.run does (bash -l -c), which must exit with 0. */
int contender_run(bench_sandbox *sandbox, const char *cmd);
/* Runs `code` in the code interpreter, whose main result must be `expected_text`. */
int contender_run_code(bench_sandbox *sandbox, const char *code, const char *expected_text);
/* Uploads `size` bytes of bench_fill's content, streamed. */
int contender_upload(bench_sandbox *sandbox, const char *path, uint64_t size);
/* Downloads the file at `path`, streamed, which must hold `expected` bytes. */
int contender_download(bench_sandbox *sandbox, const char *path, uint64_t expected);
/* A thread's view of the shared client and sandbox, and its stat. */
bench_thread *contender_thread_new(bench_sandbox *sandbox);
int contender_thread_stat(bench_thread *thread, const char *path);
void contender_thread_free(bench_thread *thread);

/* Fills `buffer` with the upload content (any bytes will do: the server does not check them). */
void bench_fill(uint8_t *buffer, size_t len);

#endif
