/* top_model: one place that formats `top`'s figures (money, bytes, shares,
 * the largest category), so its five views cannot drift apart. */
#include "top_model.h"

#include <math.h>
#include <stdio.h>
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
        shown += k->usd;
    }
    fc_format_usd(shown, s, sizeof s);
    tpl_set(m, "shown", s);
    return mm;
}

int top_model_render(tpl_model *m, const char *name, dbuf *out, char *err, size_t errlen)
{
    tpl *t;
    if (tpl_load(NULL, name, &t, err, errlen) < 0) return -1;
    int rc = tpl_render(t, tpl_root(m), out, err, errlen);
    tpl_free(t);
    return rc;
}
