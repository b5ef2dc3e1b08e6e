/* rawjson.c - the members of a JSON object text, found in place. */
#include "rawjson.h"

#include <string.h>

#include "text.h"

struct scan {
    const char *p, *end;
};

static void skip_space(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Four hex digits of a \u escape, consumed; -1 when they are not. */
static long hex4(struct scan *s)
{
    long v = 0;
    if (s->end - s->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = *s->p++;
        if (!is_hex(c))
            return -1;
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* A string from its opening quote; the bytes were checked as UTF-8 before. */
static bool scan_string(struct scan *s)
{
    bool ok = false;
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p++;
        if (c == '"') {
            ok = true;
            break;
        }
        if (c < 0x20)
            break;
        if (c != '\\')
            continue;
        if (s->p >= s->end)
            break;
        c = (unsigned char)*s->p++;
        if (c == 'u') {
            /* As strict as jansson: no U+0000, surrogates only in pairs. */
            long u = hex4(s);
            if (u >= 0xDC00 && u <= 0xDFFF)
                break;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                    break;
                s->p += 2;
                long low = hex4(s);
                if (low < 0xDC00 || low > 0xDFFF)
                    break;
            } else if (u <= 0) {
                break;
            }
        } else if (c == '\0' || !strchr("\"\\/bfnrt", c)) {
            break;
        }
    }
    return ok;
}

static bool scan_digits(struct scan *s)
{
    const char *start = s->p;
    while (s->p < s->end && is_digit(*s->p))
        s->p++;
    return s->p > start;
}

static bool scan_number(struct scan *s)
{
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (!scan_digits(s))
        return false;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!scan_digits(s))
            return false;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (!scan_digits(s))
            return false;
    }
    return true;
}

static bool scan_word(struct scan *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool scan_value(struct scan *s, int depth);

/* An object or array from its opening bracket, checked and skipped.  For
 * an object, members (when not NULL) gets its first max members and *count
 * their number. */
static bool scan_container(struct scan *s, int depth, char close, struct srv_rawjson_member *members,
                           size_t max, size_t *count)
{
    bool ok = false;
    size_t n = 0;
    if (depth >= SRV_RAWJSON_DEPTH)
        return false;
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        ok = true;
        goto out;
    }
    while (s->p < s->end) {
        struct srv_rawjson_member m = {0};
        if (close == '}') {
            m.key = s->p + 1;
            if (*s->p != '"' || !scan_string(s))
                break;
            m.key_len = (size_t)(s->p - 1 - m.key);
            skip_space(s);
            if (s->p >= s->end || *s->p != ':')
                break;
            s->p++;
            skip_space(s);
        }
        m.value = s->p;
        if (!scan_value(s, depth + 1))
            break;
        m.value_len = (size_t)(s->p - m.value);
        if (members && n < max)
            members[n] = m;
        n++;
        skip_space(s);
        if (s->p >= s->end)
            break;
        if (*s->p == close) {
            s->p++;
            ok = true;
            break;
        }
        if (*s->p != ',')
            break;
        s->p++;
        skip_space(s);
    }
out:
    if (count)
        *count = n;
    return ok;
}

static bool scan_value(struct scan *s, int depth)
{
    if (s->p >= s->end)
        return false;
    switch (*s->p) {
    case '{': return scan_container(s, depth, '}', NULL, 0, NULL);
    case '[': return scan_container(s, depth, ']', NULL, 0, NULL);
    case '"': return scan_string(s);
    case 't': return scan_word(s, "true");
    case 'f': return scan_word(s, "false");
    case 'n': return scan_word(s, "null");
    default: return scan_number(s);
    }
}

int srv_rawjson_members(const char *text, size_t len, struct srv_rawjson_member *out, size_t max)
{
    struct scan s = {text, text + len};
    size_t n = 0;
    int ret = -1;

    if (!sitrep_utf8_valid(text, len, NULL))
        goto out;
    skip_space(&s);
    if (s.p >= s.end || *s.p != '{' || !scan_container(&s, 0, '}', out, max, &n))
        goto out;
    skip_space(&s);
    if (s.p == s.end && n <= (size_t)SRV_RAWJSON_MAX_MEMBERS)
        ret = (int)n;
out:
    return ret;
}

bool srv_rawjson_key_is(const struct srv_rawjson_member *m, const char *name)
{
    return strlen(name) == m->key_len && memcmp(m->key, name, m->key_len) == 0;
}
