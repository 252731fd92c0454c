/* Kindling WebSocket load generator: shared types and the connection layer API.
 * Single-threaded, epoll (level-triggered), non-blocking sockets, masked client frames. */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <stddef.h>
#include <stdint.h>

#define LG_MAX_HEADERS 16

/* events: Kindling events() requests {"type":"echo","id":N,"data":"<payload>"}, answered with
 * {"id":N,"data":"<payload>"} in order (echo mode only) */
enum lg_proto { LG_PROTO_WS = 0, LG_PROTO_SOCKETIO = 1, LG_PROTO_EVENTS = 2 };

typedef struct {
    const char *mode;
    const char *host;
    int port;
    const char *path;
    const char *headers[LG_MAX_HEADERS]; /* extra request headers, "Name: value" */
    int nheaders;
    int proto;
    int conns;          /* connections (echo, latency, connect) */
    int inflight;       /* messages in flight per connection (echo) */
    int payload;        /* payload bytes of each application message */
    int binary;         /* send binary frames instead of text */
    double duration;    /* measured seconds */
    double warmup;      /* seconds before measuring */
    double rate;        /* messages per second (latency) */
    int concurrency;    /* parallel handshakes (connect, upgrade) */
    double hold;        /* connect: longest hold in seconds */
    int verify;         /* compare echoed payloads with what was sent */
    int server_pid;     /* if set, its CPU time over the window is reported */
    const char *pub_path; /* broadcast: the publisher's path */
    int batched_replies;  /* echo: a reply frame may hold several echoes back to back */
} lg_config;

enum lg_state {
    LG_FREE = 0,
    LG_CONNECTING,   /* TCP connect in progress */
    LG_HANDSHAKE,    /* request sent, waiting for the 101 */
    LG_SIO_OPEN,     /* socket.io: waiting for the engine.io open packet */
    LG_SIO_CONNECT,  /* socket.io: waiting for the namespace connect ack */
    LG_OPEN,
    LG_CLOSED
};

typedef struct lg_conn {
    int fd;
    int state;
    int idx;
    uint32_t gen;       /* bumped on every connect: callbacks may recycle the slot */
    uint8_t *rbuf;      /* unparsed bytes kept between reads */
    size_t rlen, rcap;
    uint8_t *wbuf;      /* bytes not yet written */
    size_t wlen, woff, wcap;
    uint8_t *frag;      /* fragmented message being assembled */
    size_t fraglen, fragcap;
    int fragop;
    int want_out;       /* EPOLLOUT registered */
    int dirty;          /* on the pending-flush list */
    char key[25];       /* Sec-WebSocket-Key */
    const char *path;   /* request path; NULL: g_cfg.path */
    int64_t inflight;
    uint64_t sent, received;
    void *user;
} lg_conn;

typedef struct {
    void (*on_open)(lg_conn *c);
    void (*on_message)(lg_conn *c, const uint8_t *p, size_t n, int opcode);
    void (*on_reject)(lg_conn *c, int status);  /* status 0: connect/protocol error */
    void (*on_close)(lg_conn *c);               /* closed by the peer or an error */
} lg_handlers;

extern lg_config g_cfg;

/* time */
int64_t lg_now_ns(void);

/* connection layer (net.c) */
void lg_init(const lg_handlers *h, int nconns);
lg_conn *lg_conn_at(int i);
int lg_connect(lg_conn *c);            /* -1 on immediate failure */
void lg_close(lg_conn *c, int hard);   /* hard: RST (SO_LINGER 0), no TIME_WAIT */
void lg_queue(lg_conn *c, const void *data, size_t n);
void lg_queue_frame(lg_conn *c, int opcode, const void *payload, size_t n);
void lg_flush_all(void);
int lg_poll(int64_t timeout_ns);       /* one epoll round; returns events handled or -1 on EINTR */
void lg_watch_stdin(void);
int lg_stdin_closed(void);             /* EOF, or a line other than "stats" */
int lg_stdin_take_stats(void);         /* "stats" lines read since the last call */
extern volatile int g_stop;            /* set by SIGINT/SIGTERM */
extern uint64_t g_pings;               /* pings received (and answered) on every connection */

/* frames (frame.c) */
size_t lg_frame_header(uint8_t *out, int opcode, size_t n, const uint8_t mask[4]);
size_t lg_encode_frame(uint8_t *out, int opcode, const void *payload, size_t n);
void lg_random_mask(uint8_t mask[4]);
uint64_t lg_rand64(void);

/* handshake helpers (handshake.c) */
void lg_make_key(char out[25]);
void lg_accept_for(const char *key, char out[29]);
size_t lg_build_request(char *out, size_t cap, const char *path, const char *key);
long lg_parse_response(const uint8_t *data, size_t len, const char *key, int *status);

/* opening many connections with bounded parallel handshakes (open.c) */
typedef struct {
    int next, pending, opened, failed;
} lg_opener;
void lg_opener_pump(lg_opener *o, int n, int concurrency);
void lg_opener_done(lg_opener *o, int ok);
int lg_open_all(lg_opener *o, int n, int concurrency, double timeout_s);
void lg_close_all(int n);

/* CPU accounting over the measured window (cpu.c) */
typedef struct {
    int64_t t;
    double self, server, machine;
} lg_cpu_window;
void lg_cpu_begin(lg_cpu_window *w);
void lg_cpu_end_json(const lg_cpu_window *w, char *out, size_t cap);

/* statistics (stats.c) */
void lg_percentiles_json(int64_t *samples, size_t n, char *out, size_t cap);

/* modes */
int mode_echo(void);
int mode_latency(void);
int mode_connect(void);
int mode_upgrade(void);
int mode_broadcast(void);

#endif
