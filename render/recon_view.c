/* recon_view: shows the bill beside flowcost's figures. It exists apart
 * from report.c so that the section and the JSON key read one model of
 * the reconciliation, formatted here once (cells for the template, numbers
 * for the JSON, as json_out.c prints them: money 6 decimals, percentages
 * 4, null for "nothing billed"). */
#include "recon_view.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

static void cell_usd(tpl_obj *o, const char *key, double v)
{
    char s[64];
    fc_format_usd(v, s, sizeof s);
    tpl_setf(o, key, "$%s", s);
}

static void cell_bytes(tpl_obj *o, const char *key, uint64_t v)
{
    char s[64];
    fc_format_bytes(v, s, sizeof s);
    tpl_set(o, key, s);
}

static void cell_pct(tpl_obj *o, double pct)
{
    if (isnan(pct)) {
        tpl_set(o, "pct", "\xE2\x80\x94");
        tpl_set(o, "pct_v", "-1");
    } else {
        tpl_setf(o, "pct", "%.1f%%", pct);
        tpl_setf(o, "pct_v", "%.4f", pct);
    }
}

static const char *const gap_text[GAP_COUNT] = {
    [GAP_ENI_WITHOUT_FLOW_LOG] = "an ENI without a flow log",
    [GAP_SKIPDATA] = "SKIPDATA: AWS dropped records",
    [GAP_HOURS_MISSING] = "hours missing from the logs",
    [GAP_NOT_SEEN] = "traffic flow logs do not see",
    [GAP_FLOW_ABOVE_BILL] = "more in the logs than billed",
    [GAP_NOT_BILLED] = "not in the report",
};

static void row_model(tpl_obj *o, const recon_row *x)
{
    char t[32];
    fc_format_time(x->day, t, sizeof t);
    tpl_setf(o, "day", "%.10s", t);
    tpl_set(o, "resource", x->resource_id);
    tpl_set(o, "usage_type", x->usage_type);
    tpl_set(o, "operation", x->operation);
    cell_bytes(o, "billed", x->billed_bytes);
    cell_bytes(o, "flow", x->flow_bytes);
    tpl_setf(o, "billed_v", "%" PRIu64, x->billed_bytes);
    tpl_setf(o, "flow_v", "%" PRIu64, x->flow_bytes);
    cell_usd(o, "billed_usd", x->billed_usd);
    cell_usd(o, "flow_usd", x->flow_usd);
    cell_pct(o, x->explained_pct);
    tpl_flag(o, "gap", x->gap != GAP_NONE);
    tpl_set(o, "reason", x->gap ? gap_text[x->gap] : "");
    tpl_set(o, "detail", x->detail);
}

void recon_view_model(const reconcile *rc, size_t top, tpl_obj *m)
{
    if (isnan(rc->explained_pct)) tpl_set(m, "explained", "");
    else tpl_setf(m, "explained", "%.1f%%", rc->explained_pct);
    cell_usd(m, "billed", rc->billed_usd);
    cell_usd(m, "explained_usd", rc->explained_usd);
    tpl_setf(m, "files", "%zu", rc->files);
    tpl_setf(m, "lines", "%zu", rc->lines);
    tpl_setf(m, "gaps", "%zu", rc->n_gaps);
    tpl_flag(m, "trued_up", rc->trued_up);
    tpl_list(m, "cats");
    for (int k = 0; k < CAT_COUNT; k++) {
        const recon_cat *x = &rc->cats[k];
        if (!x->present) continue;
        tpl_obj *o = tpl_add(m, "cats");
        tpl_set(o, "name", cost_cat_name((cost_cat)k));
        cell_bytes(o, "billed", x->billed_bytes);
        cell_bytes(o, "flow", x->flow_bytes);
        cell_usd(o, "billed_usd", x->billed_usd);
        cell_usd(o, "flow_usd", x->flow_usd);
        cell_pct(o, x->explained_pct);
        if (x->factor != 1) tpl_setf(o, "factor", "\xC3\x97%.4f", x->factor);
        else tpl_set(o, "factor", "");
    }
    /* Gaps first (the rows to act on), then the others, each in day order. */
    size_t shown = 0, limit = top ? top : SIZE_MAX;
    tpl_list(m, "rows");
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < rc->n_rows; i++) {
            if ((rc->rows[i].gap != GAP_NONE) != (pass == 0)) continue;
            if (shown++ < limit) row_model(tpl_add(m, "rows"), &rc->rows[i]);
        }
    if (shown > limit) tpl_setf(m, "more", "%zu", shown - limit);
    else tpl_set(m, "more", "");
}

static void num(dbuf *b, double v, int decimals)
{
    if (!isfinite(v)) dbuf_puts(b, "null");
    else dbuf_printf(b, "%.*f", decimals, fabs(v) < 0.5 * pow(10, -decimals) ? 0.0 : v);
}

/* `, "key": v` (money 6 decimals, percentages 4, as json_out.c). */
static void field(dbuf *b, const char *key, double v, int decimals)
{
    dbuf_printf(b, ", \"%s\": ", key);
    num(b, v, decimals);
}

char *recon_view_json(const reconcile *rc)
{
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_puts(&b, "{\"explained_pct\": ");
    num(&b, rc->explained_pct, 4);
    field(&b, "billed_usd", rc->billed_usd, 6);
    field(&b, "explained_usd", rc->explained_usd, 6);
    dbuf_printf(&b, ", \"files\": %zu, \"line_items\": %zu, \"true_up\": %s, \"categories\": {", rc->files, rc->lines,
                rc->trued_up ? "true" : "false");
    bool first = true;
    for (int k = 0; k < CAT_COUNT; k++) {
        const recon_cat *x = &rc->cats[k];
        if (!x->present) continue;
        dbuf_printf(&b, "%s\"%s\": {\"billed_bytes\": %" PRIu64, first ? "" : ", ", cost_cat_name((cost_cat)k),
                    x->billed_bytes);
        field(&b, "billed_usd", x->billed_usd, 6);
        dbuf_printf(&b, ", \"flow_bytes\": %" PRIu64, x->flow_bytes);
        field(&b, "flow_usd", x->flow_usd, 6);
        field(&b, "explained_pct", x->explained_pct, 4);
        field(&b, "true_up_factor", x->factor, 6);
        dbuf_puts(&b, "}");
        first = false;
    }
    dbuf_puts(&b, "}, \"resources\": [");
    for (size_t i = 0; i < rc->n_rows; i++) {
        const recon_row *x = &rc->rows[i];
        char t[32];
        fc_format_time(x->day, t, sizeof t);
        dbuf_puts(&b, i ? ", {\"resource_id\": " : "{\"resource_id\": ");
        esc_json(&b, x->resource_id);
        dbuf_puts(&b, ", \"usage_type\": ");
        esc_json(&b, x->usage_type);
        dbuf_puts(&b, ", \"operation\": ");
        esc_json(&b, x->operation);
        dbuf_printf(&b, ", \"day\": \"%.10s\", \"billed_bytes\": %" PRIu64 ", \"flow_bytes\": %" PRIu64, t,
                    x->billed_bytes, x->flow_bytes);
        field(&b, "billed_usd", x->billed_usd, 6);
        field(&b, "flow_usd", x->flow_usd, 6);
        field(&b, "explained_pct", x->explained_pct, 4);
        dbuf_puts(&b, ", \"gap_reason\": ");
        if (x->gap) esc_json(&b, recon_gap_name(x->gap));
        else dbuf_puts(&b, "null");
        dbuf_puts(&b, ", \"gap_detail\": ");
        esc_json(&b, x->detail);
        dbuf_puts(&b, "}");
    }
    dbuf_puts(&b, "]}");
    return dbuf_take(&b, NULL);
}
