/* Connection layer: non-blocking connect, handshake, frame parsing, buffered writes, epoll. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen.h"

#define SCRATCH_SIZE (256 * 1024)
#define READ_CHUNK (64 * 1024)
#define MAX_FRAME ((uint64_t)1 << 30)

volatile int g_stop;
uint64_t g_pings;
static int g_ep = -1;
static lg_conn *g_conns;
static int g_nconns;
static lg_handlers g_h;
static uint8_t *g_scratch;
static lg_conn **g_dirty;
static int g_ndirty;
static int g_stdin_marker;
static int g_stdin_closed;
static int g_stdin_stats;
static char g_line[16]; /* the stdin line being read; longer lines are cut (they release anyway) */
static size_t g_linelen;
static struct sockaddr_in g_addr;

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (!q) { perror("realloc"); exit(2); }
    return q;
}

static void reserve(uint8_t **buf, size_t *cap, size_t need) {
    if (*cap >= need) return;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    *buf = xrealloc(*buf, c);
    *cap = c;
}

void lg_init(const lg_handlers *h, int nconns) {
    g_h = *h;
    g_nconns = nconns;
    g_conns = calloc((size_t)nconns, sizeof *g_conns);
    g_dirty = calloc((size_t)nconns, sizeof *g_dirty);
    g_scratch = malloc(SCRATCH_SIZE);
    g_ep = epoll_create1(EPOLL_CLOEXEC);
    if (!g_conns || !g_dirty || !g_scratch || g_ep < 0) { perror("init"); exit(2); }
    for (int i = 0; i < nconns; i++) { g_conns[i].fd = -1; g_conns[i].idx = i; }
    memset(&g_addr, 0, sizeof g_addr);
    g_addr.sin_family = AF_INET;
    g_addr.sin_port = htons((uint16_t)g_cfg.port);
    if (inet_pton(AF_INET, g_cfg.host, &g_addr.sin_addr) != 1) {
        fprintf(stderr, "loadgen: host must be an IPv4 address, got %s\n", g_cfg.host);
        exit(2);
    }
}

lg_conn *lg_conn_at(int i) { return &g_conns[i]; }

static void set_events(lg_conn *c, int out) {
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(g_ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = out;
}

int lg_connect(lg_conn *c) {
    c->gen++;
    c->rlen = c->wlen = c->woff = c->fraglen = 0;
    c->inflight = 0;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) { c->state = LG_CLOSED; return -1; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&g_addr, sizeof g_addr) < 0 && errno != EINPROGRESS) {
        close(c->fd);
        c->fd = -1;
        c->state = LG_CLOSED;
        return -1;
    }
    c->state = LG_CONNECTING;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    epoll_ctl(g_ep, EPOLL_CTL_ADD, c->fd, &ev);
    c->want_out = 1;
    return 0;
}

void lg_close(lg_conn *c, int hard) {
    if (c->fd >= 0) {
        if (hard) {
            struct linger lg = {1, 0};
            setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        close(c->fd); /* also removes it from the epoll set */
    }
    c->fd = -1;
    c->state = LG_CLOSED;
    c->rlen = c->wlen = c->woff = c->fraglen = 0;
    c->want_out = 0;
}

void lg_queue(lg_conn *c, const void *data, size_t n) {
    if (c->woff && c->woff == c->wlen) c->woff = c->wlen = 0;
    reserve(&c->wbuf, &c->wcap, c->wlen + n);
    memcpy(c->wbuf + c->wlen, data, n);
    c->wlen += n;
    if (!c->dirty) { c->dirty = 1; g_dirty[g_ndirty++] = c; }
}

void lg_queue_frame(lg_conn *c, int opcode, const void *payload, size_t n) {
    if (c->woff && c->woff == c->wlen) c->woff = c->wlen = 0;
    reserve(&c->wbuf, &c->wcap, c->wlen + n + 14);
    c->wlen += lg_encode_frame(c->wbuf + c->wlen, opcode, payload, n);
    if (!c->dirty) { c->dirty = 1; g_dirty[g_ndirty++] = c; }
}

/* Writes what it can; write errors surface later as EPOLLERR/EPOLLHUP on the read side. */
static void flush(lg_conn *c) {
    if (c->fd < 0 || c->state == LG_CONNECTING) return;
    while (c->woff < c->wlen) {
        ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
        if (n > 0) { c->woff += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        c->woff = c->wlen = 0; /* broken pipe: drop, the read side reports the close */
        break;
    }
    if (c->woff == c->wlen) {
        c->woff = c->wlen = 0;
        if (c->want_out) set_events(c, 0);
    } else if (!c->want_out) {
        set_events(c, 1);
    }
}

void lg_flush_all(void) {
    for (int i = 0; i < g_ndirty; i++) {
        g_dirty[i]->dirty = 0;
        flush(g_dirty[i]);
    }
    g_ndirty = 0;
}

static void fail(lg_conn *c) {
    int was_open = c->state == LG_OPEN;
    lg_close(c, 1);
    if (was_open) g_h.on_close(c);
    else g_h.on_reject(c, 0);
}

static void became_open(lg_conn *c) {
    c->state = LG_OPEN;
    g_h.on_open(c);
}

/* Application-level message: plain WebSocket, or engine.io/socket.io packets on top of it. */
static void deliver(lg_conn *c, int opcode, const uint8_t *p, size_t n) {
    if (g_cfg.proto != LG_PROTO_SOCKETIO) {
        if (c->state == LG_OPEN) g_h.on_message(c, p, n, opcode);
        return;
    }
    if (c->state == LG_SIO_OPEN) {
        if (n >= 1 && p[0] == '0') { c->state = LG_SIO_CONNECT; lg_queue_frame(c, 1, "40", 2); }
        return;
    }
    if (c->state == LG_SIO_CONNECT) {
        if (n >= 2 && p[0] == '4' && p[1] == '0') became_open(c);
        else if (n >= 2 && p[0] == '4' && p[1] == '4') { lg_close(c, 1); g_h.on_reject(c, 0); }
        return;
    }
    if (n == 1 && p[0] == '2') { lg_queue_frame(c, 1, "3", 1); return; } /* engine.io ping */
    if (n >= 2 && p[0] == '4' && p[1] == '2') g_h.on_message(c, p, n, opcode);
}

/* Acts on the response head; returns bytes consumed, 0 if incomplete, -1 if rejected. */
static long handshake_done(lg_conn *c, uint8_t *data, size_t len) {
    int status = 0;
    long head = lg_parse_response(data, len, c->key, &status);
    if (head == 0) return 0;
    if (head < 0) {
        lg_close(c, 1);
        g_h.on_reject(c, status == 101 ? 0 : status); /* a 101 with a wrong Accept is an error */
        return -1;
    }
    if (g_cfg.proto == LG_PROTO_SOCKETIO) c->state = LG_SIO_OPEN;
    else became_open(c);
    return head;
}

/* Consumes complete frames from data; returns bytes consumed. Stops if the slot was recycled. */
static size_t process(lg_conn *c, uint8_t *data, size_t len, uint32_t gen) {
    size_t off = 0;
    if (c->state == LG_HANDSHAKE) {
        long h = handshake_done(c, data, len);
        if (h <= 0) return h == 0 ? 0 : len;
        off = (size_t)h;
    }
    while (c->gen == gen && c->state >= LG_SIO_OPEN && c->state <= LG_OPEN && len - off >= 2) {
        uint8_t *f = data + off;
        size_t avail = len - off, hl = 2;
        uint64_t n = f[1] & 0x7f;
        if (n == 126) {
            if (avail < 4) break;
            n = (uint64_t)f[2] << 8 | f[3];
            hl = 4;
        } else if (n == 127) {
            if (avail < 10) break;
            n = 0;
            for (int i = 0; i < 8; i++) n = n << 8 | f[2 + i];
            hl = 10;
        }
        int masked = f[1] & 0x80;
        if (masked) hl += 4;
        if (n > MAX_FRAME) { fail(c); return len; }
        if (avail < hl + n) break;
        uint8_t *p = f + hl;
        if (masked)
            for (uint64_t i = 0; i < n; i++) p[i] ^= f[hl - 4 + (i & 3)];
        off += hl + (size_t)n;
        int op = f[0] & 0x0f, fin = f[0] & 0x80;
        if (op == 0x8) { /* close: answer with the same code, then drop the TCP connection */
            lg_queue_frame(c, 0x8, p, n >= 2 ? 2 : 0);
            flush(c); /* still on the dirty list: flushing a closed slot later is a no-op */
            lg_close(c, 0);
            g_h.on_close(c);
            return len;
        }
        if (op == 0x9) { g_pings++; lg_queue_frame(c, 0xA, p, (size_t)n); continue; }
        if (op == 0xA) continue;
        if (op == 0 || !fin) {
            if (op != 0) { c->fragop = op; c->fraglen = 0; }
            reserve(&c->frag, &c->fragcap, c->fraglen + (size_t)n);
            if (n) memcpy(c->frag + c->fraglen, p, (size_t)n);
            c->fraglen += (size_t)n;
            if (fin) {
                size_t m = c->fraglen;
                c->fraglen = 0;
                deliver(c, c->fragop, c->frag, m);
            }
            continue;
        }
        deliver(c, op, p, (size_t)n);
    }
    return off;
}

static void on_readable(lg_conn *c) {
    uint32_t gen = c->gen;
    uint8_t *data;
    ssize_t n;
    if (c->rlen == 0) {
        n = read(c->fd, g_scratch, SCRATCH_SIZE);
        data = g_scratch;
    } else {
        reserve(&c->rbuf, &c->rcap, c->rlen + READ_CHUNK);
        n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
        data = c->rbuf;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) { fail(c); return; }
    size_t len = data == g_scratch ? (size_t)n : c->rlen + (size_t)n;
    size_t used = process(c, data, len, gen);
    if (c->gen != gen || c->fd < 0) return;
    size_t rest = len - used;
    if (data == g_scratch) {
        if (rest) {
            reserve(&c->rbuf, &c->rcap, rest);
            memcpy(c->rbuf, g_scratch + used, rest);
        }
    } else if (used) {
        memmove(c->rbuf, c->rbuf + used, rest);
    }
    c->rlen = rest;
}

static void on_connected(lg_conn *c) {
    int err = 0;
    socklen_t l = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0 || err) { fail(c); return; }
    char req[4096];
    lg_make_key(c->key);
    size_t n = lg_build_request(req, sizeof req, c->path ? c->path : g_cfg.path, c->key);
    c->state = LG_HANDSHAKE;
    lg_queue(c, req, n);
}

void lg_watch_stdin(void) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &g_stdin_marker};
    /* /dev/null or a file cannot be polled: then only a signal or --hold releases */
    (void)epoll_ctl(g_ep, EPOLL_CTL_ADD, 0, &ev);
}

int lg_stdin_closed(void) { return g_stdin_closed; }

int lg_stdin_take_stats(void) {
    int n = g_stdin_stats;
    g_stdin_stats = 0;
    return n;
}

/* A line "stats" asks for a report; any other line (an empty one too) or EOF releases. */
static void read_stdin(void) {
    char buf[256];
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
    for (ssize_t i = 0; i < r && !g_stdin_closed; i++) {
        if (buf[i] != '\n') {
            if (g_linelen < sizeof g_line - 1) g_line[g_linelen++] = buf[i];
            continue;
        }
        g_line[g_linelen] = 0;
        if (strcmp(g_line, "stats") == 0) g_stdin_stats++;
        else g_stdin_closed = 1;
        g_linelen = 0;
    }
    if (r <= 0) g_stdin_closed = 1;
    if (g_stdin_closed) epoll_ctl(g_ep, EPOLL_CTL_DEL, 0, NULL);
}

int lg_poll(int64_t timeout_ns) {
    struct epoll_event evs[512];
    struct timespec ts, *tp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000LL;
        ts.tv_nsec = timeout_ns % 1000000000LL;
        tp = &ts;
    }
    int n = epoll_pwait2(g_ep, evs, 512, tp, NULL);
    if (n < 0) return errno == EINTR ? -1 : 0;
    for (int i = 0; i < n; i++) {
        if (evs[i].data.ptr == &g_stdin_marker) {
            if (!g_stdin_closed) read_stdin();
            continue;
        }
        lg_conn *c = evs[i].data.ptr;
        uint32_t gen = c->gen, e = evs[i].events;
        if (c->fd < 0) continue;
        if (c->state == LG_CONNECTING) {
            if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(c);
            continue;
        }
        if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
        if (c->gen == gen && c->fd >= 0 && (e & EPOLLOUT)) flush(c);
    }
    lg_flush_all();
    return n;
}
