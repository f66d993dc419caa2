/* tpl: a small mustache-like engine so that markup lives in templates/ and C
 * only prepares rows of formatted cells (STYLE.md habit 10). It escapes by
 * default through render/escape.h — the raw form needs a third brace — and
 * compiles a template once into a flat node array, sections pointing past
 * their close tag, so rendering is a walk with no allocation. */
#include "tpl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* Deeper nesting than this is refused when parsing, so the render's
 * context stack is a fixed array. */
#define TPL_DEPTH 24

/* ---------- the model ---------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char mem[];
} arena_block;

enum { V_TEXT, V_LIST };

typedef struct tpl_ent {
    struct tpl_ent *next;
    const char *key;
    size_t klen;
    int type;
    const char *text;          /* V_TEXT */
    tpl_obj *head, *tail;      /* V_LIST */
} tpl_ent;

struct tpl_obj {
    tpl_model *m;
    tpl_ent *first, *last;
    tpl_obj *next; /* the next row of the list holding this object */
};

struct tpl_model {
    arena_block *blocks;
    tpl_obj root;
};

static void *arena_alloc(tpl_model *m, size_t n)
{
    n = (n + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    arena_block *b = m->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 32768 ? n : 32768;
        b = xmalloc(sizeof *b + cap);
        b->next = m->blocks;
        b->used = 0;
        b->cap = cap;
        m->blocks = b;
    }
    void *p = b->mem + b->used;
    b->used += n;
    return p;
}

static const char *arena_str(tpl_model *m, const char *s, size_t n)
{
    char *p = arena_alloc(m, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

tpl_model *tpl_model_new(void)
{
    tpl_model *m = xmalloc(sizeof *m);
    memset(m, 0, sizeof *m);
    m->root.m = m;
    return m;
}

void tpl_model_free(tpl_model *m)
{
    if (!m) return;
    for (arena_block *b = m->blocks, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    free(m);
}

tpl_obj *tpl_root(tpl_model *m) { return &m->root; }

static tpl_ent *ent_find(const tpl_obj *o, const char *key, size_t klen)
{
    for (tpl_ent *e = o->first; e; e = e->next)
        if (e->klen == klen && e->key[0] == key[0] && !memcmp(e->key, key, klen)) return e;
    return NULL;
}

static tpl_ent *ent_get(tpl_obj *o, const char *key)
{
    size_t klen = strlen(key);
    tpl_ent *e = ent_find(o, key, klen);
    if (e) return e;
    e = arena_alloc(o->m, sizeof *e);
    memset(e, 0, sizeof *e);
    e->key = arena_str(o->m, key, klen);
    e->klen = klen;
    if (o->last) o->last->next = e;
    else o->first = e;
    o->last = e;
    return e;
}

void tpl_set(tpl_obj *o, const char *key, const char *val)
{
    tpl_ent *e = ent_get(o, key);
    e->type = V_TEXT;
    e->head = e->tail = NULL;
    e->text = val ? arena_str(o->m, val, strlen(val)) : "";
}

void tpl_setf(tpl_obj *o, const char *key, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    tpl_ent *e = ent_get(o, key);
    e->type = V_TEXT;
    e->head = e->tail = NULL;
    if ((size_t)n < sizeof small) {
        e->text = arena_str(o->m, small, (size_t)n);
        return;
    }
    char *p = arena_alloc(o->m, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    e->text = p;
}

void tpl_flag(tpl_obj *o, const char *key, bool on) { tpl_set(o, key, on ? "1" : ""); }

void tpl_list(tpl_obj *o, const char *key)
{
    tpl_ent *e = ent_get(o, key);
    if (e->type != V_LIST) {
        e->type = V_LIST;
        e->text = NULL;
        e->head = e->tail = NULL;
    }
}

tpl_obj *tpl_add(tpl_obj *o, const char *key)
{
    tpl_list(o, key);
    tpl_ent *e = ent_find(o, key, strlen(key));
    tpl_obj *c = arena_alloc(o->m, sizeof *c);
    memset(c, 0, sizeof *c);
    c->m = o->m;
    if (e->tail) e->tail->next = c;
    else e->head = c;
    e->tail = c;
    return c;
}

const char *tpl_get(const tpl_obj *o, const char *key)
{
    const tpl_ent *e = ent_find(o, key, strlen(key));
    return e && e->type == V_TEXT ? e->text : NULL;
}

const tpl_obj *tpl_first(const tpl_obj *o, const char *key)
{
    const tpl_ent *e = ent_find(o, key, strlen(key));
    return e && e->type == V_LIST ? e->head : NULL;
}

const tpl_obj *tpl_next(const tpl_obj *row) { return row->next; }

/* ---------- parsing ---------- */

enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_CLOSE, N_PARTIAL };

typedef struct tpl_node {
    int kind;
    size_t off, len; /* the text, or the key's name, in src */
    size_t end;      /* N_SECTION / N_INVERTED: index of the matching N_CLOSE;
                      * N_PARTIAL: index in tpl.parts */
    size_t line;
} tpl_node;

struct tpl {
    char *name;
    char *src;
    tpl_node *nodes;
    size_t n, cap;
    tpl **parts;     /* the partials, in node order; NULL until tpl_load */
    size_t n_parts;
};

static void node_add(tpl *t, int kind, size_t off, size_t len, size_t line)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->nodes = xrealloc(t->nodes, t->cap * sizeof *t->nodes);
    }
    t->nodes[t->n++] = (tpl_node){kind, off, len, 0, line};
}

void tpl_free(tpl *t)
{
    if (!t) return;
    free(t->name);
    free(t->src);
    free(t->nodes);
    for (size_t i = 0; t->parts && i < t->n_parts; i++) tpl_free(t->parts[i]);
    free(t->parts);
    free(t);
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static size_t count_lines(const char *s, size_t from, size_t to, size_t line)
{
    for (size_t i = from; i < to; i++)
        if (s[i] == '\n') line++;
    return line;
}

int tpl_parse(const char *name, const char *src, size_t len, tpl **out, char *err, size_t errlen)
{
    tpl *t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name);
    t->src = xmalloc(len + 1);
    memcpy(t->src, src, len);
    t->src[len] = '\0';
    const char *s = t->src;
    size_t open[TPL_DEPTH], depth = 0;
    size_t i = 0, text = 0, line = 1, line_at = 0; /* line is the line of offset line_at */
    int rc = 0;
    while (i < len) {
        if (!(s[i] == '{' && i + 1 < len && s[i + 1] == '{')) {
            i++;
            continue;
        }
        line = count_lines(s, line_at, i, line);
        line_at = i;
        size_t j = i + 2;
        int kind = N_VAR;
        int comment = 0;
        if (j < len && s[j] == '{') {
            kind = N_RAW;
            j++;
        } else if (j < len && strchr("#^/!>", s[j])) {
            kind = s[j] == '#' ? N_SECTION : s[j] == '^' ? N_INVERTED : s[j] == '/' ? N_CLOSE
                 : s[j] == '>' ? N_PARTIAL : N_TEXT;
            comment = s[j] == '!';
            j++;
        }
        size_t name_at = 0, name_len = 0, tag_end;
        if (comment) {
            const char *e = strstr(s + j, "}}");
            if (!e) {
                rc = fc_err(err, errlen, "%s:%zu: unterminated comment", name, line);
                goto out;
            }
            tag_end = (size_t)(e - s) + 2;
        } else {
            while (j < len && s[j] == ' ') j++;
            name_at = j;
            while (j < len && is_name_char(s[j])) j++;
            name_len = j - name_at;
            while (j < len && s[j] == ' ') j++;
            const char *close = kind == N_RAW ? "}}}" : "}}";
            size_t cl = strlen(close);
            if (!name_len || len - j < cl || memcmp(s + j, close, cl)) {
                size_t show = 0;
                while (i + show < len && show < 20 && s[i + show] != '\n') show++;
                rc = fc_err(err, errlen, "%s:%zu: malformed tag '%.*s'", name, line, (int)show, s + i);
                goto out;
            }
            tag_end = j + cl;
        }
        /* A section, close or comment tag alone on its line takes the line
         * with it (mustache's "standalone" rule). */
        size_t cut_from = i, cut_to = tag_end;
        if (kind == N_SECTION || kind == N_INVERTED || kind == N_CLOSE || kind == N_PARTIAL || comment) {
            size_t a = i, b = tag_end;
            while (a > text && (s[a - 1] == ' ' || s[a - 1] == '\t')) a--;
            while (b < len && (s[b] == ' ' || s[b] == '\t')) b++;
            int at_line_start = a == 0 || s[a - 1] == '\n';
            int at_line_end = b == len || s[b] == '\n' || (s[b] == '\r' && b + 1 < len && s[b + 1] == '\n');
            if (at_line_start && at_line_end) {
                cut_from = a;
                cut_to = b == len ? b : s[b] == '\r' ? b + 2 : b + 1;
            }
        }
        if (cut_from > text) node_add(t, N_TEXT, text, cut_from - text, line);
        if (kind == N_SECTION || kind == N_INVERTED) {
            if (depth == TPL_DEPTH) {
                rc = fc_err(err, errlen, "%s:%zu: sections nested deeper than %d", name, line, TPL_DEPTH);
                goto out;
            }
            open[depth++] = t->n;
            node_add(t, kind, name_at, name_len, line);
        } else if (kind == N_CLOSE) {
            if (!depth) {
                rc = fc_err(err, errlen, "%s:%zu: {{/%.*s}} closes no section", name, line, (int)name_len, s + name_at);
                goto out;
            }
            tpl_node *o = &t->nodes[open[depth - 1]];
            if (o->len != name_len || memcmp(s + o->off, s + name_at, name_len)) {
                rc = fc_err(err, errlen, "%s:%zu: {{/%.*s}} closes {{#%.*s}} of line %zu", name, line, (int)name_len,
                            s + name_at, (int)o->len, s + o->off, o->line);
                goto out;
            }
            t->nodes[open[--depth]].end = t->n;
            node_add(t, N_CLOSE, name_at, name_len, line);
        } else if (kind == N_PARTIAL) {
            node_add(t, kind, name_at, name_len, line);
            t->nodes[t->n - 1].end = t->n_parts++;
        } else if (!comment) {
            node_add(t, kind, name_at, name_len, line);
        }
        i = text = cut_to;
    }
    if (depth) {
        tpl_node *o = &t->nodes[open[depth - 1]];
        rc = fc_err(err, errlen, "%s:%zu: {{#%.*s}} is never closed", name, o->line, (int)o->len, s + o->off);
        goto out;
    }
    if (len > text) node_add(t, N_TEXT, text, len - text, line);
out:
    if (rc < 0) {
        tpl_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

/* ---------- rendering ---------- */

typedef struct render_ctx {
    const tpl *t;
    const tpl_obj *stack[TPL_DEPTH + 1];
    size_t depth;
    dbuf *out;
    char *err;
    size_t errlen;
} render_ctx;

static const tpl_ent *lookup(const render_ctx *c, const tpl_node *n)
{
    const char *key = c->t->src + n->off;
    for (size_t d = c->depth; d-- > 0;) {
        const tpl_ent *e = ent_find(c->stack[d], key, n->len);
        if (e) return e;
    }
    return NULL;
}

static int render_range(render_ctx *c, size_t from, size_t to)
{
    const tpl *t = c->t;
    for (size_t i = from; i < to; i++) {
        const tpl_node *n = &t->nodes[i];
        switch (n->kind) {
        case N_TEXT:
            if (dbuf_append(c->out, t->src + n->off, n->len) < 0) goto full;
            break;
        case N_VAR:
        case N_RAW: {
            const tpl_ent *e = lookup(c, n);
            if (!e || e->type != V_TEXT)
                return fc_err(c->err, c->errlen, "%s:%zu: %s key {{%s%.*s%s}}", t->name, n->line,
                              e ? "list used as text:" : "unknown", n->kind == N_RAW ? "{" : "", (int)n->len,
                              t->src + n->off, n->kind == N_RAW ? "}" : "");
            if ((n->kind == N_RAW ? dbuf_puts(c->out, e->text) : esc_html(c->out, e->text)) < 0) goto full;
            break;
        }
        case N_SECTION:
        case N_INVERTED: {
            const tpl_ent *e = lookup(c, n);
            int truthy = e && (e->type == V_LIST ? e->head != NULL : e->text[0] != '\0');
            if (n->kind == N_INVERTED) {
                if (!truthy && render_range(c, i + 1, n->end) < 0) return -1;
            } else if (truthy && e->type == V_LIST) {
                for (const tpl_obj *o = e->head; o; o = o->next) {
                    c->stack[c->depth++] = o;
                    int rc = render_range(c, i + 1, n->end);
                    c->depth--;
                    if (rc < 0) return -1;
                }
            } else if (truthy && render_range(c, i + 1, n->end) < 0) {
                return -1;
            }
            i = n->end;
            break;
        }
        case N_PARTIAL: {
            if (!t->parts)
                return fc_err(c->err, c->errlen, "%s:%zu: partial {{>%.*s}} not loaded (tpl_load loads partials)",
                              t->name, n->line, (int)n->len, t->src + n->off);
            c->t = t->parts[n->end];
            int rc = render_range(c, 0, c->t->n);
            c->t = t;
            if (rc < 0) return -1;
            break;
        }
        default:
            break;
        }
    }
    return 0;
full:
    return fc_err(c->err, c->errlen, "%s: output larger than the output limit", t->name);
}

int tpl_render(const tpl *t, const tpl_obj *data, dbuf *out, char *err, size_t errlen)
{
    render_ctx c = {.t = t, .depth = 1, .out = out, .err = err, .errlen = errlen};
    c.stack[0] = data;
    return render_range(&c, 0, t->n);
}

/* ---------- raw text ---------- */

int tpl_raw_text_check(const char *name, const char *data, int script, char *err, size_t errlen)
{
    /* Raw text elements end at "</style" / "</script" whatever the context,
     * so an edited stylesheet or script must not contain them. */
    if (!script && strstr(data, "</")) return fc_err(err, errlen, "%s: '</' is not allowed inside <style>", name);
    if (script && (strstr(data, "</script") || strstr(data, "</SCRIPT") || strstr(data, "<!--")))
        return fc_err(err, errlen, "%s: '</script' and '<!--' are not allowed inside <script>", name);
    return 0;
}

/* ---------- loading ---------- */

struct embedded_file {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct embedded_file embedded_templates[];

int tpl_file(const char *dir, const char *name, char **data, size_t *len, char *err, size_t errlen)
{
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            return fc_read_file(path, data, len, err, errlen);
        }
        if (errno != ENOENT) return fc_err(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    }
    for (const struct embedded_file *e = embedded_templates; e->name; e++)
        if (strcmp(e->name, name) == 0) {
            *data = xmalloc(e->len + 1);
            memcpy(*data, e->data, e->len);
            (*data)[e->len] = '\0';
            *len = e->len;
            return 0;
        }
    return fc_err(err, errlen, "template '%s' is not embedded in this build", name);
}

/* Parse `name` and, depth first, the partials it names ({{>x}} is the file
 * x.html, from the same place as any template). The depth bound stops a
 * template that includes itself. */
static int load(const char *dir, const char *name, int depth, tpl **out, char *err, size_t errlen)
{
    char *data;
    size_t len;
    *out = NULL;
    if (tpl_file(dir, name, &data, &len, err, errlen) < 0) return -1;
    int rc = tpl_parse(name, data, len, out, err, errlen);
    free(data);
    if (rc < 0) return -1;
    tpl *t = *out;
    if (!t->n_parts) return 0;
    t->parts = xcalloc(t->n_parts, sizeof *t->parts);
    size_t k = 0;
    for (size_t i = 0; i < t->n && rc == 0; i++) {
        const tpl_node *n = &t->nodes[i];
        if (n->kind != N_PARTIAL) continue;
        char pname[128];
        snprintf(pname, sizeof pname, "%.*s.html", (int)(n->len < 100 ? n->len : 100), t->src + n->off);
        if (depth >= 8) rc = fc_err(err, errlen, "%s:%zu: partials nested deeper than 8 ({{>%s}})", name, n->line, pname);
        else rc = load(dir, pname, depth + 1, &t->parts[k], err, errlen);
        k++;
    }
    if (rc < 0) {
        tpl_free(t);
        *out = NULL;
    }
    return rc;
}

int tpl_load(const char *dir, const char *name, tpl **out, char *err, size_t errlen)
{
    return load(dir, name, 0, out, err, errlen);
}
