/* sankey: a small Sankey layout and SVG writer in C, so that the report's
 * flow diagrams need no script and no external library (report.md: readable
 * without JavaScript, one self-contained file). The layout is deliberately
 * simple and deterministic: nodes are stacked per column by value, each gets
 * at least SANKEY_MIN_SLOT px so labels cannot collide, and the canvas grows
 * with the node count instead of squeezing. */
#include "sankey.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

typedef struct snode {
    char *key, *label;
    int col;
    double in, out;
    /* layout */
    double x, y, h, slot, off_in, off_out;
    int laid;
    uint32_t hnext; /* hash chain */
} snode;

typedef struct slink {
    uint32_t a, b;
    double v;
} slink;

struct sankey {
    int ncols;
    snode *nodes;
    size_t n, cap;
    slink *links;
    size_t nl, capl;
    int merged;
    uint32_t *heads; /* hash heads, size nh */
    size_t nh;
    /* (a, b) → link index + 1, so that a repeated link is summed as it
     * comes (a report adds two links a flow: a million links were sorted
     * to be merged). Valid while the links are as sankey_link left them. */
    uint32_t *lslot;
    size_t lcap;
    int lvalid;
};

#define NIL UINT32_MAX

static uint64_t hkey(int col, const char *k)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ (uint64_t)(unsigned)col;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * UINT64_C(1099511628211);
    return h;
}

static void rehash(sankey *s)
{
    free(s->heads);
    s->nh = s->nh ? s->nh * 2 : 64;
    s->heads = xmalloc(s->nh * sizeof *s->heads);
    for (size_t i = 0; i < s->nh; i++) s->heads[i] = NIL;
    for (size_t i = 0; i < s->n; i++) {
        size_t h = hkey(s->nodes[i].col, s->nodes[i].key) & (s->nh - 1);
        s->nodes[i].hnext = s->heads[h];
        s->heads[h] = (uint32_t)i;
    }
}

sankey *sankey_new(int ncols)
{
    sankey *s = xcalloc(1, sizeof *s);
    s->ncols = ncols < 2 ? 2 : ncols;
    rehash(s);
    return s;
}

void sankey_free(sankey *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) FC_FREE(s->nodes[i].key, s->nodes[i].label);
    FC_FREE(s->nodes, s->links, s->heads, s->lslot, s);
}

uint32_t sankey_node(sankey *s, int col, const char *key, const char *label)
{
    if (col < 0) col = 0;
    if (col >= s->ncols) col = s->ncols - 1;
    if (!key) key = "";
    size_t h = hkey(col, key) & (s->nh - 1);
    for (uint32_t i = s->heads[h]; i != NIL; i = s->nodes[i].hnext)
        if (s->nodes[i].col == col && strcmp(s->nodes[i].key, key) == 0) return i;
    GROW(s->nodes, s->n, s->cap);
    snode *nd = &s->nodes[s->n];
    memset(nd, 0, sizeof *nd);
    nd->key = xstrdup(key);
    nd->label = xstrdup(label ? label : key);
    nd->col = col;
    nd->hnext = s->heads[h];
    s->heads[h] = (uint32_t)s->n;
    s->n++;
    if (s->n > s->nh / 2) rehash(s);
    return (uint32_t)(s->n - 1);
}

static size_t link_slot(const sankey *s, uint32_t a, uint32_t b)
{
    uint64_t h = ((uint64_t)a << 32 | b) * UINT64_C(0x9e3779b97f4a7c15);
    size_t j = (size_t)(h >> 32) & (s->lcap - 1);
    while (s->lslot[j] && (s->links[s->lslot[j] - 1].a != a || s->links[s->lslot[j] - 1].b != b))
        j = (j + 1) & (s->lcap - 1);
    return j;
}

/* The link table for links that are each (a, b) once (none yet, or just
 * merged), with room to grow. */
static void link_index(sankey *s)
{
    free(s->lslot);
    s->lcap = 64;
    while (s->lcap < (s->nl + 1) * 4) s->lcap *= 2;
    s->lslot = xcalloc(s->lcap, sizeof *s->lslot);
    for (size_t i = 0; i < s->nl; i++) s->lslot[link_slot(s, s->links[i].a, s->links[i].b)] = (uint32_t)(i + 1);
    s->lvalid = 1;
}

void sankey_link(sankey *s, uint32_t a, uint32_t b, double v)
{
    if (!(v > 0) || a >= s->n || b >= s->n || a == b) return;
    if (!s->lvalid || (s->nl + 1) * 2 > s->lcap) link_index(s);
    size_t j = link_slot(s, a, b);
    s->merged = 0;
    /* summed in the order added: what merge's stable sort did */
    if (s->lslot[j]) {
        s->links[s->lslot[j] - 1].v += v;
        return;
    }
    GROW(s->links, s->nl, s->capl);
    s->links[s->nl++] = (slink){a, b, v};
    s->lslot[j] = (uint32_t)s->nl;
}

FC_COMPARATOR(link_cmp, slink, FC_ASC(a) FC_ASC(b))

/* Sum duplicate links and recompute node throughputs. */
static void merge(sankey *s)
{
    if (s->merged) return;
    if (s->nl) qsort(s->links, s->nl, sizeof *s->links, link_cmp);
    s->lvalid = 0; /* the links moved */
    size_t o = 0;
    for (size_t i = 0; i < s->nl; i++) {
        if (o && s->links[o - 1].a == s->links[i].a && s->links[o - 1].b == s->links[i].b)
            s->links[o - 1].v += s->links[i].v;
        else
            s->links[o++] = s->links[i];
    }
    s->nl = o;
    for (size_t i = 0; i < s->n; i++) s->nodes[i].in = s->nodes[i].out = 0;
    for (size_t i = 0; i < s->nl; i++) {
        s->nodes[s->links[i].a].out += s->links[i].v;
        s->nodes[s->links[i].b].in += s->links[i].v;
    }
    s->merged = 1;
}

static double node_value(const snode *n) { return n->in > n->out ? n->in : n->out; }

/* Largest first, then by key: a total order, so layouts are reproducible. */
static const sankey *g_sort; /* qsort has no context argument in C17 */
static int node_rank_cmp(const void *x, const void *y)
{
    const snode *p = &g_sort->nodes[*(const uint32_t *)x], *q = &g_sort->nodes[*(const uint32_t *)y];
    double vp = node_value(p), vq = node_value(q);
    if (vp != vq) return vp > vq ? -1 : 1;
    return strcmp(p->key, q->key);
}

void sankey_limit(sankey *s, size_t keep)
{
    merge(s);
    if (keep == 0) return;
    uint32_t *map = xmalloc((s->n + 1) * sizeof *map);
    for (size_t i = 0; i < s->n; i++) map[i] = (uint32_t)i;
    uint32_t *idx = xmalloc((s->n + 1) * sizeof *idx);
    size_t n0 = s->n;
    for (int c = 0; c < s->ncols; c++) {
        size_t k = 0;
        for (size_t i = 0; i < n0; i++)
            if (s->nodes[i].col == c) idx[k++] = (uint32_t)i;
        /* Folding a single node into "Other" would hide its name for nothing. */
        if (k <= keep + 1) continue;
        g_sort = s;
        qsort(idx, k, sizeof *idx, node_rank_cmp);
        char key[64], label[64];
        snprintf(key, sizeof key, "\x01other-%d", c);
        snprintf(label, sizeof label, "Other (%zu)", k - keep);
        uint32_t other = sankey_node(s, c, key, label);
        for (size_t j = keep; j < k; j++) map[idx[j]] = other;
    }
    /* Nodes added above map to themselves. */
    map = xrealloc(map, (s->n + 1) * sizeof *map);
    for (size_t i = n0; i < s->n; i++) map[i] = (uint32_t)i;
    for (size_t i = 0; i < s->nl; i++) {
        s->links[i].a = map[s->links[i].a];
        s->links[i].b = map[s->links[i].b];
    }
    /* Drop folded nodes: compact the array and renumber the links. */
    uint32_t *renum = xmalloc((s->n + 1) * sizeof *renum);
    size_t o = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (map[i] != i) {
            free(s->nodes[i].key);
            free(s->nodes[i].label);
            renum[i] = NIL;
            continue;
        }
        renum[i] = (uint32_t)o;
        s->nodes[o++] = s->nodes[i];
    }
    s->n = o;
    for (size_t i = 0; i < s->nl; i++) {
        s->links[i].a = renum[s->links[i].a];
        s->links[i].b = renum[s->links[i].b];
    }
    free(renum);
    free(idx);
    free(map);
    s->nh = 32;
    rehash(s);
    s->merged = 0;
    merge(s);
}

size_t sankey_node_count(const sankey *s) { return s->n; }
size_t sankey_link_count(sankey *s)
{
    merge(s);
    return s->nl;
}

/* Links leave a node ordered by the target's height (and enter ordered by
 * the source's) so bands do not cross inside a node. */
static int by_far_end(uint32_t at_p, uint32_t at_q, uint32_t far_p, uint32_t far_q)
{
    if (at_p != at_q) return at_p < at_q ? -1 : 1;
    double yp = g_sort->nodes[far_p].y, yq = g_sort->nodes[far_q].y;
    if (yp != yq) return yp < yq ? -1 : 1;
    return far_p < far_q ? -1 : (far_p > far_q);
}
static int out_cmp(const void *x, const void *y)
{
    const slink *p = *(slink *const *)x, *q = *(slink *const *)y;
    return by_far_end(p->a, q->a, p->b, q->b);
}
static int in_cmp(const void *x, const void *y)
{
    const slink *p = *(slink *const *)x, *q = *(slink *const *)y;
    return by_far_end(p->b, q->b, p->a, q->a);
}

#define NODE_W 12.0
#define MARGIN_X 230.0 /* room for the outer columns' labels */
#define TOP 40.0
#define GAP 4.0
#define MAIN_H 360.0   /* px for the largest column's total value */
#define LABEL_CHARS 34

static const char *const node_fill[] = {"#1f3b57", "#4f6d8a", "#7d98b3", "#a9bfd3"};

static int put_label(dbuf *out, const snode *nd, sankey_fmt fmt, double x, double y, const char *anchor)
{
    char val[64];
    fmt(node_value(nd), val, sizeof val);
    char *lab = esc_truncate(nd->label, LABEL_CHARS);
    int rc = dbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"sk-label\">", x, y, anchor);
    rc |= esc_svg(out, lab);
    rc |= dbuf_puts(out, " <tspan class=\"sk-val\">");
    rc |= esc_svg(out, val);
    rc |= dbuf_puts(out, "</tspan></text>\n");
    free(lab);
    return rc ? -1 : 0;
}

int sankey_svg(sankey *s, const char *title, const char *const *col_titles, sankey_fmt fmt, dbuf *out)
{
    merge(s);
    if (s->nl == 0) {
        int rc = dbuf_puts(out, "<p class=\"empty\">No traffic to draw for ");
        rc |= esc_html(out, title);
        rc |= dbuf_puts(out, ".</p>\n");
        return rc ? -1 : 0;
    }
    /* Column totals pick the scale: the fullest column fills MAIN_H. */
    double *tot = xcalloc((size_t)s->ncols, sizeof *tot);
    for (size_t i = 0; i < s->n; i++) tot[s->nodes[i].col] += node_value(&s->nodes[i]);
    double maxtot = 0;
    for (int c = 0; c < s->ncols; c++) if (tot[c] > maxtot) maxtot = tot[c];
    double k = maxtot > 0 ? MAIN_H / maxtot : 0;

    uint32_t *idx = xmalloc((s->n + 1) * sizeof *idx);
    double *colh = xcalloc((size_t)s->ncols, sizeof *colh);
    double maxh = 0;
    double span = (SANKEY_WIDTH - 2 * MARGIN_X - NODE_W) / (double)(s->ncols - 1);
    for (int c = 0; c < s->ncols; c++) {
        size_t m = 0;
        for (size_t i = 0; i < s->n; i++) if (s->nodes[i].col == c) idx[m++] = (uint32_t)i;
        g_sort = s;
        qsort(idx, m, sizeof *idx, node_rank_cmp);
        /* "Other" goes last whatever its size: it is not a peer of the others. */
        for (size_t j = 0; j + 1 < m; j++)
            if (s->nodes[idx[j]].key[0] == '\x01') {
                uint32_t t = idx[j];
                memmove(&idx[j], &idx[j + 1], (m - j - 1) * sizeof *idx);
                idx[m - 1] = t;
                break;
            }
        double y = 0;
        for (size_t j = 0; j < m; j++) {
            snode *nd = &s->nodes[idx[j]];
            nd->h = node_value(nd) * k;
            if (nd->h < 1) nd->h = 1;
            nd->slot = nd->h > SANKEY_MIN_SLOT ? nd->h : SANKEY_MIN_SLOT;
            nd->x = MARGIN_X + c * span;
            nd->y = y; /* relative; centred below */
            nd->off_in = nd->off_out = 0;
            nd->laid = 1;
            y += nd->slot + GAP;
        }
        colh[c] = y;
        if (y > maxh) maxh = y;
    }
    for (size_t i = 0; i < s->n; i++) {
        snode *nd = &s->nodes[i];
        /* Centre the node in its slot and the column in the canvas. */
        nd->y += TOP + (maxh - colh[nd->col]) / 2 + (nd->slot - nd->h) / 2;
    }
    double H = TOP + maxh + 10;

    int rc = dbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sankey\" viewBox=\"0 0 %d %.0f\" "
                              "width=\"%d\" height=\"%.0f\" role=\"img\"><title>",
                         SANKEY_WIDTH, ceil(H), SANKEY_WIDTH, ceil(H));
    rc |= esc_svg(out, title);
    rc |= dbuf_puts(out, "</title>\n");
    if (col_titles)
        for (int c = 0; c < s->ncols; c++) {
            double x = MARGIN_X + c * span + NODE_W / 2;
            const char *anchor = c == 0 ? "end" : c == s->ncols - 1 ? "start" : "middle";
            if (c == 0) x += NODE_W / 2;
            if (c == s->ncols - 1) x -= NODE_W / 2;
            rc |= dbuf_printf(out, "<text x=\"%.1f\" y=\"16\" text-anchor=\"%s\" class=\"sk-col\">", x, anchor);
            rc |= esc_svg(out, col_titles[c]);
            rc |= dbuf_puts(out, "</text>\n");
        }

    /* Links, behind the nodes. */
    slink **lp = xmalloc((s->nl + 1) * sizeof *lp);
    for (size_t i = 0; i < s->nl; i++) lp[i] = &s->links[i];
    double *y0 = xmalloc((s->nl + 1) * sizeof *y0), *y1 = xmalloc((s->nl + 1) * sizeof *y1);
    g_sort = s;
    /* Each link's band where it leaves its source (y0), then where it
     * enters its target (y1), stacked down each node in that order. */
    for (int in = 0; in < 2; in++) {
        qsort(lp, s->nl, sizeof *lp, in ? in_cmp : out_cmp);
        for (size_t i = 0; i < s->nl; i++) {
            snode *nd = &s->nodes[in ? lp[i]->b : lp[i]->a];
            double w = lp[i]->v * k, *off = in ? &nd->off_in : &nd->off_out;
            (in ? y1 : y0)[lp[i] - s->links] = nd->y + *off + w / 2;
            *off += w;
        }
    }
    rc |= dbuf_puts(out, "<g class=\"sk-links\" fill=\"none\">\n");
    for (size_t i = 0; i < s->nl; i++) {
        const slink *l = &s->links[i];
        const snode *a = &s->nodes[l->a], *b = &s->nodes[l->b];
        double w = l->v * k;
        if (w < 1) w = 1;
        double xa = a->x + NODE_W, xb = b->x, xm = (xa + xb) / 2;
        char val[64];
        fmt(l->v, val, sizeof val);
        rc |= dbuf_printf(out, "<path d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\" stroke-width=\"%.1f\" class=\"sk-c%d\"><title>",
                          xa, y0[i], xm, y0[i], xm, y1[i], xb, y1[i], w, a->col % 4);
        rc |= esc_svg(out, a->label);
        rc |= dbuf_puts(out, " \xE2\x86\x92 ");
        rc |= esc_svg(out, b->label);
        rc |= dbuf_puts(out, ": ");
        rc |= esc_svg(out, val);
        rc |= dbuf_puts(out, "</title></path>\n");
    }
    rc |= dbuf_puts(out, "</g>\n<g class=\"sk-nodes\">\n");
    for (size_t i = 0; i < s->n; i++) {
        const snode *nd = &s->nodes[i];
        char val[64];
        fmt(node_value(nd), val, sizeof val);
        rc |= dbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"><title>",
                          nd->x, nd->y, NODE_W, nd->h, node_fill[nd->col % 4]);
        rc |= esc_svg(out, nd->label);
        rc |= dbuf_puts(out, ": ");
        rc |= esc_svg(out, val);
        rc |= dbuf_puts(out, "</title></rect>\n");
        double ly = nd->y + nd->h / 2 + 4;
        if (nd->col == 0) rc |= put_label(out, nd, fmt, nd->x - 5, ly, "end");
        else rc |= put_label(out, nd, fmt, nd->x + NODE_W + 5, ly, "start");
    }
    rc |= dbuf_puts(out, "</g>\n</svg>\n");
    free(lp);
    free(y0);
    free(y1);
    free(idx);
    free(colh);
    free(tot);
    return rc ? -1 : 0;
}

int sankey_node_rect(const sankey *s, uint32_t i, double *x, double *y, double *h, double *slot)
{
    if (i >= s->n || !s->nodes[i].laid) return -1;
    *x = s->nodes[i].x;
    *y = s->nodes[i].y;
    *h = s->nodes[i].h;
    *slot = s->nodes[i].slot;
    return 0;
}
const char *sankey_node_label(const sankey *s, uint32_t i) { return i < s->n ? s->nodes[i].label : NULL; }
int sankey_node_col(const sankey *s, uint32_t i) { return i < s->n ? s->nodes[i].col : -1; }
