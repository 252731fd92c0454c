/* echo: N connections keep K messages in flight each; every echo received sends the next one.
 * With --proto events each message is an events() request whose id is the connection's count of
 * sent messages modulo VARIANTS (so the K <= VARIANTS requests in flight have distinct ids), and
 * the echo is the reply for the oldest one: replies come back in order.
 * With --batched-replies a server may answer several messages with one frame holding their
 * echoes back to back (a batching handler's honest reply): such a frame counts as that many
 * echoes and sends that many new messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

#define VARIANTS 64 /* pre-masked frames, each with its own mask key, used in turn */

static lg_opener opener;
static uint8_t *frames[VARIANTS];
static size_t frame_len;
static size_t frame_lens[VARIANTS]; /* --proto events: each frame has its own length */
static uint8_t *expected;
static size_t expected_len;
/* --proto events: frame i is the request with id i, replies[i] the reply it expects */
static uint8_t *replies[VARIANTS];
static size_t reply_lens[VARIANTS];
static unsigned variant;
static uint64_t received, frames_received, mismatched, closed;
static int all_open;

/* The payload as a JSON string's content: letters only, nothing to escape. */
static uint8_t *payload_body(void) {
    size_t p = (size_t)g_cfg.payload;
    uint8_t *body = malloc(p + 1);
    for (size_t i = 0; i < p; i++) body[i] = (uint8_t)('a' + i % 26);
    return body;
}

/* --proto events: the request with id `id`, and the reply it expects. */
static uint8_t *build_request(int id, size_t *len, uint8_t **reply, size_t *reply_len) {
    size_t p = (size_t)g_cfg.payload;
    uint8_t *body = payload_body();
    uint8_t *m = malloc(p + 64);
    uint8_t *r = malloc(p + 64);
    int head = snprintf((char *)m, 64, "{\"type\":\"echo\",\"id\":%d,\"data\":\"", id);
    int rhead = snprintf((char *)r, 64, "{\"id\":%d,\"data\":\"", id);
    memcpy(m + head, body, p);
    memcpy(m + head + p, "\"}", 2);
    memcpy(r + rhead, body, p);
    memcpy(r + rhead + p, "\"}", 2);
    free(body);
    *len = (size_t)head + p + 2;
    *reply = r;
    *reply_len = (size_t)rhead + p + 2;
    return m;
}

/* The application message: the payload itself, or a socket.io event carrying it. */
static uint8_t *build_message(size_t *len) {
    size_t p = (size_t)g_cfg.payload;
    uint8_t *body = payload_body();
    if (g_cfg.proto != LG_PROTO_SOCKETIO) { *len = p; return body; }
    uint8_t *m = malloc(p + 16);
    memcpy(m, "42[\"echo\",\"", 11);
    memcpy(m + 11, body, p);
    memcpy(m + 11 + p, "\"]", 2);
    free(body);
    *len = p + 13;
    return m;
}

static void send_one(lg_conn *c) {
    if (g_cfg.proto == LG_PROTO_EVENTS) {
        unsigned id = (unsigned)(c->sent % VARIANTS);
        lg_queue(c, frames[id], frame_lens[id]);
        c->inflight++;
        c->sent++;
        return;
    }
    lg_queue(c, frames[variant++ % VARIANTS], frame_len);
    c->inflight++;
    c->sent++;
}

static void on_open(lg_conn *c) {
    lg_opener_done(&opener, 1);
    if (!all_open) return;
    for (int i = 0; i < g_cfg.inflight; i++) send_one(c);
}

/* How many echoes a reply frame of n bytes carries: n / len when it is a positive multiple of
 * the message length, no more than are in flight, and (verifying) every chunk is the message.
 * Anything else is one wrong echo, so a broken server cannot stall or inflate the count. */
static int64_t batched_echoes(const lg_conn *c, const uint8_t *p, size_t n) {
    if (n == 0 || n % expected_len != 0 || (int64_t)(n / expected_len) > c->inflight) return -1;
    if (g_cfg.verify)
        for (size_t off = 0; off < n; off += expected_len)
            if (memcmp(p + off, expected, expected_len) != 0) return -1;
    return (int64_t)(n / expected_len);
}

static void on_message(lg_conn *c, const uint8_t *p, size_t n, int opcode) {
    (void)opcode;
    int64_t k = 1;
    if (g_cfg.batched_replies) {
        k = batched_echoes(c, p, n);
        if (k < 0) { mismatched++; k = 1; }
    } else if (g_cfg.proto == LG_PROTO_EVENTS) {
        unsigned id = (unsigned)(c->received % VARIANTS);
        if (g_cfg.verify && (n != reply_lens[id] || memcmp(p, replies[id], n) != 0)) mismatched++;
    } else if (g_cfg.verify && (n != expected_len || memcmp(p, expected, n) != 0)) {
        mismatched++;
    }
    frames_received++;
    received += (uint64_t)k;
    c->received += (uint64_t)k;
    c->inflight -= k;
    for (int64_t i = 0; i < k; i++) send_one(c);
}

static void on_reject(lg_conn *c, int status) {
    (void)c;
    (void)status;
    lg_opener_done(&opener, 0);
}

static void on_close(lg_conn *c) {
    (void)c;
    closed++;
}

/* Runs the loop until `until`; returns the instant it stopped. */
static int64_t run_until(int64_t until) {
    int64_t now, tick = lg_now_ns() + 1000000000LL;
    uint64_t last = received;
    while ((now = lg_now_ns()) < until && !g_stop) {
        if (now >= tick) {
            fprintf(stderr, "loadgen echo: %llu/s\n", (unsigned long long)(received - last));
            last = received;
            tick += 1000000000LL;
        }
        lg_poll(until - now < tick - now ? until - now : tick - now);
    }
    return lg_now_ns();
}

int mode_echo(void) {
    lg_handlers h = {on_open, on_message, on_reject, on_close};
    lg_init(&h, g_cfg.conns);
    expected = build_message(&expected_len);
    int opcode = g_cfg.binary ? 2 : 1;
    for (int v = 0; v < VARIANTS; v++) {
        if (g_cfg.proto == LG_PROTO_EVENTS) {
            size_t len;
            uint8_t *request = build_request(v, &len, &replies[v], &reply_lens[v]);
            frames[v] = malloc(len + 14);
            frame_lens[v] = lg_encode_frame(frames[v], opcode, request, len);
            free(request);
            continue;
        }
        frames[v] = malloc(expected_len + 14);
        frame_len = lg_encode_frame(frames[v], opcode, expected, expected_len);
    }
    int open = lg_open_all(&opener, g_cfg.conns, g_cfg.concurrency, 30);
    if (open == 0) {
        printf("{\"mode\":\"echo\",\"error\":\"no connection opened\",\"failed\":%d}\n", opener.failed);
        return 1;
    }
    all_open = 1;
    for (int i = 0; i < g_cfg.conns; i++) {
        lg_conn *c = lg_conn_at(i);
        if (c->state == LG_OPEN)
            for (int k = 0; k < g_cfg.inflight; k++) send_one(c);
    }
    lg_flush_all();
    int64_t t0 = lg_now_ns();
    int64_t ws = run_until(t0 + (int64_t)(g_cfg.warmup * 1e9));
    uint64_t r0 = received, f0 = frames_received;
    lg_cpu_window cpu;
    lg_cpu_begin(&cpu);
    int64_t we = run_until(ws + (int64_t)(g_cfg.duration * 1e9));
    uint64_t r1 = received, f1 = frames_received;
    char cpujson[128];
    lg_cpu_end_json(&cpu, cpujson, sizeof cpujson);
    double secs = (double)(we - ws) / 1e9;
    uint64_t min = UINT64_MAX, max = 0;
    for (int i = 0; i < g_cfg.conns; i++) {
        uint64_t r = lg_conn_at(i)->received;
        if (r < min) min = r;
        if (r > max) max = r;
    }
    lg_close_all(g_cfg.conns);
    double rate = (double)(r1 - r0) / secs;
    fprintf(stderr, "loadgen echo: %.0f echoes/s (%d conns x %d in flight, %d B)\n", rate, open,
            g_cfg.inflight, g_cfg.payload);
    printf("{\"mode\":\"echo\",\"conns\":%d,\"open\":%d,\"inflight\":%d,\"payload\":%d,"
           "\"seconds\":%.3f,\"echoes\":%llu,\"echoes_per_sec\":%.0f,\"mismatched\":%llu,"
           "\"reply_frames\":%llu,\"batched_replies\":%s,"
           "\"closed_by_server\":%llu,\"failed\":%d,\"per_conn_min\":%llu,\"per_conn_max\":%llu%s}\n",
           g_cfg.conns, open, g_cfg.inflight, g_cfg.payload, secs, (unsigned long long)(r1 - r0), rate,
           (unsigned long long)mismatched, (unsigned long long)(f1 - f0),
           g_cfg.batched_replies ? "true" : "false", (unsigned long long)closed, opener.failed,
           (unsigned long long)min, (unsigned long long)max, cpujson);
    return mismatched || closed ? 1 : 0;
}
