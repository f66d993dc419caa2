/* top_model: the ranked rows of `flowcost top` (cost_rank_by) as one model
 * of formatted cells (render/tpl.h), so the terminal table, the CSV, the
 * HTML page and both parts of the mail show the same figures formatted
 * once. The HTML views are templates (templates/top.html, mail_top.html);
 * the plain-text views read the model back with tpl_get/tpl_first.
 *
 * Root keys: n, total_rows, by (the --by word), key_title (table header:
 * "IP", "NAT GATEWAY"), key_label (prose: "IP", "NAT gateway"), ip_cols
 * (flag: --by ip shows ENI/subnet/AZ/kind), total ("1,234.57"), from/to
 * (ISO times or "?"), day_from/day_to (the period's first and last day),
 * has_notices + notices[{text}], title (set by the caller), rows[...],
 * coverage ("20 of 24 hours with records"), headline ("$1,234.57 total",
 * or with top_model_budget "$1,234.57 — over the $1,000.00 budget by
 * $234.57").
 * top_model_budget adds: has_budget, over (flag), budget ("1,000.00"),
 * verdict ("over the $1,000.00 budget by $234.57" / "within the $1,000.00
 * budget, $12.00 under").
 * top_model_baseline adds: has_baseline, base_total, base_day_from,
 * base_day_to, delta_total ("+$12.30", "-$1.00", "$0.00"), delta_total_pct
 * ("+1.2%", "0.0%", "new"), same_period (flag: the baseline covers the same
 * period), and per row delta, delta_pct, delta6 and base_cost6 (the CSV's).
 * Row keys: rank, key, name, eni, kind, subnet, vpc, az (as in the rank, ""
 * when unknown), cost ("1,234.57"), cost6 (6 decimals, never -0), share
 * ("12.3%"), bytes ("1.50 GiB"), bytes_n/bytes_out_n/bytes_in_n (exact),
 * mostly (largest category, "" for a row that costs nothing), main (largest
 * category with a positive cost, "-" if none), cats[{usd6}] per category. */
#ifndef FC_TOP_MODEL_H
#define FC_TOP_MODEL_H

#include <stddef.h>

#include "cost.h"
#include "tpl.h"
#include "util.h"

/* rows[0..n) of total_rows ranked by `by`; by_word is what the user typed
 * (--by). The caller frees with tpl_model_free. */
tpl_model *top_model_new(const cost_result *r, const cost_rank *rows, size_t n, size_t total_rows, cost_by by,
                         const char *by_word);

/* --fail-above: the verdict on the total against `budget` dollars. */
void top_model_budget(tpl_model *m, double total, double budget);

/* --baseline: deltas of the model's rows (rows[0..n), as given to
 * top_model_new) against the same ranking of `base`, matched by key, and of
 * the totals. A row absent from the baseline reads "new". */
void top_model_baseline(tpl_model *m, const cost_result *r, const cost_rank *rows, size_t n,
                        const cost_result *base, cost_by by);

/* The baseline's ranking by `by`, looked up by key (0 when absent): the
 * report's tables use it for their change columns. */
typedef struct top_base top_base;
top_base *top_base_new(const cost_result *base, cost_by by);
double top_base_usd(const top_base *b, const char *key);
void top_base_free(top_base *b);

/* A row's delta, delta_pct, delta6 and base_cost6 cells. */
void top_model_row_delta(tpl_obj *row, double before, double after);

/* Whether the two periods overlap (a baseline that shows no change). */
bool top_model_same_period(const cost_result *base, const cost_result *r);

/* A signed dollar delta, "+$1,234.56", "-$0.50" or "$0.00" (never "-$0.00"),
 * and a percentage of `before`, "+12.3%", "0.0%" (never "-0.0%"), or "new"
 * when before is 0 and after is not ("" when both are 0). */
void top_model_delta(double delta, char *buf, size_t n);
void top_model_pct(double before, double after, char *buf, size_t n);

/* Render the embedded template `name` with the model. 0, or -1 with err. */
int top_model_render(tpl_model *m, const char *name, dbuf *out, char *err, size_t errlen);

/* A ranked row's identity cells: rank (1-based), key, name, eni, kind,
 * subnet, vpc, az ("" when unknown). The report's top tables use them too. */
void top_model_rank_cells(tpl_obj *row, const cost_rank *k, size_t rank);

/* The prose label of a --by word ("nat" → "NAT gateway"); "IP" when unknown. */
const char *top_model_label(const char *by_word);

#endif
