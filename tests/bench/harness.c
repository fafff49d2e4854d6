/*
 * The measuring loop of the C contenders: see harness.h and README.md.
 *
 *   CONTENDER ops=connects,create_kill,... iters=N budget=SECONDS thread_secs=SECONDS
 *
 * prints one JSON line per operation on stdout.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define FILE_1K "/home/user/bench/f1k.bin"
#define DIR_100 "/home/user/bench/d100"
#define BIG_FILE "/home/user/bench/big.bin"
#define WARMUP 3
#define MIN_ITERS 5

static int max_iters = 200;
static double budget = 1.0, thread_secs = 1.0;
static uint8_t kib[1024];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_fill(uint8_t *buffer, size_t len) {
    for (size_t i = 0; i < len; i++) {
        buffer[i] = (uint8_t)(i * 131 + 7);
    }
}

/* TCP connections this process opened to e2b-local so far (connects.so appends a byte per connect). */
static long connects(void) {
    const char *log = getenv("E2B_BENCH_CONNECT_LOG");
    struct stat st;
    if (log == NULL || stat(log, &st) != 0) {
        return -1;
    }
    return (long)st.st_size;
}

/* A line of /proc/self/status in KiB ("VmRSS", "VmHWM"). */
static long status_kib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long value = -1;
    size_t n = strlen(key);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            value = strtol(line + n + 1, NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return value;
}

/* Resets the peak RSS (VmHWM) to the current RSS. */
static void reset_peak_rss(void) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f != NULL) {
        fputs("5", f);
        fclose(f);
    }
}

/* CPU time of this process (every thread), in seconds. */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One call of a latency operation. */
typedef int (*call_fn)(bench_sandbox *sandbox);

static bench_sandbox *main_sandbox;

static int call_create_kill(bench_sandbox *unused) {
    (void)unused;
    bench_sandbox *sandbox = contender_create("base");
    return sandbox == NULL ? -1 : contender_kill(sandbox);
}
static int call_write(bench_sandbox *s) { return contender_write(s, FILE_1K, kib, sizeof kib); }
static int call_read(bench_sandbox *s) { return contender_read(s, FILE_1K, sizeof kib); }
static int call_stat(bench_sandbox *s) { return contender_stat(s, FILE_1K); }
static int call_list(bench_sandbox *s) { return contender_list(s, DIR_100, 100); }
static int call_run_true(bench_sandbox *s) { return contender_run(s, "true"); }
static int call_run_code(bench_sandbox *s) { return contender_run_code(s, "1+1", "2"); }

/*
 * Calls `call` WARMUP times untimed, then up to max_iters times within the budget; prints the median and p90
 * of the calls' wall time and the process's mean CPU time per call.
 */
static void latency(const char *op, call_fn call) {
    for (int i = 0; i < WARMUP; i++) {
        if (call(main_sandbox) != 0) {
            printf("{\"op\":\"%s\",\"error\":\"failed\"}\n", op);
            return;
        }
    }
    double *samples = malloc(sizeof(double) * (size_t)max_iters);
    int n = 0;
    double deadline = now() + budget, cpu = cpu_now();
    while (n < max_iters && (n < MIN_ITERS || now() < deadline)) {
        double start = now();
        if (call(main_sandbox) != 0) {
            printf("{\"op\":\"%s\",\"error\":\"failed\"}\n", op);
            free(samples);
            return;
        }
        samples[n++] = (now() - start) * 1e6;
    }
    cpu = (cpu_now() - cpu) / n * 1e6;
    qsort(samples, (size_t)n, sizeof(double), compare_double);
    printf("{\"op\":\"%s\",\"n\":%d,\"median_us\":%.1f,\"p90_us\":%.1f,\"cpu_us\":%.1f}\n", op, n,
           samples[n / 2], samples[(n * 9) / 10], cpu);
    free(samples);
}

/* One upload or download of `mib` MiB: throughput and the peak RSS while it ran. */
static void transfer(const char *op, int up, uint64_t mib) {
    uint64_t size = mib << 20;
    reset_peak_rss();
    long before = status_kib("VmRSS");
    double start = now();
    int rc = up ? contender_upload(main_sandbox, BIG_FILE, size) : contender_download(main_sandbox, BIG_FILE, size);
    double elapsed = now() - start;
    if (rc != 0) {
        printf("{\"op\":\"%s\",\"error\":\"failed\"}\n", op);
        return;
    }
    printf("{\"op\":\"%s\",\"mb_s\":%.1f,\"peak_rss_mib\":%.2f,\"rss_before_mib\":%.2f}\n", op,
           (double)size / elapsed / 1e6, (double)status_kib("VmHWM") / 1024.0, (double)before / 1024.0);
}

struct worker {
    pthread_t id;
    bench_thread *thread;
    pthread_barrier_t *warm;
    volatile int *stop;
    long calls, errors;
};

static void *work(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < 20; i++) {
        if (contender_thread_stat(w->thread, FILE_1K) != 0) {
            w->errors++;
        }
    }
    pthread_barrier_wait(w->warm);
    while (!__atomic_load_n(w->stop, __ATOMIC_RELAXED)) {
        if (contender_thread_stat(w->thread, FILE_1K) == 0) {
            w->calls++;
        } else {
            w->errors++;
        }
    }
    return NULL;
}

/* `count` threads calling stat on the shared client: warm up (20 calls each), then thread_secs timed. */
static void threads(const char *op, int count) {
    struct worker *workers = calloc((size_t)count, sizeof *workers);
    pthread_barrier_t warm;
    volatile int stop = 0;
    pthread_barrier_init(&warm, NULL, (unsigned)count + 1);
    for (int i = 0; i < count; i++) {
        workers[i].thread = contender_thread_new(main_sandbox);
        workers[i].warm = &warm;
        workers[i].stop = &stop;
        pthread_create(&workers[i].id, NULL, work, &workers[i]);
    }
    pthread_barrier_wait(&warm);
    long connects_before = connects();
    double start = now();
    struct timespec pause = {(time_t)thread_secs, (long)((thread_secs - (double)(time_t)thread_secs) * 1e9)};
    nanosleep(&pause, NULL);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    long calls = 0, errors = 0;
    for (int i = 0; i < count; i++) {
        pthread_join(workers[i].id, NULL);
        calls += workers[i].calls;
        errors += workers[i].errors;
        contender_thread_free(workers[i].thread);
    }
    double elapsed = now() - start;
    long new_connects = connects() - connects_before;
    pthread_barrier_destroy(&warm);
    free(workers);
    printf("{\"op\":\"%s\",\"threads\":%d,\"ops_s\":%.1f,\"errors\":%ld,\"new_connects\":%ld}\n", op, count,
           (double)calls / elapsed, errors, new_connects);
}

/* A fresh sandbox, 100 mixed sequential calls on it, and its kill: the TCP connects all this took. */
static void mixed(void) {
    long before = connects();
    bench_sandbox *sandbox = contender_create("code-interpreter-v1");
    int failed = sandbox == NULL;
    for (int i = 0; i < 100 && !failed; i++) {
        switch (i % 6) {
        case 0: failed = contender_write(sandbox, FILE_1K, kib, sizeof kib) != 0; break;
        case 1: failed = contender_read(sandbox, FILE_1K, sizeof kib) != 0; break;
        case 2: failed = contender_stat(sandbox, FILE_1K) != 0; break;
        case 3: failed = contender_list(sandbox, "/home/user/bench", 0) != 0; break;
        case 4: failed = contender_run(sandbox, "true") != 0; break;
        default: failed = contender_run_code(sandbox, "1+1", "2") != 0; break;
        }
    }
    if (sandbox != NULL) {
        failed |= contender_kill(sandbox) != 0;
    }
    if (failed) {
        printf("{\"op\":\"connects\",\"error\":\"failed\"}\n");
    } else {
        printf("{\"op\":\"connects\",\"calls\":100,\"connects\":%ld}\n", connects() - before);
    }
}

/* Runs one operation by its name (the names bench.py uses). */
static void run_op(const char *op) {
    static const struct {
        const char *name;
        call_fn call;
    } calls[] = {{"create_kill", call_create_kill}, {"write_1k", call_write}, {"read_1k", call_read},
                 {"stat", call_stat},               {"list_100", call_list},  {"run_true", call_run_true},
                 {"run_code", call_run_code}};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (strcmp(op, calls[i].name) == 0) {
            latency(op, calls[i].call);
            return;
        }
    }
    unsigned long long mib;
    int count;
    if (strcmp(op, "connects") == 0) {
        mixed();
    } else if (sscanf(op, "up_%llu", &mib) == 1) {
        transfer(op, 1, mib);
    } else if (sscanf(op, "down_%llu", &mib) == 1) {
        transfer(op, 0, mib);
    } else if (sscanf(op, "threads_%d", &count) == 1) {
        threads(op, count);
    } else {
        printf("{\"op\":\"%s\",\"error\":\"unknown operation\"}\n", op);
    }
}

int main(int argc, char **argv) {
    char *ops = NULL;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL) {
            fprintf(stderr, "arguments are key=value: %s\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        if (strcmp(argv[i], "ops") == 0) {
            ops = eq + 1;
        } else if (strcmp(argv[i], "iters") == 0) {
            max_iters = atoi(eq + 1);
        } else if (strcmp(argv[i], "budget") == 0) {
            budget = atof(eq + 1);
        } else if (strcmp(argv[i], "thread_secs") == 0) {
            thread_secs = atof(eq + 1);
        }
    }
    if (ops == NULL || max_iters < MIN_ITERS) {
        fprintf(stderr, "usage: %s ops=OP,OP... [iters=N] [budget=S] [thread_secs=S]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    bench_fill(kib, sizeof kib);
    if (contender_init() != 0) {
        return 1;
    }
    /* connects comes first, in a process that has not connected yet; the rest share one sandbox. */
    char *save = NULL;
    for (char *op = strtok_r(ops, ",", &save); op != NULL; op = strtok_r(NULL, ",", &save)) {
        if (main_sandbox == NULL && strcmp(op, "connects") != 0) {
            main_sandbox = contender_create("code-interpreter-v1");
            if (main_sandbox == NULL || contender_write(main_sandbox, FILE_1K, kib, sizeof kib) != 0 ||
                contender_run(main_sandbox,
                              "mkdir -p " DIR_100 " && cd " DIR_100 " && touch f{000..099}") != 0) {
                return 1;
            }
        }
        run_op(op);
    }
    if (main_sandbox != NULL && contender_kill(main_sandbox) != 0) {
        return 1;
    }
    return 0;
}
