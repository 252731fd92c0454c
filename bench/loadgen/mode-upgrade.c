/* upgrade: C slots each open a TCP connection, send the upgrade request, read the response
 * head and close with RST (SO_LINGER 0, so no TIME_WAIT exhausts the ephemeral ports), then
 * start again. Counts 101s, other statuses and errors inside the measured window. */
#include <stdio.h>
#include <stdlib.h>

#include "loadgen.h"

static int measuring;
static uint64_t ok, errors, statuses[600], other;
static int64_t *started;
static int64_t *samples;
static size_t nsamples, capsamples;

static void restart(lg_conn *c) {
    started[c->idx] = lg_now_ns();
    if (lg_connect(c) != 0 && measuring) errors++; /* retried from the main loop */
}

static void on_open(lg_conn *c) {
    if (measuring) {
        ok++;
        if (nsamples == capsamples) {
            capsamples = capsamples ? capsamples * 2 : 65536;
            samples = realloc(samples, capsamples * sizeof *samples);
        }
        if (samples) samples[nsamples++] = lg_now_ns() - started[c->idx];
    }
    lg_close(c, 1);
    restart(c);
}

static void on_reject(lg_conn *c, int status) {
    if (measuring) {
        if (status <= 0) errors++;
        else if (status < 600) statuses[status]++;
        else other++;
    }
    lg_close(c, 1);
    restart(c);
}

static void on_message(lg_conn *c, const uint8_t *p, size_t n, int op) { (void)c; (void)p; (void)n; (void)op; }
static void on_close(lg_conn *c) { on_reject(c, 0); }

static void run_until(int64_t until, int n) {
    int64_t now;
    while ((now = lg_now_ns()) < until && !g_stop) {
        lg_poll(until - now < 10000000LL ? until - now : 10000000LL);
        for (int i = 0; i < n; i++) {
            lg_conn *c = lg_conn_at(i);
            if (c->state == LG_CLOSED || c->state == LG_FREE) restart(c);
        }
    }
}

int mode_upgrade(void) {
    lg_handlers h = {on_open, on_message, on_reject, on_close};
    int n = g_cfg.concurrency;
    lg_init(&h, n);
    started = calloc((size_t)n, sizeof *started);
    for (int i = 0; i < n; i++) restart(lg_conn_at(i));
    lg_flush_all();
    run_until(lg_now_ns() + (int64_t)(g_cfg.warmup * 1e9), n);
    measuring = 1;
    int64_t ws = lg_now_ns();
    lg_cpu_window cpu;
    lg_cpu_begin(&cpu);
    run_until(ws + (int64_t)(g_cfg.duration * 1e9), n);
    measuring = 0;
    char cpujson[128];
    lg_cpu_end_json(&cpu, cpujson, sizeof cpujson);
    double secs = (double)(lg_now_ns() - ws) / 1e9;
    lg_close_all(n);

    uint64_t non101 = other;
    char detail[512] = "";
    int off = 0;
    for (int s = 0; s < 600; s++) {
        if (!statuses[s]) continue;
        non101 += statuses[s];
        if (off < (int)sizeof detail - 32)
            off += snprintf(detail + off, sizeof detail - (size_t)off, "%s\"%d\":%llu", off ? "," : "", s,
                            (unsigned long long)statuses[s]);
    }
    char pct[512];
    lg_percentiles_json(samples, nsamples, pct, sizeof pct);
    fprintf(stderr, "loadgen upgrade: %.0f upgrades/s (%d concurrent), %llu non-101, %llu errors\n",
            (double)ok / secs, n, (unsigned long long)non101, (unsigned long long)errors);
    printf("{\"mode\":\"upgrade\",\"concurrency\":%d,\"seconds\":%.3f,\"upgrades\":%llu,"
           "\"upgrades_per_sec\":%.0f,\"non101\":%llu,\"statuses\":{%s},\"errors\":%llu,%s%s}\n",
           n, secs, (unsigned long long)ok, (double)ok / secs, (unsigned long long)non101, detail,
           (unsigned long long)errors, pct, cpujson);
    return ok > 0 && non101 == 0 && errors == 0 ? 0 : 1;
}
