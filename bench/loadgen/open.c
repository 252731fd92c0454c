/* Opens connections with at most `concurrency` handshakes in progress, so the server's listen
 * backlog never overflows (a dropped SYN costs a 1 s retransmit and skews every figure). */
#include <stdio.h>

#include "loadgen.h"

void lg_opener_pump(lg_opener *o, int n, int concurrency) {
    while (o->next < n && o->pending < concurrency) {
        lg_conn *c = lg_conn_at(o->next++);
        if (lg_connect(c) == 0) o->pending++;
        else o->failed++;
    }
}

void lg_opener_done(lg_opener *o, int ok) {
    o->pending--;
    if (ok) o->opened++;
    else o->failed++;
}

/* Returns the number of open connections once all n settled, the timeout passed or a signal came. */
int lg_open_all(lg_opener *o, int n, int concurrency, double timeout_s) {
    int64_t deadline = lg_now_ns() + (int64_t)(timeout_s * 1e9);
    int64_t next_report = lg_now_ns() + 1000000000LL;
    lg_opener_pump(o, n, concurrency);
    lg_flush_all();
    while (o->opened + o->failed < n && !g_stop) {
        int64_t now = lg_now_ns();
        if (now >= deadline) {
            fprintf(stderr, "loadgen: timed out opening connections (%d open, %d failed, %d pending)\n",
                    o->opened, o->failed, o->pending);
            break;
        }
        if (now >= next_report) {
            fprintf(stderr, "loadgen: %d/%d connections open\n", o->opened, n);
            next_report = now + 1000000000LL;
        }
        lg_poll(10000000LL);
        lg_opener_pump(o, n, concurrency);
        lg_flush_all();
    }
    return o->opened;
}

void lg_close_all(int n) {
    for (int i = 0; i < n; i++) {
        lg_conn *c = lg_conn_at(i);
        if (c->fd >= 0) lg_close(c, 1);
    }
}
