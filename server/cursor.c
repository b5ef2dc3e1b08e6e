/* cursor.c - cursor bytes and their base64url form.
 *
 * Layout, big-endian: version (1 byte, 1), revision (8), documents (8),
 * fingerprint (8), position (8), docid (4), key length (1), key (0-16),
 * then a 32-bit FNV-1a checksum of everything before it (4).  Fixed widths
 * keep decoding a matter of bounds checks; a version byte leaves room to
 * change the layout without misreading old cursors. */
#include "cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_VERSION 1
#define FIXED_BYTES (1 + 8 + 8 + 8 + 8 + 4 + 1)
#define MAX_BYTES (FIXED_BYTES + SRV_CURSOR_KEY_MAX + 4)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static uint32_t checksum(const unsigned char *p, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = (v << 8) | p[i];
    return v;
}

char *srv_cursor_encode(const struct srv_cursor *c)
{
    unsigned char raw[MAX_BYTES];
    size_t n = 0;
    char *out = NULL;

    if (c->key_len > SRV_CURSOR_KEY_MAX)
        goto out;
    raw[n++] = CURSOR_VERSION;
    put_be(raw + n, c->revision, 8), n += 8;
    put_be(raw + n, c->documents, 8), n += 8;
    put_be(raw + n, c->fingerprint, 8), n += 8;
    put_be(raw + n, c->position, 8), n += 8;
    put_be(raw + n, c->docid, 4), n += 4;
    raw[n++] = (unsigned char)c->key_len;
    memcpy(raw + n, c->key, c->key_len), n += c->key_len;
    put_be(raw + n, checksum(raw, n), 4), n += 4;

    out = malloc((n + 2) / 3 * 4 + 1);
    if (!out)
        goto out;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= raw[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
out:
    return out;
}

static int b64_value(char ch)
{
    const char *p = ch ? strchr(b64, ch) : NULL;
    return p ? (int)(p - b64) : -1;
}

bool srv_cursor_decode(const char *text, struct srv_cursor *c, char *why, size_t why_len)
{
    unsigned char raw[MAX_BYTES];
    size_t len = strlen(text), n = 0;
    uint32_t acc = 0;
    int bits = 0;

    memset(c, 0, sizeof *c);
    /* The shortest cursor has no key; the longest a full one. */
    if (len < (FIXED_BYTES + 4) * 4 / 3 || len > (MAX_BYTES * 4 + 2) / 3 || len % 4 == 1) {
        snprintf(why, why_len, "not a cursor from this server (wrong length)");
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        int v = b64_value(text[i]);
        if (v < 0) {
            snprintf(why, why_len, "not a cursor from this server (unexpected character)");
            return false;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* Leftover bits of the last character must be zero in canonical form. */
    if (acc != 0 || n < FIXED_BYTES + 4) {
        snprintf(why, why_len, "not a cursor from this server (damaged)");
        return false;
    }
    if (raw[0] != CURSOR_VERSION) {
        snprintf(why, why_len, "made by another version of sitrepd; repeat the search");
        return false;
    }
    size_t key_len = raw[FIXED_BYTES - 1];
    if (key_len > SRV_CURSOR_KEY_MAX || n != FIXED_BYTES + key_len + 4 ||
        get_be(raw + n - 4, 4) != checksum(raw, n - 4)) {
        snprintf(why, why_len, "not a cursor from this server (damaged)");
        return false;
    }
    c->revision = get_be(raw + 1, 8);
    c->documents = get_be(raw + 9, 8);
    c->fingerprint = get_be(raw + 17, 8);
    c->position = get_be(raw + 25, 8);
    c->docid = (uint32_t)get_be(raw + 33, 4);
    c->key_len = key_len;
    memcpy(c->key, raw + FIXED_BYTES, key_len);
    c->key[key_len] = '\0';
    if (c->position == 0 || c->docid == 0) {
        snprintf(why, why_len, "not a cursor from this server (no hit)");
        return false;
    }
    return true;
}
