/* Client frame encoding (RFC 6455 §5.2): every client frame is masked. */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "loadgen.h"

static uint64_t rng_state;

uint64_t lg_rand64(void) {
    if (rng_state == 0) {
        if (getrandom(&rng_state, sizeof rng_state, 0) != sizeof rng_state)
            rng_state = (uint64_t)lg_now_ns() ^ 0x9e3779b97f4a7c15ULL;
        rng_state |= 1;
    }
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void lg_random_mask(uint8_t mask[4]) {
    uint64_t r = lg_rand64();
    memcpy(mask, &r, 4);
}

int64_t lg_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Writes a frame header with FIN set and the given mask key; returns its length (6, 8 or 14). */
size_t lg_frame_header(uint8_t *out, int opcode, size_t n, const uint8_t mask[4]) {
    size_t h = 0;
    out[h++] = (uint8_t)(0x80 | (opcode & 0x0f));
    if (n < 126) {
        out[h++] = (uint8_t)(0x80 | n);
    } else if (n <= 0xffff) {
        out[h++] = 0x80 | 126;
        out[h++] = (uint8_t)(n >> 8);
        out[h++] = (uint8_t)n;
    } else {
        out[h++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--) out[h++] = (uint8_t)((uint64_t)n >> (8 * i));
    }
    memcpy(out + h, mask, 4);
    return h + 4;
}

/* Encodes a complete masked frame with a fresh mask key; out needs n + 14 bytes. */
size_t lg_encode_frame(uint8_t *out, int opcode, const void *payload, size_t n) {
    uint8_t mask[4];
    lg_random_mask(mask);
    size_t h = lg_frame_header(out, opcode, n, mask);
    const uint8_t *p = payload;
    uint8_t *o = out + h;
    for (size_t i = 0; i < n; i++) o[i] = p[i] ^ mask[i & 3];
    return h + n;
}
