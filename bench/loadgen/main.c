/* loadgen MODE [options]: a single-threaded WebSocket load generator. See usage(). */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "loadgen.h"

lg_config g_cfg;

static void usage(FILE *f) {
    fprintf(f,
            "usage: loadgen MODE --port N [options]\n"
            "modes:\n"
            "  echo     N connections x K in flight, counts echoes/s    (defaults -c 100 -k 16 -s 32)\n"
            "  latency  fixed rate R msgs/s over N connections, reports percentiles (-r 20000 -c 100)\n"
            "  connect  opens N idle connections, holds them until stdin gets a line or closes,\n"
            "           SIGINT/SIGTERM, or --hold seconds pass                  (-c 10000 --hold 60)\n"
            "           a line \"stats\" instead prints the pings answered so far, and holds on\n"
            "  upgrade  handshake, close, repeat with C concurrent; counts 101s (--concurrency 50)\n"
            "  broadcast  N subscribers on --path, one publisher on --pub-path keeping K messages\n"
            "           in flight (as seen by the first subscriber); counts deliveries/s (-c 10000 -k 4)\n"
            "options:\n"
            "  --host IPV4        server address (default 127.0.0.1; loopback only)\n"
            "  -p, --port N       server port (required)\n"
            "  --path P           request path and query (default /)\n"
            "  -H, --header 'N: V' extra request header, repeatable (max %d)\n"
            "  --proto ws|socketio|events  socket.io speaks engine.io v4 packets over the WebSocket;\n"
            "                     events (echo only) sends Kindling events() requests\n"
            "                     {\"type\":\"echo\",\"id\":N,\"data\":PAYLOAD} and expects the replies\n"
            "                     {\"id\":N,\"data\":PAYLOAD} in order (-k 64 at most)\n"
            "  -c, --conns N      connections\n"
            "  -k, --inflight K   messages in flight per connection (echo)\n"
            "  -s, --payload B    payload bytes (text unless --binary)\n"
            "  --binary           send binary frames\n"
            "  -d, --duration S   measured seconds (default 5)\n"
            "  -w, --warmup S     seconds before measuring (default 2 for echo, 1 otherwise)\n"
            "  -r, --rate R       messages per second (latency)\n"
            "  --concurrency C    parallel handshakes (connect: 200, upgrade: 50)\n"
            "  --hold S           connect: longest hold (default 60)\n"
            "  --no-verify        do not compare echoed payloads\n"
            "  --server-pid PID   also report the server's CPU use over the measured window\n"
            "  --pub-path P       broadcast: the publisher's path (default /pub)\n"
            "  --batched-replies  echo: a reply frame may carry several echoes back to back (its\n"
            "                     length a multiple of the message's, every chunk the message)\n"
            "Prints one JSON line with the results on stdout; progress goes to stderr.\n",
            LG_MAX_HEADERS);
}

static void on_signal(int sig) {
    (void)sig;
    g_stop = 1;
}

static void raise_nofile(int need) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    rlim_t want = rl.rlim_max;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if ((rlim_t)need + 64 > rl.rlim_cur)
        fprintf(stderr, "loadgen: warning: open-file limit %llu is below %d connections\n",
                (unsigned long long)rl.rlim_cur, need);
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    g_cfg = (lg_config){.mode = argv[1], .host = "127.0.0.1", .port = 0, .path = NULL,
                        .conns = -1, .inflight = -1, .payload = 32, .duration = 5, .warmup = -1,
                        .rate = 20000, .concurrency = -1, .hold = 60, .verify = 1};
    static const struct option opts[] = {
        {"host", required_argument, 0, 1},       {"port", required_argument, 0, 'p'},
        {"path", required_argument, 0, 2},       {"header", required_argument, 0, 'H'},
        {"proto", required_argument, 0, 3},      {"conns", required_argument, 0, 'c'},
        {"inflight", required_argument, 0, 'k'}, {"payload", required_argument, 0, 's'},
        {"binary", no_argument, 0, 4},           {"duration", required_argument, 0, 'd'},
        {"warmup", required_argument, 0, 'w'},   {"rate", required_argument, 0, 'r'},
        {"concurrency", required_argument, 0, 5}, {"hold", required_argument, 0, 6},
        {"no-verify", no_argument, 0, 7},        {"server-pid", required_argument, 0, 8}, {"pub-path", required_argument, 0, 9},
        {"batched-replies", no_argument, 0, 10},  {0, 0, 0, 0}};
    optind = 2;
    int o;
    while ((o = getopt_long(argc, argv, "p:H:c:k:s:d:w:r:", opts, NULL)) != -1) {
        switch (o) {
        case 1: g_cfg.host = optarg; break;
        case 'p': g_cfg.port = atoi(optarg); break;
        case 2: g_cfg.path = optarg; break;
        case 'H':
            if (g_cfg.nheaders == LG_MAX_HEADERS) { fprintf(stderr, "loadgen: too many headers\n"); return 2; }
            g_cfg.headers[g_cfg.nheaders++] = optarg;
            break;
        case 3:
            if (strcmp(optarg, "socketio") == 0) g_cfg.proto = LG_PROTO_SOCKETIO;
            else if (strcmp(optarg, "events") == 0) g_cfg.proto = LG_PROTO_EVENTS;
            else if (strcmp(optarg, "ws") != 0) { fprintf(stderr, "loadgen: unknown --proto %s\n", optarg); return 2; }
            break;
        case 'c': g_cfg.conns = atoi(optarg); break;
        case 'k': g_cfg.inflight = atoi(optarg); break;
        case 's': g_cfg.payload = atoi(optarg); break;
        case 4: g_cfg.binary = 1; break;
        case 'd': g_cfg.duration = atof(optarg); break;
        case 'w': g_cfg.warmup = atof(optarg); break;
        case 'r': g_cfg.rate = atof(optarg); break;
        case 5: g_cfg.concurrency = atoi(optarg); break;
        case 6: g_cfg.hold = atof(optarg); break;
        case 7: g_cfg.verify = 0; break;
        case 8: g_cfg.server_pid = atoi(optarg); break;
        case 9: g_cfg.pub_path = optarg; break;
        case 10: g_cfg.batched_replies = 1; break;
        default: usage(stderr); return 2;
        }
    }
    if (g_cfg.port <= 0 || g_cfg.port > 65535) { fprintf(stderr, "loadgen: --port is required\n"); return 2; }
    if (strncmp(g_cfg.host, "127.", 4) != 0) {
        fprintf(stderr, "loadgen: refusing non-loopback host %s\n", g_cfg.host);
        return 2;
    }
    if (!g_cfg.path)
        g_cfg.path = g_cfg.proto == LG_PROTO_SOCKETIO ? "/socket.io/?EIO=4&transport=websocket" : "/";
    int is_connect = strcmp(g_cfg.mode, "connect") == 0;
    int is_broadcast = strcmp(g_cfg.mode, "broadcast") == 0;
    if (!g_cfg.pub_path) g_cfg.pub_path = "/pub";
    if (g_cfg.conns < 0) g_cfg.conns = is_connect || is_broadcast ? 10000 : 100;
    if (g_cfg.inflight < 0) g_cfg.inflight = is_broadcast ? 4 : 16;
    if (g_cfg.concurrency < 0) g_cfg.concurrency = is_connect ? 200 : 50;
    if (g_cfg.warmup < 0) g_cfg.warmup = strcmp(g_cfg.mode, "echo") == 0 ? 2 : 1;
    if (g_cfg.conns < 1 || g_cfg.inflight < 1 || g_cfg.payload < 0 || g_cfg.duration <= 0 ||
        g_cfg.concurrency < 1 || g_cfg.rate <= 0) {
        fprintf(stderr, "loadgen: invalid option value\n");
        return 2;
    }
    /* a socket.io packet cannot be split by length, and an empty message has no chunks */
    if (g_cfg.batched_replies && (g_cfg.proto != LG_PROTO_WS || g_cfg.payload < 1)) {
        fprintf(stderr, "loadgen: --batched-replies needs --proto ws and -s 1 or more\n");
        return 2;
    }
    /* each request in flight on a connection needs an id of its own (see mode-echo.c) */
    if (g_cfg.proto == LG_PROTO_EVENTS && (strcmp(g_cfg.mode, "echo") != 0 || g_cfg.inflight > 64 || g_cfg.binary)) {
        fprintf(stderr, "loadgen: --proto events works in echo mode, with text frames and -k 64 or fewer\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    raise_nofile(g_cfg.conns + g_cfg.concurrency + 1);

    if (strcmp(g_cfg.mode, "echo") == 0) return mode_echo();
    if (strcmp(g_cfg.mode, "latency") == 0) return mode_latency();
    if (is_connect) return mode_connect();
    if (strcmp(g_cfg.mode, "upgrade") == 0) return mode_upgrade();
    if (is_broadcast) return mode_broadcast();
    fprintf(stderr, "loadgen: unknown mode %s\n", g_cfg.mode);
    usage(stderr);
    return 2;
}
