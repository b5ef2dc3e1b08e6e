/* ner.h - a statistical named-entity tagger for English news text.
 *
 * An averaged perceptron trained on the Groningen Meaning Bank (GMB) NER
 * corpus tags persons, places, organisations, time expressions and other
 * names.  The model is compiled into the library (indexer/ner/model.bin,
 * described with its scores in indexer/ner/README.md): there is no file to
 * load and no state to set up.  The tagger tokenises the text itself, the way
 * GMB does ("Cairo's" is "Cairo" + "'s", "U.S." keeps its dots), finds the
 * sentences and tags each one greedily from left to right.  With a
 * gazetteer it also knows which capitalised words begin or continue a place
 * or person name the gazetteer has, which is what lets it tag names it never
 * saw in training ("Kharkov", "Homs") as places.
 *
 * Spans follow GMB's conventions: a person's span includes a title before the
 * name ("President Vladimir Putin"); SITREP_NER_GEO is a geographical name
 * ("Kharkiv", "Middle East"), SITREP_NER_GPE a geopolitical entity named as
 * a noun ("Syria", "Iraqis"); adjectives of nationality ("British"), events,
 * artefacts and natural phenomena are SITREP_NER_MISC.
 *
 * Usage:
 *     struct sitrep_ner_span *spans;
 *     size_t n;
 *     if (sitrep_ner_tag(gz, text, len, &spans, &n) != SITREP_OK)
 *         ... out of memory ...
 *     for (size_t i = 0; i < n; i++)
 *         if (spans[i].type == SITREP_NER_PER)
 *             use(text + spans[i].start, spans[i].end - spans[i].start);
 *     free(spans);
 *
 * Thread safety: reentrant; the model is immutable, every call keeps its
 * state on its own stack and heap, and a loaded gazetteer may be shared.
 */
#ifndef SITREP_NER_H
#define SITREP_NER_H

#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"
#include "sitrep.h"

enum sitrep_ner_type {
    SITREP_NER_PER = 1, /* person, with a leading title */
    SITREP_NER_GEO,     /* geographical place */
    SITREP_NER_GPE,     /* geopolitical entity (country, city as a polity) */
    SITREP_NER_ORG,     /* organisation */
    SITREP_NER_TIM,     /* time expression ("Monday", "2006") */
    SITREP_NER_MISC,    /* nationality adjective, event, artefact, natural phenomenon */
};

struct sitrep_ner_span {
    uint32_t start, end; /* byte offsets into the text, end exclusive */
    enum sitrep_ner_type type;
};

/* Tags text[0..len), which may hold any bytes: invalid UTF-8 separates
 * tokens, as white space does.  gz is the gazetteer the model was trained
 * with (the default one and its supplement, as sitrep-index loads them),
 * borrowed for the call; with NULL no gazetteer feature fires and unseen
 * names are tagged less well.  On success *out is a malloc'd array of *n
 * spans in text order, without overlaps, which the caller frees (NULL when
 * *n is 0).  On failure *out is NULL and *n is 0.  Errors: SITREP_ERR_NOMEM
 * only.  A text longer than 4 GiB - 1 bytes is read only that far.  Costs
 * one pass over the text, about 35 table probes per token that is, or is
 * next to, a capitalised word or a number, and one or two gazetteer lookups
 * per capitalised word: roughly 10 MB/s of news text on one core (14 MB/s
 * with gz NULL). */
sitrep_status sitrep_ner_tag(const sitrep_gazetteer *gz, const char *text, size_t len,
                             struct sitrep_ner_span **out, size_t *n);

/* Returns a static name for a type ("per", "geo", "gpe", "org", "tim",
 * "misc"), or "?" for a value outside the enum. */
const char *sitrep_ner_type_name(enum sitrep_ner_type type);

#endif
