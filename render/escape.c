/* escape: context-aware escaping for the report, its SVGs and the Graphviz
 * labels. It exists as one module so that every input-derived string goes
 * through the same reviewed code (STYLE.md habit 10; goaccess's one
 * unescaped title is the cautionary tale). A single UTF-8 decoder feeds all
 * contexts: malformed bytes become U+FFFD instead of reaching the page. */
#include "escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decode one code point at s (NUL-terminated). Returns the bytes consumed
 * (>= 1) and stores the code point, or 0xFFFD for an invalid sequence
 * (consuming one byte, so decoding always progresses). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) { *cp = 0xFFFD; return 1; }
    *cp = v;
    return n;
}

static int put_utf8(dbuf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) { o[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    return dbuf_append(b, o, n);
}

/* Characters neither HTML nor XML 1.0 want raw: C0 controls except tab, LF
 * (CR is folded too: it would be normalised away and confuse diffs),
 * DEL..C1, and the non-characters U+FFFE/U+FFFF. */
static int bad_char(uint32_t cp)
{
    if (cp < 0x20) return cp != '\t' && cp != '\n';
    if (cp >= 0x7F && cp <= 0x9F) return 1;
    return cp == 0xFFFE || cp == 0xFFFF;
}

/* The one walk every context shares: runs of bytes `plain` accepts are
 * copied as they are, anything else is decoded (malformed UTF-8 becomes
 * U+FFFD) and written by `one`. Always inlined, so each context gets its
 * own loop with its tests in place of the calls. */
static inline __attribute__((always_inline)) int walk(dbuf *b, const char *s, int (*plain)(unsigned char),
                                                      int (*one)(dbuf *, uint32_t))
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        const unsigned char *q = p;
        while (*q && plain(*q)) q++;
        if (q > p && dbuf_append(b, p, (size_t)(q - p)) < 0) return -1;
        p = q;
        if (!*p) break;
        uint32_t cp;
        p += utf8_next(p, &cp);
        if (one(b, cp) < 0) return -1;
    }
    return 0;
}

static int markup_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

static int markup_one(dbuf *b, uint32_t cp)
{
    switch (cp) {
    case '&': return dbuf_puts(b, "&amp;");
    case '<': return dbuf_puts(b, "&lt;");
    case '>': return dbuf_puts(b, "&gt;");
    case '"': return dbuf_puts(b, "&quot;");
    case '\'': return dbuf_puts(b, "&#39;");
    default: return put_utf8(b, bad_char(cp) ? 0xFFFD : cp);
    }
}

static int markup(dbuf *b, const char *s) { return walk(b, s, markup_plain, markup_one); }

int esc_html(dbuf *b, const char *s) { return markup(b, s); }
int esc_attr(dbuf *b, const char *s) { return markup(b, s); }
int esc_svg(dbuf *b, const char *s) { return markup(b, s); }

int esc_json_script(dbuf *b, const char *s)
{
    if (dbuf_puts(b, "\"") < 0) return -1;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        int rc;
        switch (cp) {
        case '"': rc = dbuf_puts(b, "\\\""); break;
        case '\\': rc = dbuf_puts(b, "\\\\"); break;
        case '\n': rc = dbuf_puts(b, "\\n"); break;
        case '\r': rc = dbuf_puts(b, "\\r"); break;
        case '\t': rc = dbuf_puts(b, "\\t"); break;
        case '<': case '>': case '&': case 0x2028: case 0x2029:
            rc = dbuf_printf(b, "\\u%04x", (unsigned)cp);
            break;
        default:
            rc = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ? dbuf_printf(b, "\\u%04x", (unsigned)cp)
                                                         : put_utf8(b, cp);
        }
        if (rc < 0) return -1;
    }
    return dbuf_puts(b, "\"");
}

static int json_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

static int json_one(dbuf *b, uint32_t cp)
{
    switch (cp) {
    case '"': return dbuf_puts(b, "\\\"");
    case '\\': return dbuf_puts(b, "\\\\");
    case '\n': return dbuf_puts(b, "\\n");
    case '\r': return dbuf_puts(b, "\\r");
    case '\t': return dbuf_puts(b, "\\t");
    default: return cp < 0x20 ? dbuf_printf(b, "\\u%04x", (unsigned)cp) : put_utf8(b, cp);
    }
}

int esc_json(dbuf *b, const char *s)
{
    if (dbuf_puts(b, "\"") < 0 || walk(b, s, json_plain, json_one) < 0) return -1;
    return dbuf_puts(b, "\"");
}

int esc_dot(dbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        int rc;
        if (cp == '"') rc = dbuf_puts(b, "\\\"");
        else if (cp == '\\') rc = dbuf_puts(b, "\\\\");
        else if (cp == '\n') rc = dbuf_puts(b, "\\n");
        else rc = put_utf8(b, bad_char(cp) ? 0xFFFD : cp);
        if (rc < 0) return -1;
    }
    return 0;
}

int esc_graph_label(dbuf *b, const char *s, size_t max_cp)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (size_t n = 0; *p; n++) {
        if (max_cp && n == max_cp) return dbuf_puts(b, "\xE2\x80\xA6"); /* … */
        uint32_t cp;
        p += utf8_next(p, &cp);
        int rc;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) rc = dbuf_puts(b, " ");
        else if (cp == '\\') rc = dbuf_puts(b, "\xE2\xA7\xB5");
        else if (cp == '&') rc = dbuf_puts(b, "&amp;");
        else rc = put_utf8(b, bad_char(cp) ? 0xFFFD : cp);
        if (rc < 0) return -1;
    }
    return 0;
}

char *esc_truncate(const char *s, size_t max_chars)
{
    dbuf b;
    dbuf_init(&b, 0);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = 0;
    while (*p && n < max_chars) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        put_utf8(&b, cp);
        n++;
    }
    if (*p) {
        /* Cut one earlier so the ellipsis keeps the width within max_chars. */
        if (max_chars > 0) {
            while (b.len > 0 && (b.data[b.len - 1] & 0xC0) == 0x80) b.len--;
            if (b.len > 0) b.len--;
        }
        dbuf_puts(&b, "\xE2\x80\xA6");
    }
    if (!b.data) dbuf_puts(&b, "");
    return dbuf_take(&b, NULL);
}
