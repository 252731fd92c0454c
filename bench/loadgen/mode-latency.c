/* latency: message i is due at t0 + i/R on connection i mod N. Latency is measured from the
 * instant it was due (not from when it was written), so a stalled server cannot hide its
 * queueing delay behind a stalled client ("coordinated omission"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "loadgen.h"

#define STAMP 16 /* hex digits of the due time, at the start of each payload */

static lg_opener opener;
static int64_t t0, measure_from;
static int64_t *samples;
static size_t nsamples, maxsamples;
static uint64_t received, mismatched, closed, sent;
static size_t prefix; /* socket.io: bytes before the payload */

static void on_open(lg_conn *c) { (void)c; lg_opener_done(&opener, 1); }
static void on_reject(lg_conn *c, int s) { (void)c; (void)s; lg_opener_done(&opener, 0); }
static void on_close(lg_conn *c) { (void)c; closed++; }

static void on_message(lg_conn *c, const uint8_t *p, size_t n, int opcode) {
    (void)opcode;
    int64_t now = lg_now_ns();
    if (n < prefix + STAMP) { mismatched++; return; }
    int64_t due = 0;
    for (int i = 0; i < STAMP; i++) {
        uint8_t ch = p[prefix + (size_t)i];
        int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
        if (v < 0) { mismatched++; return; }
        due = due << 4 | v;
    }
    received++;
    c->received++;
    c->inflight--;
    if (due >= measure_from - t0 && nsamples < maxsamples) samples[nsamples++] = now - (t0 + due);
}

static void send_due(lg_conn *c, int64_t due_rel, uint8_t *msg, size_t len) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < STAMP; i++) msg[prefix + (size_t)i] = (uint8_t)hex[(due_rel >> (4 * (STAMP - 1 - i))) & 15];
    lg_queue_frame(c, g_cfg.binary ? 2 : 1, msg, len);
    c->inflight++;
    c->sent++;
    sent++;
}

int mode_latency(void) {
    lg_handlers h = {on_open, on_message, on_reject, on_close};
    prctl(PR_SET_TIMERSLACK, 1UL); /* wake at the due time, not up to 50 µs later */
    lg_init(&h, g_cfg.conns);
    size_t body = (size_t)(g_cfg.payload < STAMP ? STAMP : g_cfg.payload);
    prefix = g_cfg.proto == LG_PROTO_SOCKETIO ? 11 : 0;
    size_t len = body + (prefix ? 13 : 0);
    uint8_t *msg = malloc(len);
    memset(msg, 'x', len);
    if (prefix) { memcpy(msg, "42[\"echo\",\"", 11); memcpy(msg + 11 + body, "\"]", 2); }

    int open = lg_open_all(&opener, g_cfg.conns, g_cfg.concurrency, 30);
    if (open < g_cfg.conns) {
        printf("{\"mode\":\"latency\",\"error\":\"only %d of %d connections opened\"}\n", open, g_cfg.conns);
        return 1;
    }
    double total_s = g_cfg.warmup + g_cfg.duration;
    uint64_t total = (uint64_t)(g_cfg.rate * total_s);
    maxsamples = (size_t)(g_cfg.rate * g_cfg.duration) + 16;
    samples = malloc(maxsamples * sizeof *samples);
    double interval = 1e9 / g_cfg.rate;
    t0 = lg_now_ns();
    measure_from = t0 + (int64_t)(g_cfg.warmup * 1e9);
    uint64_t next = 0;
    lg_cpu_window cpu;
    int cpu_started = 0;
    while (next < total && !g_stop) {
        int64_t now = lg_now_ns();
        if (!cpu_started && now >= measure_from) { lg_cpu_begin(&cpu); cpu_started = 1; }
        while (next < total && (int64_t)((double)next * interval) <= now - t0) {
            send_due(lg_conn_at((int)(next % (uint64_t)g_cfg.conns)), (int64_t)((double)next * interval), msg, len);
            next++;
        }
        lg_flush_all();
        int64_t wait = t0 + (int64_t)((double)next * interval) - lg_now_ns();
        lg_poll(wait > 0 ? wait : 0);
    }
    int64_t send_end = lg_now_ns();
    char cpujson[128] = "";
    if (cpu_started) lg_cpu_end_json(&cpu, cpujson, sizeof cpujson);
    int64_t drain_until = send_end + 2000000000LL;
    while (received + mismatched < sent && !g_stop && lg_now_ns() < drain_until) lg_poll(1000000LL);
    lg_close_all(g_cfg.conns);

    char pct[512];
    lg_percentiles_json(samples, nsamples, pct, sizeof pct);
    double achieved = (double)sent / ((double)(send_end - t0) / 1e9);
    fprintf(stderr, "loadgen latency: rate %.0f/s over %d conns, %s\n", g_cfg.rate, open, pct);
    printf("{\"mode\":\"latency\",\"conns\":%d,\"rate\":%.0f,\"achieved_rate\":%.0f,\"payload\":%d,"
           "\"sent\":%llu,\"received\":%llu,\"lost\":%llu,\"mismatched\":%llu,\"closed_by_server\":%llu,%s%s}\n",
           g_cfg.conns, g_cfg.rate, achieved, (int)body, (unsigned long long)sent,
           (unsigned long long)received, (unsigned long long)(sent - received - mismatched),
           (unsigned long long)mismatched, (unsigned long long)closed, pct, cpujson);
    return received == sent ? 0 : 1;
}
