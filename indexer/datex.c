/* datex.c - finding date expressions in running text and resolving them
 * against the publication date.
 *
 * A hand-written scanner rather than regular expressions: it looks only at
 * word starts, decides from the first word (a number, a month, a weekday, a
 * relative word) which few forms can follow, and never backtracks further
 * than one word, so it runs in one pass at memory speed over any bytes.
 *
 * Resolution rules, chosen so that nothing is guessed wildly:
 *  - a weekday ("Monday", "on Thursday night") is the latest such day on or
 *    before publication, the publication day included; "last Monday" is the
 *    latest strictly before it, "next Monday" the first strictly after;
 *    "this Monday" is ambiguous and dropped;
 *  - a day and month without a year ("24 February") is in the publication
 *    year unless that is more than 31 days after publication, then in the
 *    year before (reports are mostly about the past, announcements of the
 *    coming weeks are common);
 *  - a bare month after a preposition ("in March", "since March") is the
 *    latest such month on or before the publication month; "last March"
 *    strictly before, "next March" strictly after, "this March" in the
 *    publication year;
 *  - a bare year needs a preposition ("in 2014", "since 2015") so that
 *    counts ("2000 people") are not taken for years;
 *  - "last week", "this week", "next week": precision is day, month or year
 *    only, so a week is given month precision when all seven days (Monday to
 *    Sunday) lie in one month and is dropped otherwise;
 *  - "N weeks ago" is approximate and dropped; "N days ago" is exact;
 *  - numeric dates are taken only when the order is clear: "2022-02-28",
 *    "28.02.2022" (day first), and "28/02/2022" or "02/28/2022" only when
 *    one of the first two numbers exceeds 12 or both are equal.
 * Without a publication date every relative form is dropped.
 */
#include "dates.h"

#include <string.h>

struct scan {
    const unsigned char *s;
    size_t len;
    bool have_pub;
    long pub; /* day number of publication */
    int py, pm, pd;
    bool yearless; /* report day-month without year as year 0 (inference) */
    sitrep_date_visit visit;
    void *data;
    size_t count;
    bool stop;
};

/* An absolute date read at some position, before it is reported. */
struct absdate {
    size_t end;
    int y, m, d; /* y == 0: no year written */
    enum sitrep_date_precision prec;
};

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_alnum(unsigned char c)
{
    return is_digit(c) || is_alpha(c);
}

static unsigned char lower(unsigned char c)
{
    return is_upper(c) ? (unsigned char)(c + 32) : c;
}

/* True when a word character ends just before i.  Bytes of multi-byte
 * sequences count as word characters (letters of other scripts), except
 * the lead-and-continuation patterns of no-break space and the general
 * punctuation block (quotes, dashes), which are separators. */
static bool word_before(const struct scan *sc, size_t i)
{
    const unsigned char *s = sc->s;
    if (i == 0)
        return false;
    if (s[i - 1] < 0x80)
        return is_alnum(s[i - 1]);
    if (i >= 2 && s[i - 2] == 0xC2 && s[i - 1] == 0xA0)
        return false;
    if (i >= 3 && s[i - 3] == 0xE2 && s[i - 2] == 0x80)
        return false;
    return s[i - 1] >= 0x80 && s[i - 1] < 0xC0;
}

/* True when a word character starts at i. */
static bool word_at(const struct scan *sc, size_t i)
{
    const unsigned char *s = sc->s;
    if (i >= sc->len)
        return false;
    if (s[i] < 0x80)
        return is_alnum(s[i]);
    if (s[i] == 0xC2 && i + 1 < sc->len && s[i + 1] == 0xA0)
        return false;
    if (s[i] == 0xE2 && i + 1 < sc->len && s[i + 1] == 0x80)
        return false;
    return s[i] >= 0xC0;
}

/* Skips spaces, tabs, at most one line break and no-break spaces. */
static size_t skip_space(const struct scan *sc, size_t i)
{
    int newlines = 0;
    while (i < sc->len) {
        unsigned char c = sc->s[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
        } else if (c == '\n' && newlines == 0) {
            newlines++;
            i++;
        } else if (c == 0xC2 && i + 1 < sc->len && sc->s[i + 1] == 0xA0) {
            i += 2;
        } else {
            break;
        }
    }
    return i;
}

static size_t alpha_end(const struct scan *sc, size_t i)
{
    while (i < sc->len && is_alpha(sc->s[i]))
        i++;
    return i;
}

static size_t digit_end(const struct scan *sc, size_t i)
{
    while (i < sc->len && is_digit(sc->s[i]))
        i++;
    return i;
}

static int number(const struct scan *sc, size_t i, size_t e)
{
    int v = 0;
    for (; i < e && v < 100000; i++)
        v = v * 10 + (sc->s[i] - '0');
    return v;
}

/* Case-insensitive: is s[i..e) exactly the lowercase word w? */
static bool word_is(const struct scan *sc, size_t i, size_t e, const char *w)
{
    size_t n = strlen(w);
    if (e - i != n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (lower(sc->s[i + k]) != (unsigned char)w[k])
            return false;
    return true;
}

static bool word_in(const struct scan *sc, size_t i, size_t e, const char *const *list)
{
    for (; *list; list++)
        if (word_is(sc, i, e, *list))
            return true;
    return false;
}

/* Month number 1..12 of a full or abbreviated English month name. */
static int month_of(const struct scan *sc, size_t i, size_t e, bool *abbrev)
{
    static const char *const full[12] = {"january",   "february", "march",    "april",
                                         "may",       "june",     "july",     "august",
                                         "september", "october",  "november", "december"};
    static const char *const abbr[13] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                         "aug", "sep", "oct", "nov", "dec", "sept"};
    int m = 0;
    *abbrev = false;
    if (e - i < 3 || e - i > 9)
        goto out;
    for (int k = 0; k < 12; k++)
        if (word_is(sc, i, e, full[k])) {
            m = k + 1;
            goto out;
        }
    for (int k = 0; k < 13; k++)
        if (word_is(sc, i, e, abbr[k])) {
            m = k < 12 ? k + 1 : 9;
            *abbrev = true;
            goto out;
        }
out:
    return m;
}

/* Weekday 0 (Monday) .. 6, or -1. */
static int weekday_of(const struct scan *sc, size_t i, size_t e, bool *abbrev)
{
    static const char *const full[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
    static const char *const abbr[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    int w = -1;
    *abbrev = false;
    if (e - i < 3 || e - i > 9)
        goto out;
    for (int k = 0; k < 7; k++)
        if (word_is(sc, i, e, full[k])) {
            w = k;
            goto out;
        }
    for (int k = 0; k < 7; k++)
        if (word_is(sc, i, e, abbr[k]) || (k == 1 && word_is(sc, i, e, "tues")) ||
            (k == 3 && (word_is(sc, i, e, "thur") || word_is(sc, i, e, "thurs")))) {
            w = k;
            *abbrev = true;
            goto out;
        }
out:
    return w;
}

/* The word ending before i (over spaces and one hyphen, for "mid-March"):
 * its bounds in *ws, *we; false when there is none. */
static bool prev_word(const struct scan *sc, size_t i, size_t *ws, size_t *we)
{
    size_t j = i;
    bool ok = false;
    int hops = 0;

    while (j > 0 && hops < 4 &&
           (sc->s[j - 1] == ' ' || sc->s[j - 1] == '\t' || sc->s[j - 1] == '\n' ||
            sc->s[j - 1] == '-')) {
        j--;
        hops++;
    }
    if (j == 0 || !is_alpha(sc->s[j - 1]))
        goto out;
    *we = j;
    while (j > 0 && is_alpha(sc->s[j - 1]))
        j--;
    if (j > 0 && sc->s[j - 1] >= 0x80)
        goto out;
    *ws = j;
    ok = true;
out:
    return ok;
}

static const char *const year_preps[] = {
    "in",  "since",  "until", "till",    "by",         "from",   "during", "early", "late",
    "mid", "before", "after", "through", "throughout", "around", "circa",  NULL,
};

static const char *const month_preps[] = {
    "in",     "since", "until",   "till",       "by",     "from", "during", "early", "late", "mid",
    "before", "after", "through", "throughout", "around", "last", "this",   "next",  NULL,
};

static void emit(struct scan *sc, size_t start, size_t end, int y, int m, int d,
                 enum sitrep_date_precision prec, bool relative)
{
    struct sitrep_date_mention dm;

    if (sc->stop)
        return;
    if (prec == SITREP_DATE_DAY && !sitrep_date_valid(y, m, d))
        return;
    if (prec == SITREP_DATE_MONTH && (y < 1 || y > 9999 || m < 1 || m > 12))
        return;
    if (prec == SITREP_DATE_YEAR && (y < 1 || y > 9999))
        return;
    dm.start = start;
    dm.end = end;
    dm.year = y;
    dm.month = prec == SITREP_DATE_YEAR ? 0 : m;
    dm.day = prec == SITREP_DATE_DAY ? d : 0;
    dm.precision = prec;
    dm.relative = relative;
    sc->count++;
    if (!sc->visit(&dm, sc->data))
        sc->stop = true;
}

static void emit_days(struct scan *sc, size_t start, size_t end, long days)
{
    int y, m, d;
    sitrep_date_from_days(days, &y, &m, &d);
    emit(sc, start, end, y, m, d, SITREP_DATE_DAY, true);
}

/* A month counted from year 0: y * 12 + (m - 1). */
static void emit_month_index(struct scan *sc, size_t start, size_t end, long mi)
{
    emit(sc, start, end, (int)(mi / 12), (int)(mi % 12) + 1, 0, SITREP_DATE_MONTH, true);
}

/* A week from its Monday: month precision when Monday..Sunday share a
 * month, else nothing. */
static void emit_week(struct scan *sc, size_t start, size_t end, long monday)
{
    int y1, m1, d1, y2, m2, d2;
    sitrep_date_from_days(monday, &y1, &m1, &d1);
    sitrep_date_from_days(monday + 6, &y2, &m2, &d2);
    if (y1 == y2 && m1 == m2)
        emit(sc, start, end, y1, m1, 0, SITREP_DATE_MONTH, true);
}

/* Optional ordinal suffix after a day number: "1st", "2nd", "24th". */
static size_t skip_ordinal(const struct scan *sc, size_t i)
{
    size_t e = alpha_end(sc, i);
    if (word_is(sc, i, e, "st") || word_is(sc, i, e, "nd") || word_is(sc, i, e, "rd") ||
        word_is(sc, i, e, "th"))
        return e;
    return i;
}

/* After a month name ending at p: a '.' of an abbreviation, if any. */
static size_t skip_abbrev_dot(const struct scan *sc, size_t p, bool abbrev)
{
    if (abbrev && p < sc->len && sc->s[p] == '.')
        return p + 1;
    return p;
}

/* A four-digit year 1000..2999 at i with a word boundary after it. */
static bool year_at(const struct scan *sc, size_t i, int *y, size_t *end)
{
    size_t e;
    bool ok = false;
    if (i >= sc->len || !is_digit(sc->s[i]))
        goto out;
    e = digit_end(sc, i);
    if (e - i != 4 || word_at(sc, e))
        goto out;
    *y = number(sc, i, e);
    if (*y < 1000 || *y > 2999)
        goto out;
    *end = e;
    ok = true;
out:
    return ok;
}

/* "D[th] [of] Month[.] [,] [YYYY]" at i (a digit).  ad->y is 0 when no year
 * follows. */
static bool day_month_at(const struct scan *sc, size_t i, struct absdate *ad)
{
    size_t e = digit_end(sc, i), p, ms, me;
    bool abbrev, ok = false;
    int d, m, y;

    if (e - i > 2)
        goto out;
    d = number(sc, i, e);
    p = skip_ordinal(sc, e);
    if (word_at(sc, p))
        goto out;
    p = skip_space(sc, p);
    me = alpha_end(sc, p);
    if (word_is(sc, p, me, "of")) {
        p = skip_space(sc, me);
        me = alpha_end(sc, p);
    }
    ms = p;
    if (ms >= sc->len || !is_upper(sc->s[ms]) || word_at(sc, me))
        goto out;
    m = month_of(sc, ms, me, &abbrev);
    if (m == 0 || d < 1 || d > 31)
        goto out;
    p = skip_abbrev_dot(sc, me, abbrev);
    ad->end = p;
    ad->y = 0;
    ad->m = m;
    ad->d = d;
    ad->prec = SITREP_DATE_DAY;
    {
        size_t q = p;
        if (q < sc->len && sc->s[q] == ',')
            q++;
        q = skip_space(sc, q);
        if (year_at(sc, q, &y, &e)) {
            ad->y = y;
            ad->end = e;
        }
    }
    ok = true;
out:
    return ok;
}

/* "Month[.] D[th][,] [YYYY]" or "Month[.][,] YYYY" at i (a capital). */
static bool month_day_at(const struct scan *sc, size_t i, struct absdate *ad)
{
    size_t me = alpha_end(sc, i), p, e;
    bool abbrev, ok = false;
    int m, y;

    if (!is_upper(sc->s[i]) || word_at(sc, me))
        goto out;
    m = month_of(sc, i, me, &abbrev);
    if (m == 0)
        goto out;
    p = skip_abbrev_dot(sc, me, abbrev);
    if (p < sc->len && sc->s[p] == ',')
        p++;
    p = skip_space(sc, p);
    if (year_at(sc, p, &y, &e)) {
        ad->end = e;
        ad->y = y;
        ad->m = m;
        ad->d = 0;
        ad->prec = SITREP_DATE_MONTH;
        ok = true;
        goto out;
    }
    if (p >= sc->len || !is_digit(sc->s[p]))
        goto out;
    e = digit_end(sc, p);
    if (e - p > 2)
        goto out;
    ad->d = number(sc, p, e);
    e = skip_ordinal(sc, e);
    /* "March 3:45" or "May 1-2" are not plain dates. */
    if (word_at(sc, e) || (e < sc->len && sc->s[e] == ':') || ad->d < 1 || ad->d > 31)
        goto out;
    ad->end = e;
    ad->y = 0;
    ad->m = m;
    ad->prec = SITREP_DATE_DAY;
    p = e;
    if (p < sc->len && sc->s[p] == ',')
        p++;
    p = skip_space(sc, p);
    if (year_at(sc, p, &y, &e)) {
        ad->y = y;
        ad->end = e;
    }
    ok = true;
out:
    return ok;
}

/* Numeric dates: "2022-02-28" (with an optional "T10:15"), "2022/02/28",
 * "28.02.2022", "28-02-2022", and "28/02/2022" when unambiguous. */
static bool numeric_at(const struct scan *sc, size_t i, struct absdate *ad)
{
    size_t e1 = digit_end(sc, i), e2, e3;
    unsigned char sep;
    bool ok = false;
    int a, b, c;

    if (e1 + 1 >= sc->len)
        goto out;
    sep = sc->s[e1];
    if (sep != '-' && sep != '/' && sep != '.')
        goto out;
    e2 = digit_end(sc, e1 + 1);
    if (e2 == e1 + 1 || e2 - e1 - 1 > 2 || e2 + 1 >= sc->len || sc->s[e2] != sep)
        goto out;
    e3 = digit_end(sc, e2 + 1);
    if (e3 == e2 + 1)
        goto out;
    /* A boundary after the last number; ISO may go on with a time. */
    if (word_at(sc, e3) && !(sc->s[e3] == 'T' && e3 + 1 < sc->len && is_digit(sc->s[e3 + 1])))
        goto out;
    /* "28.02.2022." ends a sentence, but "1.2.3.4" is a version or address. */
    if (e3 + 1 < sc->len && (sc->s[e3] == sep) && is_digit(sc->s[e3 + 1]))
        goto out;
    a = number(sc, i, e1);
    b = number(sc, e1 + 1, e2);
    c = number(sc, e2 + 1, e3);
    ad->end = e3;
    ad->prec = SITREP_DATE_DAY;
    if (e1 - i == 4 && e2 - e1 - 1 == 2 && e3 - e2 - 1 == 2 && sep != '.') {
        ad->y = a, ad->m = b, ad->d = c;
    } else if (e1 - i <= 2 && e3 - e2 - 1 == 4) {
        if (sep == '/') {
            if (a > 12 && b <= 12)
                ad->d = a, ad->m = b;
            else if (b > 12 && a <= 12)
                ad->m = a, ad->d = b;
            else if (a == b)
                ad->d = a, ad->m = b;
            else
                goto out;
        } else {
            ad->d = a, ad->m = b;
        }
        ad->y = c;
    } else {
        goto out;
    }
    ok = true;
out:
    return ok;
}

/* Any absolute date at i (digit or capital): numeric, day-month, month-day. */
static bool absolute_at(const struct scan *sc, size_t i, struct absdate *ad)
{
    if (is_digit(sc->s[i]))
        return numeric_at(sc, i, ad) || day_month_at(sc, i, ad);
    return month_day_at(sc, i, ad);
}

/* Resolves a day and month without a year against publication. */
static void emit_day_month(struct scan *sc, size_t start, size_t end, int m, int d)
{
    int y;
    long days;

    if (sc->yearless) {
        if (d >= 1 && d <= 31 && m >= 1 && m <= 12 && !sc->stop) {
            struct sitrep_date_mention dm = {start, end, 0, m, d, SITREP_DATE_DAY, true};
            sc->count++;
            if (!sc->visit(&dm, sc->data))
                sc->stop = true;
        }
        return;
    }
    if (!sc->have_pub)
        return;
    y = sc->py;
    if (!sitrep_date_valid(y, m, d) || sitrep_date_to_days(y, m, d) > sc->pub + 31)
        y--;
    if (!sitrep_date_valid(y, m, d))
        return;
    days = sitrep_date_to_days(y, m, d);
    if (days > sc->pub + 31)
        return;
    emit(sc, start, end, y, m, d, SITREP_DATE_DAY, true);
}

static void emit_absolute(struct scan *sc, size_t start, const struct absdate *ad)
{
    if (ad->y == 0)
        emit_day_month(sc, start, ad->end, ad->m, ad->d);
    else
        emit(sc, start, ad->end, ad->y, ad->m, ad->d, ad->prec, false);
}

/* A bare month name at [i, me) with modifier mod ("last", "next", "this",
 * or anything else meaning "latest on or before"). */
static void emit_bare_month(struct scan *sc, size_t start, size_t end, int m, const char *mod)
{
    long pmi, mi;
    if (!sc->have_pub)
        return;
    pmi = (long)sc->py * 12 + (sc->pm - 1);
    mi = (long)sc->py * 12 + (m - 1);
    if (strcmp(mod, "this") == 0) {
        /* the publication year, as written */
    } else if (strcmp(mod, "next") == 0) {
        if (mi <= pmi)
            mi += 12;
    } else if (strcmp(mod, "last") == 0) {
        if (mi >= pmi)
            mi -= 12;
    } else if (mi > pmi) {
        mi -= 12;
    }
    emit_month_index(sc, start, end, mi);
}

/* "Monday", "last Monday", "on Thursday night".  start is where the span
 * begins (at the modifier, when there is one). */
static size_t weekday_rel(struct scan *sc, size_t start, size_t we, int wd, const char *mod)
{
    size_t end = we, p, e;
    long day;
    int back;

    p = skip_space(sc, we);
    e = alpha_end(sc, p);
    if (p < sc->len && (word_is(sc, p, e, "night") || word_is(sc, p, e, "morning") ||
                        word_is(sc, p, e, "afternoon") || word_is(sc, p, e, "evening")))
        end = e;
    if (!sc->have_pub || strcmp(mod, "this") == 0)
        goto out;
    back = (sitrep_date_weekday(sc->pub) - wd + 7) % 7;
    if (strcmp(mod, "last") == 0) {
        day = sc->pub - (back == 0 ? 7 : back);
    } else if (strcmp(mod, "next") == 0) {
        int fwd = (wd - sitrep_date_weekday(sc->pub) + 7) % 7;
        day = sc->pub + (fwd == 0 ? 7 : fwd);
    } else {
        day = sc->pub - back;
    }
    emit_days(sc, start, end, day);
out:
    return end;
}

static int small_number(const struct scan *sc, size_t i, size_t e)
{
    static const char *const words[] = {"zero", "one",    "two",    "three", "four",
                                        "five", "six",    "seven",  "eight", "nine",
                                        "ten",  "eleven", "twelve", NULL};
    if (i < e && is_digit(sc->s[i]))
        return e - i <= 3 ? number(sc, i, e) : -1;
    if (word_is(sc, i, e, "a") || word_is(sc, i, e, "an"))
        return 1;
    for (int k = 0; words[k]; k++)
        if (word_is(sc, i, e, words[k]))
            return k;
    return -1;
}

/* "three days ago", "2 years ago", "a month ago". */
static size_t ago_at(struct scan *sc, size_t i, size_t we)
{
    size_t p, ue, ae, end = 0;
    int n = small_number(sc, i, we);
    long mi;

    if (n < 1)
        goto out;
    p = skip_space(sc, we);
    ue = alpha_end(sc, p);
    ae = alpha_end(sc, skip_space(sc, ue));
    if (!word_is(sc, skip_space(sc, ue), ae, "ago"))
        goto out;
    end = ae;
    if (!sc->have_pub)
        goto out;
    if (word_is(sc, p, ue, "days") || word_is(sc, p, ue, "day")) {
        emit_days(sc, i, end, sc->pub - n);
    } else if (word_is(sc, p, ue, "months") || word_is(sc, p, ue, "month")) {
        mi = (long)sc->py * 12 + (sc->pm - 1) - n;
        emit_month_index(sc, i, end, mi);
    } else if (word_is(sc, p, ue, "years") || word_is(sc, p, ue, "year")) {
        emit(sc, i, end, sc->py - n, 0, 0, SITREP_DATE_YEAR, true);
    } else if (!(word_is(sc, p, ue, "weeks") || word_is(sc, p, ue, "week"))) {
        end = 0; /* "two people ago"? not a date at all */
    }
out:
    return end;
}

/* "last", "this" or "next" followed by night, week, month, year, a weekday
 * or a month name.  Returns the end of what was consumed, or 0. */
static size_t modifier_at(struct scan *sc, size_t i, size_t we, const char *mod)
{
    size_t p = skip_space(sc, we), e = alpha_end(sc, p), end = 0;
    bool abbrev;
    int wd, m;
    long pmi = (long)sc->py * 12 + (sc->pm - 1);
    int shift = strcmp(mod, "last") == 0 ? -1 : strcmp(mod, "next") == 0 ? 1 : 0;

    if (p >= sc->len || e == p || word_at(sc, e))
        goto out;
    if (is_upper(sc->s[p]) && (wd = weekday_of(sc, p, e, &abbrev)) >= 0 && !abbrev) {
        end = weekday_rel(sc, i, e, wd, mod);
        goto out;
    }
    if (is_upper(sc->s[p]) && (m = month_of(sc, p, e, &abbrev)) > 0 && !abbrev) {
        end = e;
        emit_bare_month(sc, i, e, m, mod);
        goto out;
    }
    end = e;
    if (!sc->have_pub) {
        if (!(word_is(sc, p, e, "night") || word_is(sc, p, e, "week") ||
              word_is(sc, p, e, "month") || word_is(sc, p, e, "year") ||
              word_is(sc, p, e, "morning") || word_is(sc, p, e, "afternoon") ||
              word_is(sc, p, e, "evening")))
            end = 0;
        goto out;
    }
    if (word_is(sc, p, e, "night") && shift == -1) {
        emit_days(sc, i, e, sc->pub - 1);
    } else if ((word_is(sc, p, e, "morning") || word_is(sc, p, e, "afternoon") ||
                word_is(sc, p, e, "evening")) &&
               shift == 0) {
        emit_days(sc, i, e, sc->pub);
    } else if (word_is(sc, p, e, "week")) {
        emit_week(sc, i, e, sc->pub - sitrep_date_weekday(sc->pub) + 7L * shift);
    } else if (word_is(sc, p, e, "month")) {
        emit_month_index(sc, i, e, pmi + shift);
    } else if (word_is(sc, p, e, "year")) {
        emit(sc, i, e, sc->py + shift, 0, 0, SITREP_DATE_YEAR, true);
    } else {
        end = 0;
    }
out:
    return end;
}

/* Is the word before i one of list? Its lowercase text goes to mod. */
static bool prev_word_in(const struct scan *sc, size_t i, const char *const *list, char mod[16])
{
    size_t ws, we;
    bool ok = false;
    if (!prev_word(sc, i, &ws, &we) || we - ws >= 16)
        goto out;
    for (size_t k = ws; k < we; k++)
        mod[k - ws] = (char)lower(sc->s[k]);
    mod[we - ws] = '\0';
    ok = word_in(sc, ws, we, list);
out:
    return ok;
}

/* True when the word at i starts a sentence or a line: only spaces and
 * opening quotes back to a full stop, a line break or the start. */
static bool sentence_start(const struct scan *sc, size_t i)
{
    while (i > 0) {
        unsigned char c = sc->s[i - 1];
        if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '(' || c >= 0x80) {
            i--;
            continue;
        }
        return c == '.' || c == '!' || c == '?' || c == '\n' || c == ':';
    }
    return true;
}

/* Tries every form that can start at the word [i, we).  Returns the end of
 * the consumed text, or 0 when nothing matched. */
static size_t try_at(struct scan *sc, size_t i)
{
    const unsigned char *s = sc->s;
    size_t we, end = 0;
    struct absdate ad;
    bool abbrev;
    int v;
    char mod[16];

    if (is_digit(s[i])) {
        we = digit_end(sc, i);
        if (absolute_at(sc, i, &ad)) {
            emit_absolute(sc, i, &ad);
            end = ad.end;
        } else if ((end = ago_at(sc, i, we)) != 0) {
            /* done */
        } else if (year_at(sc, i, &v, &we) && prev_word_in(sc, i, year_preps, mod) &&
                   !(we < sc->len && s[we] == '%')) {
            emit(sc, i, we, v, 0, 0, SITREP_DATE_YEAR, false);
            end = we;
        }
        goto out;
    }
    we = alpha_end(sc, i);
    if (word_at(sc, we) || we - i > 12)
        goto out;
    if (is_upper(s[i])) {
        int m, wd = weekday_of(sc, i, we, &abbrev);
        if (wd >= 0) {
            /* "Monday, Feb. 28, 2022", "Mon, 28 Feb 2022": one date. */
            size_t p = we;
            if (p < sc->len && (s[p] == ',' || s[p] == '.'))
                p++;
            p = skip_space(sc, p);
            if (p < sc->len && is_alnum(s[p]) && absolute_at(sc, p, &ad) && ad.y != 0) {
                emit_absolute(sc, i, &ad);
                end = ad.end;
            } else if (!abbrev) {
                end = weekday_rel(sc, i, we, wd, "");
            }
            goto out;
        }
        m = month_of(sc, i, we, &abbrev);
        if (m > 0) {
            if (absolute_at(sc, i, &ad)) {
                emit_absolute(sc, i, &ad);
                end = ad.end;
            } else if (!abbrev && prev_word_in(sc, i, month_preps, mod)) {
                emit_bare_month(sc, i, we, m, mod);
                end = we;
            }
            goto out;
        }
    }
    if (word_is(sc, i, we, "yesterday") || word_is(sc, i, we, "today") ||
        word_is(sc, i, we, "tonight") || word_is(sc, i, we, "tomorrow")) {
        /* "USA Today", "Russia Today": a capitalised "Today" inside a name. */
        if (is_upper(s[i]) && !sentence_start(sc, i))
            goto out;
        end = we;
        if (sc->have_pub)
            emit_days(sc, i, we,
                      sc->pub + (lower(s[i]) == 'y'       ? -1
                                 : lower(s[i + 2]) == 'm' ? 1
                                                          : 0));
        goto out;
    }
    if (word_is(sc, i, we, "last") || word_is(sc, i, we, "this") || word_is(sc, i, we, "next")) {
        end = modifier_at(sc, i, we,
                          lower(s[i]) == 'l'   ? "last"
                          : lower(s[i]) == 't' ? "this"
                                               : "next");
        goto out;
    }
    if (s[i] == 'a' || s[i] == 'A' || lower(s[i]) == 'o' || lower(s[i]) == 't' ||
        lower(s[i]) == 'f' || lower(s[i]) == 's' || lower(s[i]) == 'e' || lower(s[i]) == 'n')
        end = ago_at(sc, i, we);
out:
    return end;
}

static void scan_text(struct scan *sc)
{
    size_t i = 0;
    while (i < sc->len && !sc->stop) {
        size_t e;
        if (!is_alnum(sc->s[i])) {
            i++;
            continue;
        }
        if (!word_before(sc, i) && (e = try_at(sc, i)) > i) {
            i = e;
            continue;
        }
        while (i < sc->len && is_alnum(sc->s[i]))
            i++;
    }
}

static void scan_init(struct scan *sc, const char *text, size_t len, const char *published,
                      sitrep_date_visit visit, void *data)
{
    char ymd[11];
    memset(sc, 0, sizeof *sc);
    sc->s = (const unsigned char *)text;
    sc->len = text ? len : 0;
    sc->visit = visit;
    sc->data = data;
    if (published && sitrep_date_parse(published, ymd)) {
        sc->py =
            (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 + (ymd[3] - '0');
        sc->pm = (ymd[5] - '0') * 10 + (ymd[6] - '0');
        sc->pd = (ymd[8] - '0') * 10 + (ymd[9] - '0');
        sc->pub = sitrep_date_to_days(sc->py, sc->pm, sc->pd);
        sc->have_pub = true;
    }
}

size_t sitrep_dates_find(const char *text, size_t len, const char *published,
                         sitrep_date_visit visit, void *data)
{
    struct scan sc;
    scan_init(&sc, text, len, published, visit, data);
    scan_text(&sc);
    return sc.count;
}

/* Publication-date inference. */

/* A dateline is a date within this many bytes of the start... */
#define DATELINE_SPAN 200

struct infer {
    const unsigned char *text;
    size_t len;
    bool have_dateline;
    struct sitrep_date_mention dateline; /* year 0 when written without one */
    bool have_latest;
    long latest; /* day number of the latest full date */
};

/* ...that is set off like one: nothing but capitals and punctuation before
 * it on its line ("KYIV, Feb 28", "Wed 05 Apr 2017"), or a colon just before
 * it ("Published: 28 Feb 2022"), or a dash, bar, parenthesis or line end
 * right after it ("March 3, 2022 -", "Feb 28 (Reuters)").  "The town fell
 * on 1 March 2014." in a first sentence is not a dateline. */
static bool looks_like_dateline(const struct infer *inf, const struct sitrep_date_mention *m)
{
    size_t i = m->start, j = m->end;
    bool lower_before = false, colon = false;

    while (i > 0 && inf->text[i - 1] != '\n') {
        unsigned char c = inf->text[i - 1];
        if (c >= 'a' && c <= 'z')
            lower_before = true;
        i--;
    }
    for (i = m->start; i > 0 && (inf->text[i - 1] == ' ' || inf->text[i - 1] == '\t'); i--)
        ;
    colon = i > 0 && inf->text[i - 1] == ':';
    while (j < inf->len && (inf->text[j] == ' ' || inf->text[j] == '\t' || inf->text[j] == ','))
        j++;
    if (!lower_before || colon)
        return true;
    return j >= inf->len || inf->text[j] == '(' || inf->text[j] == '-' || inf->text[j] == '|' ||
           inf->text[j] == '\n' ||
           (inf->text[j] == 0xE2 && j + 2 < inf->len && inf->text[j + 1] == 0x80 &&
            (inf->text[j + 2] == 0x93 || inf->text[j + 2] == 0x94));
}

static bool infer_visit(const struct sitrep_date_mention *m, void *data)
{
    struct infer *inf = data;
    bool full = m->precision == SITREP_DATE_DAY && m->year != 0;

    if (!inf->have_dateline && m->precision == SITREP_DATE_DAY && m->start < DATELINE_SPAN &&
        looks_like_dateline(inf, m))
        inf->have_dateline = true, inf->dateline = *m;
    if (full) {
        long days = sitrep_date_to_days(m->year, m->month, m->day);
        if (!inf->have_latest || days > inf->latest)
            inf->latest = days, inf->have_latest = true;
    }
    return true;
}

bool sitrep_date_infer_published(const char *text, size_t len, char ymd[11])
{
    struct scan sc;
    struct infer inf = {0};
    struct sitrep_date_mention out = {0};
    bool ok = false;

    inf.text = (const unsigned char *)text;
    inf.len = text ? len : 0;

    scan_init(&sc, text, len, NULL, infer_visit, &inf);
    sc.yearless = true;
    scan_text(&sc);
    out.precision = SITREP_DATE_DAY;
    if (inf.have_dateline && inf.dateline.year != 0) {
        out = inf.dateline;
    } else if (inf.have_dateline && inf.have_latest) {
        /* "KYIV, Feb 28 (Reuters) -": the year comes from the text; the
         * article cannot be older than the latest full date it mentions. */
        int y, m, d;
        sitrep_date_from_days(inf.latest, &y, &m, &d);
        if (!sitrep_date_valid(y, inf.dateline.month, inf.dateline.day) ||
            sitrep_date_to_days(y, inf.dateline.month, inf.dateline.day) < inf.latest)
            y++;
        if (!sitrep_date_valid(y, inf.dateline.month, inf.dateline.day))
            goto out;
        out.year = y, out.month = inf.dateline.month, out.day = inf.dateline.day;
    } else if (inf.have_latest) {
        sitrep_date_from_days(inf.latest, &out.year, &out.month, &out.day);
    } else {
        goto out;
    }
    sitrep_date_format(&out, ymd);
    ok = true;
out:
    return ok;
}
