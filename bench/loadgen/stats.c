/* Exact percentiles over all recorded samples (nanoseconds in, microseconds out). */
#include <stdio.h>
#include <stdlib.h>

#include "loadgen.h"

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double at(const int64_t *s, size_t n, double q) {
    if (n == 0) return 0;
    size_t i = (size_t)(q * (double)n);
    if (i >= n) i = n - 1;
    return (double)s[i] / 1000.0;
}

void lg_percentiles_json(int64_t *s, size_t n, char *out, size_t cap) {
    qsort(s, n, sizeof *s, cmp_i64);
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)s[i];
    snprintf(out, cap,
             "\"samples\":%zu,\"mean_us\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
             "\"p999_us\":%.1f,\"max_us\":%.1f",
             n, n ? sum / (double)n / 1000.0 : 0.0, at(s, n, 0.50), at(s, n, 0.90), at(s, n, 0.99),
             at(s, n, 0.999), n ? (double)s[n - 1] / 1000.0 : 0.0);
}
