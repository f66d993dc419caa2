/* cmd_top: `flowcost top` — who pays for the network, as a ranked list a
 * person reads in a terminal (aligned table), a script consumes (CSV, JSON)
 * or a mail carries (HTML, and the CSV attached via top_mail). It also
 * guards budgets: --fail-above exits 4 after everything was written and
 * mailed, so CI gets both the evidence and the failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cost.h"
#include "escape.h"
#include "baseline_json.h"
#include "json_out.h"
#include "pipeline.h"
#include "top_mail.h"
#include "util.h"

/* What the key column means for each --by. */
static const char *const key_titles[] = {[BY_IP] = "IP", [BY_PEER] = "PEER", [BY_ENI] = "ENI",
                                         [BY_SUBNET] = "SUBNET", [BY_NAT] = "NAT GATEWAY"};

static const char *nz(const char *s) { return s && *s ? s : ""; }

static cost_cat top_category(const cost_rank *k)
{
    cost_cat best = CAT_FREE;
    double v = 0;
    for (int c = 0; c < CAT_COUNT; c++)
        if (k->cat_usd[c] > v) {
            v = k->cat_usd[c];
            best = (cost_cat)c;
        }
    return best;
}

/* ---- table ---- */

enum { COL_RANK, COL_KEY, COL_NAME, COL_ENI, COL_SUBNET, COL_AZ, COL_KIND, COL_COST, COL_SHARE, COL_BYTES, COL_CAT, NCOL };

static const struct {
    const char *title;
    bool right;     /* numbers are right-aligned */
    bool ip_only;   /* shown only with --by ip (the other keys are those things) */
} cols[NCOL] = {
    [COL_RANK] = {"#", true, false},       [COL_KEY] = {NULL, false, false},
    [COL_NAME] = {"NAME", false, false},   [COL_ENI] = {"ENI", false, true},
    [COL_SUBNET] = {"SUBNET", false, true}, [COL_AZ] = {"AZ", false, false},
    [COL_KIND] = {"KIND", false, true},    [COL_COST] = {"COST", true, false},
    [COL_SHARE] = {"SHARE", true, false},  [COL_BYTES] = {"BYTES", true, false},
    [COL_CAT] = {"MOSTLY", false, false},
};

/* Display width of UTF-8 text: code points (names may hold accents). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) w++;
    return w;
}

/* A cell never breaks the table: control characters become spaces and a
 * long value is cut (on a code point boundary) with "…". */
static char *cell(const char *s, size_t max)
{
    dbuf b;
    dbuf_init(&b, 0);
    size_t w = 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c & 0xc0) != 0x80) {
            if (w == max) {
                dbuf_puts(&b, "\xe2\x80\xa6");
                break;
            }
            w++;
        }
        if (c < 0x20 || c == 0x7f) c = ' ';
        dbuf_append(&b, &c, 1);
    }
    if (!b.data) dbuf_puts(&b, "");
    return dbuf_take(&b, NULL);
}

static void table(dbuf *out, const cost_result *r, const cost_rank *rows, size_t n, size_t total_rows,
                  cost_by by, const char *by_name)
{
    char ***txt = xcalloc(n + 1, sizeof *txt);
    size_t w[NCOL] = {0};
    bool show[NCOL];
    for (int c = 0; c < NCOL; c++) show[c] = !cols[c].ip_only || by == BY_IP;
    txt[0] = xcalloc(NCOL, sizeof **txt);
    for (int c = 0; c < NCOL; c++) txt[0][c] = xstrdup(c == COL_KEY ? key_titles[by] : cols[c].title);
    for (size_t i = 0; i < n; i++) {
        const cost_rank *k = &rows[i];
        char **t = txt[i + 1] = xcalloc(NCOL, sizeof **txt);
        char b[64], u[48];
        snprintf(b, sizeof b, "%zu", i + 1);
        t[COL_RANK] = xstrdup(b);
        t[COL_KEY] = cell(k->key, 46);
        t[COL_NAME] = cell(nz(k->name), 32);
        t[COL_ENI] = cell(nz(k->eni), 24);
        t[COL_SUBNET] = cell(nz(k->subnet), 26);
        t[COL_AZ] = cell(nz(k->az), 12);
        t[COL_KIND] = cell(nz(k->kind), 16);
        fc_format_usd(k->usd, u, sizeof u);
        snprintf(b, sizeof b, "$%s", u);
        t[COL_COST] = xstrdup(b);
        snprintf(b, sizeof b, "%.1f%%", r->total_usd > 0 ? 100.0 * k->usd / r->total_usd : 0.0);
        t[COL_SHARE] = xstrdup(b);
        fc_format_bytes(k->bytes, b, sizeof b);
        t[COL_BYTES] = xstrdup(b);
        t[COL_CAT] = xstrdup(k->usd > 0 ? cost_cat_name(top_category(k)) : "");
    }
    for (size_t i = 0; i <= n; i++)
        for (int c = 0; c < NCOL; c++)
            if (width(txt[i][c]) > w[c]) w[c] = width(txt[i][c]);

    char tot[48], from[32] = "", to[32] = "";
    fc_format_usd(r->total_usd, tot, sizeof tot);
    if (r->period_start > 0) fc_format_time(r->period_start, from, sizeof from);
    if (r->period_end > 0) fc_format_time(r->period_end, to, sizeof to);
    dbuf_printf(out, "Top %zu of %zu by %s, %s to %s: total $%s\n\n", n, total_rows, by_name,
                *from ? from : "?", *to ? to : "?", tot);
    for (size_t i = 0; i <= n; i++) {
        bool first = true;
        for (int c = 0; c < NCOL; c++) {
            if (!show[c]) continue;
            const char *s = txt[i][c];
            size_t pad = w[c] - width(s);
            if (!first) dbuf_puts(out, "  ");
            first = false;
            if (cols[c].right)
                dbuf_printf(out, "%*s%s", (int)pad, "", s);
            else if (c == COL_CAT)
                dbuf_puts(out, s); /* last column: no trailing blanks */
            else
                dbuf_printf(out, "%s%*s", s, (int)pad, "");
        }
        dbuf_puts(out, "\n");
    }
    double shown = 0;
    for (size_t i = 0; i < n; i++) shown += rows[i].usd;
    char sh[48];
    fc_format_usd(shown, sh, sizeof sh);
    dbuf_printf(out, "\nshown: $%s of $%s", sh, tot);
    if (n < total_rows) dbuf_printf(out, " (--limit 0 lists all %zu)", total_rows);
    dbuf_puts(out, "\n");
    for (size_t i = 0; i < r->n_notices; i++) dbuf_printf(out, "note: %s\n", r->notices[i]);
    for (size_t i = 0; i <= n; i++) {
        for (int c = 0; c < NCOL; c++) free(txt[i][c]);
        free(txt[i]);
    }
    free(txt);
}

/* ---- CSV (RFC 4180: CRLF, quotes doubled, only fields with , " CR LF
 * quoted — the same bytes Python's csv module writes back) ---- */

static void csv_field(dbuf *b, const char *s)
{
    s = nz(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        dbuf_puts(b, s);
        return;
    }
    dbuf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"') dbuf_puts(b, "\"\"");
        else dbuf_append(b, s, 1);
    }
    dbuf_puts(b, "\"");
}

static void csv(dbuf *out, const cost_rank *rows, size_t n, cost_by by)
{
    static const char *const key_names[] = {[BY_IP] = "ip", [BY_PEER] = "peer", [BY_ENI] = "eni",
                                            [BY_SUBNET] = "subnet", [BY_NAT] = "nat_gateway"};
    dbuf_printf(out, "rank,%s,name,eni,kind,subnet,vpc,az,cost_usd,bytes,bytes_out,bytes_in", key_names[by]);
    for (int c = 0; c < CAT_COUNT; c++) dbuf_printf(out, ",%s_usd", cost_cat_name((cost_cat)c));
    dbuf_puts(out, "\r\n");
    for (size_t i = 0; i < n; i++) {
        const cost_rank *k = &rows[i];
        dbuf_printf(out, "%zu,", i + 1);
        const char *text[] = {k->key, k->name, k->eni, k->kind, k->subnet, k->vpc, k->az};
        for (size_t t = 0; t < sizeof text / sizeof *text; t++) {
            csv_field(out, text[t]);
            dbuf_puts(out, ",");
        }
        /* 6 decimals: thousands of rows still add up to the total to the cent. */
        dbuf_printf(out, "%.6f,%llu,%llu,%llu", fabs(k->usd) < 5e-7 ? 0.0 : k->usd, (unsigned long long)k->bytes,
                    (unsigned long long)k->bytes_out, (unsigned long long)k->bytes_in);
        for (int c = 0; c < CAT_COUNT; c++) dbuf_printf(out, ",%.6f", fabs(k->cat_usd[c]) < 5e-7 ? 0.0 : k->cat_usd[c]);
        dbuf_puts(out, "\r\n");
    }
}

/* ---- HTML: one self-contained page, every value escaped ---- */

static void html(dbuf *out, const cost_result *r, const cost_rank *rows, size_t n, cost_by by, const char *by_name)
{
    char tot[48];
    fc_format_usd(r->total_usd, tot, sizeof tot);
    dbuf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>flowcost top by ");
    esc_html(out, by_name);
    dbuf_puts(out, "</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em}"
                   "table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}"
                   "td.n{text-align:right;font-variant-numeric:tabular-nums}</style>\n</head><body>\n<h1>Top ");
    dbuf_printf(out, "%zu by ", n);
    esc_html(out, by_name);
    dbuf_printf(out, "</h1>\n<p>Total $%s</p>\n<table>\n<thead><tr><th>#</th><th>", tot);
    esc_html(out, key_titles[by]);
    dbuf_puts(out, "</th><th>Name</th>");
    if (by == BY_IP) dbuf_puts(out, "<th>ENI</th><th>Subnet</th><th>AZ</th><th>Kind</th>");
    dbuf_puts(out, "<th>Cost</th><th>Bytes</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const cost_rank *k = &rows[i];
        char u[48], b[48];
        fc_format_usd(k->usd, u, sizeof u);
        fc_format_bytes(k->bytes, b, sizeof b);
        dbuf_printf(out, "<tr><td class=\"n\">%zu</td><td>", i + 1);
        esc_html(out, k->key);
        dbuf_puts(out, "</td><td>");
        esc_html(out, k->name);
        if (by == BY_IP) {
            const char *f[] = {k->eni, k->subnet, k->az, k->kind};
            for (size_t j = 0; j < 4; j++) {
                dbuf_puts(out, "</td><td>");
                esc_html(out, f[j]);
            }
        }
        dbuf_printf(out, "</td><td class=\"n\">$%s</td><td class=\"n\">%s</td></tr>\n", u, b);
    }
    dbuf_puts(out, "</tbody>\n</table>\n</body></html>\n");
}

static int write_stdout(const dbuf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) return -1;
    return fflush(stdout) == EOF ? -1 : 0;
}

int cmd_top(const fc_opts *o)
{
    char err[FC_ERRLEN];
    cost_by by;
    if (cost_by_parse(o->by, &by) < 0 || (unsigned)by >= sizeof key_titles / sizeof *key_titles) {
        snprintf(err, sizeof err, "--by must be ip, peer, eni, subnet or nat, got '%s'", o->by ? o->by : "");
        cli_error(err);
        return EXIT_USAGE;
    }
    if (o->limit < 0) {
        cli_error("--limit must be 0 (all) or more");
        return EXIT_USAGE;
    }
    if (o->has_fail_above && !(o->fail_above >= 0)) {
        cli_error("--fail-above must be a dollar amount of 0 or more");
        return EXIT_USAGE;
    }
    pipeline p;
    int code = pipeline_run(o, &p, err, sizeof err);
    if (code) {
        cli_error(err);
        pipeline_free(&p);
        return code;
    }
    const cost_result *r = p.res;
    size_t total_rows = 0;
    cost_rank *rows = cost_rank_by(r, by, 0, &total_rows);
    size_t n = o->limit == 0 || (size_t)o->limit > total_rows ? total_rows : (size_t)o->limit;

    dbuf out;
    dbuf_init(&out, 0);
    const char *fmt = o->format ? o->format : "table";
    if (strcmp(fmt, "csv") == 0) {
        csv(&out, rows, n, by);
    } else if (strcmp(fmt, "json") == 0) {
        char *j = json_result_rows(r, rows, n, by, (size_t)o->limit);
        j = baseline_json_attach(j, p.base, r, (size_t)o->limit); /* "weekly": --baseline key */
        dbuf_puts(&out, j);
        free(j);
    } else if (strcmp(fmt, "html") == 0) {
        html(&out, r, rows, n, by, o->by);
    } else {
        table(&out, r, rows, n, total_rows, by, o->by);
    }
    if (write_stdout(&out) < 0) {
        cli_error("cannot write to standard output");
        code = EXIT_RUNTIME;
    }
    if (!code && o->n_mail_to > 0) {
        dbuf c;
        dbuf_init(&c, 0);
        csv(&c, rows, n, by);
        if (top_mail(o, r, rows, n, c.data ? c.data : "", c.len, err, sizeof err) < 0) {
            cli_error(err);
            code = EXIT_RUNTIME;
        }
        dbuf_free(&c);
    }
    if (!code) {
        char what[256];
        snprintf(what, sizeof what, "the top %zu of %zu by %.40s as %.10s to standard output%s", n, total_rows, o->by,
                 fmt, o->n_mail_to ? (o->mail_dry_run ? " and the mail to a file" : " and mailed it") : "");
        pipeline_done(o, what, r);
    }
    if (!code && o->has_fail_above && r->total_usd > o->fail_above) {
        /* Four decimals: a total a fraction of a cent over the budget must not
         * read as equal to it. */
        fprintf(stderr, "flowcost: error: total cost $%.4f is above --fail-above $%.4f\n",
                r->total_usd, o->fail_above);
        code = EXIT_BUDGET;
    }
    dbuf_free(&out);
    free(rows);
    pipeline_free(&p);
    return code;
}
