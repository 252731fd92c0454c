/* connect: opens N idle connections and holds them (answering pings) until released:
 * a line on stdin or its end, SIGINT/SIGTERM, or --hold seconds. Prints one JSON line once
 * every connection has settled, so a caller can measure the server meanwhile, and a second
 * line when released. A line "stats" on stdin prints the pings answered so far at once (a
 * caller reads it at both edges of its own window; the count is cumulative, so nothing is
 * lost between two requests) and keeps holding. */
#include <stdio.h>

#include "loadgen.h"

static lg_opener opener;
static uint64_t closed;
static int holding;

static void on_open(lg_conn *c) { (void)c; lg_opener_done(&opener, 1); }
static void on_reject(lg_conn *c, int s) { (void)c; (void)s; lg_opener_done(&opener, 0); }
static void on_message(lg_conn *c, const uint8_t *p, size_t n, int op) { (void)c; (void)p; (void)n; (void)op; }

static void on_close(lg_conn *c) {
    (void)c;
    if (holding) closed++;
    else { opener.opened--; opener.failed++; }
}

static void print_stats(const char *event, int64_t since) {
    printf("{\"mode\":\"connect\",\"event\":\"%s\",\"seconds\":%.3f,\"open\":%d,\"pings\":%llu,"
           "\"closed_by_server\":%llu}\n",
           event, (double)(lg_now_ns() - since) / 1e9, opener.opened - (int)closed, (unsigned long long)g_pings,
           (unsigned long long)closed);
    fflush(stdout);
}

int mode_connect(void) {
    lg_handlers h = {on_open, on_message, on_reject, on_close};
    lg_init(&h, g_cfg.conns);
    int64_t start = lg_now_ns();
    int open = lg_open_all(&opener, g_cfg.conns, g_cfg.concurrency, 60);
    double secs = (double)(lg_now_ns() - start) / 1e9;
    open = opener.opened;
    holding = 1;
    fprintf(stderr, "loadgen connect: %d of %d open in %.2f s; holding\n", open, g_cfg.conns, secs);
    printf("{\"mode\":\"connect\",\"event\":\"holding\",\"requested\":%d,\"connected\":%d,\"failed\":%d,"
           "\"open_seconds\":%.3f}\n",
           g_cfg.conns, open, opener.failed, secs);
    fflush(stdout);

    lg_watch_stdin();
    int64_t held = lg_now_ns();
    int64_t until = held + (int64_t)(g_cfg.hold * 1e9);
    int64_t now;
    while (!g_stop && !lg_stdin_closed() && (now = lg_now_ns()) < until) {
        int64_t wait = until - now;
        lg_poll(wait < 100000000LL ? wait : 100000000LL);
        for (int n = lg_stdin_take_stats(); n > 0; n--) print_stats("stats", held);
    }
    print_stats("released", held);
    lg_close_all(g_cfg.conns);
    return open == g_cfg.conns ? 0 : 1;
}
