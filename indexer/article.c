/* article.c - normalising articles, their stored record, and their terms. */
#include "article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dedup.h"
#include "extract.h"
#include "schema.h"
#include "text.h"

/* Ids derived from URLs stay readable up to this length, then get a hash. */
#define URL_ID_MAX 96

void sitrep_article_init(struct sitrep_article *a)
{
    memset(a, 0, sizeof *a);
}

void sitrep_article_clear(struct sitrep_article *a)
{
    free(a->id);
    free(a->title);
    free(a->url);
    free(a->source);
    free(a->lang);
    free(a->published);
    free(a->text);
    json_decref(a->meta);
    json_decref(a->entities);
    sitrep_article_init(a);
}

/* The host of an http(s) URL without "www.", newly allocated, or NULL. */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    size_t n;
    char *host;
    if (!p)
        return NULL;
    p += 3;
    /* Skip credentials. */
    const char *at = strpbrk(p, "@/?#");
    if (at && *at == '@')
        p = at + 1;
    n = strcspn(p, ":/?#");
    if (n == 0)
        return NULL;
    if (n > 4 && strncmp(p, "www.", 4) == 0)
        p += 4, n -= 4;
    host = strndup(p, n);
    if (host) {
        char *f = sitrep_text_fold(host, n);
        free(host);
        host = f;
    }
    return host;
}

/* "https://www.example.org/2022/02/kharkiv?x=1" -> "example-org-2022-02-kharkiv-x-1":
 * readable in URLs and logs, stable for the same URL. */
static char *id_from_url(const char *url)
{
    const char *p = strstr(url, "://");
    char *slug, *id = NULL;
    p = p ? p + 3 : url;
    if (strncmp(p, "www.", 4) == 0)
        p += 4;
    slug = sitrep_text_slug(p);
    if (!slug)
        return NULL;
    if (*slug == '\0') {
        free(slug);
        return NULL;
    }
    if (strlen(slug) <= URL_ID_MAX)
        return slug;
    char hex[33];
    size_t keep = URL_ID_MAX - 17;
    while (keep > 0 && ((unsigned char)slug[keep] & 0xC0) == 0x80)
        keep--;
    sitrep_text_hash_hex(url, strlen(url), hex);
    id = malloc(keep + 18);
    if (id)
        snprintf(id, keep + 18, "%.*s-%.16s", (int)keep, slug, hex);
    free(slug);
    return id;
}

static bool check_utf8(const char *what, const char *s, size_t len, char *reason,
                       size_t reason_len)
{
    size_t bad;
    if (!s || sitrep_utf8_valid(s, len, &bad))
        return true;
    snprintf(reason, reason_len, "invalid UTF-8 in %s at byte %zu", what, bad);
    return false;
}

sitrep_status sitrep_article_normalise(struct sitrep_article *a, size_t max_bytes, char *reason,
                                       size_t reason_len)
{
    sitrep_status st = SITREP_ERR_INVALID;
    size_t title_len = a->title ? strlen(a->title) : 0;

    if (a->text && a->text_len == 0)
        a->text_len = strlen(a->text);
    if (title_len + a->text_len > max_bytes) {
        snprintf(reason, reason_len, "record too large: %zu bytes > limit %zu",
                 title_len + a->text_len, max_bytes);
        goto out;
    }
    if (!check_utf8("title", a->title, title_len, reason, reason_len) ||
        !check_utf8("text", a->text, a->text_len, reason, reason_len) ||
        !check_utf8("url", a->url, a->url ? strlen(a->url) : 0, reason, reason_len) ||
        !check_utf8("id", a->id, a->id ? strlen(a->id) : 0, reason, reason_len))
        goto out;
    if (a->text && memchr(a->text, '\0', a->text_len)) {
        snprintf(reason, reason_len, "text contains a NUL byte");
        goto out;
    }
    {
        /* Text of nothing but white space is empty too. */
        size_t i = 0;
        while (a->text && i < a->text_len && strchr(" \t\r\n\f\v", a->text[i]))
            i++;
        if (!a->text || i == a->text_len) {
            snprintf(reason, reason_len, "empty text");
            goto out;
        }
    }
    if (a->title) {
        sitrep_text_squash_space(a->title);
        if (*a->title == '\0') {
            free(a->title);
            a->title = NULL;
        }
    }
    if (a->id) {
        sitrep_text_squash_space(a->id);
        if (*a->id == '\0') {
            free(a->id);
            a->id = NULL;
        }
    }
    if (a->published) {
        char ymd[11];
        if (sitrep_date_parse(a->published, ymd)) {
            free(a->published);
            a->published = strdup(ymd);
            if (!a->published) {
                st = SITREP_ERR_NOMEM;
                goto out;
            }
        } else {
            /* Keep the article: a date we cannot read is kept in meta and the
             * date is inferred from the text instead. */
            if (!a->meta)
                a->meta = json_object();
            if (a->meta)
                json_object_set_new(a->meta, "published_unparsed", json_string(a->published));
            free(a->published);
            a->published = NULL;
        }
    }
    if (!a->source && a->url)
        a->source = url_host(a->url);
    if (a->lang) {
        char *f = sitrep_text_fold(a->lang, strlen(a->lang));
        free(a->lang);
        a->lang = f;
    }
    if (!a->id && a->url)
        a->id = id_from_url(a->url);
    if (!a->id) {
        /* Same title and text, same id: re-ingesting never duplicates. */
        char hex[33];
        size_t n = title_len + 1 + a->text_len;
        char *joined = malloc(n);
        if (!joined) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        if (title_len)
            memcpy(joined, a->title, title_len);
        joined[title_len] = '\n';
        memcpy(joined + title_len + 1, a->text, a->text_len);
        sitrep_text_hash_hex(joined, n, hex);
        free(joined);
        a->id = malloc(2 + 32 + 1);
        if (!a->id) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        snprintf(a->id, 35, "h-%s", hex);
    }
    st = SITREP_OK;
out:
    return st;
}

static int set_str(json_t *o, const char *key, const char *value)
{
    return json_object_set_new(o, key, value ? json_string(value) : json_null());
}

/* Entities as the record keeps them: mention lists become counts. */
static json_t *record_places(json_t *places)
{
    json_t *out = json_array(), *p;
    size_t i;
    if (!out)
        return NULL;
    json_array_foreach(places, i, p)
    {
        json_t *m = json_object_get(p, "mentions");
        json_t *o = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:I}", "id", json_object_get(p, "id"),
                              "name", json_object_get(p, "name"), "country",
                              json_object_get(p, "country"), "admin1",
                              json_object_get(p, "admin1"), "lat", json_object_get(p, "lat"),
                              "lon", json_object_get(p, "lon"), "mentions",
                              (json_int_t)(json_is_array(m) ? json_array_size(m) : 1));
        if (o)
            json_array_append_new(out, o);
    }
    return out;
}

static json_t *record_persons(json_t *persons)
{
    json_t *out = json_array(), *p;
    size_t i;
    if (!out)
        return NULL;
    json_array_foreach(persons, i, p)
    {
        json_t *m = json_object_get(p, "mentions");
        json_t *o = json_pack("{s:O?,s:O?,s:I}", "id", json_object_get(p, "id"), "name",
                              json_object_get(p, "name"), "mentions",
                              (json_int_t)(json_is_array(m) ? json_array_size(m) : 1));
        if (o)
            json_array_append_new(out, o);
    }
    return out;
}

/* One entry per distinct date and precision, in order of first mention. */
static json_t *record_dates(json_t *dates)
{
    json_t *out = json_array(), *d;
    size_t i;
    if (!out)
        return NULL;
    json_array_foreach(dates, i, d)
    {
        const char *date = json_string_value(json_object_get(d, "date"));
        const char *prec = json_string_value(json_object_get(d, "precision"));
        bool seen = false;
        json_t *e;
        size_t j;
        if (!date || !prec)
            continue;
        json_array_foreach(out, j, e)
        {
            if (strcmp(json_string_value(json_object_get(e, "date")), date) == 0 &&
                strcmp(json_string_value(json_object_get(e, "precision")), prec) == 0)
                seen = true;
        }
        if (!seen)
            json_array_append_new(out, json_pack("{s:s,s:s,s:O?}", "date", date, "precision",
                                                 prec, "text", json_object_get(d, "text")));
    }
    return out;
}

char *sitrep_article_to_record(const struct sitrep_article *a, size_t *len)
{
    json_t *o = json_object();
    json_t *ents = a->entities;
    char *head = NULL, *out = NULL;
    size_t head_len;
    if (!o)
        goto out;
    if (set_str(o, "id", a->id) || set_str(o, "title", a->title) || set_str(o, "url", a->url) ||
        set_str(o, "source", a->source) || set_str(o, "lang", a->lang) ||
        set_str(o, "published", a->published) ||
        json_object_set_new(o, "published_inferred", json_boolean(a->published_inferred)))
        goto out;
    if (json_object_set_new(o, "meta", a->meta ? json_incref(a->meta) : json_object()) ||
        json_object_set_new(o, "places", record_places(json_object_get(ents, "places"))) ||
        json_object_set_new(o, "persons", record_persons(json_object_get(ents, "persons"))) ||
        json_object_set_new(o, "event_dates", record_dates(json_object_get(ents, "dates"))))
        goto out;
    if (!(head = json_dumps(o, SITREP_RECORD_JSON_FLAGS)))
        goto out;
    head_len = strlen(head);
    if (!(out = malloc(head_len + 1 + a->text_len + 1)))
        goto out;
    memcpy(out, head, head_len);
    out[head_len] = SITREP_RECORD_SEP;
    if (a->text_len)
        memcpy(out + head_len + 1, a->text, a->text_len);
    out[head_len + 1 + a->text_len] = '\0';
    *len = head_len + 1 + a->text_len;
out:
    free(head);
    json_decref(o);
    return out;
}

json_t *sitrep_record_parse(const char *data, size_t len, const char **text, size_t *text_len,
                            json_error_t *err)
{
    const char *sep = memchr(data, SITREP_RECORD_SEP, len);
    json_t *o = json_loadb(data, sep ? (size_t)(sep - data) : len, 0, err);
    const char *ignored;
    size_t ignored_len;
    if (!text || !text_len) {
        text = &ignored;
        text_len = &ignored_len;
    }
    *text = NULL;
    *text_len = 0;
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
        if (err)
            snprintf(err->text, sizeof err->text, "the record is not a JSON object");
    }
    if (!o)
        goto out;
    if (sep) {
        *text = sep + 1;
        *text_len = len - (size_t)(sep + 1 - data);
    } else if (json_is_string(json_object_get(o, "text"))) {
        *text = json_string_value(json_object_get(o, "text"));
        *text_len = json_string_length(json_object_get(o, "text"));
    }
out:
    return o;
}

json_t *sitrep_record_load(const char *data, size_t len, json_error_t *err)
{
    const char *text;
    size_t text_len;
    json_t *o = sitrep_record_parse(data, len, &text, &text_len, err);
    /* The older format has its "text" already. */
    if (o && text && !json_object_get(o, "text") &&
        json_object_set_new(o, "text", json_stringn(text, text_len))) {
        json_decref(o);
        o = NULL;
        if (err)
            snprintf(err->text, sizeof err->text, "out of memory");
    }
    return o;
}

/* Y, M and D terms (publication or event) for "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD". */
static sitrep_status add_date_terms(sitrep_doc *doc, bool event, const char *date)
{
    char v[9];
    size_t n = strlen(date);
    sitrep_status st = SITREP_OK;
    if (n < 4)
        return SITREP_OK;
    memcpy(v, date, 4);
    v[4] = '\0';
    st = sitrep_doc_add_term(doc, event ? SITREP_FIELD_EVENT_YEAR : SITREP_FIELD_YEAR, v);
    if (st == SITREP_OK && n >= 7) {
        memcpy(v + 4, date + 5, 2);
        v[6] = '\0';
        st = sitrep_doc_add_term(doc, event ? SITREP_FIELD_EVENT_MONTH : SITREP_FIELD_MONTH, v);
    }
    if (st == SITREP_OK && n >= 10) {
        memcpy(v + 6, date + 8, 2);
        v[8] = '\0';
        st = sitrep_doc_add_term(doc, event ? SITREP_FIELD_EVENT_DAY : SITREP_FIELD_DAY, v);
    }
    return st;
}

static sitrep_status add_opt_term(sitrep_doc *doc, enum sitrep_field f, const char *v)
{
    return (v && *v) ? sitrep_doc_add_term(doc, f, v) : SITREP_OK;
}

/* Countries have gazetteer ids "sitrep:country-<iso2>" (gazetteer.h). */
static bool is_country_id(const char *id)
{
    return strncmp(id, "sitrep:country-", 15) == 0;
}

/* The source facet holds the H term's value: the host as folded for the
 * filter, so a count and a source= filter agree. */
/* The text's near-duplicate signature (slot 5) and its band terms (XB),
 * from the body only: outlets rewrite headlines more than bodies.  A text
 * too short for a signature gets neither, and is nobody's copy. */
static sitrep_status add_fingerprint(sitrep_doc *doc, const char *text, size_t len)
{
    struct sitrep_dedup_sig sig;
    unsigned char bytes[SITREP_DEDUP_BYTES];
    char band[SITREP_DEDUP_BAND_CHARS];
    sitrep_status st;
    bool has;

    if ((st = sitrep_dedup_sign(text, len, &sig, &has)) != SITREP_OK || !has)
        return st;
    sitrep_dedup_encode(&sig, bytes);
    st = sitrep_doc_set_value(doc, SITREP_SLOT_FINGERPRINT, (const char *)bytes, sizeof bytes);
    for (unsigned b = 0; b < SITREP_DEDUP_BANDS && st == SITREP_OK; b++) {
        sitrep_dedup_band(&sig, b, band);
        st = sitrep_doc_add_term(doc, SITREP_FIELD_DEDUP_BAND, band);
    }
    return st;
}

static sitrep_status add_source_facet(sitrep_doc *doc, const char *source)
{
    sitrep_status st;
    char *term;
    if (!source || !*source)
        return SITREP_OK;
    term = sitrep_schema_term(SITREP_FIELD_SOURCE, source);
    if (!term)
        return SITREP_ERR_NOMEM;
    st = sitrep_doc_add_facet(doc, SITREP_SLOT_SOURCE,
                              term + strlen(sitrep_schema[SITREP_FIELD_SOURCE].prefix), NULL);
    free(term);
    return st;
}

sitrep_status sitrep_article_to_doc(const struct sitrep_article *a, sitrep_doc **out)
{
    sitrep_doc *doc = NULL;
    sitrep_status st;
    char *record = NULL;
    size_t record_len = 0;
    json_t *e;
    size_t i;

    *out = NULL;
    st = sitrep_doc_new(&doc);
    if (st != SITREP_OK)
        goto out;
    if ((st = sitrep_doc_set_id(doc, a->id)) != SITREP_OK)
        goto out;
    if (a->title && (st = sitrep_doc_index_text(doc, SITREP_FIELD_TITLE, a->title,
                                                strlen(a->title))) != SITREP_OK)
        goto out;
    if ((st = sitrep_doc_index_text(doc, SITREP_FIELD_BODY, a->text, a->text_len)) != SITREP_OK ||
        (st = add_fingerprint(doc, a->text, a->text_len)) != SITREP_OK)
        goto out;
    if ((st = add_opt_term(doc, SITREP_FIELD_URL, a->url)) != SITREP_OK ||
        (st = add_opt_term(doc, SITREP_FIELD_SOURCE, a->source)) != SITREP_OK ||
        (st = add_opt_term(doc, SITREP_FIELD_LANG, a->lang)) != SITREP_OK ||
        (st = add_source_facet(doc, a->source)) != SITREP_OK)
        goto out;
    if (a->published) {
        char slot[9];
        if ((st = add_date_terms(doc, false, a->published)) != SITREP_OK)
            goto out;
        snprintf(slot, sizeof slot, "%.4s%.2s%.2s", a->published, a->published + 5,
                 a->published + 8);
        if ((st = sitrep_doc_set_value(doc, SITREP_SLOT_PUBLISHED, slot, 8)) != SITREP_OK)
            goto out;
    }
    json_array_foreach(json_object_get(a->entities, "places"), i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *admin1_id = json_string_value(json_object_get(e, "admin1_id"));
        const char *country = json_string_value(json_object_get(e, "country"));
        if ((st = add_opt_term(doc, SITREP_FIELD_PLACE, id)) != SITREP_OK ||
            (st = add_opt_term(doc, SITREP_FIELD_PLACE, admin1_id)) != SITREP_OK ||
            (st = add_opt_term(doc, SITREP_FIELD_COUNTRY, country)) != SITREP_OK)
            goto out;
        /* The facet lists mirror those terms, so a count is what the filter
         * on the value finds.  A country is left to the country facet: a
         * place= filter on a country matches every place inside it (its N
         * term), which a count of the XP term would not be. */
        if (id && *id && !is_country_id(id) &&
            (st = sitrep_doc_add_facet(doc, SITREP_SLOT_PLACES, id,
                                       json_string_value(json_object_get(e, "name")))) !=
                SITREP_OK)
            goto out;
        if (admin1_id && *admin1_id &&
            (st = sitrep_doc_add_facet(doc, SITREP_SLOT_PLACES, admin1_id,
                                       json_string_value(json_object_get(e, "admin1")))) !=
                SITREP_OK)
            goto out;
        if (country && *country &&
            (st = sitrep_doc_add_facet(doc, SITREP_SLOT_COUNTRIES, country, NULL)) != SITREP_OK)
            goto out;
    }
    json_array_foreach(json_object_get(a->entities, "persons"), i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *surname = json_string_value(json_object_get(e, "surname"));
        char *slug = surname ? sitrep_text_slug(surname) : NULL;
        st = add_opt_term(doc, SITREP_FIELD_PERSON, id);
        if (st == SITREP_OK)
            st = add_opt_term(doc, SITREP_FIELD_SURNAME, slug);
        if (st == SITREP_OK && id && *id)
            st = sitrep_doc_add_facet(doc, SITREP_SLOT_PERSONS, id,
                                      json_string_value(json_object_get(e, "name")));
        free(slug);
        if (st != SITREP_OK)
            goto out;
    }
    json_array_foreach(json_object_get(a->entities, "dates"), i, e)
    {
        const char *date = json_string_value(json_object_get(e, "date"));
        if (date && (st = add_date_terms(doc, true, date)) != SITREP_OK)
            goto out;
    }
    record = sitrep_article_to_record(a, &record_len);
    if (!record) {
        st = SITREP_ERR_NOMEM;
        goto out;
    }
    st = sitrep_doc_set_data(doc, record, record_len);
out:
    free(record);
    if (st != SITREP_OK) {
        sitrep_doc_destroy(doc);
        doc = NULL;
    }
    *out = doc;
    return st;
}

sitrep_status sitrep_article_prepare(struct sitrep_article *a, const sitrep_gazetteer *gz,
                             size_t max_record_bytes, char *reason, size_t reason_len)
{
    sitrep_status st;
    char *joined = NULL;
    size_t title_len, n;
    json_t *published;

    st = sitrep_article_normalise(a, max_record_bytes, reason, reason_len);
    if (st != SITREP_OK)
        goto out;
    /* Extract from the title too: headlines name the place more often than
     * any other sentence. */
    title_len = a->title ? strlen(a->title) : 0;
    n = title_len + 2 + a->text_len;
    joined = malloc(n + 1);
    if (!joined) {
        st = SITREP_ERR_NOMEM;
        goto out;
    }
    if (title_len)
        memcpy(joined, a->title, title_len);
    memcpy(joined + title_len, "\n\n", 2);
    memcpy(joined + title_len + 2, a->text, a->text_len);
    joined[n] = '\0';
    json_decref(a->entities);
    a->entities = sitrep_extract(gz, joined, n, a->published);
    if (!a->entities) {
        st = SITREP_ERR_NOMEM;
        goto out;
    }
    published = json_object_get(a->entities, "published");
    if (!a->published && json_is_string(published)) {
        a->published = strdup(json_string_value(published));
        if (!a->published) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        a->published_inferred = true;
    }
    st = SITREP_OK;
out:
    free(joined);
    return st;
}
