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
#include "anomalies.h"
#include "baseline_json.h"
#include "json_out.h"
#include "pipeline.h"
#include "top_mail.h"
#include "top_model.h"
#include "util.h"


/* ---- table ---- */

enum { COL_RANK, COL_KEY, COL_NAME, COL_ENI, COL_SUBNET, COL_AZ, COL_KIND, COL_COST, COL_SHARE, COL_DELTA, COL_DPCT,
       COL_BYTES, COL_CAT, NCOL };

static const struct {
    const char *title;
    bool right;     /* numbers are right-aligned */
    bool ip_only;   /* shown only with --by ip (the other keys are those things) */
    bool base_only; /* shown only with --baseline */
} cols[NCOL] = {
    [COL_RANK] = {"#", true, false},       [COL_KEY] = {NULL, false, false},
    [COL_NAME] = {"NAME", false, false},   [COL_ENI] = {"ENI", false, true},
    [COL_SUBNET] = {"SUBNET", false, true}, [COL_AZ] = {"AZ", false, false},
    [COL_KIND] = {"KIND", false, true},    [COL_COST] = {"COST", true, false},
    [COL_SHARE] = {"SHARE", true, false},  [COL_DELTA] = {"CHANGE", true, false, true},
    [COL_DPCT] = {"", true, false, true},  [COL_BYTES] = {"BYTES", true, false},
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

/* The model's cells, aligned: widths come from the cells themselves. */
static void table(dbuf *out, const tpl_obj *m)
{
    bool ip = *tpl_get(m, "ip_cols"), base = *tpl_get(m, "has_baseline");
    size_t n = 0;
    for (const tpl_obj *row = tpl_first(m, "rows"); row; row = tpl_next(row)) n++;
    char ***txt = xcalloc(n + 1, sizeof *txt);
    size_t w[NCOL] = {0};
    bool show[NCOL];
    for (int c = 0; c < NCOL; c++) show[c] = (!cols[c].ip_only || ip) && (!cols[c].base_only || base);
    txt[0] = xcalloc(NCOL, sizeof **txt);
    for (int c = 0; c < NCOL; c++) txt[0][c] = xstrdup(c == COL_KEY ? tpl_get(m, "key_title") : cols[c].title);
    size_t i = 1;
    for (const tpl_obj *row = tpl_first(m, "rows"); row; row = tpl_next(row), i++) {
        char **t = txt[i] = xcalloc(NCOL, sizeof **txt);
        char b[64];
        t[COL_RANK] = xstrdup(tpl_get(row, "rank"));
        t[COL_KEY] = cell(tpl_get(row, "key"), 46);
        t[COL_NAME] = cell(tpl_get(row, "name"), 32);
        t[COL_ENI] = cell(tpl_get(row, "eni"), 24);
        t[COL_SUBNET] = cell(tpl_get(row, "subnet"), 26);
        t[COL_AZ] = cell(tpl_get(row, "az"), 12);
        t[COL_KIND] = cell(tpl_get(row, "kind"), 16);
        snprintf(b, sizeof b, "$%s", tpl_get(row, "cost"));
        t[COL_COST] = xstrdup(b);
        t[COL_SHARE] = xstrdup(tpl_get(row, "share"));
        t[COL_DELTA] = xstrdup(tpl_get(row, "delta"));
        t[COL_DPCT] = xstrdup(tpl_get(row, "delta_pct"));
        t[COL_BYTES] = xstrdup(tpl_get(row, "bytes"));
        t[COL_CAT] = xstrdup(tpl_get(row, "mostly"));
    }
    for (i = 0; i <= n; i++)
        for (int c = 0; c < NCOL; c++)
            if (width(txt[i][c]) > w[c]) w[c] = width(txt[i][c]);

    const char *tot = tpl_get(m, "total");
    size_t total_rows = strtoull(tpl_get(m, "total_rows"), NULL, 10);
    dbuf_printf(out, "Top %zu of %zu by %s, %s to %s: total $%s\n", n, total_rows, tpl_get(m, "by"),
                tpl_get(m, "from"), tpl_get(m, "to"), tot);
    if (*tpl_get(m, "has_budget")) dbuf_printf(out, "%s\n", tpl_get(m, "headline"));
    if (base) {
        dbuf_printf(out, "change against the baseline (%s to %s, $%s): %s", tpl_get(m, "base_day_from"),
                    tpl_get(m, "base_day_to"), tpl_get(m, "base_total"), tpl_get(m, "delta_total"));
        if (*tpl_get(m, "delta_total_pct")) dbuf_printf(out, " (%s)", tpl_get(m, "delta_total_pct"));
        dbuf_puts(out, "\n");
        if (*tpl_get(m, "same_period"))
            dbuf_puts(out, "warning: the baseline covers the same period as this run, so its deltas show no change\n");
    }
    dbuf_puts(out, "\n");
    for (i = 0; i <= n; i++) {
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
    dbuf_printf(out, "\nshown: $%s of $%s", tpl_get(m, "shown"), tot);
    if (n < total_rows) dbuf_printf(out, " (--limit 0 lists all %zu)", total_rows);
    dbuf_puts(out, "\n");
    for (const tpl_obj *x = tpl_first(m, "notices"); x; x = tpl_next(x)) dbuf_printf(out, "note: %s\n", tpl_get(x, "text"));
    for (i = 0; i <= n; i++) {
        for (int c = 0; c < NCOL; c++) free(txt[i][c]);
        free(txt[i]);
    }
    free(txt);
}

/* ---- CSV (RFC 4180: CRLF, quotes doubled, only fields with , " CR LF
 * quoted — the same bytes Python's csv module writes back) ---- */

static void csv_field(dbuf *b, const char *s)
{
    if (!s) s = "";
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

/* key_name: the key column's name when not by's (tag:KEY: "tag"). */
static void csv(dbuf *out, const tpl_obj *m, cost_by by, const char *key_name)
{
    /* The key's column is its --by word but where that names another column. */
    static const char *const renamed[] = {[BY_NAT] = "nat_gateway", [BY_AZ] = "az_id"};
    const char *kc = key_name                                                         ? key_name
                     : (unsigned)by < sizeof renamed / sizeof *renamed && renamed[by] ? renamed[by]
                                                                                      : cost_by_name(by);
    dbuf_printf(out, "rank,%s,name,eni,kind,subnet,vpc,az,cost_usd,bytes,bytes_out,bytes_in", kc);
    for (int c = 0; c < CAT_COUNT; c++) dbuf_printf(out, ",%s_usd", cost_cat_name((cost_cat)c));
    /* Added at the end, so that scripts reading columns by position keep working. */
    bool base = *tpl_get(m, "has_baseline");
    if (base) dbuf_puts(out, ",baseline_cost_usd,delta_usd");
    dbuf_puts(out, "\r\n");
    static const char *const text[] = {"key", "name", "eni", "kind", "subnet", "vpc", "az"};
    static const char *const nums[] = {"cost6", "bytes_n", "bytes_out_n", "bytes_in_n"};
    for (const tpl_obj *row = tpl_first(m, "rows"); row; row = tpl_next(row)) {
        dbuf_printf(out, "%s,", tpl_get(row, "rank"));
        for (size_t t = 0; t < sizeof text / sizeof *text; t++) {
            csv_field(out, tpl_get(row, text[t]));
            dbuf_puts(out, ",");
        }
        for (size_t t = 0; t < sizeof nums / sizeof *nums; t++) dbuf_printf(out, "%s%s", t ? "," : "", tpl_get(row, nums[t]));
        for (const tpl_obj *c = tpl_first(row, "cats"); c; c = tpl_next(c)) dbuf_printf(out, ",%s", tpl_get(c, "usd6"));
        if (base) dbuf_printf(out, ",%s,%s", tpl_get(row, "base_cost6"), tpl_get(row, "delta6"));
        dbuf_puts(out, "\r\n");
    }
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
    /* tag:KEY groups like subnet does (a group, no per-address columns). */
    const char *tag = cost_by_tag_key(o->by);
    if (tag) {
        by = BY_SUBNET;
    } else if (cost_by_parse(o->by, &by) < 0) {
        snprintf(err, sizeof err, "--by must be ip, peer, eni, subnet, nat, az, vpc, account, service or tag:KEY, got '%s'",
                 o->by ? o->by : "");
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
    bool replayed;
    int code = pipeline_start_or_replay(o, &p, &replayed);
    if (code || replayed) return code;
    const cost_result *r = p.res;
    size_t total_rows = 0;
    cost_rank *rows = tag ? cost_rank_by_tag(r, tag, 0, &total_rows) : cost_rank_by(r, by, 0, &total_rows);
    size_t n = o->limit == 0 || (size_t)o->limit > total_rows ? total_rows : (size_t)o->limit;

    /* One model of formatted cells for the table, CSV, HTML and the mail. */
    tpl_model *mm = top_model_new(r, rows, n, total_rows, by, o->by);
    if (tag) {
        char title[80];
        snprintf(title, sizeof title, "TAG %.60s", tag);
        tpl_set(tpl_root(mm), "key_title", title);
        snprintf(title, sizeof title, "%.60s tag", tag);
        tpl_set(tpl_root(mm), "key_label", title);
    }
    if (o->has_fail_above) top_model_budget(mm, r->total_usd, o->fail_above);
    if (p.base) top_model_baseline(mm, r, rows, n, p.base, by);
    anomalies_notices(&p, mm);
    const tpl_obj *m = tpl_root(mm);
    dbuf out;
    dbuf_init(&out, 0);
    const char *fmt = o->format ? o->format : "table";
    if (strcmp(fmt, "csv") == 0) {
        csv(&out, m, by, tag ? "tag" : NULL);
    } else if (strcmp(fmt, "json") == 0) {
        char *bl = baseline_json_of(p.base, r, (size_t)o->limit); /* "weekly": --baseline key */
        char *j = pipeline_json_extras(&p, json_result_rows_with(r, rows, n, by, (size_t)o->limit, "baseline", bl));
        free(bl);
        dbuf_puts(&out, j);
        free(j);
    } else if (strcmp(fmt, "html") == 0) {
        if (top_model_render(mm, "top.html", &out, err, sizeof err) < 0) {
            cli_error(err);
            code = EXIT_RUNTIME;
        }
    } else {
        table(&out, m);
    }
    if (code) {
        /* the model failed to render: nothing to write */
    } else if (o->output) {
        if (fc_write_file_atomic(o->output, out.data ? out.data : "", out.len, err, sizeof err) < 0) {
            cli_error(err);
            code = EXIT_RUNTIME;
        }
    } else if (write_stdout(&out) < 0) {
        cli_error("cannot write to standard output");
        code = EXIT_RUNTIME;
    }
    if (!code && o->n_mail_to > 0) {
        dbuf c;
        dbuf_init(&c, 0);
        csv(&c, m, by, tag ? "tag" : NULL);
        dbuf page;
        dbuf_init(&page, 64u << 20);
        mail_part report = {"flowcost-report.html", "text/html; charset=utf-8", NULL, 0};
        int rc = 0;
        if (o->mail_attach_report && (rc = report_page(o, &p, &page, err, sizeof err)) == 0) {
            report.data = page.data ? page.data : "";
            report.len = page.len;
        }
        if (rc == 0)
            rc = top_mail(o, mm, r, c.data ? c.data : "", c.len, o->mail_attach_report ? &report : NULL, err,
                          sizeof err);
        if (rc < 0) {
            cli_error(err);
            code = EXIT_RUNTIME;
        }
        dbuf_free(&page);
        dbuf_free(&c);
    }
    if (!code) {
        char what[256];
        snprintf(what, sizeof what, "the top %zu of %zu by %.40s as %.10s to %.100s%s", n, total_rows, o->by, fmt,
                 o->output ? o->output : "standard output",
                 o->n_mail_to ? (o->mail_dry_run ? " and the mail to a file" : " and mailed it") : "");
        pipeline_done(o, what, r);
    }
    code = anomalies_exit(o, &p, code);
    /* Over budget is exit 4 whatever else failed (cli.md): a CI gate must
     * not turn green because the mail server was down. */
    if (o->has_fail_above && r->total_usd > o->fail_above) {
        /* Four decimals: a total a fraction of a cent over the budget must not
         * read as equal to it. */
        fprintf(stderr, "flowcost: error: total cost $%.4f is above --fail-above $%.4f\n",
                r->total_usd, o->fail_above);
        code = EXIT_BUDGET;
    }
    dbuf_free(&out);
    tpl_model_free(mm);
    free(rows);
    pipeline_free(&p);
    return code;
}
