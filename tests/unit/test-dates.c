/* test-dates.c - calendar, metadata dates, dateline inference and date
 * expressions in running text. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "unit/test.h"

static void test_valid(void)
{
    static const struct {
        int y, m, d;
        bool ok;
    } cases[] = {
        {2022, 2, 28, true},  {2022, 2, 29, false}, {2024, 2, 29, true},  {1900, 2, 29, false},
        {2000, 2, 29, true},  {2022, 4, 31, false}, {2022, 12, 31, true}, {2022, 13, 1, false},
        {2022, 0, 10, false}, {2022, 1, 0, false},  {0, 1, 1, false},     {10000, 1, 1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(sitrep_date_valid(cases[i].y, cases[i].m, cases[i].d) == cases[i].ok);
}

static void test_calendar(void)
{
    int y, m, d;
    CHECK(sitrep_date_to_days(1970, 1, 1) == 0);
    CHECK(sitrep_date_to_days(2000, 3, 1) == 11017);
    /* Round trip over a span with leap years and century rules. */
    for (long days = -800000; days < 800000; days += 97) {
        sitrep_date_from_days(days, &y, &m, &d);
        CHECK(sitrep_date_valid(y, m, d) || y < 1);
        if (sitrep_date_to_days(y, m, d) != days) {
            CHECK(!"round trip");
            break;
        }
    }
    CHECK(sitrep_date_weekday(sitrep_date_to_days(2022, 2, 24)) == 3);  /* Thursday */
    CHECK(sitrep_date_weekday(sitrep_date_to_days(2022, 3, 2)) == 2);   /* Wednesday */
    CHECK(sitrep_date_weekday(sitrep_date_to_days(1969, 12, 29)) == 0); /* Monday */
}

static void test_parse(void)
{
    static const struct {
        const char *in, *want; /* want NULL: rejected */
    } cases[] = {
        {"2022-02-28", "2022-02-28"},
        {"2022-02-28T10:15:00Z", "2022-02-28"},
        {"2022-02-28T10:15:00+02:00", "2022-02-28"},
        {"2022-02-28 10:15", "2022-02-28"},
        {"  2022-02-28  ", "2022-02-28"},
        {"Mon, 28 Feb 2022 10:15:00 GMT", "2022-02-28"},
        {"Tue, 1 Mar 2022 08:00:00 +0000", "2022-03-01"},
        {"February 28, 2022", "2022-02-28"},
        {"28 February 2022", "2022-02-28"},
        {"Feb. 28, 2022", "2022-02-28"},
        {"Feb 28 2022", "2022-02-28"},
        {"March 3rd, 2022", "2022-03-03"},
        {"Wed 05 Apr 2017", "2017-04-05"},
        {"2024-02-29", "2024-02-29"},
        {"2022-13-45", NULL},
        {"2022-02-30", NULL},
        {"2023-02-29", NULL},
        {"30 February 2022", NULL},
        {"February 2022", NULL},
        {"28 February", NULL},
        {"yesterday", NULL},
        {"", NULL},
        {"2022-02-28x", NULL},
        {"hello 2022-02-28", NULL},
        {"20220228", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ymd[11] = "";
        bool ok = sitrep_date_parse(cases[i].in, ymd);
        if (cases[i].want) {
            if (!ok)
                fprintf(stderr, "parse rejected: %s\n", cases[i].in);
            CHECK(ok);
            if (ok)
                CHECK_STR(ymd, cases[i].want);
        } else {
            if (ok)
                fprintf(stderr, "parse accepted: %s -> %s\n", cases[i].in, ymd);
            CHECK(!ok);
        }
    }
    CHECK(!sitrep_date_parse(NULL, (char[11]){0}));
}

static void test_infer(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"KYIV, Feb 28 (Reuters) - Russian forces shelled the city. On February 24, 2022 "
         "the invasion began.",
         "2022-02-28"},
        {"March 3, 2022 \xE2\x80\x94 Shelling continued overnight.", "2022-03-03"},
        {"Wed 05 Apr 2017 Syria attack symptoms consistent with nerve agent use.", "2017-04-05"},
        {"The town fell on 1 March 2014. A caption reads: refugees at the border on "
         "Feb. 28, 2022, and a note from 2021-12-01.",
         "2022-02-28"},
        {"KYIV, Jan 5 (Reuters) - Since February 24, 2022, the war has gone on.", "2023-01-05"},
        {"No date here at all, only Monday and yesterday.", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ymd[11] = "";
        bool ok = sitrep_date_infer_published(cases[i].text, strlen(cases[i].text), ymd);
        if (cases[i].want) {
            CHECK(ok);
            CHECK_STR(ymd, cases[i].want);
        } else {
            CHECK(!ok);
        }
    }
}

/* Collects all mentions into a small table. */
struct found {
    size_t n;
    struct sitrep_date_mention m[16];
};

static bool collect(const struct sitrep_date_mention *m, void *data)
{
    struct found *f = data;
    if (f->n < 16)
        f->m[f->n++] = *m;
    return true;
}

static const char *prec_name(enum sitrep_date_precision p)
{
    return p == SITREP_DATE_DAY ? "day" : p == SITREP_DATE_MONTH ? "month" : "year";
}

static void test_find(void)
{
    /* text, published, expected "date/precision/span" joined by ';' */
    static const struct {
        const char *text, *pub, *want;
    } cases[] = {
        /* 2022-03-02 is a Wednesday. */
        {"Kharkiv was shelled on Monday.", "2022-03-02", "2022-02-28/day/Monday"},
        {"It happened on Wednesday.", "2022-03-02", "2022-03-02/day/Wednesday"},
        {"Fighting resumed on Thursday night.", "2022-03-02", "2022-02-24/day/Thursday night"},
        {"Last Wednesday the talks failed.", "2022-03-02", "2022-02-23/day/Last Wednesday"},
        {"Talks resume next Monday.", "2022-03-02", "2022-03-07/day/next Monday"},
        {"Yesterday and today and tomorrow.", "2022-03-02",
         "2022-03-01/day/Yesterday;2022-03-02/day/today;2022-03-03/day/tomorrow"},
        {"The invasion began on 24 February.", "2022-03-02", "2022-02-24/day/24 February"},
        {"Elections on 20 March.", "2022-03-02", "2022-03-20/day/20 March"},
        {"The siege of 24 December.", "2022-01-05", "2021-12-24/day/24 December"},
        {"Seen on Feb. 28, 2022 and 2022-02-28.", NULL,
         "2022-02-28/day/Feb. 28, 2022;2022-02-28/day/2022-02-28"},
        {"Filed March 3rd, 2022.", NULL, "2022-03-03/day/March 3rd, 2022"},
        {"the 24th of February 2022", NULL, "2022-02-24/day/24th of February 2022"},
        {"It began in March.", "2022-03-02", "2022-03/month/March"},
        {"It began in May.", "2022-03-02", "2021-05/month/May"},
        {"It began last March.", "2022-03-02", "2021-03/month/last March"},
        {"in mid-April", "2022-03-02", "2021-04/month/April"},
        {"in February 2021", NULL, "2021-02/month/February 2021"},
        {"Fighting since 2015, and in 2014 too.", NULL, "2015/year/2015;2014/year/2014"},
        {"In 2014, the city fell.", NULL, "2014/year/2014"},
        {"2000 people fled, 1999 returned.", "2022-03-02", ""},
        {"last week", "2022-03-02", "2022-02/month/last week"}, /* Feb 21..27 */
        {"last week", "2022-03-09", ""},                        /* Feb 28..Mar 6: two months */
        {"last week", "2022-03-16", "2022-03/month/last week"},
        {"last month and last year", "2022-03-02", "2022-02/month/last month;2021/year/last year"},
        {"last month", "2022-01-15", "2021-12/month/last month"},
        {"three days ago", "2022-03-02", "2022-02-27/day/three days ago"},
        {"two years ago", "2022-03-02", "2020/year/two years ago"},
        {"two weeks ago", "2022-03-02", ""},
        {"last night", "2022-03-02", "2022-03-01/day/last night"},
        {"Monday and yesterday and in March", NULL, ""},
        {"on 24 February", NULL, ""},
        {"It was 28/02/2022 or 02/28/2022 but not 03/04/2022.", NULL,
         "2022-02-28/day/28/02/2022;2022-02-28/day/02/28/2022"},
        {"On 28.02.2022 at 10:00.", NULL, "2022-02-28/day/28.02.2022"},
        {"Version 1.2.2022.4 and 2022-02-30 and 2022-13-01", NULL, ""},
        {"Theresa May said in May.", "2022-03-02", "2021-05/month/May"},
        {"according to USA Today and Russia Today", "2022-03-02", ""},
        {"Monday, Feb. 28, 2022 was cold.", "2022-03-09", "2022-02-28/day/Monday, Feb. 28, 2022"},
        {"Mondays are quiet.", "2022-03-02", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct found f = {0};
        char got[512] = "";
        size_t n =
            sitrep_dates_find(cases[i].text, strlen(cases[i].text), cases[i].pub, collect, &f);
        CHECK(n == f.n);
        for (size_t k = 0; k < f.n; k++) {
            char ymd[11];
            size_t used = strlen(got);
            sitrep_date_format(&f.m[k], ymd);
            snprintf(got + used, sizeof got - used, "%s%s/%s/%.*s", k ? ";" : "", ymd,
                     prec_name(f.m[k].precision), (int)(f.m[k].end - f.m[k].start),
                     cases[i].text + f.m[k].start);
        }
        if (strcmp(got, cases[i].want) != 0)
            fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
        CHECK_STR(got, cases[i].want);
    }
}

/* Random bytes, truncated forms and every prefix of a dense text must not
 * crash or report spans outside the text. */
static bool check_bounds(const struct sitrep_date_mention *m, void *data)
{
    size_t len = *(size_t *)data;
    CHECK(m->start < m->end && m->end <= len);
    return true;
}

static void test_robust(void)
{
    static const char dense[] = "Mon, 28 Feb 2022 on 24th of February last week Monday "
                                "in March since 2015 2022-02-28T10 28/02/2022 3 days ago";
    char *junk = malloc(1 << 16);
    unsigned long x = 12345;
    REQUIRE(junk);
    for (size_t n = 0; n <= sizeof dense - 1; n++) {
        char *copy = malloc(n ? n : 1);
        REQUIRE(copy);
        memcpy(copy, dense, n);
        sitrep_dates_find(copy, n, "2022-03-02", check_bounds, &n);
        char ymd[11];
        (void)sitrep_date_infer_published(copy, n, ymd);
        free(copy);
    }
    for (size_t i = 0; i < (1 << 16); i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        junk[i] = (char)(x >> 56);
        if ((x >> 20) % 5 == 0)
            junk[i] = "0123456789 MFJ-/.,ay"[(x >> 30) % 20];
    }
    size_t len = 1 << 16;
    sitrep_dates_find(junk, len, "2022-03-02", check_bounds, &len);
    free(junk);
}

int main(void)
{
    test_valid();
    test_calendar();
    test_parse();
    test_infer();
    test_find();
    test_robust();
    return TEST_DONE();
}
