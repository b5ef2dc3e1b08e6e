/* reader-json.c - JSON Lines, JSON files, and one JSON record into a
 * struct sitrep_article.
 *
 * JSON arrays are not handed to Jansson whole: a small scanner that knows
 * only strings, escapes and bracket depth cuts the array into elements, and
 * each element is parsed alone.  That keeps memory bounded by max_record
 * instead of the file size, lets one bad element be reported and skipped
 * while the others are read, and tells the line where each element starts.
 */
#define SITREP_READER_INTERNAL 1
#include "reader.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* The members of struct sitrep_article a JSON field can fill. */
enum target { T_ID, T_TITLE, T_URL, T_PUBLISHED, T_TEXT, T_SOURCE, T_LANG, T_COUNT };

static const size_t target_offsets[T_COUNT] = {
    [T_ID] = offsetof(struct sitrep_article, id),
    [T_TITLE] = offsetof(struct sitrep_article, title),
    [T_URL] = offsetof(struct sitrep_article, url),
    [T_PUBLISHED] = offsetof(struct sitrep_article, published),
    [T_TEXT] = offsetof(struct sitrep_article, text),
    [T_SOURCE] = offsetof(struct sitrep_article, source),
    [T_LANG] = offsetof(struct sitrep_article, lang),
};

/* Known input fields, canonical names before their aliases: when both a
 * name and its alias are present the canonical one wins and the alias is
 * kept in meta, so nothing the producer sent is lost. */
static const struct json_field {
    const char *name;
    enum target target;
} json_fields[] = {
    {"id", T_ID},          {"title", T_TITLE},
    {"url", T_URL},        {"published", T_PUBLISHED},
    {"text", T_TEXT},      {"source", T_SOURCE},
    {"lang", T_LANG},      {"link", T_URL},
    {"date", T_PUBLISHED}, {"published_at", T_PUBLISHED},
    {"body", T_TEXT},      {"content", T_TEXT},
};
#define N_FIELDS (sizeof json_fields / sizeof json_fields[0])

static const char *type_name(const json_t *v)
{
    static const char *const names[] = {
        [JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
        [JSON_INTEGER] = "a number", [JSON_REAL] = "a number",  [JSON_TRUE] = "a boolean",
        [JSON_FALSE] = "a boolean",  [JSON_NULL] = "null",
    };
    return names[json_typeof(v)];
}

static char **member(struct sitrep_article *a, enum target t)
{
    return (char **)((char *)a + target_offsets[t]);
}

/* 1-based line and byte column of data[off]. */
static void position(const char *data, size_t off, int *line, int *col)
{
    size_t start = 0;

    *line = 1;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    }
    *col = (int)(off - start + 1);
}

/* Fills the members of tmp from the object root; fields used land in used[]
 * (by json_fields index). */
static sitrep_status fill_fields(json_t *root, struct sitrep_article *tmp, bool used[N_FIELDS],
                                 char *reason, size_t reason_len)
{
    sitrep_status st = SITREP_OK;
    bool set[T_COUNT] = {false};

    for (size_t i = 0; i < N_FIELDS; i++) {
        const struct json_field *fd = &json_fields[i];
        json_t *v = json_object_get(root, fd->name);
        char *s = NULL;

        if (!v || json_is_null(v) || set[fd->target])
            continue;
        if (json_is_string(v)) {
            s = strdup(json_string_value(v));
        } else if (fd->target == T_ID && json_is_integer(v)) {
            /* Many data sets number their records; such ids are kept. */
            char num[32];
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            s = strdup(num);
        } else {
            snprintf(reason, reason_len, "field \"%s\" must be a string, not %s", fd->name,
                     type_name(v));
            st = SITREP_ERR_INVALID;
            goto out;
        }
        if (!s) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        *member(tmp, fd->target) = s;
        if (fd->target == T_TEXT)
            tmp->text_len = json_string_length(v);
        set[fd->target] = true;
        used[i] = true;
    }
out:
    return st;
}

/* Unknown fields, and aliases that lost to their canonical name, go to a
 * new meta object (NULL when there are none). */
static sitrep_status collect_meta(json_t *root, const bool used[N_FIELDS], json_t **meta)
{
    sitrep_status st = SITREP_OK;
    const char *key;
    json_t *v;

    *meta = NULL;
    json_object_foreach(root, key, v)
    {
        bool known = false;
        for (size_t i = 0; i < N_FIELDS; i++) {
            if (strcmp(key, json_fields[i].name) == 0) {
                /* A null field counts as absent, in meta too. */
                known = used[i] || json_is_null(v);
                break;
            }
        }
        if (known)
            continue;
        if (!*meta && !(*meta = json_object())) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        if (json_object_set(*meta, key, v) != 0) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
    }
out:
    if (st != SITREP_OK) {
        json_decref(*meta);
        *meta = NULL;
    }
    return st;
}

sitrep_status sitrep_rd_json_record(const char *data, size_t len, struct sitrep_article *a,
                                    int *err_line, int *err_col, char *reason, size_t reason_len)
{
    sitrep_status st = SITREP_OK;
    struct sitrep_article tmp;
    bool used[N_FIELDS] = {false};
    json_t *root = NULL, *meta = NULL;
    json_error_t jerr;
    size_t bad = 0;

    sitrep_article_init(&tmp);
    *err_line = *err_col = 0;
    if (reason_len)
        reason[0] = '\0';
    /* Jansson rejects bad UTF-8 too, but with "unable to decode byte";
     * checking first gives the clearer message and the exact place. */
    if (!sitrep_utf8_valid(data, len, &bad)) {
        position(data, bad, err_line, err_col);
        snprintf(reason, reason_len, "invalid UTF-8 (byte 0x%02x)", (unsigned char)data[bad]);
        st = SITREP_ERR_INVALID;
        goto out;
    }
    root = json_loadb(data, len, JSON_DECODE_ANY, &jerr);
    if (!root) {
        if (json_error_code(&jerr) == json_error_out_of_memory) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        *err_line = jerr.line > 0 ? jerr.line : 1;
        *err_col = jerr.column > 0 ? jerr.column : 1;
        snprintf(reason, reason_len, "invalid JSON: %s", jerr.text);
        st = SITREP_ERR_INVALID;
        goto out;
    }
    if (!json_is_object(root)) {
        snprintf(reason, reason_len, "record is not a JSON object but %s", type_name(root));
        st = SITREP_ERR_INVALID;
        goto out;
    }
    st = fill_fields(root, &tmp, used, reason, reason_len);
    if (st != SITREP_OK)
        goto out;
    st = collect_meta(root, used, &meta);
    if (st != SITREP_OK)
        goto out;
    /* Only now, with the whole record good, is a touched: members the record
     * does not have keep what the caller put there. */
    for (int t = 0; t < T_COUNT; t++) {
        char **src = member(&tmp, (enum target)t);
        if (*src) {
            char **dst = member(a, (enum target)t);
            free(*dst);
            *dst = *src;
            *src = NULL;
        }
    }
    if (a->text)
        a->text_len = tmp.text_len;
    if (meta) {
        json_decref(a->meta);
        a->meta = meta;
        meta = NULL;
    }
out:
    json_decref(meta);
    json_decref(root);
    sitrep_article_clear(&tmp);
    return st;
}

sitrep_status sitrep_read_json_record(const char *data, size_t len, struct sitrep_article *a,
                                      char *reason, size_t reason_len)
{
    char msg[256];
    int line = 0, col = 0;
    sitrep_status st = SITREP_ERR_INVALID;

    if (!data || !a) {
        snprintf(reason, reason_len, "no record");
        goto out;
    }
    st = sitrep_rd_json_record(data, len, a, &line, &col, msg, sizeof msg);
    if (st == SITREP_ERR_INVALID) {
        if (line > 0 && memchr(data, '\n', len))
            snprintf(reason, reason_len, "%s at line %d, column %d", msg, line, col);
        else if (line > 0)
            snprintf(reason, reason_len, "%s at column %d", msg, col);
        else
            snprintf(reason, reason_len, "%s", msg);
    } else if (st == SITREP_ERR_NOMEM) {
        snprintf(reason, reason_len, "out of memory");
    }
out:
    return st;
}

static bool is_blank(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
        i++;
    return i == len;
}

/* One parsed-or-not record: reports its error or hands it on.  line and col
 * are where data starts in the file.  Returns false when reading must stop. */
static bool take_record(struct sitrep_rd *rd, const char *data, size_t len, long line, long col)
{
    struct sitrep_article a;
    char reason[256];
    int el = 0, ec = 0;
    sitrep_status st;
    bool go_on = true;

    sitrep_article_init(&a);
    st = sitrep_rd_json_record(data, len, &a, &el, &ec, reason, sizeof reason);
    if (st == SITREP_OK) {
        go_on = sitrep_rd_emit(rd, &a, line);
    } else if (st == SITREP_ERR_NOMEM) {
        sitrep_rd_error(rd, line, "out of memory");
    } else if (el > 0) {
        /* Syntax errors are reported where they are; a record's first line
         * shares its columns with what comes before it on that line. */
        long at_line = line + el - 1, at_col = el == 1 ? col + ec - 1 : ec;
        sitrep_rd_error(rd, at_line, "%s at column %ld", reason, at_col);
    } else {
        sitrep_rd_error(rd, line, "%s", reason);
    }
    sitrep_article_clear(&a);
    return go_on;
}

void sitrep_rd_jsonl(struct sitrep_rd *rd)
{
    struct sitrep_buf b;
    size_t total = 0;
    bool too_big = false, any = false;

    sitrep_buf_init(&b, rd->max_record);
    for (;;) {
        long line = rd->line;

        if (!sitrep_rd_line(rd, &b, &total, &too_big))
            break;
        if (too_big) {
            sitrep_rd_error(rd, line, "record too large: %zu bytes > %zu", total, rd->max_record);
            any = true;
            continue;
        }
        if (is_blank(b.data, b.len))
            continue;
        any = true;
        if (!take_record(rd, b.data, b.len, line, 1))
            break;
    }
    if (!any && !rd->failed)
        sitrep_rd_error(rd, 1, "empty file");
    sitrep_buf_free(&b);
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void skip_space(struct sitrep_rd *rd)
{
    while (is_space(sitrep_rd_peek(rd)))
        sitrep_rd_getc(rd);
}

/* One JSON value as bytes, bounded by max_record. */
struct element {
    struct sitrep_buf b;
    size_t total;
    bool too_big;
    long line, col;
};

/* Copies one value into e.  In an array it stops before a ',' or ']' at
 * depth 0 and consumes it, returning it; at the top level it stops after the
 * value's closing brace and returns 0.  EOF when the input ends first.
 * Only strings and bracket depth are understood: the JSON itself is judged
 * by Jansson afterwards, so malformed input merely ends up in some element. */
static int scan_value(struct sitrep_rd *rd, struct element *e, bool in_array)
{
    unsigned char stage[4096];
    size_t n = 0;
    int depth = 0, c, end = EOF;
    bool in_str = false, esc = false;

    sitrep_buf_reset(&e->b);
    e->total = 0;
    e->too_big = false;
    e->line = rd->line;
    e->col = rd->col;
    while ((c = sitrep_rd_peek(rd)) != EOF) {
        if (in_array && !in_str && depth == 0 && (c == ',' || c == ']')) {
            sitrep_rd_getc(rd);
            end = c;
            break;
        }
        sitrep_rd_getc(rd);
        if (n == sizeof stage) {
            if (!e->too_big && sitrep_buf_append(&e->b, stage, n) != SITREP_OK) {
                e->too_big = true;
                sitrep_buf_free(&e->b);
            }
            n = 0;
        }
        stage[n++] = (unsigned char)c;
        e->total++;
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
            if (depth == 0 && !in_array) {
                end = 0;
                break;
            }
        }
    }
    if (!e->too_big && n && sitrep_buf_append(&e->b, stage, n) != SITREP_OK) {
        e->too_big = true;
        sitrep_buf_free(&e->b);
    }
    return end;
}

/* Reports or hands on one scanned element; false when reading must stop. */
static bool take_element(struct sitrep_rd *rd, struct element *e)
{
    bool go_on = true;

    if (e->too_big)
        sitrep_rd_error(rd, e->line, "record too large: %zu bytes > %zu", e->total, rd->max_record);
    else if (is_blank(e->b.data, e->b.len))
        sitrep_rd_error(rd, e->line, "invalid JSON: empty array element");
    else
        go_on = take_record(rd, e->b.data, e->b.len, e->line, e->col);
    return go_on;
}

static void read_array(struct sitrep_rd *rd, struct element *e)
{
    bool first = true;
    int end;

    sitrep_rd_getc(rd); /* '[' */
    for (;;) {
        skip_space(rd);
        if (sitrep_rd_peek(rd) == EOF) {
            sitrep_rd_error(rd, rd->line, "invalid JSON: end of file inside the array");
            goto out;
        }
        if (first && sitrep_rd_peek(rd) == ']') {
            sitrep_rd_getc(rd);
            break;
        }
        first = false;
        end = scan_value(rd, e, true);
        if (!take_element(rd, e))
            goto out;
        if (end == ']')
            break;
        if (end == EOF) {
            sitrep_rd_error(rd, rd->line, "invalid JSON: end of file inside the array");
            goto out;
        }
    }
    skip_space(rd);
    if (sitrep_rd_peek(rd) != EOF)
        sitrep_rd_error(rd, rd->line, "invalid JSON: data after the array at column %ld", rd->col);
out:
    return;
}

/* One object, or several one after another (JSON Lines written as .json,
 * or pretty-printed objects concatenated). */
static void read_objects(struct sitrep_rd *rd, struct element *e)
{
    for (;;) {
        int c;

        skip_space(rd);
        c = sitrep_rd_peek(rd);
        if (c == EOF)
            break;
        if (c != '{') {
            sitrep_rd_error(rd, rd->line, "invalid JSON: expected an object at column %ld",
                            rd->col);
            break;
        }
        scan_value(rd, e, false);
        if (!take_element(rd, e))
            break;
    }
}

void sitrep_rd_json(struct sitrep_rd *rd)
{
    struct element e;
    int c;

    memset(&e, 0, sizeof e);
    sitrep_buf_init(&e.b, rd->max_record);
    skip_space(rd);
    c = sitrep_rd_peek(rd);
    if (c == EOF) {
        if (!rd->failed)
            sitrep_rd_error(rd, 1, "empty file");
    } else if (c == '[') {
        read_array(rd, &e);
    } else if (c == '{') {
        read_objects(rd, &e);
    } else {
        sitrep_rd_error(rd, rd->line,
                        "invalid JSON: expected an object or an array of objects at column %ld",
                        rd->col);
    }
    sitrep_buf_free(&e.b);
}
