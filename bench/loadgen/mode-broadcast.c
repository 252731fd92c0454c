/* broadcast: N subscribers (--path) and one publisher (--pub-path). The publisher keeps K
 * messages in flight, counted against the first subscriber's receipts; every subscriber counts
 * what it receives. After the window the publisher stops and the subscribers drain, so messages
 * the server dropped show up as "lost". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

#define VARIANTS 64

static lg_opener opener;
static lg_conn *publisher;
static int publisher_state; /* 0 connecting, 1 open, -1 failed */
static int publishing;
static uint8_t *frames[VARIANTS];
static size_t frame_len;
static uint8_t *expected;
static size_t expected_len;
static unsigned variant;
static uint64_t published, delivered, mismatched, closed;

static void publish_one(void) {
    lg_queue(publisher, frames[variant++ % VARIANTS], frame_len);
    published++;
}

static void on_open(lg_conn *c) {
    if (c == publisher) publisher_state = 1;
    else lg_opener_done(&opener, 1);
}

static void on_reject(lg_conn *c, int status) {
    (void)status;
    if (c == publisher) publisher_state = -1;
    else lg_opener_done(&opener, 0);
}

static void on_close(lg_conn *c) {
    closed++;
    if (c == publisher) publishing = 0;
}

static void on_message(lg_conn *c, const uint8_t *p, size_t n, int opcode) {
    (void)opcode;
    if (c == publisher) return;
    if (g_cfg.verify && (n != expected_len || memcmp(p, expected, n) != 0)) mismatched++;
    delivered++;
    c->received++;
    if (c->idx == 0 && publishing) publish_one(); /* the first subscriber paces the publisher */
}

static void run_until(int64_t until, int (*done)(void)) {
    int64_t now;
    while ((now = lg_now_ns()) < until && !g_stop && !(done && done())) lg_poll(until - now);
}

static int all_received(void) { return delivered + mismatched >= published * (uint64_t)opener.opened; }

int mode_broadcast(void) {
    lg_handlers h = {on_open, on_message, on_reject, on_close};
    int n = g_cfg.conns;
    lg_init(&h, n + 1);
    expected_len = (size_t)g_cfg.payload;
    expected = malloc(expected_len + 1);
    for (size_t i = 0; i < expected_len; i++) expected[i] = (uint8_t)('a' + i % 26);
    for (int v = 0; v < VARIANTS; v++) {
        frames[v] = malloc(expected_len + 14);
        frame_len = lg_encode_frame(frames[v], g_cfg.binary ? 2 : 1, expected, expected_len);
    }
    int open = lg_open_all(&opener, n, g_cfg.concurrency, 60);
    publisher = lg_conn_at(n);
    publisher->path = g_cfg.pub_path;
    if (open == 0 || lg_connect(publisher) != 0) {
        printf("{\"mode\":\"broadcast\",\"error\":\"%d of %d subscribers opened\"}\n", open, n);
        return 1;
    }
    int64_t deadline = lg_now_ns() + 10000000000LL;
    while (publisher_state == 0 && !g_stop && lg_now_ns() < deadline) lg_poll(10000000LL);
    if (publisher_state != 1) {
        printf("{\"mode\":\"broadcast\",\"error\":\"the publisher did not connect\"}\n");
        return 1;
    }
    /* subscriptions may be made asynchronously after the 101: give them a moment */
    run_until(lg_now_ns() + 200000000LL, NULL);
    publishing = 1;
    for (int i = 0; i < g_cfg.inflight; i++) publish_one();
    lg_flush_all();
    int64_t t0 = lg_now_ns();
    run_until(t0 + (int64_t)(g_cfg.warmup * 1e9), NULL);
    uint64_t d0 = delivered;
    lg_cpu_window cpu;
    lg_cpu_begin(&cpu);
    int64_t ws = lg_now_ns();
    run_until(ws + (int64_t)(g_cfg.duration * 1e9), NULL);
    uint64_t d1 = delivered;
    double secs = (double)(lg_now_ns() - ws) / 1e9;
    char cpujson[128];
    lg_cpu_end_json(&cpu, cpujson, sizeof cpujson);
    publishing = 0;
    run_until(lg_now_ns() + 3000000000LL, all_received);
    lg_close_all(n + 1);

    uint64_t expected_total = published * (uint64_t)open;
    uint64_t lost = expected_total > delivered + mismatched ? expected_total - delivered - mismatched : 0;
    double rate = (double)(d1 - d0) / secs;
    fprintf(stderr, "loadgen broadcast: %.0f deliveries/s to %d subscribers (%.0f publishes/s)\n", rate, open,
            rate / open);
    printf("{\"mode\":\"broadcast\",\"subscribers\":%d,\"open\":%d,\"inflight\":%d,\"payload\":%d,"
           "\"seconds\":%.3f,\"deliveries\":%llu,\"deliveries_per_sec\":%.0f,\"publishes_per_sec\":%.1f,"
           "\"published\":%llu,\"lost\":%llu,\"mismatched\":%llu,\"closed_by_server\":%llu%s}\n",
           n, open, g_cfg.inflight, g_cfg.payload, secs, (unsigned long long)(d1 - d0), rate, rate / open,
           (unsigned long long)published, (unsigned long long)lost, (unsigned long long)mismatched,
           (unsigned long long)closed, cpujson);
    return lost || mismatched || closed ? 1 : 0;
}
