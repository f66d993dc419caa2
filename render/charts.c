/* charts: time and matrix charts drawn by the tool itself as SVG/HTML so the
 * report is complete without JavaScript and prints well. Everything is
 * computed from cost_result (hours[], az_pairs[]); nothing is re-priced.
 * Colour choices: lightness steps, with hatching on alternate categories, so
 * neighbouring bands differ in greyscale too. */
#include "charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static const char *const cat_fill[CHARTS_NCAT] = {
    "#14283c", "#3d6a99", "#8fb0d4", "#2e2e2e", "#c9d6e3", "#6e6e6e", "#b08a2e",
};
/* Categories drawn with a hatch over their fill (greyscale-distinguishable). */
static const int cat_hatch[CHARTS_NCAT] = {0, 1, 0, 1, 0, 1, 0};

const char *charts_cat_color(int c) { return c >= 0 && c < CHARTS_NCAT ? cat_fill[c] : "#999"; }

static int defs(dbuf *out, const char *id)
{
    int rc = dbuf_puts(out, "<defs>");
    for (int c = 0; c < CHARTS_NCAT; c++) {
        if (!cat_hatch[c]) continue;
        rc |= dbuf_printf(out, "<pattern id=\"%s-p%d\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                               "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"%s\"/>"
                               "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" stroke-width=\"2\"/></pattern>",
                          id, c, cat_fill[c]);
    }
    return rc | dbuf_puts(out, "</defs>\n");
}

static int fill_attr(dbuf *out, const char *id, int c)
{
    if (cat_hatch[c]) return dbuf_printf(out, "url(#%s-p%d)", id, c);
    return dbuf_puts(out, cat_fill[c]);
}

int charts_legend(dbuf *out, const char *id)
{
    int rc = dbuf_puts(out, "<ul class=\"legend\">");
    for (int c = 0; c < CHARTS_NCAT; c++) {
        rc |= dbuf_printf(out, "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\">");
        char pid[64];
        snprintf(pid, sizeof pid, "%s-l%d", id, c);
        rc |= defs(out, pid);
        rc |= dbuf_puts(out, "<rect width=\"14\" height=\"14\" fill=\"");
        rc |= fill_attr(out, pid, c);
        rc |= dbuf_puts(out, "\" stroke=\"#444\" stroke-width=\"0.5\"/></svg>");
        rc |= esc_html(out, cost_cat_name((cost_cat)c));
        rc |= dbuf_puts(out, "</li>");
    }
    return rc | dbuf_puts(out, "</ul>\n");
}

#define W 960.0
#define PLOT_X 70.0
#define PLOT_W (W - PLOT_X - 10.0)
#define MAX_BARS 1000

typedef struct bucket {
    int64_t hour;        /* first hour of the bucket */
    double usd[CHARTS_NCAT];
    double total;
    uint64_t rejected;
} bucket;

bool charts_daily(const cost_result *r)
{
    return r->n_hours && r->hours[r->n_hours - 1].hour - r->hours[0].hour + 1 > 72;
}

/* Dense buckets from the first to the last hour, `*per` hours each; daily:
 * whole UTC days (a week reads as 7 bars, not 168). */
static bucket *make_buckets(const cost_result *r, bool daily, size_t *nb, int64_t *per)
{
    *nb = 0;
    *per = daily ? 24 : 1;
    if (!r->n_hours) return NULL;
    int64_t h0 = r->hours[0].hour, h1 = r->hours[r->n_hours - 1].hour;
    if (daily) h0 -= h0 % 24;
    int64_t span = h1 - h0 + 1;
    while (span / *per > MAX_BARS) (*per)++;
    size_t n = (size_t)((span + *per - 1) / *per);
    bucket *b = xcalloc(n, sizeof *b);
    for (size_t i = 0; i < n; i++) b[i].hour = h0 + (int64_t)i * *per;
    for (size_t i = 0; i < r->n_hours; i++) {
        const cost_hour *h = &r->hours[i];
        bucket *t = &b[(h->hour - h0) / *per];
        for (int c = 0; c < CHARTS_NCAT; c++) {
            t->usd[c] += h->cat_usd[c];
            t->total += h->cat_usd[c];
        }
        t->rejected += h->rejected;
    }
    *nb = n;
    return b;
}

/* A round axis maximum (1, 2, 5 × 10^k) at or above v. */
static double nice_max(double v)
{
    if (!(v > 0)) return 1;
    double e = pow(10, floor(log10(v)));
    double m = v / e;
    double n = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return n * e;
}

static int x_axis(dbuf *out, int64_t h0, size_t nb, int64_t per, double bw, double y)
{
    /* Short periods get a tick every few hours, longer ones one per UTC
     * day; either way thinned so labels stay >= 60 px apart. */
    int64_t span = (int64_t)nb * per;
    int64_t step = span <= 96 ? 3 : 24;
    while (bw * (double)step / (double)per < 60) step += step < 24 ? 3 : 24;
    int rc = 0;
    for (int64_t h = (h0 + step - 1) / step * step; h < h0 + span; h += step) {
        double x = PLOT_X + (double)(h - h0) / (double)per * bw;
        char t[32], lab[16];
        fc_format_time(h * 3600, t, sizeof t);
        if (step < 24 && h % 24) snprintf(lab, sizeof lab, "%.5s", t + 11);
        else snprintf(lab, sizeof lab, "%.5s", t + 5);
        rc |= dbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>"
                               "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
                          x, y, x, y + 4, x, y + 16, lab);
    }
    return rc;
}

int charts_hourly(const cost_result *r, const char *id, dbuf *out)
{
    size_t nb;
    int64_t per;
    bool daily = charts_daily(r);
    bucket *b = make_buckets(r, daily, &nb, &per);
    if (!nb) {
        free(b);
        return dbuf_puts(out, "<p class=\"empty\">No hourly data.</p>\n");
    }
    double max = 0;
    for (size_t i = 0; i < nb; i++) if (b[i].total > max) max = b[i].total;
    double top = nice_max(max), ph = 220, y0 = 20 + ph, bw = PLOT_W / (double)nb;
    int rc = dbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
                              "width=\"%.0f\" height=\"%.0f\" role=\"img\"><title>Cost per %s by category (USD)</title>\n",
                         W, y0 + 30, W, y0 + 30, per == 1 ? "hour" : per == 24 && daily ? "day" : "bucket of hours");
    rc |= defs(out, id);
    for (int t = 0; t <= 4; t++) {
        double v = top * t / 4, y = y0 - ph * t / 4;
        char s[48];
        fc_format_usd(v, s, sizeof s);
        rc |= dbuf_printf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"grid\"/>"
                               "<text x=\"%.0f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">$%s</text>\n",
                          PLOT_X, y, W - 10, y, PLOT_X - 6, y + 4, s);
    }
    for (size_t i = 0; i < nb; i++) {
        if (!(b[i].total > 0)) continue;
        double y = y0;
        char t[32], s[48];
        fc_format_time(b[i].hour * 3600, t, sizeof t);
        fc_format_usd(b[i].total, s, sizeof s);
        rc |= dbuf_printf(out, "<g><title>%.*s: $%s</title>", daily ? 10 : (int)strlen(t), t, s);
        for (int c = 0; c < CHARTS_NCAT; c++) {
            if (!(b[i].usd[c] > 0)) continue;
            double h = b[i].usd[c] / top * ph;
            y -= h;
            rc |= dbuf_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"",
                              PLOT_X + (double)i * bw, y, bw > 2 ? bw - 0.5 : bw, h);
            rc |= fill_attr(out, id, c);
            rc |= dbuf_puts(out, "\"/>");
        }
        rc |= dbuf_puts(out, "</g>\n");
    }
    rc |= x_axis(out, b[0].hour, nb, per, bw, y0);
    rc |= dbuf_puts(out, "</svg>\n");
    free(b);
    return rc;
}

int charts_rejected(const cost_result *r, const char *id, dbuf *out)
{
    (void)id;
    size_t nb;
    int64_t per;
    bucket *b = make_buckets(r, false, &nb, &per);
    uint64_t max = 0;
    for (size_t i = 0; i < nb; i++) if (b[i].rejected > max) max = b[i].rejected;
    if (!max) {
        free(b);
        return dbuf_puts(out, "<p class=\"empty\">No rejected records in the period.</p>\n");
    }
    double top = nice_max((double)max), ph = 120, y0 = 20 + ph, bw = PLOT_W / (double)nb;
    int rc = dbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
                              "width=\"%.0f\" height=\"%.0f\" role=\"img\"><title>Rejected records per %s</title>\n",
                         W, y0 + 30, W, y0 + 30, per == 1 ? "hour" : "bucket of hours");
    for (int t = 0; t <= 2; t++) {
        double v = top * t / 2, y = y0 - ph * t / 2;
        char s[48];
        fc_format_count((uint64_t)v, s, sizeof s);
        rc |= dbuf_printf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"grid\"/>"
                               "<text x=\"%.0f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%s</text>\n",
                          PLOT_X, y, W - 10, y, PLOT_X - 6, y + 4, s);
    }
    for (size_t i = 0; i < nb; i++) {
        if (!b[i].rejected) continue;
        double h = (double)b[i].rejected / top * ph;
        char t[32], s[48];
        fc_format_time(b[i].hour * 3600, t, sizeof t);
        fc_format_count(b[i].rejected, s, sizeof s);
        rc |= dbuf_printf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" class=\"rej\"><title>%s: %s rejected</title></rect>\n",
                          PLOT_X + (double)i * bw, y0 - h, bw > 2 ? bw - 0.5 : bw, h, t, s);
    }
    rc |= x_axis(out, b[0].hour, nb, per, bw, y0);
    rc |= dbuf_puts(out, "</svg>\n");
    free(b);
    return rc;
}

/* 0 for nothing, else 1..5 by share of the maximum. */
static int heat_level(double v, double max)
{
    if (!(v > 0) || !(max > 0)) return 0;
    int l = (int)ceil(v / max * 5);
    return l < 1 ? 1 : l > 5 ? 5 : l;
}

#define MAX_DAYS 400

int charts_heatmap(const cost_result *r, int by_cost, const char *id, dbuf *out)
{
    (void)id;
    if (!r->n_hours) return dbuf_puts(out, "<p class=\"empty\">No hourly data.</p>\n");
    int64_t d0 = (int64_t)floor(r->hours[0].hour / 24.0), d1 = (int64_t)floor(r->hours[r->n_hours - 1].hour / 24.0);
    if (d1 - d0 + 1 > MAX_DAYS) d0 = d1 - MAX_DAYS + 1; /* the most recent days */
    size_t nd = (size_t)(d1 - d0 + 1);
    double *v = xcalloc(nd * 24, sizeof *v);
    double max = 0;
    for (size_t i = 0; i < r->n_hours; i++) {
        const cost_hour *h = &r->hours[i];
        int64_t d = (int64_t)floor(h->hour / 24.0);
        if (d < d0) continue;
        double x = 0;
        if (by_cost) for (int c = 0; c < CHARTS_NCAT; c++) x += h->cat_usd[c];
        else x = (double)h->bytes;
        size_t k = (size_t)(d - d0) * 24 + (size_t)(h->hour - d * 24);
        v[k] += x;
        if (v[k] > max) max = v[k];
    }
    double cw = 34, ch = 18, x0 = 90, y0 = 24;
    double Wd = x0 + 24 * cw + 10, Hd = y0 + (double)nd * ch + 8;
    int rc = dbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heat\" viewBox=\"0 0 %.0f %.0f\" "
                              "width=\"%.0f\" height=\"%.0f\" role=\"img\"><title>%s by hour of day (UTC) and day</title>\n",
                         Wd, Hd, Wd, Hd, by_cost ? "Cost" : "Bytes");
    for (int hh = 0; hh < 24; hh++)
        rc |= dbuf_printf(out, "<text x=\"%.1f\" y=\"16\" class=\"axis\" text-anchor=\"middle\">%02d</text>",
                          x0 + hh * cw + cw / 2, hh);
    rc |= dbuf_puts(out, "\n");
    for (size_t d = 0; d < nd; d++) {
        char t[32];
        fc_format_time(((int64_t)d + d0) * 86400, t, sizeof t);
        t[10] = '\0';
        double y = y0 + (double)d * ch;
        rc |= dbuf_printf(out, "<text x=\"%.0f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%s</text>", x0 - 6, y + 13, t);
        for (int hh = 0; hh < 24; hh++) {
            double x = v[d * 24 + (size_t)hh];
            char s[48];
            if (by_cost) {
                s[0] = '$';
                fc_format_usd(x, s + 1, sizeof s - 1);
            } else {
                fc_format_bytes((uint64_t)x, s, sizeof s);
            }
            rc |= dbuf_printf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" class=\"h%d\"><title>%s %02d:00 UTC: %s</title></rect>",
                              x0 + hh * cw, y, cw - 2, ch - 2, heat_level(x, max), t, hh, s);
        }
        rc |= dbuf_puts(out, "\n");
    }
    rc |= dbuf_puts(out, "</svg>\n");
    free(v);
    return rc;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int charts_az_matrix(const cost_result *r, dbuf *out)
{
    if (!r->n_az_pairs) return dbuf_puts(out, "<p class=\"empty\">No traffic crossed Availability Zones.</p>\n");
    const char **az = xmalloc(2 * r->n_az_pairs * sizeof *az);
    size_t n = 0;
    for (size_t i = 0; i < r->n_az_pairs; i++) {
        az[n++] = r->az_pairs[i].src_az ? r->az_pairs[i].src_az : "?";
        az[n++] = r->az_pairs[i].dst_az ? r->az_pairs[i].dst_az : "?";
    }
    qsort(az, n, sizeof *az, str_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) if (!m || strcmp(az[m - 1], az[i]) != 0) az[m++] = az[i];
    uint64_t max = 0;
    for (size_t i = 0; i < r->n_az_pairs; i++) if (r->az_pairs[i].bytes > max) max = r->az_pairs[i].bytes;
    int rc = dbuf_puts(out, "<table class=\"matrix\" id=\"az-matrix\"><caption>Bytes (and inter-AZ cost) from the row AZ to the column AZ</caption>\n"
                            "<thead><tr><th scope=\"col\">from \\ to</th>");
    for (size_t j = 0; j < m; j++) {
        rc |= dbuf_puts(out, "<th scope=\"col\">");
        rc |= esc_html(out, az[j]);
        rc |= dbuf_puts(out, "</th>");
    }
    rc |= dbuf_puts(out, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < m; i++) {
        rc |= dbuf_puts(out, "<tr><th scope=\"row\">");
        rc |= esc_html(out, az[i]);
        rc |= dbuf_puts(out, "</th>");
        for (size_t j = 0; j < m; j++) {
            const cost_az_pair *p = NULL;
            for (size_t k = 0; k < r->n_az_pairs; k++) {
                const char *s = r->az_pairs[k].src_az ? r->az_pairs[k].src_az : "?";
                const char *d = r->az_pairs[k].dst_az ? r->az_pairs[k].dst_az : "?";
                if (!strcmp(s, az[i]) && !strcmp(d, az[j])) { p = &r->az_pairs[k]; break; }
            }
            if (!p) {
                rc |= dbuf_puts(out, i == j ? "<td class=\"num diag\">\xE2\x80\x94</td>" : "<td class=\"num h0\"></td>");
                continue;
            }
            char b[48], u[48];
            fc_format_bytes(p->bytes, b, sizeof b);
            fc_format_usd(p->usd, u, sizeof u);
            rc |= dbuf_printf(out, "<td class=\"num h%d\">%s<br><small>$%s</small></td>",
                              heat_level((double)p->bytes, (double)max), b, u);
        }
        rc |= dbuf_puts(out, "</tr>\n");
    }
    rc |= dbuf_puts(out, "</tbody></table>\n");
    free(az);
    return rc;
}
