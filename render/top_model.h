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
 * has_notices + notices[{text}], title (set by the caller), rows[...].
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

/* Render the embedded template `name` with the model. 0, or -1 with err. */
int top_model_render(tpl_model *m, const char *name, dbuf *out, char *err, size_t errlen);

/* A ranked row's identity cells: rank (1-based), key, name, eni, kind,
 * subnet, vpc, az ("" when unknown). The report's top tables use them too. */
void top_model_rank_cells(tpl_obj *row, const cost_rank *k, size_t rank);

/* The prose label of a --by word ("nat" → "NAT gateway"); "IP" when unknown. */
const char *top_model_label(const char *by_word);

#endif
