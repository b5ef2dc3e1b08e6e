/* reader-text.c - scraped plain text and Markdown: the first real line is
 * the title, the rest the body; plus the windows-1252 decoder the HTML
 * reader shares.
 *
 * Text copied out of a browser starts with whatever the page put above the
 * headline: browser warnings, cookie banners, "Skip to content" links.  Those
 * lines are known phrases, so a table recognises them; bare URLs and rules
 * made of punctuation are skipped by shape.
 */
#define SITREP_READER_INTERNAL 1
#include "reader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* A title longer than this is a paragraph, not a headline: the title becomes
 * its first words and the line stays in the body. */
#define TITLE_MAX 250
#define TITLE_CUT 160

/* windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

unsigned sitrep_rd_cp1252(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0)
        return cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
    return c;
}

char *sitrep_rd_cp1252_to_utf8(const char *s, size_t len, size_t *out_len)
{
    /* Every byte becomes at most 3 bytes of UTF-8. */
    char *out = NULL, *o;

    if (len > (((size_t)-1) - 1) / 3)
        goto out;
    out = malloc(len * 3 + 1);
    if (!out)
        goto out;
    o = out;
    for (size_t i = 0; i < len; i++)
        o += sitrep_utf8_encode(sitrep_rd_cp1252((unsigned char)s[i]), o);
    *o = '\0';
    *out_len = (size_t)(o - out);
out:
    return out;
}

enum match { EXACT, PREFIX };

/* Lines that are page furniture, not the article.  EXACT rows must be the
 * whole line (case and trailing punctuation ignored); PREFIX rows its
 * start.  Exact rows are dropped from the body too, where banners and ad
 * slots interrupt the text; prefix rows only before the title, since a
 * sentence may start like one. */
static const struct boilerplate {
    const char *text;
    enum match match;
} boilerplate[] = {
    {"IE 11 is not supported", PREFIX},
    {"Internet Explorer is not supported", PREFIX},
    {"Your browser is not supported", PREFIX},
    {"Your browser is out of date", PREFIX},
    {"For the best experience", PREFIX},
    {"Please enable JavaScript", PREFIX},
    {"JavaScript is disabled", PREFIX},
    {"We use cookies", PREFIX},
    {"This site uses cookies", PREFIX},
    {"This website uses cookies", PREFIX},
    {"By using this site", PREFIX},
    {"Accept all cookies", PREFIX},
    {"Accept cookies", PREFIX},
    {"Reject all cookies", PREFIX},
    {"Manage cookies", PREFIX},
    {"Cookie settings", PREFIX},
    {"Cookie policy", PREFIX},
    {"Skip to content", PREFIX},
    {"Skip to main content", PREFIX},
    {"Skip to navigation", PREFIX},
    {"Sign up for our newsletter", PREFIX},
    {"Subscribe to our newsletter", PREFIX},
    {"Share this article", PREFIX},
    {"Share this story", PREFIX},
    {"Advertisement", EXACT},
    {"Advertisment", EXACT},
    {"Sponsored", EXACT},
    {"Accept", EXACT},
    {"Accept all", EXACT},
    {"Reject all", EXACT},
    {"Share", EXACT},
    {"Menu", EXACT},
    {"Search", EXACT},
    {"Close", EXACT},
    {"Home", EXACT},
    {"Sign in", EXACT},
    {"Log in", EXACT},
    {"Subscribe", EXACT},
    {"Listen to this article", EXACT},
    {"Loading", EXACT},
    {"Read more", EXACT},
    {"Continue reading", EXACT},
};

struct span {
    const char *s;
    size_t len;
};

static struct span trim(const char *s, size_t len)
{
    struct span sp = {s, len};
    while (sp.len && isspace((unsigned char)sp.s[0]))
        sp.s++, sp.len--;
    while (sp.len && isspace((unsigned char)sp.s[sp.len - 1]))
        sp.len--;
    return sp;
}

/* Letters and digits in any script count as words; ASCII punctuation, the
 * Latin-1 symbols, general punctuation, arrows, box drawing and the like do
 * not. */
static bool is_wordish(uint32_t cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) != 0;
    return !(cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
             (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
             (cp >= 0xFF00 && cp <= 0xFF0F));
}

static bool only_punctuation(struct span l)
{
    size_t i = 0;
    bool junk = true;

    while (i < l.len && junk) {
        uint32_t cp = 0;
        size_t n = sitrep_utf8_decode(l.s + i, l.len - i, &cp);
        /* Undecodable bytes are not obviously junk. */
        junk = n > 0 && !is_wordish(cp);
        i += n;
    }
    return junk;
}

static bool is_bare_url(struct span l)
{
    bool url = (l.len > 7 && strncasecmp(l.s, "http://", 7) == 0) ||
               (l.len > 8 && strncasecmp(l.s, "https://", 8) == 0) ||
               (l.len > 4 && strncasecmp(l.s, "www.", 4) == 0);

    for (size_t i = 0; i < l.len && url; i++)
        url = !isspace((unsigned char)l.s[i]);
    return url;
}

static bool match_table(struct span l, bool exact_only)
{
    struct span t = l;
    bool found = false;

    /* "Advertisement:" and "Loading..." are the same furniture. */
    while (t.len && t.s[t.len - 1] && strchr(".:!\xE2\x80\xA6", t.s[t.len - 1]))
        t.len--;
    for (size_t i = 0; i < sizeof boilerplate / sizeof boilerplate[0] && !found; i++) {
        const struct boilerplate *bp = &boilerplate[i];
        size_t n = strlen(bp->text);
        if (bp->match == EXACT)
            found = t.len == n && strncasecmp(t.s, bp->text, n) == 0;
        else
            found = !exact_only && l.len >= n && strncasecmp(l.s, bp->text, n) == 0;
    }
    return found;
}

/* Before the title: anything that is not a headline. */
static bool is_junk_before_title(struct span l)
{
    return l.len == 0 || match_table(l, false) || is_bare_url(l) || only_punctuation(l);
}

/* In the body: whole-line furniture only. */
static bool is_junk_in_body(struct span l)
{
    return l.len > 0 && match_table(l, true);
}

/* Next line of data[*pos..len): returns false at the end. */
static bool next_line(const char *data, size_t len, size_t *pos, struct span *line)
{
    const char *nl;
    bool more = *pos < len;

    if (more) {
        line->s = data + *pos;
        nl = memchr(line->s, '\n', len - *pos);
        line->len = nl ? (size_t)(nl - line->s) : len - *pos;
        *pos += line->len + (nl ? 1 : 0);
    }
    return more;
}

static char *dup_span(struct span sp)
{
    char *s = malloc(sp.len + 1);
    if (s) {
        memcpy(s, sp.s, sp.len);
        s[sp.len] = '\0';
    }
    return s;
}

/* Markdown headings and emphasis around a title. */
static struct span strip_markdown(struct span l)
{
    while (l.len && l.s[0] == '#')
        l.s++, l.len--;
    while (l.len && l.s[l.len - 1] == '#')
        l.len--;
    l = trim(l.s, l.len);
    while (l.len >= 2 && (l.s[0] == '*' || l.s[0] == '_') && l.s[l.len - 1] == l.s[0])
        l.s++, l.len -= 2;
    return trim(l.s, l.len);
}

/* Cuts a paragraph-long first line to its first words, at a UTF-8
 * boundary. */
static struct span cut_title(struct span l)
{
    size_t cut = TITLE_CUT;

    while (cut > 0 && l.s[cut] != ' ')
        cut--;
    if (cut == 0) {
        cut = TITLE_CUT;
        while (cut > 0 && ((unsigned char)l.s[cut] & 0xC0) == 0x80)
            cut--;
    }
    return trim(l.s, cut);
}

/* Markdown front matter ("---", "key: value" lines, "---") gives metadata a
 * text file otherwise lacks.  Returns the offset after it, or 0. */
static size_t front_matter(const char *data, size_t len, struct sitrep_article *a,
                           sitrep_status *st)
{
    static const struct {
        const char *key;
        size_t offset;
    } keys[] = {
        {"title", offsetof(struct sitrep_article, title)},
        {"date", offsetof(struct sitrep_article, published)},
        {"published", offsetof(struct sitrep_article, published)},
        {"url", offsetof(struct sitrep_article, url)},
        {"lang", offsetof(struct sitrep_article, lang)},
        {"source", offsetof(struct sitrep_article, source)},
        {"id", offsetof(struct sitrep_article, id)},
    };
    size_t pos = 0, end = 0;
    struct span l;
    int lines = 0;

    *st = SITREP_OK;
    if (!next_line(data, len, &pos, &l) || trim(l.s, l.len).len != 3 ||
        strncmp(trim(l.s, l.len).s, "---", 3) != 0)
        goto out;
    /* Find the closing line first, so a lone "---" rule is not front matter. */
    for (size_t p = pos; next_line(data, len, &p, &l) && lines < 60; lines++) {
        struct span t = trim(l.s, l.len);
        if (t.len == 3 && strncmp(t.s, "---", 3) == 0) {
            end = p;
            break;
        }
    }
    if (!end)
        goto out;
    while (pos < end && next_line(data, len, &pos, &l)) {
        const char *colon = memchr(l.s, ':', l.len);
        struct span k, v;
        if (!colon)
            continue;
        k = trim(l.s, (size_t)(colon - l.s));
        v = trim(colon + 1, l.len - (size_t)(colon + 1 - l.s));
        if (v.len >= 2 && (v.s[0] == '"' || v.s[0] == '\'') && v.s[v.len - 1] == v.s[0])
            v.s++, v.len -= 2;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            char **dst = (char **)((char *)a + keys[i].offset);
            if (k.len != strlen(keys[i].key) || strncasecmp(k.s, keys[i].key, k.len) != 0 || *dst ||
                v.len == 0)
                continue;
            if (!(*dst = dup_span(v))) {
                *st = SITREP_ERR_NOMEM;
                end = 0;
                goto out;
            }
        }
    }
out:
    return end;
}

sitrep_status sitrep_rd_parse_text(const char *data, size_t len, bool markdown,
                                   struct sitrep_article *a, char *reason, size_t reason_len)
{
    sitrep_status st = SITREP_OK;
    struct sitrep_buf body;
    char *utf8 = NULL;
    size_t pos = 0, ulen = 0;
    struct span line, title = {NULL, 0};
    bool title_in_body = false, after_title = true, blank_pending = false;

    sitrep_buf_init(&body, len + 1);
    /* A scraped file with no declared encoding that is not UTF-8 is almost
     * always windows-1252. */
    if (!sitrep_utf8_valid(data, len, NULL)) {
        utf8 = sitrep_rd_cp1252_to_utf8(data, len, &ulen);
        if (!utf8) {
            st = SITREP_ERR_NOMEM;
            goto out;
        }
        data = utf8;
        len = ulen;
        sitrep_buf_free(&body);
        sitrep_buf_init(&body, len + 1);
    }
    if (markdown) {
        pos = front_matter(data, len, a, &st);
        if (st != SITREP_OK)
            goto out;
    }
    /* Front matter may have named the title already. */
    while (!a->title && next_line(data, len, &pos, &line)) {
        struct span t = trim(line.s, line.len);
        if (is_junk_before_title(t))
            continue;
        title = markdown ? strip_markdown(t) : t;
        if (title.len > TITLE_MAX) {
            title = cut_title(title);
            title_in_body = true;
        }
        if (title_in_body)
            pos = (size_t)(line.s - data);
        break;
    }
    if (!title.s && !a->title) {
        snprintf(reason, reason_len, "empty file");
        st = SITREP_ERR_INVALID;
        goto out;
    }
    while (next_line(data, len, &pos, &line)) {
        struct span t = trim(line.s, line.len);
        /* A Markdown setext underline or a rule under the title. */
        if (after_title && t.len && only_punctuation(t))
            continue;
        after_title = false;
        if (is_junk_in_body(t))
            continue;
        if (t.len == 0) {
            blank_pending = body.len > 0;
            continue;
        }
        if (blank_pending && sitrep_buf_append_str(&body, "\n") != SITREP_OK)
            goto nomem;
        blank_pending = false;
        /* Keep the line's own indentation out; line ends become '\n'. */
        if ((body.len && sitrep_buf_append_char(&body, '\n') != SITREP_OK) ||
            sitrep_buf_append(&body, t.s, t.len) != SITREP_OK)
            goto nomem;
    }
    if (title.s && !a->title && !(a->title = dup_span(title)))
        goto nomem;
    free(a->text);
    if (!(a->text = sitrep_buf_detach(&body)))
        goto nomem;
    a->text_len = strlen(a->text);
    goto out;
nomem:
    st = SITREP_ERR_NOMEM;
out:
    sitrep_buf_free(&body);
    free(utf8);
    return st;
}
