/* baseline_json: emits the baseline comparison as JSON text by hand, because
 * the house rule keeps cJSON inside json_out.c; json_out places the text as
 * the result's last key (json_result_with). Strings go through
 * render/escape.h's esc_json like every other escaped string. Numbers are printed the
 * way json_out.c prints them (money 6 decimals, no -0) so the whole
 * document reads as one writer's. */
#include "baseline_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "json_out.h"
#include "util.h"

/* As json_out.c writes them: money with 6 decimals (sums stay exact to the
 * cent), percentages with 4; never -0 and never a non-finite number. */
static void put_fixed(dbuf *b, double v, int decimals)
{
    if (!isfinite(v)) {
        dbuf_puts(b, "null");
        return;
    }
    if (fabs(v) < 0.5 * pow(10, -decimals)) v = 0;
    dbuf_printf(b, "%.*f", decimals, v);
}

static void put_num(dbuf *b, double v) { put_fixed(b, v, 6); }
static void put_pct(dbuf *b, double v) { put_fixed(b, v, 4); }

/* A string through the one escaping module; NULL is JSON's null. */
static void put_str(dbuf *b, const char *s)
{
    if (s) esc_json(b, s);
    else dbuf_puts(b, "null");
}

static void put_figures(dbuf *b, const baseline_row *r)
{
    dbuf_puts(b, "\"before_usd\": ");
    put_num(b, r->before_usd);
    dbuf_puts(b, ", \"after_usd\": ");
    put_num(b, r->after_usd);
    dbuf_puts(b, ", \"delta_usd\": ");
    put_num(b, r->delta_usd);
    dbuf_puts(b, ", \"pct\": ");
    put_pct(b, r->pct);
    dbuf_printf(b, ", \"before_bytes\": %" PRIu64 ", \"after_bytes\": %" PRIu64, r->before_bytes,
                r->after_bytes);
}

static void put_rows(dbuf *b, const char *idkey, const baseline_row *rows, size_t n)
{
    dbuf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        dbuf_printf(b, "%s\n      {\"%s\": ", i ? "," : "", idkey);
        put_str(b, rows[i].key);
        dbuf_puts(b, ", \"name\": ");
        put_str(b, rows[i].name);
        dbuf_puts(b, ", \"status\": ");
        put_str(b, baseline_status_name(rows[i].status));
        dbuf_puts(b, ", ");
        put_figures(b, &rows[i]);
        dbuf_puts(b, "}");
    }
    dbuf_puts(b, n ? "\n    ]" : "]");
}

char *baseline_json(const baseline_diff *d, size_t top_n)
{
    dbuf b;
    dbuf_init(&b, 0);
    char t0[32], t1[32];
    fc_format_time(d->before_start, t0, sizeof t0);
    fc_format_time(d->before_end, t1, sizeof t1);
    dbuf_printf(&b, "{\n    \"period\": {\"start\": \"%s\", \"end\": \"%s\"},\n", t0, t1);
    baseline_row tot = {.before_usd = d->before_total, .after_usd = d->after_total,
                        .delta_usd = d->delta_total,
                        .pct = d->before_total != 0.0 ? d->delta_total / d->before_total * 100.0 : NAN,
                        .before_bytes = d->before_bytes, .after_bytes = d->after_bytes};
    dbuf_puts(&b, "    \"totals\": {");
    put_figures(&b, &tot);
    dbuf_puts(&b, "},\n    \"by_category\": {");
    for (size_t i = 0; i < d->n_cats; i++) {
        dbuf_printf(&b, "%s\n      ", i ? "," : "");
        put_str(&b, d->cats[i].key);
        dbuf_puts(&b, ": {");
        put_figures(&b, &d->cats[i]);
        dbuf_puts(&b, "}");
    }
    dbuf_puts(&b, d->n_cats ? "\n    },\n    \"nat_gateways\": " : "},\n    \"nat_gateways\": ");
    put_rows(&b, "id", d->nats, d->n_nats);
    dbuf_puts(&b, ",\n    \"ips\": ");
    size_t n_ips = top_n && top_n < d->n_ips ? top_n : d->n_ips;
    put_rows(&b, "ip", d->ips, n_ips);
    dbuf_puts(&b, "\n  }");
    return dbuf_take(&b, NULL);
}

char *baseline_json_add(const char *json, const baseline_diff *d, size_t top_n)
{
    char *obj = baseline_json(d, top_n);
    char *out = json_add_raw(json, "baseline", obj);
    free(obj);
    return out;
}

char *baseline_json_of(const cost_result *before, const cost_result *after, size_t top_n)
{
    if (!before || !after) return NULL;
    baseline_diff *d = baseline_compare(before, after);
    if (!d) return NULL;
    char *out = baseline_json(d, top_n);
    baseline_free(d);
    return out;
}
