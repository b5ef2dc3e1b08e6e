/* config.c - the table-driven YAML configuration loader.
 *
 * One row of config_rows[] per key gives its dotted name, its type, where the
 * value lives in struct sitrep_config, its bounds and its default.  The same
 * table fills the defaults, loads the file, copies and frees the struct, so a
 * new key is one row here, one field in config.h and one stanza in
 * sitrep.yaml.  (The shape follows redis config.c, static_configs[].)
 *
 * The file is read with libyaml's document API rather than its event API:
 * the whole (small) file becomes a node tree first, so every error can point
 * at a node's mark, and duplicate keys, which libyaml accepts, can be caught
 * by looking back along the same mapping.
 *
 * Loading works on a copy of the caller's struct and swaps it in only when
 * the whole file was good, so a bad file never leaves a half-applied
 * configuration behind.
 */
/* glibc declares realpath() only for X/Open, although POSIX.1-2008 moved it
 * into the base; this asks for the same POSIX issue under its X/Open name. */
#define _XOPEN_SOURCE 700

#include "config.h"

#include "sitrep-build.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

/* An API key is sent in an Authorization header; these bounds keep guessing
 * hopeless at the low end and the constant-time lookup cheap at the top. */
#define API_KEY_MIN_LEN 16
#define API_KEY_MAX_LEN 512

/* Room for a dotted name such as "api_keys[12].scopes" in messages. */
#define LABEL_MAX 128

/* How much of a bad value a message quotes. */
#define QUOTE_MAX 64

enum config_type {
    CONFIG_STRING,      /* char *, non-empty text */
    CONFIG_PATH,        /* char *, relative values resolve against the file's directory */
    CONFIG_PATH_OPT,    /* a CONFIG_PATH that may be "", meaning none */
    CONFIG_UINT,        /* unsigned, decimal digits, within [min, max] */
    CONFIG_SIZE,        /* size_t, bytes or a number with a KiB/MiB/GiB suffix, in [min, max] */
    CONFIG_BOOL,        /* bool: true/false, yes/no, on/off */
    CONFIG_LISTEN,      /* "HOST:PORT": char * host at offset, unsigned port at aux_offset */
    CONFIG_STRING_LIST, /* char ** at offset, size_t count at aux_offset, at most max items */
    CONFIG_API_KEYS,    /* struct sitrep_api_key * at offset, count at aux_offset, at most max */
};

struct config_row {
    const char *name; /* dotted: section.key */
    enum config_type type;
    size_t offset;          /* the field in struct sitrep_config */
    size_t aux_offset;      /* listen: the port field; lists: the count field */
    unsigned long long min; /* numbers: the bounds; lists: max is the item limit */
    unsigned long long max;
    unsigned long long def_num; /* default for numbers and bools */
    const char *def_str;        /* default for strings, paths and listen */
};

/* The macros and the table read best as aligned rows. */
/* clang-format off */

/* offsetof that refuses to compile when the field does not have the type the
 * row's kind writes through, so a row cannot scribble over the wrong field. */
#define FIELD(f, type) \
    _Generic(((struct sitrep_config *)0)->f, type: offsetof(struct sitrep_config, f))

#define ROW_PATH(n, f, def) \
    {.name = n, .type = CONFIG_PATH, .offset = FIELD(f, char *), .def_str = def}
#define ROW_PATH_OPT(n, f, def) \
    {.name = n, .type = CONFIG_PATH_OPT, .offset = FIELD(f, char *), .def_str = def}
#define ROW_UINT(n, f, lo, hi, def) \
    {.name = n, .type = CONFIG_UINT, .offset = FIELD(f, unsigned), \
     .min = lo, .max = hi, .def_num = def}
#define ROW_SIZE(n, f, lo, hi, def) \
    {.name = n, .type = CONFIG_SIZE, .offset = FIELD(f, size_t), \
     .min = lo, .max = hi, .def_num = def}
#define ROW_BOOL(n, f, def) \
    {.name = n, .type = CONFIG_BOOL, .offset = FIELD(f, bool), .max = 1, .def_num = def}
#define ROW_LISTEN(n, host, port, def) \
    {.name = n, .type = CONFIG_LISTEN, .offset = FIELD(host, char *), \
     .aux_offset = FIELD(port, unsigned), .max = 65535, .def_str = def}
#define ROW_LIST(n, f, count, most) \
    {.name = n, .type = CONFIG_STRING_LIST, .offset = FIELD(f, char **), \
     .aux_offset = FIELD(count, size_t), .max = most}
#define ROW_KEYS(n, f, count, most) \
    {.name = n, .type = CONFIG_API_KEYS, .offset = FIELD(f, struct sitrep_api_key *), \
     .aux_offset = FIELD(count, size_t), .max = most}

/* Every key sitrep understands.  config/sitrep.yaml documents each one with
 * the same default and bounds; keep the two in step. */
static const struct config_row config_rows[] = {
    ROW_PATH("index.path", index_path, "var/index"),
    ROW_PATH("index.gazetteer", gazetteer_path, SITREP_DEFAULT_GAZETTEER),
    ROW_PATH_OPT("index.gazetteer_supplement", gazetteer_supplement_path,
                 SITREP_DEFAULT_GAZETTEER_SUPPLEMENT),
    ROW_UINT("index.shards", shards, 1, 64, 1),

    ROW_LISTEN("server.listen", listen_host, listen_port, "127.0.0.1:8080"),
    ROW_UINT("server.threads", threads, 0, 1024, 0),
    ROW_BOOL("server.search_requires_key", search_requires_key, false),
    ROW_LIST("server.cors_origins", cors_origins, n_cors_origins, 64),
    ROW_SIZE("server.cache_bytes", cache_bytes, 0, 64 * GIB, 32 * MIB),

    ROW_SIZE("limits.body_bytes", max_body_bytes, 1 * KIB, 1 * GIB, 10 * MIB),
    ROW_SIZE("limits.query_bytes", max_query_bytes, 64, 1 * MIB, 8 * KIB),
    ROW_UINT("limits.page_size", max_page_size, 1, 1000, 250),
    ROW_UINT("limits.max_window", max_window, 1, 1000000, 10000),
    ROW_UINT("limits.connections", max_connections, 1, 65536, 256),
    ROW_UINT("limits.connections_per_ip", max_connections_per_ip, 1, 65536, 64),
    ROW_UINT("limits.timeout_seconds", timeout_seconds, 1, 3600, 30),
    ROW_SIZE("limits.header_bytes", connection_memory_bytes, 4 * KIB, 16 * MIB, 128 * KIB),
    ROW_UINT("limits.rate_per_second", rate_per_second, 0, 1000000, 100),
    ROW_UINT("limits.rate_burst", rate_burst, 1, 1000000, 400),

    ROW_UINT("indexer.batch_size", batch_size, 1, 1000000, 250),
    ROW_SIZE("indexer.max_record_bytes", max_record_bytes, 1 * KIB, 1 * GIB, 8 * MIB),

    ROW_KEYS("api_keys", api_keys, n_api_keys, 1000),
};

/* clang-format on */

#define N_ROWS (sizeof config_rows / sizeof config_rows[0])

static const struct {
    const char *name;
    unsigned bit;
} scope_names[] = {
    {"search", SITREP_SCOPE_SEARCH},
    {"ingest", SITREP_SCOPE_INGEST},
    {"admin", SITREP_SCOPE_ADMIN},
};

/* Binary multiples only: a limit written "8M" means 8 MiB, as in nginx. */
static const struct {
    const char *suffix;
    unsigned long long factor;
} size_suffixes[] = {
    {"", 1},    {"k", KIB},   {"K", KIB}, {"KiB", KIB},
    {"M", MIB}, {"MiB", MIB}, {"G", GIB}, {"GiB", GIB},
};

/* Everything one load needs; lives on sitrep_config_load's stack. */
struct load_ctx {
    const char *path;          /* the file, as the caller named it */
    char *base_dir;            /* owned: the file's directory, absolute and symlink-free */
    yaml_document_t *doc;      /* borrowed */
    struct sitrep_config *cfg; /* borrowed: the working copy being filled */
    char *err;                 /* borrowed: the caller's message buffer */
    size_t err_len;
};

static void *field_at(struct sitrep_config *cfg, size_t offset)
{
    return (char *)cfg + offset;
}

/* Overwrites a secret before its memory goes back to the allocator; the
 * volatile store keeps the compiler from dropping it as dead. */
static void wipe(char *s, size_t len)
{
    volatile char *p = s;
    while (len--)
        *p++ = '\0';
}

static void free_api_keys(struct sitrep_api_key *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (keys[i].key)
            wipe(keys[i].key, strlen(keys[i].key));
        free(keys[i].key);
        free(keys[i].name);
    }
    free(keys);
}

static void free_string_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* ---- messages ---------------------------------------------------------- */

/* Writes "path:line:col: message" for a mark and returns false, so callers
 * can say `return fail_mark(...)`.  Marks are 0-based; messages are 1-based. */
static bool fail_mark_v(struct load_ctx *ctx, yaml_mark_t mark, const char *fmt, va_list ap)
{
    int n;

    if (!ctx->err || !ctx->err_len)
        goto out;
    n = snprintf(ctx->err, ctx->err_len, "%s:%zu:%zu: ", ctx->path, mark.line + 1, mark.column + 1);
    if (n < 0 || (size_t)n >= ctx->err_len)
        goto out;
    vsnprintf(ctx->err + n, ctx->err_len - (size_t)n, fmt, ap);
out:
    return false;
}

__attribute__((format(printf, 3, 4))) static bool fail_mark(struct load_ctx *ctx, yaml_mark_t mark,
                                                            const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_mark_v(ctx, mark, fmt, ap);
    va_end(ap);
    return false;
}

/* The same at the start of a node. */
__attribute__((format(printf, 3, 4))) static bool
fail_at(struct load_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_mark_v(ctx, node->start_mark, fmt, ap);
    va_end(ap);
    return false;
}

/* The same for errors with no place in the file: "path: message". */
__attribute__((format(printf, 2, 3))) static bool fail_file(struct load_ctx *ctx, const char *fmt,
                                                            ...)
{
    va_list ap;
    int n;

    if (!ctx->err || !ctx->err_len)
        goto out;
    n = snprintf(ctx->err, ctx->err_len, "%s: ", ctx->path);
    if (n < 0 || (size_t)n >= ctx->err_len)
        goto out;
    va_start(ap, fmt);
    vsnprintf(ctx->err + n, ctx->err_len - (size_t)n, fmt, ap);
    va_end(ap);
out:
    return false;
}

__attribute__((format(printf, 3, 4))) static bool fail_msg(char *err, size_t err_len,
                                                           const char *fmt, ...)
{
    va_list ap;

    if (err && err_len) {
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* libyaml's own diagnosis.  Reader errors (bad UTF-8, I/O) carry a byte
 * offset instead of a mark. */
static bool fail_parser(struct load_ctx *ctx, const yaml_parser_t *parser)
{
    const char *problem = parser->problem ? parser->problem : "cannot parse";

    switch (parser->error) {
    case YAML_MEMORY_ERROR:
        return fail_file(ctx, "out of memory");
    case YAML_READER_ERROR:
        if (parser->problem_value != -1)
            return fail_file(ctx, "%s (byte 0x%02X at offset %zu)", problem,
                             (unsigned)parser->problem_value, parser->problem_offset);
        return fail_file(ctx, "%s at offset %zu", problem, parser->problem_offset);
    default:
        break;
    }
    if (parser->context)
        return fail_mark(ctx, parser->problem_mark, "%s (%s at %zu:%zu)", problem, parser->context,
                         parser->context_mark.line + 1, parser->context_mark.column + 1);
    return fail_mark(ctx, parser->problem_mark, "%s", problem);
}

/* A dotted name for messages, such as "api_keys[2].scopes"; a name that
 * does not fit is cut short, which only shortens a message. */
__attribute__((format(printf, 3, 4))) static void make_label(char *buf, size_t len, const char *fmt,
                                                             ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

static const char *node_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SEQUENCE_NODE:
        return "list";
    case YAML_MAPPING_NODE:
        return "map";
    default:
        return "value";
    }
}

/* ---- scalars ----------------------------------------------------------- */

/* A plain empty, "~" or "null" scalar: YAML's way of writing nothing.  A
 * quoted "" is a string, not a null. */
static bool is_null(const yaml_node_t *node)
{
    const char *s = (const char *)node->data.scalar.value;

    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return !strcmp(s, "") || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
           !strcmp(s, "NULL");
}

/* The text of a scalar node, or NULL after writing the error: lists, maps,
 * nulls and embedded NULs (possible with "\0" escapes) are refused. */
static const char *need_scalar(struct load_ctx *ctx, const yaml_node_t *node, const char *label)
{
    const char *s = NULL;

    if (node->type != YAML_SCALAR_NODE) {
        fail_at(ctx, node, "%s: expected a single value, not a %s", label, node_kind(node));
        goto out;
    }
    if (is_null(node)) {
        fail_at(ctx, node, "%s: needs a value", label);
        goto out;
    }
    if (strlen((const char *)node->data.scalar.value) != node->data.scalar.length) {
        fail_at(ctx, node, "%s: contains a NUL character", label);
        goto out;
    }
    s = (const char *)node->data.scalar.value;
out:
    return s;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_nocase(const char *a, const char *b)
{
    while (*a && ascii_lower(*a) == ascii_lower(*b)) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Reads the decimal digits at *s, advancing past them.  False when there are
 * none; *overflow tells a number too big for unsigned long long.  Only
 * decimal: 0x10, 1e3, 1_000 and signs are not numbers here. */
static bool parse_digits(const char **s, unsigned long long *out, bool *overflow)
{
    const char *start = *s, *p = *s;
    unsigned long long v = 0;

    *overflow = false;
    for (; is_digit(*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (ULLONG_MAX - d) / 10)
            *overflow = true;
        else
            v = v * 10 + d;
    }
    *out = v;
    *s = p;
    return p > start;
}

/* Like parse_digits, but the whole string must be the number. */
static bool parse_uint(const char *s, unsigned long long *out, bool *overflow)
{
    const char *p = s;

    if (!is_digit(*p))
        return false;
    parse_digits(&p, out, overflow);
    return *p == '\0';
}

/* Bytes: digits, optional spaces, then an optional suffix from
 * size_suffixes[] (exact case). */
static bool parse_size(const char *s, unsigned long long *out, bool *overflow)
{
    const char *p = s;
    unsigned long long v;
    bool ok = false;

    if (!is_digit(*p))
        goto out;
    parse_digits(&p, &v, overflow);
    while (*p == ' ')
        p++;
    for (size_t i = 0; i < sizeof size_suffixes / sizeof size_suffixes[0]; i++) {
        unsigned long long f = size_suffixes[i].factor;
        if (strcmp(p, size_suffixes[i].suffix) != 0)
            continue;
        if (v > ULLONG_MAX / f)
            *overflow = true;
        *out = v * f;
        ok = true;
        break;
    }
out:
    return ok;
}

/* A size the way a person would write it: 10MiB rather than 10485760. */
static void format_size(unsigned long long v, char *buf, size_t len)
{
    if (v >= GIB && v % GIB == 0)
        snprintf(buf, len, "%lluGiB", v / GIB);
    else if (v >= MIB && v % MIB == 0)
        snprintf(buf, len, "%lluMiB", v / MIB);
    else if (v >= KIB && v % KIB == 0)
        snprintf(buf, len, "%lluKiB", v / KIB);
    else
        snprintf(buf, len, "%llu", v);
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    bool ok = false;

    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (equal_nocase(s, yes[i])) {
            *out = true;
            ok = true;
        } else if (equal_nocase(s, no[i])) {
            *out = false;
            ok = true;
        }
    }
    return ok;
}

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '-' || c == '_';
}

static bool is_v6_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* "HOST:PORT", ":PORT" (every address) or "[V6]:PORT".  On success *host is
 * a new string the caller owns.  The message (no file prefix) goes to msg. */
static bool parse_listen(const char *value, char **host, unsigned *port, char *msg, size_t msg_len)
{
    const char *h = value, *h_end, *p;
    unsigned long long v;
    bool overflow, ok = false;

    if (*value == '[') {
        h = value + 1;
        h_end = strchr(h, ']');
        if (!h_end || h_end == h || h_end[1] != ':')
            goto malformed;
        for (const char *c = h; c < h_end; c++)
            if (!is_v6_char(*c))
                goto malformed;
        p = h_end + 2;
    } else {
        h_end = strrchr(value, ':');
        if (!h_end)
            goto malformed;
        for (const char *c = h; c < h_end; c++) {
            if (*c == ':') {
                fail_msg(msg, msg_len, "'%.*s': an IPv6 address needs brackets, as in [::1]:8080",
                         QUOTE_MAX, value);
                goto out;
            }
            if (!is_host_char(*c))
                goto malformed;
        }
        p = h_end + 1;
    }
    if (!parse_uint(p, &v, &overflow))
        goto malformed;
    if (overflow || v > 65535) {
        fail_msg(msg, msg_len, "port %.*s is out of range (0..65535)", QUOTE_MAX, p);
        goto out;
    }
    *host = malloc((size_t)(h_end - h) + 1);
    if (!*host) {
        fail_msg(msg, msg_len, "out of memory");
        goto out;
    }
    memcpy(*host, h, (size_t)(h_end - h));
    (*host)[h_end - h] = '\0';
    *port = (unsigned)v;
    ok = true;
    goto out;
malformed:
    fail_msg(msg, msg_len, "'%.*s' is not HOST:PORT (for example 127.0.0.1:8080 or [::1]:8080)",
             QUOTE_MAX, value);
out:
    return ok;
}

/* ---- paths ------------------------------------------------------------- */

/* A new absolute path for value: value itself when it is absolute, else base
 * joined with it.  Leading "./" and "../" segments are taken off against base
 * first, which is right because base has no symlinks (realpath made it); the
 * rest of value is kept as written, since a ".." after a symlink inside it
 * would not mean what a lexical clean-up thinks. */
static char *resolve_path(const char *base, const char *value)
{
    size_t len = strlen(base);
    const char *v = value;
    char *out = NULL;

    if (value[0] == '/')
        return strdup(value);
    for (;;) {
        if (v[0] == '.' && (v[1] == '/' || v[1] == '\0')) {
            v += 1;
        } else if (v[0] == '.' && v[1] == '.' && (v[2] == '/' || v[2] == '\0')) {
            while (len > 1 && base[len - 1] != '/')
                len--;
            if (len > 1)
                len--;
            v += 2;
        } else {
            break;
        }
        while (*v == '/')
            v++;
    }
    out = malloc(len + 1 + strlen(v) + 1);
    if (!out)
        goto done;
    memcpy(out, base, len);
    out[len] = '\0';
    if (*v) {
        if (len == 0 || out[len - 1] != '/')
            strcat(out, "/");
        strcat(out, v);
    }
done:
    return out;
}

/* The directory holding path, made absolute; NULL with errno set. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL, *real = NULL;

    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else if ((dir = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if (dir)
        real = realpath(dir, NULL);
    free(dir);
    return real;
}

/* ---- rows -------------------------------------------------------------- */

static const struct config_row *find_row(const char *name)
{
    const struct config_row *row = NULL;

    for (size_t i = 0; i < N_ROWS && !row; i++)
        if (!strcmp(config_rows[i].name, name))
            row = &config_rows[i];
    return row;
}

/* True when name is the section part of some row ("limits" of
 * "limits.page_size"). */
static bool is_section(const char *name)
{
    size_t len = strlen(name);
    bool found = false;

    for (size_t i = 0; i < N_ROWS && !found; i++)
        found = !strncmp(config_rows[i].name, name, len) && config_rows[i].name[len] == '.';
    return found;
}

static bool load_number(struct load_ctx *ctx, const struct config_row *row, const yaml_node_t *node)
{
    struct sitrep_config *cfg = ctx->cfg;
    unsigned long long v = 0;
    bool overflow = false, ok = false;
    char lo[32], hi[32];
    const char *s = need_scalar(ctx, node, row->name);

    if (!s)
        goto out;
    if (row->type == CONFIG_UINT && !parse_uint(s, &v, &overflow)) {
        fail_at(ctx, node, "%s: '%.*s' is not a whole number", row->name, QUOTE_MAX, s);
        goto out;
    }
    if (row->type == CONFIG_SIZE && !parse_size(s, &v, &overflow)) {
        fail_at(ctx, node,
                "%s: '%.*s' is not a size (bytes, or a whole number with KiB, MiB or GiB)",
                row->name, QUOTE_MAX, s);
        goto out;
    }
    if (overflow || v < row->min || v > row->max) {
        if (row->type == CONFIG_SIZE) {
            format_size(row->min, lo, sizeof lo);
            format_size(row->max, hi, sizeof hi);
        } else {
            snprintf(lo, sizeof lo, "%llu", row->min);
            snprintf(hi, sizeof hi, "%llu", row->max);
        }
        fail_at(ctx, node, "%s: %.*s is out of range (%s..%s)", row->name, QUOTE_MAX, s, lo, hi);
        goto out;
    }
    if (row->type == CONFIG_SIZE)
        *(size_t *)field_at(cfg, row->offset) = (size_t)v;
    else
        *(unsigned *)field_at(cfg, row->offset) = (unsigned)v;
    ok = true;
out:
    return ok;
}

static bool load_bool(struct load_ctx *ctx, const struct config_row *row, const yaml_node_t *node)
{
    const char *s = need_scalar(ctx, node, row->name);
    bool v = false, ok = false;

    if (!s)
        goto out;
    if (!parse_bool(s, &v)) {
        fail_at(ctx, node, "%s: '%.*s' is not a boolean (true/false, yes/no, on/off)", row->name,
                QUOTE_MAX, s);
        goto out;
    }
    *(bool *)field_at(ctx->cfg, row->offset) = v;
    ok = true;
out:
    return ok;
}

static bool load_string(struct load_ctx *ctx, const struct config_row *row, const yaml_node_t *node)
{
    char **slot = field_at(ctx->cfg, row->offset);
    const char *s = need_scalar(ctx, node, row->name);
    char *copy = NULL;
    bool ok = false;

    if (!s)
        goto out;
    if (!*s && row->type != CONFIG_PATH_OPT) {
        fail_at(ctx, node, "%s: must not be empty", row->name);
        goto out;
    }
    /* "" stays "" (none); any other path resolves against the file. */
    copy = (row->type == CONFIG_PATH || row->type == CONFIG_PATH_OPT) && *s
               ? resolve_path(ctx->base_dir, s)
               : strdup(s);
    if (!copy) {
        fail_at(ctx, node, "%s: out of memory", row->name);
        goto out;
    }
    free(*slot);
    *slot = copy;
    ok = true;
out:
    return ok;
}

static bool load_listen(struct load_ctx *ctx, const struct config_row *row, const yaml_node_t *node)
{
    char **host_slot = field_at(ctx->cfg, row->offset);
    char msg[160], *host = NULL;
    unsigned port = 0;
    const char *s = need_scalar(ctx, node, row->name);
    bool ok = false;

    if (!s)
        goto out;
    if (!parse_listen(s, &host, &port, msg, sizeof msg)) {
        fail_at(ctx, node, "%s: %s", row->name, msg);
        goto out;
    }
    free(*host_slot);
    *host_slot = host;
    *(unsigned *)field_at(ctx->cfg, row->aux_offset) = port;
    ok = true;
out:
    return ok;
}

/* A list replaces the old one whole; null (a bare "key:") means empty. */
static bool load_string_list(struct load_ctx *ctx, const struct config_row *row,
                             const yaml_node_t *node)
{
    char ***slot = field_at(ctx->cfg, row->offset);
    size_t *count_slot = field_at(ctx->cfg, row->aux_offset);
    char **items = NULL, label[LABEL_MAX];
    size_t n = 0, count = 0;
    bool ok = false;

    if (is_null(node))
        goto replace;
    if (node->type != YAML_SEQUENCE_NODE) {
        fail_at(ctx, node, "%s: expected a list, not a %s", row->name, node_kind(node));
        goto out;
    }
    count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > row->max) {
        fail_at(ctx, node, "%s: too many entries (at most %llu)", row->name, row->max);
        goto out;
    }
    /* An empty list stays NULL, as in the defaults. */
    if (count && !(items = calloc(count, sizeof *items))) {
        fail_at(ctx, node, "%s: out of memory", row->name);
        goto out;
    }
    for (n = 0; n < count; n++) {
        const yaml_node_t *item =
            yaml_document_get_node(ctx->doc, node->data.sequence.items.start[n]);
        const char *s;

        make_label(label, sizeof label, "%s[%zu]", row->name, n);
        if (!(s = need_scalar(ctx, item, label)))
            goto out;
        if (!*s) {
            fail_at(ctx, item, "%s: must not be empty", label);
            goto out;
        }
        if (!(items[n] = strdup(s))) {
            fail_at(ctx, item, "%s: out of memory", label);
            goto out;
        }
    }
replace:
    free_string_list(*slot, *count_slot);
    *slot = items;
    *count_slot = count;
    items = NULL;
    n = 0;
    ok = true;
out:
    free_string_list(items, n);
    return ok;
}

/* The key of a mapping pair as text, or NULL after writing the error. */
static const char *key_text(struct load_ctx *ctx, const yaml_node_t *key, const char *where)
{
    const char *s = NULL;

    if (key->type != YAML_SCALAR_NODE ||
        strlen((const char *)key->data.scalar.value) != key->data.scalar.length)
        fail_at(ctx, key, "%s: keys must be plain names, not a %s", where, node_kind(key));
    else
        s = (const char *)key->data.scalar.value;
    return s;
}

/* True when the key of pair already occurred earlier in the same mapping.
 * libyaml keeps duplicates, and silently taking the last one would hide a
 * typo'd copy-paste.  Earlier keys were checked to be scalars already. */
static bool key_repeats(const yaml_document_t *doc, const yaml_node_pair_t *first,
                        const yaml_node_pair_t *pair)
{
    yaml_document_t *d = (yaml_document_t *)doc; /* libyaml's getter is not const-clean */
    const yaml_node_t *key = yaml_document_get_node(d, pair->key);
    bool repeats = false;

    for (const yaml_node_pair_t *p = first; p < pair && !repeats; p++) {
        const yaml_node_t *k = yaml_document_get_node(d, p->key);
        repeats = k->data.scalar.length == key->data.scalar.length &&
                  !memcmp(k->data.scalar.value, key->data.scalar.value, key->data.scalar.length);
    }
    return repeats;
}

static bool parse_scopes(struct load_ctx *ctx, const yaml_node_t *node, const char *label,
                         unsigned *scopes)
{
    char item_label[LABEL_MAX];
    size_t count;
    bool ok = false;

    *scopes = 0;
    if (node->type != YAML_SEQUENCE_NODE) {
        fail_at(ctx, node, "%s: expected a list such as [search, ingest], not a %s", label,
                is_null(node) ? "null" : node_kind(node));
        goto out;
    }
    count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item =
            yaml_document_get_node(ctx->doc, node->data.sequence.items.start[i]);
        const char *s;
        unsigned bit = 0;

        make_label(item_label, sizeof item_label, "%s[%zu]", label, i);
        if (!(s = need_scalar(ctx, item, item_label)))
            goto out;
        for (size_t j = 0; j < sizeof scope_names / sizeof scope_names[0]; j++)
            if (!strcmp(s, scope_names[j].name))
                bit = scope_names[j].bit;
        if (!bit) {
            fail_at(ctx, item, "%s: unknown scope '%.*s' (search, ingest or admin)", label,
                    QUOTE_MAX, s);
            goto out;
        }
        *scopes |= bit;
    }
    if (!*scopes) {
        fail_at(ctx, node, "%s: needs at least one of search, ingest, admin", label);
        goto out;
    }
    ok = true;
out:
    return ok;
}

/* The secret itself never appears in a message: the error goes to logs. */
static bool check_secret(struct load_ctx *ctx, const yaml_node_t *node, const char *label,
                         const char *s)
{
    size_t len = strlen(s);
    bool ok = false;

    if (len < API_KEY_MIN_LEN) {
        fail_at(ctx, node, "%s: too short (%zu characters; at least %d)", label, len,
                API_KEY_MIN_LEN);
        goto out;
    }
    if (len > API_KEY_MAX_LEN) {
        fail_at(ctx, node, "%s: too long (%zu characters; at most %d)", label, len,
                API_KEY_MAX_LEN);
        goto out;
    }
    for (const char *c = s; *c; c++) {
        if (*c < 0x21 || *c > 0x7e) {
            fail_at(ctx, node,
                    "%s: only printable ASCII without spaces is allowed (it travels in an "
                    "Authorization header)",
                    label);
            goto out;
        }
    }
    ok = true;
out:
    return ok;
}

/* One {name, key, scopes} map into *out (zeroed by the caller; on failure
 * the caller frees whatever was filled in). */
static bool load_api_key(struct load_ctx *ctx, const yaml_node_t *map, const char *where,
                         struct sitrep_api_key *out)
{
    char label[LABEL_MAX];
    const yaml_node_pair_t *first, *pair;
    bool have_scopes = false, ok = false;

    if (map->type != YAML_MAPPING_NODE) {
        fail_at(ctx, map, "%s: expected a map with name, key and scopes, not a %s", where,
                node_kind(map));
        goto out;
    }
    first = map->data.mapping.pairs.start;
    for (pair = first; pair < map->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = yaml_document_get_node(ctx->doc, pair->key);
        const yaml_node_t *value = yaml_document_get_node(ctx->doc, pair->value);
        const char *k = key_text(ctx, key, where), *s;

        if (!k)
            goto out;
        make_label(label, sizeof label, "%s.%.*s", where, QUOTE_MAX, k);
        if (key_repeats(ctx->doc, first, pair)) {
            fail_at(ctx, key, "duplicate key '%s'", label);
            goto out;
        }
        if (!strcmp(k, "name")) {
            if (!(s = need_scalar(ctx, value, label)))
                goto out;
            if (!*s) {
                fail_at(ctx, value, "%s: must not be empty", label);
                goto out;
            }
            if (!(out->name = strdup(s))) {
                fail_at(ctx, value, "%s: out of memory", label);
                goto out;
            }
        } else if (!strcmp(k, "key")) {
            if (!(s = need_scalar(ctx, value, label)) || !check_secret(ctx, value, label, s))
                goto out;
            if (!(out->key = strdup(s))) {
                fail_at(ctx, value, "%s: out of memory", label);
                goto out;
            }
            out->key_len = strlen(s);
        } else if (!strcmp(k, "scopes")) {
            if (!parse_scopes(ctx, value, label, &out->scopes))
                goto out;
            have_scopes = true;
        } else {
            fail_at(ctx, key, "unknown key '%s'", label);
            goto out;
        }
    }
    if (!out->name || !out->key || !have_scopes) {
        fail_at(ctx, map, "%s: missing '%s'", where,
                !out->name  ? "name"
                : !out->key ? "key"
                            : "scopes");
        goto out;
    }
    ok = true;
out:
    return ok;
}

static bool load_api_keys(struct load_ctx *ctx, const struct config_row *row,
                          const yaml_node_t *node)
{
    struct sitrep_api_key **slot = field_at(ctx->cfg, row->offset);
    size_t *count_slot = field_at(ctx->cfg, row->aux_offset);
    struct sitrep_api_key *keys = NULL;
    size_t count = 0;
    char where[LABEL_MAX];
    bool ok = false;

    if (is_null(node))
        goto replace;
    if (node->type != YAML_SEQUENCE_NODE) {
        fail_at(ctx, node, "%s: expected a list of {name, key, scopes} maps, not a %s", row->name,
                node_kind(node));
        goto out;
    }
    count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (count > row->max) {
        fail_at(ctx, node, "%s: too many entries (at most %llu)", row->name, row->max);
        goto out;
    }
    if (count && !(keys = calloc(count, sizeof *keys))) {
        fail_at(ctx, node, "%s: out of memory", row->name);
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item =
            yaml_document_get_node(ctx->doc, node->data.sequence.items.start[i]);

        make_label(where, sizeof where, "%s[%zu]", row->name, i);
        if (!load_api_key(ctx, item, where, &keys[i]))
            goto out;
        /* Two records with one name make logs ambiguous; two with one secret
         * make the scopes a key grants depend on table order. */
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(keys[j].name, keys[i].name)) {
                fail_at(ctx, item, "%s.name: '%.*s' is already used by %s[%zu]", where, QUOTE_MAX,
                        keys[i].name, row->name, j);
                goto out;
            }
            if (!strcmp(keys[j].key, keys[i].key)) {
                fail_at(ctx, item, "%s.key: the same key is already used by %s[%zu]", where,
                        row->name, j);
                goto out;
            }
        }
    }
replace:
    free_api_keys(*slot, *count_slot);
    *slot = keys;
    *count_slot = count;
    keys = NULL;
    ok = true;
out:
    if (keys)
        free_api_keys(keys, count);
    return ok;
}

static bool load_row(struct load_ctx *ctx, const struct config_row *row, const yaml_node_t *node)
{
    switch (row->type) {
    case CONFIG_STRING:
    case CONFIG_PATH:
    case CONFIG_PATH_OPT:
        return load_string(ctx, row, node);
    case CONFIG_UINT:
    case CONFIG_SIZE:
        return load_number(ctx, row, node);
    case CONFIG_BOOL:
        return load_bool(ctx, row, node);
    case CONFIG_LISTEN:
        return load_listen(ctx, row, node);
    case CONFIG_STRING_LIST:
        return load_string_list(ctx, row, node);
    case CONFIG_API_KEYS:
        return load_api_keys(ctx, row, node);
    }
    return false;
}

/* The top-level map (section NULL) or one section's map.  Keys are written
 * nested ("limits:" then "page_size:"); a dotted key in the file is refused
 * so that one setting has exactly one spelling and duplicates stay visible. */
static bool load_section(struct load_ctx *ctx, const yaml_node_t *map, const char *section)
{
    const yaml_node_pair_t *first = map->data.mapping.pairs.start, *pair;
    char name[LABEL_MAX];
    bool ok = false;

    for (pair = first; pair < map->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = yaml_document_get_node(ctx->doc, pair->key);
        const yaml_node_t *value = yaml_document_get_node(ctx->doc, pair->value);
        const char *k = key_text(ctx, key, section ? section : "top level");
        const struct config_row *row;

        if (!k)
            goto out;
        make_label(name, sizeof name, "%s%s%.*s", section ? section : "", section ? "." : "",
                   QUOTE_MAX, k);
        if (key_repeats(ctx->doc, first, pair)) {
            fail_at(ctx, key, "duplicate key '%s'", name);
            goto out;
        }
        row = strchr(k, '.') ? NULL : find_row(name);
        if (row) {
            if (!load_row(ctx, row, value))
                goto out;
        } else if (!section && !strchr(k, '.') && is_section(name)) {
            if (is_null(value))
                continue;
            if (value->type != YAML_MAPPING_NODE) {
                fail_at(ctx, value, "%s: expected a map of settings, not a %s", name,
                        node_kind(value));
                goto out;
            }
            if (!load_section(ctx, value, name))
                goto out;
        } else if (find_row(name)) {
            fail_at(ctx, key, "unknown key '%s' (write it nested: '%.*s:' then '%s:')", name,
                    (int)(strchr(name, '.') - name), name, strchr(name, '.') + 1);
            goto out;
        } else {
            fail_at(ctx, key, "unknown key '%s'", name);
            goto out;
        }
    }
    ok = true;
out:
    return ok;
}

/* ---- the struct as a whole ---------------------------------------------- */

void sitrep_config_free(struct sitrep_config *cfg)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct config_row *row = &config_rows[i];

        switch (row->type) {
        case CONFIG_STRING:
        case CONFIG_PATH:
        case CONFIG_PATH_OPT:
        case CONFIG_LISTEN:
            free(*(char **)field_at(cfg, row->offset));
            break;
        case CONFIG_STRING_LIST:
            free_string_list(*(char ***)field_at(cfg, row->offset),
                             *(size_t *)field_at(cfg, row->aux_offset));
            break;
        case CONFIG_API_KEYS:
            free_api_keys(*(struct sitrep_api_key **)field_at(cfg, row->offset),
                          *(size_t *)field_at(cfg, row->aux_offset));
            break;
        default:
            break;
        }
    }
    memset(cfg, 0, sizeof *cfg);
}

bool sitrep_config_defaults(struct sitrep_config *cfg)
{
    bool ok = false;
    char msg[160];

    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct config_row *row = &config_rows[i];
        char **str = field_at(cfg, row->offset);

        switch (row->type) {
        case CONFIG_STRING:
        case CONFIG_PATH:
        case CONFIG_PATH_OPT:
            if (!(*str = strdup(row->def_str)))
                goto out;
            break;
        case CONFIG_UINT:
            *(unsigned *)field_at(cfg, row->offset) = (unsigned)row->def_num;
            break;
        case CONFIG_SIZE:
            *(size_t *)field_at(cfg, row->offset) = (size_t)row->def_num;
            break;
        case CONFIG_BOOL:
            *(bool *)field_at(cfg, row->offset) = row->def_num != 0;
            break;
        case CONFIG_LISTEN:
            /* The default is a constant known to parse, so only memory can fail. */
            if (!parse_listen(row->def_str, str, field_at(cfg, row->aux_offset), msg, sizeof msg))
                goto out;
            break;
        case CONFIG_STRING_LIST:
        case CONFIG_API_KEYS:
            break; /* empty: NULL and 0 from the memset */
        }
    }
    ok = true;
out:
    if (!ok)
        sitrep_config_free(cfg);
    return ok;
}

/* A deep copy of src into dst, so a load can fail without touching the
 * caller's struct.  On failure dst is freed and zeroed. */
static bool config_copy(struct sitrep_config *dst, const struct sitrep_config *src)
{
    struct sitrep_config *s = (struct sitrep_config *)src; /* field_at is not const */
    bool ok = false;

    *dst = *src;
    /* First detach every owned pointer, so a failure half-way leaves dst
     * holding only memory it owns. */
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct config_row *row = &config_rows[i];
        if (row->type == CONFIG_STRING_LIST || row->type == CONFIG_API_KEYS)
            *(size_t *)field_at(dst, row->aux_offset) = 0;
        if (row->type != CONFIG_UINT && row->type != CONFIG_SIZE && row->type != CONFIG_BOOL)
            *(void **)field_at(dst, row->offset) = NULL;
    }
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct config_row *row = &config_rows[i];
        bool is_list = row->type == CONFIG_STRING_LIST || row->type == CONFIG_API_KEYS;
        size_t n = is_list ? *(size_t *)field_at(s, row->aux_offset) : 0;

        switch (row->type) {
        case CONFIG_STRING:
        case CONFIG_PATH:
        case CONFIG_PATH_OPT:
        case CONFIG_LISTEN: {
            const char *from = *(char **)field_at(s, row->offset);
            char **to = field_at(dst, row->offset);
            if (from && !(*to = strdup(from)))
                goto out;
            break;
        }
        case CONFIG_STRING_LIST: {
            char **from = *(char ***)field_at(s, row->offset);
            char ***to = field_at(dst, row->offset);
            if (!n)
                break;
            if (!(*to = calloc(n, sizeof **to)))
                goto out;
            for (size_t j = 0; j < n; j++) {
                *(size_t *)field_at(dst, row->aux_offset) = j;
                if (!((*to)[j] = strdup(from[j])))
                    goto out;
            }
            *(size_t *)field_at(dst, row->aux_offset) = n;
            break;
        }
        case CONFIG_API_KEYS: {
            const struct sitrep_api_key *from = *(struct sitrep_api_key **)field_at(s, row->offset);
            struct sitrep_api_key **to = field_at(dst, row->offset);
            if (!n)
                break;
            if (!(*to = calloc(n, sizeof **to)))
                goto out;
            /* calloc'd entries free cleanly, so the count can be set up front. */
            *(size_t *)field_at(dst, row->aux_offset) = n;
            for (size_t j = 0; j < n; j++) {
                (*to)[j].scopes = from[j].scopes;
                (*to)[j].key_len = from[j].key_len;
                if (!((*to)[j].name = strdup(from[j].name)) ||
                    !((*to)[j].key = strdup(from[j].key)))
                    goto out;
            }
            break;
        }
        default:
            break;
        }
    }
    ok = true;
out:
    if (!ok)
        sitrep_config_free(dst);
    return ok;
}

bool sitrep_config_load(struct sitrep_config *cfg, const char *path, char *err, size_t err_len)
{
    struct load_ctx ctx = {.path = path, .err = err, .err_len = err_len};
    struct sitrep_config next;
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    bool have_parser = false, have_doc = false, have_extra = false, have_next = false;
    bool ok = false;
    const yaml_node_t *root;
    struct stat st;
    FILE *f = NULL;

    if (err && err_len)
        err[0] = '\0';
    if (!(f = fopen(path, "rb"))) {
        fail_file(&ctx, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fail_file(&ctx, "is a directory, not a YAML file");
        goto out;
    }
    if (!(ctx.base_dir = directory_of(path))) {
        fail_file(&ctx, "cannot resolve its directory: %s", strerror(errno));
        goto out;
    }
    if (!yaml_parser_initialize(&parser)) {
        fail_file(&ctx, "out of memory");
        goto out;
    }
    have_parser = true;
    yaml_parser_set_input_file(&parser, f);
    /* yaml_parser_load deletes the document itself when it fails. */
    if (!yaml_parser_load(&parser, &doc)) {
        fail_parser(&ctx, &parser);
        goto out;
    }
    have_doc = true;
    /* A second document would be ignored silently; better to say so. */
    if (!yaml_parser_load(&parser, &extra)) {
        fail_parser(&ctx, &parser);
        goto out;
    }
    have_extra = true;
    if ((root = yaml_document_get_root_node(&extra)) != NULL) {
        fail_at(&ctx, root, "only one YAML document is allowed");
        goto out;
    }
    if (!config_copy(&next, cfg)) {
        fail_file(&ctx, "out of memory");
        goto out;
    }
    have_next = true;
    ctx.doc = &doc;
    ctx.cfg = &next;
    root = yaml_document_get_root_node(&doc);
    if (root && !is_null(root)) {
        if (root->type != YAML_MAPPING_NODE) {
            fail_at(&ctx, root, "the top level must be a map of settings, not a %s",
                    node_kind(root));
            goto out;
        }
        if (!load_section(&ctx, root, NULL))
            goto out;
    }
    sitrep_config_free(cfg);
    *cfg = next;
    have_next = false;
    ok = true;
out:
    if (have_next)
        sitrep_config_free(&next);
    if (have_extra)
        yaml_document_delete(&extra);
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    if (f)
        fclose(f);
    free(ctx.base_dir);
    return ok;
}

bool sitrep_config_set_listen(struct sitrep_config *cfg, const char *value, char *err,
                              size_t err_len)
{
    char *host = NULL;
    unsigned port = 0;
    bool ok = false;

    if (!value) {
        fail_msg(err, err_len, "no listen address given");
        goto out;
    }
    if (!parse_listen(value, &host, &port, err, err_len))
        goto out;
    free(cfg->listen_host);
    cfg->listen_host = host;
    cfg->listen_port = port;
    ok = true;
out:
    return ok;
}

/* Every stored key is compared in full, with no early exit on a mismatch or
 * a match, and each comparison runs over the caller's key length (which the
 * caller knows anyway), indexing the stored key modulo its length, so the
 * time reveals neither the secrets' contents nor their lengths.  The
 * result is chosen by masking rather than branching. */
const struct sitrep_api_key *sitrep_config_find_key(const struct sitrep_config *cfg,
                                                    const char *key)
{
    const struct sitrep_api_key *found = NULL;
    size_t len, match = 0;

    if (!key)
        goto out;
    len = strnlen(key, API_KEY_MAX_LEN + 1);
    /* No stored key is empty or longer than the maximum, so these can fail
     * fast: the bounds are public. */
    if (len == 0 || len > API_KEY_MAX_LEN)
        goto out;
    for (size_t i = 0; i < cfg->n_api_keys; i++) {
        const struct sitrep_api_key *k = &cfg->api_keys[i];
        size_t klen = k->key_len ? k->key_len : 1;
        size_t diff = len ^ k->key_len;
        unsigned char bytes = 0;

        for (size_t j = 0; j < len; j++)
            bytes |= (unsigned char)key[j] ^ (unsigned char)k->key[j % klen];
        diff |= bytes;
        match |= ((size_t)0 - (size_t)(diff == 0)) & (i + 1);
    }
    if (match)
        found = &cfg->api_keys[match - 1];
out:
    return found;
}
