/* CPU time of the load generator itself and of the server under test (--server-pid), sampled
 * at the edges of the measured window, so a report can tell which side was saturated. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "loadgen.h"

double lg_self_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* utime + stime of every thread of the process, in seconds; -1 if unknown. */
double lg_server_cpu(void) {
    if (g_cfg.server_pid <= 0) return -1;
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", g_cfg.server_pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may contain spaces */
    unsigned long long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Busy seconds of the whole machine (all cores, everything but idle and iowait). */
static double machine_busy(void) {
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    unsigned long long v[8] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6], &v[7]);
    fclose(f);
    if (n < 8) return -1;
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

void lg_cpu_begin(lg_cpu_window *w) {
    w->t = lg_now_ns();
    w->self = lg_self_cpu();
    w->server = lg_server_cpu();
    w->machine = machine_busy();
}

/* Appends ,"loadgen_cpu":x,"server_cpu":y,"machine_busy":z in cores (machine_busy counts every
 * core, so machine_busy - loadgen - server is what the kernel and other processes used). */
void lg_cpu_end_json(const lg_cpu_window *w, char *out, size_t cap) {
    double secs = (double)(lg_now_ns() - w->t) / 1e9;
    double self = (lg_self_cpu() - w->self) / secs;
    double server = lg_server_cpu(), busy = machine_busy();
    int n = snprintf(out, cap, ",\"loadgen_cpu\":%.3f", self);
    if (server >= 0 && w->server >= 0 && n > 0 && (size_t)n < cap)
        n += snprintf(out + n, cap - (size_t)n, ",\"server_cpu\":%.3f", (server - w->server) / secs);
    if (busy >= 0 && w->machine >= 0 && n > 0 && (size_t)n < cap)
        snprintf(out + n, cap - (size_t)n, ",\"machine_busy\":%.3f", (busy - w->machine) / secs);
}
