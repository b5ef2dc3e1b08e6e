/* reader-html.c - a small tag stripper for saved news pages.
 *
 * Not an HTML parser: it walks the bytes once, drops comments, scripts,
 * styles and page furniture (navigation, header, footer, forms, asides),
 * turns block elements into line and paragraph breaks, decodes character
 * references, and picks metadata out of <meta>, <link>, <html lang> and
 * JSON-LD.  Every scan is bounded by the input length, so unclosed tags,
 * quotes or comments end the document instead of reading past it.
 */
#define SITREP_READER_INTERNAL 1
#include "reader.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define TAG_NAME_MAX 32
#define TAG_ATTRS_MAX 24
/* The charset declaration must come early (HTML says within 1024 bytes;
 * scraped pages are sloppier). */
#define CHARSET_SCAN 16384
/* Nesting depth looked at in JSON-LD. */
#define LD_DEPTH 8

struct span {
    const char *s;
    size_t len;
};

struct attr {
    struct span name, value;
};

struct tag {
    char name[TAG_NAME_MAX]; /* lowercase, truncated */
    bool closing, self_closing;
    struct attr attrs[TAG_ATTRS_MAX];
    size_t n_attrs;
};

/* Text collected with white space collapsed: pending is the strongest break
 * asked for since the last character (1 space, 2 line, 3 paragraph), written
 * only before the next character so nothing leads or trails. */
struct sink {
    struct sitrep_buf b;
    int pending;
};

/* Elements whose content is dropped.  Raw ones hold no markup (their end tag
 * is searched for); the others nest and are counted per name, so one
 * unbalanced tag does not swallow a different element's end. */
static const struct {
    const char *name;
    bool raw;
} dropped[] = {
    {"script", true},  {"style", true},   {"noscript", true}, {"template", true}, {"svg", true},
    {"math", true},    {"iframe", true},  {"textarea", true}, {"object", true},   {"nav", false},
    {"header", false}, {"footer", false}, {"aside", false},   {"form", false},    {"button", false},
    {"select", false}, {"dialog", false},
};
#define N_DROPPED (sizeof dropped / sizeof dropped[0])

/* Block elements and the break they make. */
static const struct {
    const char *name;
    int level;
} blocks[] = {
    {"p", 3},    {"h1", 3},         {"h2", 3},         {"h3", 3},      {"h4", 3},   {"h5", 3},
    {"h6", 3},   {"blockquote", 3}, {"section", 3},    {"article", 3}, {"main", 3}, {"table", 3},
    {"ul", 3},   {"ol", 3},         {"dl", 3},         {"pre", 3},     {"hr", 3},   {"address", 3},
    {"body", 3}, {"figure", 3},     {"div", 2},        {"br", 2},      {"li", 2},   {"tr", 2},
    {"dt", 2},   {"dd", 2},         {"figcaption", 2}, {"caption", 2}, {"td", 1},   {"th", 1},
};

/* Meta tags that carry the publication date, best first. */
static const char *const date_names[] = {
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "DC.date.issued",
    "DC.date",
    "dcterms.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
};
#define N_DATE_NAMES (sizeof date_names / sizeof date_names[0])

/* Named character references: the common ones, then Latin-1 letters. */
static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xA0},     {"ndash", 0x2013},  {"mdash", 0x2014},
    {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bdquo", 0x201E},  {"hellip", 0x2026}, {"laquo", 0xAB},
    {"raquo", 0xBB},   {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"copy", 0xA9},
    {"reg", 0xAE},     {"trade", 0x2122},  {"deg", 0xB0},      {"middot", 0xB7},
    {"bull", 0x2022},  {"prime", 0x2032},  {"Prime", 0x2033},  {"times", 0xD7},
    {"divide", 0xF7},  {"plusmn", 0xB1},   {"frac12", 0xBD},   {"frac14", 0xBC},
    {"frac34", 0xBE},  {"sup2", 0xB2},     {"sup3", 0xB3},     {"micro", 0xB5},
    {"para", 0xB6},    {"sect", 0xA7},     {"cent", 0xA2},     {"pound", 0xA3},
    {"yen", 0xA5},     {"euro", 0x20AC},   {"shy", 0xAD},      {"ensp", 0x2002},
    {"emsp", 0x2003},  {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},
    {"lrm", 0x200E},   {"rlm", 0x200F},    {"iexcl", 0xA1},    {"iquest", 0xBF},
    {"ordf", 0xAA},    {"ordm", 0xBA},     {"acute", 0xB4},    {"cedil", 0xB8},
    {"uml", 0xA8},     {"macr", 0xAF},     {"not", 0xAC},      {"brvbar", 0xA6},
    {"curren", 0xA4},  {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},
    {"scaron", 0x161}, {"Yuml", 0x178},    {"fnof", 0x192},    {"circ", 0x2C6},
    {"tilde", 0x2DC},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"permil", 0x2030},
    {"larr", 0x2190},  {"rarr", 0x2192},   {"uarr", 0x2191},   {"darr", 0x2193},
    {"minus", 0x2212}, {"le", 0x2264},     {"ge", 0x2265},     {"ne", 0x2260},
    {"Agrave", 0xC0},  {"Aacute", 0xC1},   {"Acirc", 0xC2},    {"Atilde", 0xC3},
    {"Auml", 0xC4},    {"Aring", 0xC5},    {"AElig", 0xC6},    {"Ccedil", 0xC7},
    {"Egrave", 0xC8},  {"Eacute", 0xC9},   {"Ecirc", 0xCA},    {"Euml", 0xCB},
    {"Igrave", 0xCC},  {"Iacute", 0xCD},   {"Icirc", 0xCE},    {"Iuml", 0xCF},
    {"ETH", 0xD0},     {"Ntilde", 0xD1},   {"Ograve", 0xD2},   {"Oacute", 0xD3},
    {"Ocirc", 0xD4},   {"Otilde", 0xD5},   {"Ouml", 0xD6},     {"Oslash", 0xD8},
    {"Ugrave", 0xD9},  {"Uacute", 0xDA},   {"Ucirc", 0xDB},    {"Uuml", 0xDC},
    {"Yacute", 0xDD},  {"THORN", 0xDE},    {"szlig", 0xDF},    {"agrave", 0xE0},
    {"aacute", 0xE1},  {"acirc", 0xE2},    {"atilde", 0xE3},   {"auml", 0xE4},
    {"aring", 0xE5},   {"aelig", 0xE6},    {"ccedil", 0xE7},   {"egrave", 0xE8},
    {"eacute", 0xE9},  {"ecirc", 0xEA},    {"euml", 0xEB},     {"igrave", 0xEC},
    {"iacute", 0xED},  {"icirc", 0xEE},    {"iuml", 0xEF},     {"eth", 0xF0},
    {"ntilde", 0xF1},  {"ograve", 0xF2},   {"oacute", 0xF3},   {"ocirc", 0xF4},
    {"otilde", 0xF5},  {"ouml", 0xF6},     {"oslash", 0xF8},   {"ugrave", 0xF9},
    {"uacute", 0xFA},  {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},
    {"thorn", 0xFE},   {"yuml", 0xFF},
};

/* Everything found in one page. */
struct html {
    const char *d;
    size_t len, pos;
    struct sink out, h1;
    int h1_state; /* 0 none yet, 1 inside the first <h1>, 2 done */
    int drop[N_DROPPED];
    int dropping; /* sum of drop[] */
    char *og_title, *ld_title, *tw_title, *title, *published, *og_url, *canonical;
    char *lang, *locale, *site_name, *author;
    size_t published_rank;
    sitrep_status st; /* the first allocation failure */
};

static bool span_is(struct span sp, const char *s)
{
    return sp.len == strlen(s) && strncasecmp(sp.s, s, sp.len) == 0;
}

/* Offset of the first case-insensitive occurrence of needle at or after
 * from, or len. */
static size_t find_ci(const char *d, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle), at = len;

    for (size_t i = from; n <= len && i <= len - n; i++) {
        if (strncasecmp(d + i, needle, n) == 0) {
            at = i;
            break;
        }
    }
    return at;
}

static void sink_init(struct sink *k, size_t max)
{
    sitrep_buf_init(&k->b, max);
    k->pending = 0;
}

static void sink_break(struct sink *k, int level)
{
    if (level > k->pending)
        k->pending = level;
}

static sitrep_status sink_put(struct sink *k, const char *s, size_t n)
{
    static const char *const seps[] = {"", " ", "\n", "\n\n"};
    sitrep_status st = SITREP_OK;

    if (k->pending && k->b.len)
        st = sitrep_buf_append_str(&k->b, seps[k->pending]);
    k->pending = 0;
    if (st == SITREP_OK)
        st = sitrep_buf_append(&k->b, s, n);
    return st;
}

/* Decodes the character reference at s[0] == '&'; returns its length and
 * the code point (0 for ones that write nothing), or 0 when it is not one. */
static size_t decode_entity(const char *s, size_t n, uint32_t *cp)
{
    size_t i = 1, used = 0;

    if (n >= 3 && s[1] == '#') {
        bool hex = s[2] == 'x' || s[2] == 'X';
        uint32_t v = 0;
        size_t digits = 0;
        i = hex ? 3 : 2;
        while (i < n && digits < 8 &&
               (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
            int c = (unsigned char)s[i];
            v = v * (hex ? 16 : 10) + (uint32_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
            i++, digits++;
        }
        if (digits == 0)
            goto out;
        /* Overlong digit runs are consumed and make U+FFFD. */
        while (i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])))
            i++, v = 0x110000;
        if (i < n && s[i] == ';')
            i++;
        if (v >= 0x80 && v < 0xA0)
            v = sitrep_rd_cp1252((unsigned char)v); /* what browsers do */
        else if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        *cp = v;
        used = i;
        goto out;
    }
    while (i < n && i < 12 && isalnum((unsigned char)s[i]))
        i++;
    for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
        size_t len = strlen(entities[e].name);
        if (len != i - 1 || strncmp(s + 1, entities[e].name, len) != 0)
            continue;
        if (i < n && s[i] == ';') {
            used = i + 1;
        } else if (e < 6) {
            /* &amp &lt &gt &quot &apos &nbsp without ';' still occur. */
            used = i;
        } else {
            break;
        }
        *cp = entities[e].cp;
        break;
    }
out:
    return used;
}

static bool invisible(uint32_t cp)
{
    return cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF;
}

/* Appends text with references decoded and white space collapsed. */
static sitrep_status sink_text(struct sink *k, const char *s, size_t n)
{
    sitrep_status st = SITREP_OK;
    size_t i = 0;

    while (i < n && st == SITREP_OK) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7F) {
            sink_break(k, 1);
            i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            sink_break(k, 1); /* a raw no-break space */
            i += 2;
        } else if (c == '&') {
            uint32_t cp = 0;
            size_t used = decode_entity(s + i, n - i, &cp);
            if (!used) {
                st = sink_put(k, "&", 1);
                i++;
                continue;
            }
            i += used;
            if (cp == 0xA0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009 || cp <= ' ') {
                sink_break(k, 1);
            } else if (!invisible(cp)) {
                char u[4];
                st = sink_put(k, u, sitrep_utf8_encode(cp, u));
            }
        } else {
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] > ' ' && s[j] != '&' && s[j] != 0x7F &&
                   !((unsigned char)s[j] == 0xC2 && j + 1 < n && (unsigned char)s[j + 1] == 0xA0))
                j++;
            st = sink_put(k, s + i, j - i);
            i = j;
        }
    }
    return st;
}

/* A decoded, collapsed copy of an attribute value or element text; NULL
 * when it is empty or out of memory (h->st says which). */
static char *decode_dup(struct html *h, struct span sp)
{
    struct sink k;
    char *s = NULL;

    sink_init(&k, sp.len * 4 + 16);
    if (sink_text(&k, sp.s, sp.len) != SITREP_OK) {
        h->st = SITREP_ERR_NOMEM;
        goto out;
    }
    if (k.b.len == 0)
        goto out;
    if (!(s = sitrep_buf_detach(&k.b)))
        h->st = SITREP_ERR_NOMEM;
out:
    sitrep_buf_free(&k.b);
    return s;
}

/* Sets *slot from sp unless it is set already (first one wins). */
static void keep_first(struct html *h, char **slot, struct span sp)
{
    if (!*slot)
        *slot = decode_dup(h, sp);
}

static const struct span *attr_get(const struct tag *t, const char *name)
{
    const struct span *v = NULL;

    for (size_t i = 0; i < t->n_attrs && !v; i++)
        if (span_is(t->attrs[i].name, name))
            v = &t->attrs[i].value;
    return v;
}

/* Parses the tag at d[pos] == '<'; returns the offset after its '>' (len
 * when the tag runs to the end). */
static size_t parse_tag(const char *d, size_t len, size_t pos, struct tag *t)
{
    size_t i = pos + 1, n = 0;

    memset(t, 0, sizeof *t);
    if (i < len && d[i] == '/') {
        t->closing = true;
        i++;
    }
    while (i < len && (isalnum((unsigned char)d[i]) || d[i] == '-' || d[i] == ':' || d[i] == '_')) {
        if (n + 1 < TAG_NAME_MAX)
            t->name[n++] = (char)tolower((unsigned char)d[i]);
        i++;
    }
    t->name[n] = '\0';
    while (i < len) {
        struct attr at;
        size_t start;

        if (isspace((unsigned char)d[i])) {
            i++;
            continue;
        }
        if (d[i] == '>') {
            i++;
            break;
        }
        if (d[i] == '/') {
            t->self_closing = i + 1 < len && d[i + 1] == '>';
            i++;
            continue;
        }
        start = i;
        while (i < len && !isspace((unsigned char)d[i]) && d[i] != '>' && d[i] != '=' &&
               d[i] != '/')
            i++;
        if (i == start) { /* a stray '=' */
            i++;
            continue;
        }
        at.name = (struct span){d + start, i - start};
        at.value = (struct span){d + i, 0};
        while (i < len && isspace((unsigned char)d[i]))
            i++;
        if (i < len && d[i] == '=') {
            i++;
            while (i < len && isspace((unsigned char)d[i]))
                i++;
            if (i < len && (d[i] == '"' || d[i] == '\'')) {
                const char *q = memchr(d + i + 1, d[i], len - i - 1);
                size_t end = q ? (size_t)(q - d) : len;
                at.value = (struct span){d + i + 1, end - i - 1};
                i = q ? end + 1 : len;
            } else {
                start = i;
                while (i < len && !isspace((unsigned char)d[i]) && d[i] != '>')
                    i++;
                at.value = (struct span){d + start, i - start};
            }
        }
        if (t->n_attrs < TAG_ATTRS_MAX)
            t->attrs[t->n_attrs++] = at;
    }
    return i;
}

/* Offset after the end tag of a raw element whose content starts at from;
 * *content_end gets where the content stops. */
static size_t skip_raw(const char *d, size_t len, size_t from, const char *name,
                       size_t *content_end)
{
    char end_tag[TAG_NAME_MAX + 2];
    size_t at, gt;

    snprintf(end_tag, sizeof end_tag, "</%s", name);
    at = find_ci(d, len, from, end_tag);
    *content_end = at;
    gt = at;
    while (gt < len && d[gt] != '>')
        gt++;
    return gt < len ? gt + 1 : len;
}

static void set_published(struct html *h, const char *name, struct span value)
{
    for (size_t r = 0; r < N_DATE_NAMES && r < h->published_rank; r++) {
        if (strcasecmp(name, date_names[r]) == 0) {
            char *s = decode_dup(h, value);
            if (s) {
                free(h->published);
                h->published = s;
                h->published_rank = r;
            }
            break;
        }
    }
}

/* JSON-LD: datePublished, headline and url wherever they sit (top level,
 * arrays, "@graph"), the first found winning. */
static void walk_ld(struct html *h, json_t *v, int depth)
{
    if (depth > LD_DEPTH) {
        /* Deeper than any real page nests its metadata. */
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) walk_ld(h, e, depth + 1);
    } else if (json_is_object(v)) {
        const char *key;
        json_t *e;
        json_object_foreach(v, key, e)
        {
            const char *s = json_string_value(e);
            if (s && strcmp(key, "datePublished") == 0) {
                set_published(h, "datePublished", (struct span){s, strlen(s)});
            } else if (s && strcmp(key, "headline") == 0) {
                keep_first(h, &h->ld_title, (struct span){s, strlen(s)});
            } else if (json_is_array(e) || json_is_object(e)) {
                walk_ld(h, e, depth + 1);
            }
        }
    }
}

static void read_json_ld(struct html *h, const char *s, size_t n)
{
    json_t *root = json_loadb(s, n, JSON_DECODE_ANY, NULL);
    if (root) {
        walk_ld(h, root, 0);
        json_decref(root);
    }
}

static void on_meta(struct html *h, const struct tag *t)
{
    static const char *const key_attrs[] = {"property", "name", "itemprop", "http-equiv"};
    const struct span *content = attr_get(t, "content");

    for (size_t k = 0; content && k < sizeof key_attrs / sizeof key_attrs[0]; k++) {
        const struct span *key = attr_get(t, key_attrs[k]);
        char name[64];
        if (!key || key->len == 0 || key->len >= sizeof name)
            continue;
        memcpy(name, key->s, key->len);
        name[key->len] = '\0';
        if (strcasecmp(name, "og:title") == 0)
            keep_first(h, &h->og_title, *content);
        else if (strcasecmp(name, "twitter:title") == 0)
            keep_first(h, &h->tw_title, *content);
        else if (strcasecmp(name, "og:url") == 0)
            keep_first(h, &h->og_url, *content);
        else if (strcasecmp(name, "og:site_name") == 0)
            keep_first(h, &h->site_name, *content);
        else if (strcasecmp(name, "author") == 0 || strcasecmp(name, "article:author") == 0)
            keep_first(h, &h->author, *content);
        else if (strcasecmp(name, "og:locale") == 0 || strcasecmp(name, "content-language") == 0)
            keep_first(h, &h->locale, *content);
        else
            set_published(h, name, *content);
    }
}

static int find_dropped(const char *name)
{
    int found = -1;

    for (size_t i = 0; i < N_DROPPED && found < 0; i++)
        if (strcmp(name, dropped[i].name) == 0)
            found = (int)i;
    return found;
}

static void block_break(struct html *h, const char *name)
{
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        if (strcmp(name, blocks[i].name) == 0) {
            sink_break(&h->out, blocks[i].level);
            if (h->h1_state == 1)
                sink_break(&h->h1, 1);
            break;
        }
    }
}

/* Acts on one tag; may move h->pos past a raw element's content. */
static void on_tag(struct html *h, const struct tag *t)
{
    int di = find_dropped(t->name);

    if (di >= 0 && dropped[di].raw) {
        size_t content_end, from = h->pos;
        if (t->closing || t->self_closing)
            goto out;
        h->pos = skip_raw(h->d, h->len, from, t->name, &content_end);
        if (strcmp(t->name, "script") == 0) {
            const struct span *type = attr_get(t, "type");
            if (type && span_is(*type, "application/ld+json"))
                read_json_ld(h, h->d + from, content_end - from);
        }
        goto out;
    }
    if (di >= 0) {
        if (t->closing && h->drop[di] > 0) {
            h->drop[di]--;
            h->dropping--;
        } else if (!t->closing && !t->self_closing) {
            h->drop[di]++;
            h->dropping++;
        }
        sink_break(&h->out, 2);
        goto out;
    }
    if (strcmp(t->name, "title") == 0 && !t->closing) {
        size_t content_end, from = h->pos;
        h->pos = skip_raw(h->d, h->len, from, "title", &content_end);
        /* An <svg> <title> is dropped with its svg; the first other wins. */
        keep_first(h, &h->title, (struct span){h->d + from, content_end - from});
        goto out;
    }
    if (strcmp(t->name, "h1") == 0) {
        if (!t->closing && h->h1_state == 0)
            h->h1_state = 1;
        else if (t->closing && h->h1_state == 1)
            h->h1_state = 2;
    }
    if (!t->closing) {
        const struct span *v;
        if (strcmp(t->name, "meta") == 0) {
            on_meta(h, t);
        } else if (strcmp(t->name, "link") == 0) {
            const struct span *rel = attr_get(t, "rel"), *href = attr_get(t, "href");
            if (rel && href && span_is(*rel, "canonical"))
                keep_first(h, &h->canonical, *href);
        } else if (strcmp(t->name, "html") == 0) {
            if ((v = attr_get(t, "lang")) || (v = attr_get(t, "xml:lang")))
                keep_first(h, &h->lang, *v);
        }
        /* <time itemprop="datePublished" datetime=...>, <time pubdate>. */
        if ((v = attr_get(t, "itemprop")) && span_is(*v, "datePublished")) {
            const struct span *d = attr_get(t, "datetime");
            if (!d)
                d = attr_get(t, "content");
            if (d)
                set_published(h, "datePublished", *d);
        } else if (strcmp(t->name, "time") == 0 && attr_get(t, "pubdate") &&
                   (v = attr_get(t, "datetime"))) {
            set_published(h, "pubdate", *v);
        }
    }
    block_break(h, t->name);
out:
    return;
}

static void on_text(struct html *h, const char *s, size_t n)
{
    if (h->h1_state == 1 && sink_text(&h->h1, s, n) != SITREP_OK)
        h->st = SITREP_ERR_NOMEM;
    if (!h->dropping && sink_text(&h->out, s, n) != SITREP_OK)
        h->st = SITREP_ERR_NOMEM;
}

static void walk(struct html *h)
{
    const char *d = h->d;
    size_t len = h->len;

    while (h->pos < len && h->st == SITREP_OK) {
        size_t p = h->pos;
        if (d[p] != '<') {
            const char *lt = memchr(d + p, '<', len - p);
            size_t end = lt ? (size_t)(lt - d) : len;
            on_text(h, d + p, end - p);
            h->pos = end;
        } else if (p + 3 < len && strncmp(d + p, "<!--", 4) == 0) {
            size_t end = find_ci(d, len, p + 4, "-->");
            h->pos = end < len ? end + 3 : len;
        } else if (p + 1 < len && (d[p + 1] == '!' || d[p + 1] == '?')) {
            const char *gt = memchr(d + p, '>', len - p);
            h->pos = gt ? (size_t)(gt - d) + 1 : len;
        } else if (p + 1 < len &&
                   (isalpha((unsigned char)d[p + 1]) ||
                    (d[p + 1] == '/' && p + 2 < len && isalpha((unsigned char)d[p + 2])))) {
            struct tag t;
            h->pos = parse_tag(d, len, p, &t);
            on_tag(h, &t);
        } else {
            on_text(h, d + p, 1); /* a lone '<' is text */
            h->pos = p + 1;
        }
    }
}

/* The charset a page declares (<meta charset>, http-equiv Content-Type, an
 * XML declaration), lowercased into out, or "" when none. */
static void declared_charset(const char *d, size_t len, char *out, size_t out_len)
{
    size_t scan = len < CHARSET_SCAN ? len : CHARSET_SCAN;
    size_t at = find_ci(d, scan, 0, "charset");
    size_t n = 0;

    if (at == scan) {
        at = find_ci(d, scan, 0, "encoding");
        if (at == scan || find_ci(d, at, 0, "<?xml") == at)
            goto out;
        at += strlen("encoding");
    } else {
        at += strlen("charset");
    }
    while (at < scan &&
           (isspace((unsigned char)d[at]) || d[at] == '=' || d[at] == '"' || d[at] == '\''))
        at++;
    while (at < scan && n + 1 < out_len &&
           (isalnum((unsigned char)d[at]) || d[at] == '-' || d[at] == '_'))
        out[n++] = (char)tolower((unsigned char)d[at++]);
out:
    out[n] = '\0';
}

static bool is_single_byte_latin(const char *cs)
{
    static const char *const names[] = {
        "windows-1252", "cp1252",  "x-cp1252", "iso-8859-1",  "iso8859-1", "iso_8859-1",
        "latin1",       "latin-1", "l1",       "iso-8859-15", "us-ascii",  "ascii",
    };
    bool found = false;

    for (size_t i = 0; i < sizeof names / sizeof names[0] && !found; i++)
        found = strcmp(cs, names[i]) == 0;
    return found;
}

static bool has_high_bytes(const char *d, size_t len)
{
    bool high = false;

    for (size_t i = 0; i < len && !high; i++)
        high = (unsigned char)d[i] >= 0x80;
    return high;
}

/* "en-GB" -> "en": letters only, 2 to 8 of them, lowercase. */
static char *primary_subtag(char *tag)
{
    size_t n = 0;

    if (!tag)
        goto out;
    while (isalpha((unsigned char)tag[n]) && n < 8) {
        tag[n] = (char)tolower((unsigned char)tag[n]);
        n++;
    }
    if (n < 2 || (tag[n] && tag[n] != '-' && tag[n] != '_')) {
        free(tag);
        tag = NULL;
        goto out;
    }
    tag[n] = '\0';
out:
    return tag;
}

/* "Headline | Site" -> "Headline" when the site name is known. */
static void strip_site_suffix(char *title, const char *site)
{
    static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: "};
    size_t tl = strlen(title), sl = site ? strlen(site) : 0;

    if (!sl || tl <= sl || strcasecmp(title + tl - sl, site) != 0)
        goto out;
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        size_t pl = strlen(seps[i]);
        if (tl > sl + pl && strncmp(title + tl - sl - pl, seps[i], pl) == 0) {
            title[tl - sl - pl] = '\0';
            break;
        }
    }
out:
    return;
}

static char *take(char **p)
{
    char *s = *p;
    *p = NULL;
    return s;
}

static sitrep_status meta_set(json_t **meta, const char *key, char *value)
{
    sitrep_status st = SITREP_OK;
    json_t *v;

    if (!value)
        goto out;
    /* The value came from a page that may not be UTF-8 at all. */
    v = json_string(value);
    if (!v)
        goto out;
    if ((!*meta && !(*meta = json_object())) || json_object_set_new(*meta, key, v) != 0)
        st = SITREP_ERR_NOMEM;
out:
    return st;
}

sitrep_status sitrep_rd_parse_html(const char *data, size_t len, struct sitrep_article *a,
                                   char *reason, size_t reason_len)
{
    struct html h;
    char charset[32], *utf8 = NULL, *text = NULL, *title;
    sitrep_status st = SITREP_OK;

    memset(&h, 0, sizeof h);
    h.published_rank = N_DATE_NAMES;
    declared_charset(data, len, charset, sizeof charset);
    /* Latin-1 declared: transcode, unless the bytes are UTF-8 with non-ASCII
     * in them (a wrong declaration; cp1252 text is almost never valid
     * UTF-8).  Nothing declared and not UTF-8: cp1252 is the likeliest. */
    if ((is_single_byte_latin(charset) &&
         !(has_high_bytes(data, len) && sitrep_utf8_valid(data, len, NULL))) ||
        (!charset[0] && !sitrep_utf8_valid(data, len, NULL))) {
        size_t ulen = 0;
        if (!(utf8 = sitrep_rd_cp1252_to_utf8(data, len, &ulen))) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        data = utf8;
        len = ulen;
    }
    h.d = data;
    h.len = len;
    /* Decoding only shrinks text except for a few references such as
     * "&#x10000;" (9 bytes -> 4), so 4 * len bounds it. */
    sink_init(&h.out, len * 4 + 16);
    sink_init(&h.h1, len * 4 + 16);
    walk(&h);
    if (h.st != SITREP_OK) {
        st = h.st;
        goto out;
    }
    if (h.title)
        strip_site_suffix(h.title, h.site_name);
    title = h.og_title   ? take(&h.og_title)
            : h.ld_title ? take(&h.ld_title)
            : h.tw_title ? take(&h.tw_title)
            : h.title    ? take(&h.title)
            : h.h1.b.len ? sitrep_buf_detach(&h.h1.b)
                         : NULL;
    if (!title && h.out.b.len == 0) {
        snprintf(reason, reason_len, "no text in HTML file");
        st = SITREP_ERR_INVALID;
        goto out;
    }
    if (!(text = sitrep_buf_detach(&h.out.b))) {
        free(title);
        st = SITREP_ERR_NOMEM;
        goto out;
    }
    free(a->title);
    a->title = title;
    free(a->text);
    a->text = text;
    a->text_len = strlen(text);
    if (h.published) {
        free(a->published);
        a->published = take(&h.published);
    }
    if (h.og_url || h.canonical) {
        free(a->url);
        a->url = h.og_url ? take(&h.og_url) : take(&h.canonical);
    }
    if (!h.lang)
        h.lang = take(&h.locale);
    if ((h.lang = primary_subtag(h.lang))) {
        free(a->lang);
        a->lang = take(&h.lang);
    }
    st = meta_set(&a->meta, "site_name", h.site_name);
    if (st == SITREP_OK)
        st = meta_set(&a->meta, "author", h.author);
out:
    if (st == SITREP_ERR_NOMEM)
        snprintf(reason, reason_len, "out of memory");
    sitrep_buf_free(&h.out.b);
    sitrep_buf_free(&h.h1.b);
    free(h.og_title);
    free(h.ld_title);
    free(h.tw_title);
    free(h.title);
    free(h.published);
    free(h.og_url);
    free(h.canonical);
    free(h.lang);
    free(h.locale);
    free(h.site_name);
    free(h.author);
    free(utf8);
    return st;
}
