/*
 * The floor: the same HTTP requests as the official SDK makes (its paths,
 * bodies and headers), by hand with one
 * reused libcurl easy handle, and as little work per call as that allows.
 * Threads each get their own easy handle (one cannot be shared), so the
 * floor's throughput is that of a connection per thread.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define UA_SDK "User-Agent: e2b-python-sdk/2.63.0"
#define UA_RPC "User-Agent: connectrpc/0.12.1"
#define UA_CODE "User-Agent: python-httpx/0.29.0"

/* One easy handle and the buffer its responses go to. */
struct conn {
    CURL *curl;
    char *body;
    size_t len, cap;
    uint64_t received;
    int discard;
};

struct bench_sandbox {
    struct conn *conn;
    char id[64];
    struct curl_slist *files, *rpc, *stream, *code;
};

struct bench_thread {
    struct conn conn;
    bench_sandbox sandbox;
};

static const char *api_url, *sandbox_url;
static struct conn main_conn;
static struct curl_slist *control;

static size_t sink(char *data, size_t size, size_t count, void *user_data) {
    struct conn *c = user_data;
    size_t n = size * count;
    c->received += n;
    if (c->discard) {
        return n;
    }
    if (c->len + n + 1 > c->cap) {
        c->cap = (c->len + n + 1) * 2;
        c->body = realloc(c->body, c->cap);
    }
    memcpy(c->body + c->len, data, n);
    c->len += n;
    c->body[c->len] = '\0';
    return n;
}

static int conn_init(struct conn *c) {
    memset(c, 0, sizeof *c);
    c->curl = curl_easy_init();
    if (c->curl == NULL) {
        return -1;
    }
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 300L);
    return 0;
}

/* What a streamed upload reads from. */
struct source {
    uint64_t left;
    uint8_t chunk[1 << 16];
};

static size_t produce(char *buffer, size_t size, size_t count, void *user_data) {
    struct source *s = user_data;
    size_t n = size * count;
    if (n > sizeof s->chunk) {
        n = sizeof s->chunk;
    }
    if (n > s->left) {
        n = (size_t)s->left;
    }
    memcpy(buffer, s->chunk, n);
    s->left -= n;
    return n;
}

/*
 * One request: `method` GET, POST or DELETE; a POST's body is `body` (`len`
 * bytes) or, when `source` is set, `len` bytes streamed from it. Returns the
 * HTTP status (0 when the request failed) with the body in c->body.
 */
static long request(struct conn *c, const char *method, const char *url, struct curl_slist *headers,
                    const void *body, size_t len, struct source *source) {
    CURL *curl = c->curl;
    c->len = 0;
    c->received = 0;
    if (c->body != NULL) {
        c->body[0] = '\0';
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, source != NULL ? NULL : body);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, source != NULL ? produce : NULL);
        curl_easy_setopt(curl, CURLOPT_READDATA, source);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        if (strcmp(method, "GET") != 0) {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        }
    }
    CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        fprintf(stderr, "%s %s: %s\n", method, url, curl_easy_strerror(code));
        return 0;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

static int expect(long status, long wanted, const struct conn *c, const char *what) {
    if (status == wanted) {
        return 0;
    }
    fprintf(stderr, "%s: HTTP %ld %.200s\n", what, status, c->body != NULL ? c->body : "");
    return -1;
}

/* Whether `json` has `"key": "value"` somewhere (any spacing); `value` NULL: the string value is copied to `out`. */
static int json_string(const char *json, const char *key, const char *value, char *out, size_t out_len) {
    size_t key_len = strlen(key);
    for (const char *p = json; p != NULL && (p = strstr(p, key)) != NULL; p += key_len) {
        if (p == json || p[-1] != '"' || p[key_len] != '"') {
            continue;
        }
        const char *v = p + key_len + 1;
        v += strspn(v, " ");
        if (*v++ != ':') {
            continue;
        }
        v += strspn(v, " ");
        if (*v++ != '"') {
            continue;
        }
        size_t n = strcspn(v, "\"");
        if (value == NULL && n < out_len) {
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
        if (value != NULL && n == strlen(value) && strncmp(v, value, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static struct curl_slist *headers(const char *const *lines, const char *id, const char *token, const char *port) {
    char line[256];
    struct curl_slist *list = NULL;
    for (; *lines != NULL; lines++) {
        list = curl_slist_append(list, *lines);
    }
    snprintf(line, sizeof line, "E2b-Sandbox-Id: %s", id);
    list = curl_slist_append(list, line);
    snprintf(line, sizeof line, "E2b-Sandbox-Port: %s", port);
    list = curl_slist_append(list, line);
    snprintf(line, sizeof line, "X-Access-Token: %s", token);
    return curl_slist_append(list, line);
}

int contender_init(void) {
    char line[256];
    api_url = getenv("E2B_API_URL");
    sandbox_url = getenv("E2B_SANDBOX_URL");
    const char *key = getenv("E2B_API_KEY");
    if (api_url == NULL || sandbox_url == NULL || key == NULL) {
        fprintf(stderr, "E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY must be set\n");
        return -1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(line, sizeof line, "X-API-KEY: %s", key);
    control = curl_slist_append(NULL, line);
    control = curl_slist_append(control, "Content-Type: application/json");
    control = curl_slist_append(control, UA_SDK);
    control = curl_slist_append(control, "Expect:");
    return conn_init(&main_conn);
}

bench_sandbox *contender_create(const char *template_id) {
    char url[512], body[512], token[128];
    snprintf(url, sizeof url, "%s/sandboxes", api_url);
    int len = snprintf(body, sizeof body,
                       "{\"templateID\":\"%s\",\"timeout\":300,\"secure\":true,\"allow_internet_access\":true,"
                       "\"metadata\":{},\"envVars\":{}}",
                       template_id);
    bench_sandbox *s = calloc(1, sizeof *s);
    s->conn = &main_conn;
    if (expect(request(&main_conn, "POST", url, control, body, (size_t)len, NULL), 201, &main_conn, "create") ||
        !json_string(main_conn.body, "sandboxID", NULL, s->id, sizeof s->id) ||
        !json_string(main_conn.body, "envdAccessToken", NULL, token, sizeof token)) {
        free(s);
        return NULL;
    }
    static const char *const files[] = {UA_SDK, "Expect:", NULL};
    static const char *const rpc[] = {"Content-Type: application/json", "Connect-Protocol-Version: 1",
                                      "Connect-Timeout-Ms: 60000",      "Accept-Encoding: identity",
                                      "Content-Encoding: identity",     UA_RPC,
                                      "Expect:",                        NULL};
    static const char *const stream[] = {"Content-Type: application/connect+json",
                                         "Connect-Protocol-Version: 1",
                                         "Connect-Timeout-Ms: 60000",
                                         "Connect-Accept-Encoding: identity",
                                         "Connect-Content-Encoding: identity",
                                         "Keepalive-Ping-Interval: 50",
                                         UA_RPC,
                                         "Expect:",
                                         NULL};
    static const char *const code[] = {"Content-Type: application/json", UA_CODE, "Expect:", NULL};
    s->files = headers(files, s->id, token, "49983");
    s->rpc = headers(rpc, s->id, token, "49983");
    s->stream = headers(stream, s->id, token, "49983");
    s->code = headers(code, s->id, token, "49999");
    return s;
}

static void sandbox_release(bench_sandbox *s) {
    curl_slist_free_all(s->files);
    curl_slist_free_all(s->rpc);
    curl_slist_free_all(s->stream);
    curl_slist_free_all(s->code);
    free(s);
}

int contender_kill(bench_sandbox *s) {
    char url[512];
    snprintf(url, sizeof url, "%s/sandboxes/%s", api_url, s->id);
    int rc = expect(request(&main_conn, "DELETE", url, control, NULL, 0, NULL), 204, &main_conn, "kill");
    sandbox_release(s);
    return rc;
}

/* The URL of /files for `path`. */
static void files_url(const bench_sandbox *s, const char *path, char *url, size_t len) {
    char *escaped = curl_easy_escape(s->conn->curl, path, 0);
    snprintf(url, len, "%s/files?path=%s", sandbox_url, escaped);
    curl_free(escaped);
}

int contender_write(bench_sandbox *s, const char *path, const uint8_t *data, size_t len) {
    char url[1024];
    files_url(s, path, url, sizeof url);
    struct curl_slist octets = {"Content-Type: application/octet-stream", s->files};
    return expect(request(s->conn, "POST", url, &octets, data, len, NULL), 200, s->conn, "write");
}

int contender_read(bench_sandbox *s, const char *path, size_t expected) {
    char url[1024];
    files_url(s, path, url, sizeof url);
    if (expect(request(s->conn, "GET", url, s->files, NULL, 0, NULL), 200, s->conn, "read")) {
        return -1;
    }
    return s->conn->len == expected ? 0 : -1;
}

/* A unary Connect call of filesystem.Filesystem; the response is in s->conn->body. */
static int filesystem(bench_sandbox *s, const char *method, const char *path, const char *extra) {
    char url[512], body[1024];
    snprintf(url, sizeof url, "%s/filesystem.Filesystem/%s", sandbox_url, method);
    int len = snprintf(body, sizeof body, "{\"path\": \"%s\"%s}", path, extra);
    return expect(request(s->conn, "POST", url, s->rpc, body, (size_t)len, NULL), 200, s->conn, method);
}

int contender_stat(bench_sandbox *s, const char *path) {
    return filesystem(s, "Stat", path, "") || !json_string(s->conn->body, "type", "FILE_TYPE_FILE", NULL, 0) ? -1
                                                                                                           : 0;
}

int contender_list(bench_sandbox *s, const char *path, size_t expected) {
    if (filesystem(s, "ListDir", path, ", \"depth\": 1") != 0) {
        return -1;
    }
    size_t entries = 0;
    for (const char *p = s->conn->body; (p = strstr(p, "\"name\"")) != NULL; p++) {
        entries++;
    }
    return (expected == 0 && entries > 0) || entries == expected ? 0 : -1;
}

int contender_run(bench_sandbox *s, const char *cmd) {
    char url[512], body[1024];
    snprintf(url, sizeof url, "%s/process.Process/Start", sandbox_url);
    int len = snprintf(body + 5, sizeof body - 5,
                       "{\"process\": {\"cmd\": \"/bin/bash\", \"args\": [\"-l\", \"-c\", \"%s\"], \"envs\": {}}, "
                       "\"stdin\": false}",
                       cmd);
    body[0] = 0; /* the Connect envelope: flags, then the length, big-endian */
    body[1] = (char)((len >> 24) & 0xff);
    body[2] = (char)((len >> 16) & 0xff);
    body[3] = (char)((len >> 8) & 0xff);
    body[4] = (char)(len & 0xff);
    if (expect(request(s->conn, "POST", url, s->stream, body, (size_t)len + 5, NULL), 200, s->conn, "run")) {
        return -1;
    }
    /* The body is binary-framed; the end event's status is what tells the exit code. */
    for (size_t i = 0; i + 13 <= s->conn->len; i++) {
        if (memcmp(s->conn->body + i, "exit status 0", 13) == 0) {
            return 0;
        }
    }
    fprintf(stderr, "run: no exit status 0 in the stream\n");
    return -1;
}

int contender_run_code(bench_sandbox *s, const char *code, const char *expected_text) {
    char url[512], body[1024];
    snprintf(url, sizeof url, "%s/execute", sandbox_url);
    int len = snprintf(body, sizeof body,
                       "{\"code\": \"%s\", \"context_id\": null, \"language\": null, \"env_vars\": null}", code);
    if (expect(request(s->conn, "POST", url, s->code, body, (size_t)len, NULL), 200, s->conn, "run_code")) {
        return -1;
    }
    return json_string(s->conn->body, "text", expected_text, NULL, 0) &&
                   json_string(s->conn->body, "type", "end_of_execution", NULL, 0)
               ? 0
               : -1;
}

int contender_upload(bench_sandbox *s, const char *path, uint64_t size) {
    char url[1024];
    static struct source source;
    source.left = size;
    bench_fill(source.chunk, sizeof source.chunk);
    files_url(s, path, url, sizeof url);
    struct curl_slist octets = {"Content-Type: application/octet-stream", s->files};
    return expect(request(s->conn, "POST", url, &octets, NULL, (size_t)size, &source), 200, s->conn, "upload");
}

int contender_download(bench_sandbox *s, const char *path, uint64_t expected) {
    char url[1024];
    files_url(s, path, url, sizeof url);
    s->conn->discard = 1;
    long status = request(s->conn, "GET", url, s->files, NULL, 0, NULL);
    s->conn->discard = 0;
    if (expect(status, 200, s->conn, "download")) {
        return -1;
    }
    return s->conn->received == expected ? 0 : -1;
}

bench_thread *contender_thread_new(bench_sandbox *sandbox) {
    bench_thread *t = calloc(1, sizeof *t);
    if (conn_init(&t->conn) != 0) {
        free(t);
        return NULL;
    }
    t->sandbox = *sandbox;
    t->sandbox.conn = &t->conn;
    return t;
}

int contender_thread_stat(bench_thread *t, const char *path) {
    return t == NULL ? -1 : contender_stat(&t->sandbox, path);
}

void contender_thread_free(bench_thread *t) {
    if (t != NULL) {
        curl_easy_cleanup(t->conn.curl);
        free(t->conn.body);
        free(t);
    }
}
