/* hits.c - rendering search hits: the JSON object, and CSV rows. */
#include "hits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "rawjson.h"
#include "request.h"

/* Members of the stored record are copied into answers as they lie, so it
 * must be written as answers are. */
_Static_assert(SITREP_RECORD_JSON_FLAGS == SRV_JSON_FLAGS, "record and answers differ in form");

/* The record's head has eleven members (article.c); room for more. */
#define HEAD_MEMBERS 32

#define SNIPPET_BYTES 240u

void srv_hit_fields_init(struct srv_hit_fields *f, const struct srv_search_params *sp)
{
    for (int i = 0; i < SRV_FIELD_LAST; i++)
        f->want[i] = sp->n_fields == 0;
    for (size_t i = 0; i < sp->n_fields; i++)
        f->want[sp->fields[i]] = true;
    /* Without a point there is no distance. */
    f->want[SRV_FIELD_DISTANCE_KM] = f->want[SRV_FIELD_DISTANCE_KM] && sp->near.given;
}

void srv_hit_fields_csv_default(struct srv_hit_fields *f, const struct srv_search_params *sp)
{
    static const enum srv_hit_field columns[] = {
        SRV_FIELD_ID,   SRV_FIELD_TITLE,     SRV_FIELD_URL,    SRV_FIELD_SOURCE,
        SRV_FIELD_LANG, SRV_FIELD_PUBLISHED, SRV_FIELD_PLACES, SRV_FIELD_PERSONS,
    };
    if (sp->n_fields) {
        srv_hit_fields_init(f, sp);
        return;
    }
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        f->want[columns[i]] = true;
}

/* The members that are lists: absent from a record, they show as []. */
static bool is_list(enum srv_hit_field field)
{
    return field == SRV_FIELD_PLACES || field == SRV_FIELD_PERSONS ||
           field == SRV_FIELD_EVENT_DATES;
}

/* The snippet of the hit's text (NULL: none) as a new JSON string, with
 * the highlight tags asked for; NULL when out of memory.  Only made when
 * shown: exports without it skip the work. */
static json_t *snippet_json(const struct srv_search *s, sitrep_results *r, const char *text,
                            size_t text_len)
{
    const struct srv_search_params *sp = &s->sp;
    const char *pre = !sp->highlight ? "" : sp->pre_tag ? sp->pre_tag : "<mark>";
    const char *post = !sp->highlight ? "" : sp->post_tag ? sp->post_tag : "</mark>";
    char *snippet = NULL;
    json_t *js;

    if (text && sitrep_results_snippet(r, text, text_len, SNIPPET_BYTES, pre, post, &snippet) ==
                    SITREP_OK)
        js = srv_json_string_lossy(snippet, strlen(snippet));
    else
        js = json_string("");
    free(snippet);
    return js;
}

static int copy_member(json_t *hit, json_t *record, const char *key, bool array)
{
    json_t *v = json_object_get(record, key);
    if (!v)
        v = array ? json_array() : json_null();
    else
        json_incref(v);
    return json_object_set_new(hit, key, v);
}

json_t *srv_hit_render(const struct srv_search *s, sitrep_results *r, const struct sitrep_hit *h,
                       const struct srv_hit_fields *f, const char *req_id)
{
    json_error_t jerr;
    const char *text;
    size_t text_len;
    json_t *record = sitrep_record_parse(h->data, h->data_len, &text, &text_len, &jerr);
    json_t *hit = json_object();

    if (!hit)
        goto fail;
    if (!json_is_object(record)) {
        fprintf(stderr, "sitrepd: request %s: document %u has no valid record: %s\n", req_id,
                h->docid, jerr.text);
        json_decref(record);
        record = json_object();
        if (!record)
            goto fail;
    }
    for (int i = 0; i < SRV_FIELD_LAST; i++) {
        const char *name = srv_hit_field_name((enum srv_hit_field)i);
        if (!f->want[i])
            continue;
        switch ((enum srv_hit_field)i) {
        case SRV_FIELD_SCORE:
            if (json_object_set_new(hit, name, json_real(h->score)))
                goto fail;
            break;
        case SRV_FIELD_SNIPPET:
            if (json_object_set_new(hit, name, snippet_json(s, r, text, text_len)))
                goto fail;
            break;
        case SRV_FIELD_COPIES:
            if (json_object_set_new(hit, name, json_integer((json_int_t)h->copies)))
                goto fail;
            break;
        case SRV_FIELD_DISTANCE_KM: {
            double km;
            /* To 100 m: a town's one point means no more. */
            json_t *v = srv_search_near_km(s, json_object_get(record, "places"), &km)
                            ? json_real(round(km * 10) / 10)
                            : json_null();
            if (json_object_set_new(hit, name, v))
                goto fail;
            break;
        }
        default:
            if (copy_member(hit, record, name, is_list((enum srv_hit_field)i)))
                goto fail;
            break;
        }
    }
    json_decref(record);
    return hit;
fail:
    json_decref(record);
    json_decref(hit);
    return NULL;
}

/* A member of the head by name: the last, as a parser keeps; NULL when
 * absent. */
static const struct srv_rawjson_member *head_member(const struct srv_rawjson_member *m, int n,
                                                    const char *name)
{
    const struct srv_rawjson_member *found = NULL;
    for (int i = 0; i < n; i++)
        if (srv_rawjson_key_is(&m[i], name))
            found = &m[i];
    return found;
}

sitrep_status srv_hit_render_text(const struct srv_search *s, sitrep_results *r,
                                  const struct sitrep_hit *h, const struct srv_hit_fields *f,
                                  const char *req_id, struct sitrep_buf *out)
{
    struct srv_rawjson_member m[HEAD_MEMBERS];
    const char *sep = memchr(h->data, SITREP_RECORD_SEP, h->data_len);
    int n = sep ? srv_rawjson_members(h->data, (size_t)(sep - h->data), m, HEAD_MEMBERS) : -1;
    sitrep_status st = SITREP_OK;
    char num[32];
    bool first = true;

    /* Older records, odd ones and distances (which read the places) take
     * the parsing path; it gives the same text. */
    if (n < 0 || n > HEAD_MEMBERS || f->want[SRV_FIELD_DISTANCE_KM]) {
        json_t *hit = srv_hit_render(s, r, h, f, req_id);
        st = hit ? srv_json_append(out, hit) : SITREP_ERR_NOMEM;
        json_decref(hit);
        goto out;
    }
    if ((st = sitrep_buf_append_char(out, '{')) != SITREP_OK)
        goto out;
    for (int i = 0; i < SRV_FIELD_LAST && st == SITREP_OK; i++) {
        const char *name = srv_hit_field_name((enum srv_hit_field)i);
        if (!f->want[i])
            continue;
        if ((!first && (st = sitrep_buf_append_char(out, ',')) != SITREP_OK) ||
            (st = sitrep_buf_append_char(out, '"')) != SITREP_OK ||
            (st = sitrep_buf_append_str(out, name)) != SITREP_OK ||
            (st = sitrep_buf_append(out, "\":", 2)) != SITREP_OK)
            break;
        first = false;
        switch ((enum srv_hit_field)i) {
        case SRV_FIELD_SCORE:
        case SRV_FIELD_SNIPPET: {
            json_t *v = i == SRV_FIELD_SCORE
                            ? json_real(h->score)
                            : snippet_json(s, r, sep + 1, h->data_len - (size_t)(sep + 1 - h->data));
            st = v ? srv_json_append(out, v) : SITREP_ERR_NOMEM;
            json_decref(v);
            break;
        }
        case SRV_FIELD_COPIES:
            snprintf(num, sizeof num, "%llu", (unsigned long long)h->copies);
            st = sitrep_buf_append_str(out, num);
            break;
        default: {
            const struct srv_rawjson_member *v = head_member(m, n, name);
            st = v ? sitrep_buf_append(out, v->value, v->value_len)
                   : sitrep_buf_append_str(out, is_list((enum srv_hit_field)i) ? "[]" : "null");
            break;
        }
        }
    }
    if (st == SITREP_OK)
        st = sitrep_buf_append_char(out, '}');
out:
    return st;
}

/* ---- CSV -------------------------------------------------------------- */

/* One field, quoted when RFC 4180 requires it. */
static sitrep_status csv_field(struct sitrep_buf *out, const char *s, size_t len)
{
    sitrep_status st = SITREP_OK;
    bool quote = false;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote)
        return sitrep_buf_append(out, s, len);
    if ((st = sitrep_buf_append_char(out, '"')) != SITREP_OK)
        return st;
    for (size_t i = 0; i < len && st == SITREP_OK; i++)
        st = s[i] == '"' ? sitrep_buf_append(out, "\"\"", 2) : sitrep_buf_append_char(out, s[i]);
    return st == SITREP_OK ? sitrep_buf_append_char(out, '"') : st;
}

sitrep_status srv_hit_csv_header(const struct srv_hit_fields *f, struct sitrep_buf *out)
{
    sitrep_status st = SITREP_OK;
    bool first = true;
    for (int i = 0; i < SRV_FIELD_LAST && st == SITREP_OK; i++) {
        if (!f->want[i])
            continue;
        if (!first)
            st = sitrep_buf_append_char(out, ',');
        if (st == SITREP_OK)
            st = sitrep_buf_append_str(out, srv_hit_field_name((enum srv_hit_field)i));
        first = false;
    }
    return st == SITREP_OK ? sitrep_buf_append(out, "\r\n", 2) : st;
}

/* A list member as one field: each item's key ("name", "date") joined by
 * '|', which no place or person name holds (gazetteer README). */
static sitrep_status csv_list(struct sitrep_buf *out, json_t *list, const char *key)
{
    struct sitrep_buf joined;
    sitrep_status st = SITREP_OK;
    size_t i;
    json_t *item;

    sitrep_buf_init(&joined, out->max);
    json_array_foreach(list, i, item)
    {
        const char *v = json_string_value(json_object_get(item, key));
        if (!v)
            continue;
        if ((joined.len && (st = sitrep_buf_append_char(&joined, '|')) != SITREP_OK) ||
            (st = sitrep_buf_append_str(&joined, v)) != SITREP_OK)
            break;
    }
    if (st == SITREP_OK)
        st = csv_field(out, joined.data ? joined.data : "", joined.len);
    sitrep_buf_free(&joined);
    return st;
}

sitrep_status srv_hit_csv_row(const struct srv_hit_fields *f, json_t *hit, struct sitrep_buf *out)
{
    sitrep_status st = SITREP_OK;
    bool first = true;
    char num[32];

    for (int i = 0; i < SRV_FIELD_LAST && st == SITREP_OK; i++) {
        if (!f->want[i])
            continue;
        if (!first && (st = sitrep_buf_append_char(out, ',')) != SITREP_OK)
            break;
        first = false;
        json_t *v = json_object_get(hit, srv_hit_field_name((enum srv_hit_field)i));
        switch (v ? json_typeof(v) : JSON_NULL) {
        case JSON_STRING:
            st = csv_field(out, json_string_value(v), json_string_length(v));
            break;
        case JSON_REAL:
        case JSON_INTEGER:
            snprintf(num, sizeof num, "%.12g", json_number_value(v));
            st = sitrep_buf_append_str(out, num);
            break;
        case JSON_ARRAY:
            st = csv_list(out, v, i == SRV_FIELD_EVENT_DATES ? "date" : "name");
            break;
        default: /* null or missing: an empty field */
            break;
        }
    }
    return st == SITREP_OK ? sitrep_buf_append(out, "\r\n", 2) : st;
}
