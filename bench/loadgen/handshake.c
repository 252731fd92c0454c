/* Opening handshake (RFC 6455 §4): request, Sec-WebSocket-Key and the expected Accept value. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "loadgen.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t base64(const uint8_t *in, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = B64[(v >> 18) & 63];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? B64[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_block(uint32_t h[5], const uint8_t *b) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (bb & c) | (~bb & d); k = 0x5A827999; }
        else if (i < 40) { f = bb ^ c ^ d; k = 0x6ED9EBA1; }
        else if (i < 60) { f = (bb & c) | (bb & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = bb ^ c ^ d; k = 0xCA62C1D6; }
        uint32_t t = ROL(a, 5) + f + e + k + w[i];
        e = d; d = c; c = ROL(bb, 30); bb = a; a = t;
    }
    h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1(const uint8_t *msg, size_t n, uint8_t out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    uint8_t block[64];
    size_t i = 0;
    for (; i + 64 <= n; i += 64) sha1_block(h, msg + i);
    size_t rest = n - i;
    memset(block, 0, 64);
    memcpy(block, msg + i, rest);
    block[rest] = 0x80;
    if (rest >= 56) {
        sha1_block(h, block);
        memset(block, 0, 64);
    }
    uint64_t bits = (uint64_t)n * 8;
    for (int j = 0; j < 8; j++) block[63 - j] = (uint8_t)(bits >> (8 * j));
    sha1_block(h, block);
    for (int j = 0; j < 5; j++) {
        out[4 * j] = (uint8_t)(h[j] >> 24);
        out[4 * j + 1] = (uint8_t)(h[j] >> 16);
        out[4 * j + 2] = (uint8_t)(h[j] >> 8);
        out[4 * j + 3] = (uint8_t)h[j];
    }
}

void lg_make_key(char out[25]) {
    uint8_t raw[16];
    uint64_t a = lg_rand64(), b = lg_rand64();
    memcpy(raw, &a, 8);
    memcpy(raw + 8, &b, 8);
    base64(raw, 16, out);
}

void lg_accept_for(const char *key, char out[29]) {
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    uint8_t digest[20];
    sha1((const uint8_t *)buf, (size_t)n, digest);
    base64(digest, 20, out);
}

size_t lg_build_request(char *out, size_t cap, const char *path, const char *key) {
    int n = snprintf(out, cap,
                     "GET %s HTTP/1.1\r\n"
                     "Host: %s:%d\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n",
                     path, g_cfg.host, g_cfg.port, key);
    for (int i = 0; i < g_cfg.nheaders && n > 0 && (size_t)n < cap; i++)
        n += snprintf(out + n, cap - (size_t)n, "%s\r\n", g_cfg.headers[i]);
    if (n > 0 && (size_t)n < cap) n += snprintf(out + n, cap - (size_t)n, "\r\n");
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

#define MAX_HEADER_BYTES 16384

/* Parses an HTTP response head. Returns its length once complete and a valid 101 with the right
 * Sec-WebSocket-Accept; 0 while incomplete; -1 otherwise, with the status (0 if unreadable). */
long lg_parse_response(const uint8_t *data, size_t len, const char *key, int *status) {
    const uint8_t *end = memmem(data, len, "\r\n\r\n", 4);
    *status = 0;
    if (!end) return len > MAX_HEADER_BYTES ? -1 : 0;
    if (len < 12 || memcmp(data, "HTTP/1.", 7) != 0 || sscanf((const char *)data + 9, "%3d", status) != 1) {
        *status = 0;
        return -1;
    }
    if (*status != 101) return -1;
    char expect[29];
    lg_accept_for(key, expect);
    int ok = 0;
    for (const uint8_t *line = data; line < end;) {
        const uint8_t *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
        if (!eol) break;
        if (eol - line > 21 && strncasecmp((const char *)line, "sec-websocket-accept:", 21) == 0) {
            const uint8_t *v = line + 21;
            while (v < eol && *v == ' ') v++;
            ok = eol - v >= 28 && memcmp(v, expect, 28) == 0;
        }
        line = eol + 2;
    }
    return ok ? (long)(end - data) + 4 : -1;
}
