/* jsonwrap: see jsonwrap.h. */
#include "jsonwrap.h"

#include <stdint.h>
#include <string.h>

enum obj_kind { OBJ_TOP, OBJ_EVENT, OBJ_OTHER };

typedef struct jp {
    const char *p;
    size_t n, i;
    dbuf *out;
    char *err;
    size_t errlen;
    size_t err_at;
} jp;

static int fail(jp *s, const char *why)
{
    s->err_at = s->i;
    fc_err(s->err, s->errlen, "%s", why);
    return -1;
}

static void ws(jp *s)
{
    while (s->i < s->n) {
        char c = s->p[s->i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        s->i++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 4 hex digits at p[i..i+4), or -1. */
static long hex4(const jp *s, size_t i)
{
    if (i > s->n || s->n - i < 4) return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(s->p[i + (size_t)k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t utf8(unsigned long cp, char o[4])
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string at s->i (its opening quote). With `to`, its unescaped bytes are
 * appended there; the raw bytes between the quotes are returned in *raw
 * and *rawn either way (for comparing keys, which never need escapes). */
static int string(jp *s, dbuf *to, const char **raw, size_t *rawn)
{
    if (s->i >= s->n || s->p[s->i] != '"') return fail(s, "expected a string");
    size_t start = ++s->i;
    size_t run = start; /* start of the bytes not yet copied */
    /* the next quote, kept until an escape consumes it (each search is
     * then from further on: linear however many escapes there are) */
    const char *q = NULL;
    while (s->i < s->n) {
        /* jump to the next quote or backslash (memchr: a message is a
         * hundred-odd plain bytes, and this was a loop a byte) */
        if (!q || q < s->p + s->i) q = memchr(s->p + s->i, '"', s->n - s->i);
        size_t lim = q ? (size_t)(q - s->p) : s->n;
        const char *b = memchr(s->p + s->i, '\\', lim - s->i);
        s->i = b ? (size_t)(b - s->p) : lim;
        if (s->i >= s->n) break;
        char c = s->p[s->i];
        if (c == '"') {
            if (to && s->i > run && dbuf_append(to, s->p + run, s->i - run) < 0) return fail(s, "out of memory");
            if (raw) *raw = s->p + start;
            if (rawn) *rawn = s->i - start;
            s->i++;
            return 0;
        }
        if (c != '\\') {
            s->i++;
            continue;
        }
        if (to && s->i > run && dbuf_append(to, s->p + run, s->i - run) < 0) return fail(s, "out of memory");
        if (s->i + 1 >= s->n) return fail(s, "unterminated string");
        char e = s->p[s->i + 1], o[4];
        size_t on = 1;
        switch (e) {
        case '"': o[0] = '"'; break;
        case '\\': o[0] = '\\'; break;
        case '/': o[0] = '/'; break;
        case 'b': o[0] = '\b'; break;
        case 'f': o[0] = '\f'; break;
        case 'n': o[0] = '\n'; break;
        case 'r': o[0] = '\r'; break;
        case 't': o[0] = '\t'; break;
        case 'u': {
            long cp = hex4(s, s->i + 2);
            if (cp < 0) return fail(s, "bad \\u escape");
            size_t adv = 6;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                long lo = -1;
                if (s->i + 12 <= s->n && s->p[s->i + 6] == '\\' && s->p[s->i + 7] == 'u') lo = hex4(s, s->i + 8);
                if (lo >= 0xdc00 && lo <= 0xdfff) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    adv = 12;
                } else {
                    cp = 0xfffd; /* a lone surrogate */
                }
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                cp = 0xfffd;
            }
            on = utf8((unsigned long)cp, o);
            if (to && dbuf_append(to, o, on) < 0) return fail(s, "out of memory");
            s->i += adv;
            run = s->i;
            continue;
        }
        default: return fail(s, "bad escape in string");
        }
        if (to && dbuf_append(to, o, on) < 0) return fail(s, "out of memory");
        s->i += 2;
        run = s->i;
    }
    return fail(s, "unterminated string");
}

static int value(jp *s, int depth, enum obj_kind kind);

static int literal(jp *s)
{
    static const char *const lits[] = {"true", "false", "null"};
    for (size_t k = 0; k < sizeof lits / sizeof *lits; k++) {
        size_t l = strlen(lits[k]);
        if (s->n - s->i >= l && memcmp(s->p + s->i, lits[k], l) == 0) {
            s->i += l;
            return 0;
        }
    }
    size_t st = s->i;
    while (s->i < s->n && s->p[s->i] && strchr("+-.eE0123456789", s->p[s->i])) s->i++;
    if (s->i == st) return fail(s, "unexpected character");
    return 0;
}

/* A message: unescaped into out, one line. */
static int message(jp *s)
{
    size_t mark = s->out->len;
    if (string(s, s->out, NULL, NULL) < 0) return -1;
    while (s->out->len > mark && (s->out->data[s->out->len - 1] == '\n' || s->out->data[s->out->len - 1] == '\r'))
        s->out->len--;
    if (dbuf_append(s->out, "\n", 1) < 0) return fail(s, "out of memory");
    return 0;
}

static bool key_is(const char *k, size_t kn, const char *want)
{
    return kn == strlen(want) && memcmp(k, want, kn) == 0;
}

/* Steps over an array's or object's opening bracket; true (with the
 * closing one consumed too) when the container is empty. */
static bool open_empty(jp *s, char close)
{
    s->i++;
    ws(s);
    if (s->i < s->n && s->p[s->i] == close) {
        s->i++;
        return true;
    }
    return false;
}

static int array(jp *s, int depth, enum obj_kind elem)
{
    if (open_empty(s, ']')) return 0;
    for (;;) {
        ws(s);
        if (value(s, depth + 1, elem) < 0) return -1;
        ws(s);
        if (s->i >= s->n) return fail(s, "unterminated array");
        char c = s->p[s->i++];
        if (c == ']') return 0;
        if (c != ',') {
            s->i--;
            return fail(s, "expected ',' or ']'");
        }
    }
}

static int object(jp *s, int depth, enum obj_kind kind)
{
    size_t mark = s->out->len;
    bool control = false;
    if (open_empty(s, '}')) return 0;
    for (;;) {
        ws(s);
        const char *k;
        size_t kn;
        if (string(s, NULL, &k, &kn) < 0) return -1;
        ws(s);
        if (s->i >= s->n || s->p[s->i] != ':') return fail(s, "expected ':'");
        s->i++;
        ws(s);
        char c = s->i < s->n ? s->p[s->i] : '\0';
        if (kind != OBJ_OTHER && c == '"' && key_is(k, kn, "message")) {
            if (message(s) < 0) return -1;
        } else if (kind == OBJ_TOP && c == '"' && key_is(k, kn, "messageType")) {
            const char *v;
            size_t vn;
            if (string(s, NULL, &v, &vn) < 0) return -1;
            control = key_is(v, vn, "CONTROL_MESSAGE");
        } else if (kind == OBJ_TOP && c == '[' && key_is(k, kn, "logEvents")) {
            if (depth + 1 > JSONWRAP_MAX_DEPTH) return fail(s, "nested too deeply");
            if (array(s, depth + 1, OBJ_EVENT) < 0) return -1;
        } else if (value(s, depth + 1, OBJ_OTHER) < 0) {
            return -1;
        }
        ws(s);
        if (s->i >= s->n) return fail(s, "unterminated object");
        c = s->p[s->i++];
        if (c == '}') break;
        if (c != ',') {
            s->i--;
            return fail(s, "expected ',' or '}'");
        }
    }
    if (control) { /* the health check's own text is no record */
        s->out->len = mark;
        if (s->out->data) s->out->data[mark] = '\0';
    }
    return 0;
}

/* kind: what an object here is. An array at the top holds top-level
 * objects; elsewhere arrays hold plain values. */
static int value(jp *s, int depth, enum obj_kind kind)
{
    if (depth > JSONWRAP_MAX_DEPTH) return fail(s, "nested too deeply");
    if (s->i >= s->n) return fail(s, "expected a value");
    switch (s->p[s->i]) {
    case '{': return object(s, depth, kind);
    case '[': return array(s, depth, kind == OBJ_TOP && depth == 0 ? OBJ_TOP : OBJ_OTHER);
    case '"': return string(s, NULL, NULL, NULL);
    default: return literal(s);
    }
}

/* The end of the object or array at p[0]: 0 with *end when complete, 1
 * when the input stops first. Strings are skipped; the structure itself is
 * checked by the parse that follows. */
static int value_end(const char *p, size_t n, size_t *end)
{
    size_t depth = 0;
    bool in_str = false;
    const char *q = NULL; /* as in string(): the next quote, until passed */
    for (size_t i = 0; i < n; i++) {
        if (in_str) {
            if (!q || q < p + i) q = memchr(p + i, '"', n - i);
            size_t lim = q ? (size_t)(q - p) : n;
            const char *b = memchr(p + i, '\\', lim - i);
            if (b) {
                i = (size_t)(b - p) + 1; /* the escaped byte: the loop steps past it */
            } else if (q) {
                i = lim;
                in_str = false;
            } else {
                return 1;
            }
            continue;
        }
        char c = p[i];
        if (c == '"') in_str = true;
        else if (c == '{' || c == '[') depth++;
        else if ((c == '}' || c == ']') && --depth == 0) {
            *end = i + 1;
            return 0;
        }
    }
    return 1;
}

int jsonwrap_next(const char *p, size_t n, bool eof, dbuf *out, size_t *used, char *err, size_t errlen)
{
    size_t i = 0;
    *used = 0;
    if (!p) n = 0;
    for (;;) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
        /* a UTF-8 byte order mark (some exports begin with one) */
        if (n - i >= 3 && (unsigned char)p[i] == 0xef && (unsigned char)p[i + 1] == 0xbb &&
            (unsigned char)p[i + 2] == 0xbf) {
            i += 3;
            continue;
        }
        break;
    }
    *used = i;
    if (i == n) return 0;
    if (p[i] != '{' && p[i] != '[') {
        fc_err(err, errlen, "expected a JSON object");
        return -1;
    }
    size_t end;
    if (value_end(p + i, n - i, &end) != 0) {
        if (n - i > JSONWRAP_MAX_VALUE) {
            fc_err(err, errlen, "JSON value longer than %u bytes", JSONWRAP_MAX_VALUE);
            return -1;
        }
        if (!eof) return 0;
        fc_err(err, errlen, "truncated JSON value");
        return -1;
    }
    if (end > JSONWRAP_MAX_VALUE) {
        fc_err(err, errlen, "JSON value longer than %u bytes", JSONWRAP_MAX_VALUE);
        return -1;
    }
    size_t mark = out->len;
    jp s = {p + i, end, 0, out, err, errlen, 0};
    int rc = value(&s, 0, OBJ_TOP);
    if (rc == 0 && s.i != end) rc = fail(&s, "unexpected character"); /* e.g. {"a":1] */
    if (rc < 0) {
        out->len = mark;
        if (out->data) out->data[mark] = '\0';
        *used = i + s.err_at;
        return -1;
    }
    *used = i + end;
    return 1;
}
