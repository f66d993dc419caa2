/* anomaly_out: the anomalies as JSON (hand-laid like baseline_json, strings
 * through esc_json) and as text lines. */
#include "anomaly_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "util.h"

char *anomaly_out_json(const anomaly_list *l)
{
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_puts(&b, "[");
    for (size_t i = 0; l && i < l->n; i++) {
        const anomaly *a = &l->v[i];
        char t0[32], t1[32];
        fc_format_time((int64_t)a->hour * 3600, t0, sizeof t0);
        fc_format_time((int64_t)a->last_hour * 3600, t1, sizeof t1);
        dbuf_printf(&b, "%s\n    {\"kind\": \"%s\", \"key\": ", i ? "," : "", anomaly_kind_name(a->kind));
        esc_json(&b, a->key);
        dbuf_puts(&b, ", \"name\": ");
        esc_json(&b, a->name);
        dbuf_printf(&b, ", \"hour\": \"%s\", \"last_hour\": \"%s\", \"hours\": %u, \"expected_usd\": %.6f, "
                        "\"band_usd\": [%.6f, %.6f], \"actual_usd\": %.6f, \"score\": ",
                    t0, t1, a->hours, a->expected_usd, a->band_lo, a->band_hi, a->actual_usd);
        if (a->kind == ANOMALY_NEW_TALKER || !isfinite(a->score)) dbuf_puts(&b, "null}");
        else dbuf_printf(&b, "%.3f}", a->score);
    }
    dbuf_puts(&b, l && l->n ? "\n  ]" : "]");
    return dbuf_take(&b, NULL);
}

void anomaly_out_line(const anomaly *a, char *buf, size_t n)
{
    char t0[32], x[48], e[48], lo[48], hi[48], who[200];
    fc_format_time((int64_t)a->hour * 3600, t0, sizeof t0);
    fc_format_usd(a->actual_usd, x, sizeof x);
    snprintf(who, sizeof who, "%s %s%s%s%s", anomaly_kind_name(a->kind), a->key, a->name[0] ? " (" : "", a->name,
             a->name[0] ? ")" : "");
    if (a->kind == ANOMALY_NEW_TALKER) {
        snprintf(buf, n, "%s %s: new, $%s over the period, absent from every baseline", t0, who, x);
        return;
    }
    fc_format_usd(a->expected_usd, e, sizeof e);
    fc_format_usd(a->band_lo, lo, sizeof lo);
    fc_format_usd(a->band_hi, hi, sizeof hi);
    snprintf(buf, n, "%s %s: $%s in the hour, expected $%s ($%s-$%s), z %.1f, %u h", t0, who, x, e, lo, hi, a->score,
             a->hours);
}
