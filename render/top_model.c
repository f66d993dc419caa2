/* top_model: one place that formats `top`'s figures (money, bytes, shares,
 * the largest category), so its five views cannot drift apart. */
#include "top_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the key column is called in the table header and in prose. */
static const struct {
    const char *title, *label;
} keys[] = {
    [BY_IP] = {"IP", "IP"}, [BY_PEER] = {"PEER", "peer"}, [BY_ENI] = {"ENI", "ENI"},
    [BY_SUBNET] = {"SUBNET", "subnet"}, [BY_NAT] = {"NAT GATEWAY", "NAT gateway"},
    [BY_AZ] = {"AZ ID", "AZ"}, [BY_VPC] = {"VPC", "VPC"}, [BY_ACCOUNT] = {"ACCOUNT", "account"},
    [BY_SERVICE] = {"SERVICE", "service"},
};

const char *top_model_label(const char *by_word)
{
    cost_by by;
    if (cost_by_parse(by_word, &by) == 0 && (unsigned)by < sizeof keys / sizeof *keys && keys[by].label)
        return keys[by].label;
    return "IP";
}

/* The largest category: the first of the largest positive costs, or -1. */
static int main_cat(const cost_rank *k)
{
    int best = -1;
    for (int c = 0; c < CAT_COUNT; c++)
        if (k->cat_usd[c] > 0 && (best < 0 || k->cat_usd[c] > k->cat_usd[best])) best = c;
    return best;
}

/* Six decimals: thousands of rows still add up to the total to the cent;
 * never "-0.000000". */
static void set_usd6(tpl_obj *o, const char *key, double v)
{
    tpl_setf(o, key, "%.6f", fabs(v) < 5e-7 ? 0.0 : v);
}

static void set_day(tpl_obj *o, const char *key, int64_t t)
{
    char s[32];
    fc_format_time(t, s, sizeof s);
    tpl_setf(o, key, "%.10s", s);
}

void top_model_rank_cells(tpl_obj *row, const cost_rank *k, size_t rank)
{
    tpl_setf(row, "rank", "%zu", rank);
    static const char *const keys_[] = {"key", "name", "eni", "kind", "subnet", "vpc", "az"};
    const char *vals[] = {k->key, k->name, k->eni, k->kind, k->subnet, k->vpc, k->az};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) tpl_set(row, keys_[i], vals[i]);
}

tpl_model *top_model_new(const cost_result *r, const cost_rank *rows, size_t n, size_t total_rows, cost_by by,
                         const char *by_word)
{
    tpl_model *mm = tpl_model_new();
    tpl_obj *m = tpl_root(mm);
    if ((unsigned)by >= sizeof keys / sizeof *keys) by = BY_IP;
    tpl_setf(m, "n", "%zu", n);
    tpl_setf(m, "total_rows", "%zu", total_rows);
    tpl_set(m, "by", by_word ? by_word : "ip");
    tpl_set(m, "key_title", keys[by].title);
    tpl_set(m, "key_label", top_model_label(by_word));
    tpl_flag(m, "ip_cols", by == BY_IP);
    char s[48];
    fc_format_usd(r->total_usd, s, sizeof s);
    tpl_set(m, "total", s);
    char t[32] = "?";
    if (r->period_start > 0) fc_format_time(r->period_start, t, sizeof t);
    tpl_set(m, "from", t);
    snprintf(t, sizeof t, "?");
    if (r->period_end > 0) fc_format_time(r->period_end, t, sizeof t);
    tpl_set(m, "to", t);
    set_day(m, "day_from", r->period_start);
    /* The period end is exclusive: a week ending at midnight ends the day before. */
    set_day(m, "day_to", r->period_end > r->period_start ? r->period_end - 1 : r->period_end);
    tpl_setf(m, "coverage", "%llu of %llu hours with records", (unsigned long long)r->coverage.hours_covered,
             (unsigned long long)r->coverage.hours);
    tpl_setf(m, "headline", "$%s total", s);
    /* Absent until top_model_budget / top_model_baseline fill them: the
     * plain-text views read every key back, so each exists from the start. */
    tpl_flag(m, "has_budget", false);
    tpl_flag(m, "over", false);
    tpl_flag(m, "has_baseline", false);
    tpl_flag(m, "same_period", false);
    static const char *const later[] = {"budget", "verdict", "base_total", "base_day_from", "base_day_to",
                                        "delta_total", "delta_total_pct", "summary", "summary_rest"};
    for (size_t i = 0; i < sizeof later / sizeof *later; i++) tpl_set(m, later[i], "");
    tpl_flag(m, "has_notices", r->n_notices > 0);
    for (size_t i = 0; i < r->n_notices; i++) tpl_set(tpl_add(m, "notices"), "text", r->notices[i]);
    tpl_list(m, "rows");
    double shown = 0;
    for (size_t i = 0; i < n; i++) {
        const cost_rank *k = &rows[i];
        tpl_obj *row = tpl_add(m, "rows");
        top_model_rank_cells(row, k, i + 1);
        fc_format_usd(k->usd, s, sizeof s);
        tpl_set(row, "cost", s);
        set_usd6(row, "cost6", k->usd);
        tpl_setf(row, "share", "%.1f%%", r->total_usd > 0 ? 100.0 * k->usd / r->total_usd : 0.0);
        fc_format_bytes(k->bytes, s, sizeof s);
        tpl_set(row, "bytes", s);
        tpl_setf(row, "bytes_n", "%llu", (unsigned long long)k->bytes);
        tpl_setf(row, "bytes_out_n", "%llu", (unsigned long long)k->bytes_out);
        tpl_setf(row, "bytes_in_n", "%llu", (unsigned long long)k->bytes_in);
        int c = main_cat(k);
        /* A row that costs something but in no positive category reads as
         * "free", as it always has in the table. */
        tpl_set(row, "mostly", k->usd > 0 ? cost_cat_name(c >= 0 ? (cost_cat)c : CAT_FREE) : "");
        tpl_set(row, "main", c >= 0 ? cost_cat_name((cost_cat)c) : "-");
        for (int cat = 0; cat < CAT_COUNT; cat++) set_usd6(tpl_add(row, "cats"), "usd6", k->cat_usd[cat]);
        static const char *const later_row[] = {"delta", "delta_pct", "delta6", "base_cost6"};
        for (size_t j = 0; j < sizeof later_row / sizeof *later_row; j++) tpl_set(row, later_row[j], "");
        shown += k->usd;
    }
    fc_format_usd(shown, s, sizeof s);
    tpl_set(m, "shown", s);
    return mm;
}

void top_model_delta(double delta, char *buf, size_t n)
{
    char s[48];
    /* Under half a cent prints as $0.00 and must not carry a sign. */
    if (fabs(delta) < 0.005) {
        snprintf(buf, n, "$0.00");
        return;
    }
    fc_format_usd(fabs(delta), s, sizeof s);
    snprintf(buf, n, "%s$%.45s", delta < 0 ? "-" : "+", s); /* 45: fc_format_usd's longest */
}

void top_model_pct(double before, double after, char *buf, size_t n)
{
    if (!(before > 0)) {
        snprintf(buf, n, "%s", after > 0 ? "new" : "");
        return;
    }
    double p = 100.0 * (after - before) / before;
    if (fabs(p) < 0.05) snprintf(buf, n, "0.0%%");
    else snprintf(buf, n, "%+.1f%%", p);
}

void top_model_budget(tpl_model *mm, double total, double budget)
{
    tpl_obj *m = tpl_root(mm);
    char b[48], d[48], t[48];
    fc_format_usd(budget, b, sizeof b);
    fc_format_usd(fabs(total - budget), d, sizeof d);
    fc_format_usd(total, t, sizeof t);
    bool over = total > budget;
    tpl_flag(m, "has_budget", true);
    tpl_flag(m, "over", over);
    tpl_set(m, "budget", b);
    if (over) tpl_setf(m, "verdict", "over the $%s budget by $%s", b, d);
    else tpl_setf(m, "verdict", "within the $%s budget, $%s under", b, d);
    tpl_setf(m, "headline", "$%s \xe2\x80\x94 %s", t, tpl_get(m, "verdict"));
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const cost_rank *const *)a)->key, (*(const cost_rank *const *)b)->key);
}

struct top_base {
    cost_rank *rows;
    const cost_rank **idx; /* rows sorted by key, for bsearch */
    size_t n;
};

top_base *top_base_new(const cost_result *base, cost_by by)
{
    top_base *b = xcalloc(1, sizeof *b);
    b->rows = cost_rank_by(base, by, 0, &b->n);
    b->idx = xcalloc(b->n ? b->n : 1, sizeof *b->idx);
    for (size_t i = 0; i < b->n; i++) b->idx[i] = &b->rows[i];
    qsort(b->idx, b->n, sizeof *b->idx, by_key);
    return b;
}

double top_base_usd(const top_base *b, const char *key)
{
    cost_rank k;
    snprintf(k.key, sizeof k.key, "%s", key);
    const cost_rank *kp = &k;
    const cost_rank **hit = bsearch(&kp, b->idx, b->n, sizeof *b->idx, by_key);
    return hit ? (*hit)->usd : 0;
}

void top_base_free(top_base *b)
{
    if (!b) return;
    free(b->idx);
    free(b->rows);
    free(b);
}

void top_model_row_delta(tpl_obj *row, double before, double after)
{
    char s[48];
    top_model_delta(after - before, s, sizeof s);
    tpl_set(row, "delta", s);
    top_model_pct(before, after, s, sizeof s);
    tpl_set(row, "delta_pct", s);
    set_usd6(row, "delta6", after - before);
    set_usd6(row, "base_cost6", before);
}

void top_model_baseline(tpl_model *mm, const cost_result *r, const cost_rank *rows, size_t n,
                        const cost_result *base, cost_by by)
{
    tpl_obj *m = tpl_root(mm);
    char s[48], p[48];
    tpl_flag(m, "has_baseline", true);
    fc_format_usd(base->total_usd, s, sizeof s);
    tpl_set(m, "base_total", s);
    set_day(m, "base_day_from", base->period_start);
    set_day(m, "base_day_to", base->period_end > base->period_start ? base->period_end - 1 : base->period_end);
    top_model_delta(r->total_usd - base->total_usd, s, sizeof s);
    tpl_set(m, "delta_total", s);
    top_model_pct(base->total_usd, r->total_usd, p, sizeof p);
    tpl_set(m, "delta_total_pct", p);
    /* Overlapping periods compare a week with itself: the deltas say
     * nothing about change, so every view warns. */
    tpl_flag(m, "same_period", top_model_same_period(base, r));

    top_base *b = top_base_new(base, by);
    size_t i = 0;
    for (const tpl_obj *c = tpl_first(m, "rows"); c && i < n; c = tpl_next(c), i++)
        top_model_row_delta((tpl_obj *)c, top_base_usd(b, rows[i].key), rows[i].usd); /* the model is ours to extend */
    top_base_free(b);
}

bool top_model_same_period(const cost_result *base, const cost_result *r)
{
    return base->period_start < r->period_end && r->period_start < base->period_end;
}

int top_model_render(tpl_model *m, const char *name, dbuf *out, char *err, size_t errlen)
{
    tpl *t;
    if (tpl_load(NULL, name, &t, err, errlen) < 0) return -1;
    int rc = tpl_render(t, tpl_root(m), out, err, errlen);
    tpl_free(t);
    return rc;
}
