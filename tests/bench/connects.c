/*
 * Counts the TCP connections a contender opens to e2b-local, from inside the
 * contender (LD_PRELOAD): each connect() to port E2B_BENCH_PORT appends one
 * byte to the file E2B_BENCH_CONNECT_LOG, so the file's size is the number
 * of connects so far. Every contender's HTTP stack (libe2b's Rust code,
 * libcurl, the official SDK's pyqwest and httpx) connects through libc, so
 * all are counted the same way, at no cost to calls that reuse a connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real_connect)(int, const struct sockaddr *, socklen_t);
    if (real_connect == NULL) {
        real_connect = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    }
    const char *port = getenv("E2B_BENCH_PORT"), *log = getenv("E2B_BENCH_CONNECT_LOG");
    if (addr != NULL && port != NULL && log != NULL) {
        in_port_t to = 0;
        if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
            to = ((const struct sockaddr_in *)addr)->sin_port;
        } else if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
            to = ((const struct sockaddr_in6 *)addr)->sin6_port;
        }
        if (to != 0 && ntohs(to) == (in_port_t)atoi(port)) {
            int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
            if (out >= 0) {
                ssize_t written = write(out, "c", 1);
                (void)written;
                close(out);
            }
        }
    }
    return real_connect(fd, addr, len);
}
