/* sankey: an SVG Sankey diagram — columns of nodes, links drawn as cubic
 * Béziers whose stroke width is proportional to their value (bytes or
 * dollars), the tail of each column folded into one "Other" node, and a
 * vertical slot of at least SANKEY_MIN_SLOT px per node so labels never
 * overlap (the canvas grows instead).
 *
 * Usage: sankey_new, sankey_node/sankey_link (duplicate links add up),
 * optionally sankey_limit, then sankey_svg. The sankey owns copies of every
 * key and label. Labels are escaped on output (render/escape.h). */
#ifndef FC_SANKEY_H
#define FC_SANKEY_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SANKEY_MIN_SLOT 18 /* px reserved per node: one 11 px label line plus air */
#define SANKEY_WIDTH 960

typedef struct sankey sankey;

sankey *sankey_new(int ncols);
void sankey_free(sankey *s);
/* The node `key` of column col (created with `label` on first use).
 * Returns its index. */
uint32_t sankey_node(sankey *s, int col, const char *key, const char *label);
/* Add value to the link a → b (a's column must be left of b's). Values
 * <= 0 are ignored. */
void sankey_link(sankey *s, uint32_t a, uint32_t b, double value);
/* Keep the `keep` largest nodes of each column (by throughput, ties by key)
 * and fold the rest into one "Other (N)" node per column. keep 0 = all. */
void sankey_limit(sankey *s, size_t keep);
size_t sankey_node_count(const sankey *s);
size_t sankey_link_count(sankey *s); /* after merging duplicates */

typedef void (*sankey_fmt)(double v, char *buf, size_t n);
/* Append an <svg> (no XML prolog) titled `title`; col_titles may be NULL
 * or ncols strings. An empty diagram renders a short note instead. */
int sankey_svg(sankey *s, const char *title, const char *const *col_titles,
               sankey_fmt fmt, dbuf *out);

/* Layout facts for tests: node i's rectangle after sankey_svg. */
int sankey_node_rect(const sankey *s, uint32_t i, double *x, double *y, double *h,
                     double *slot);
const char *sankey_node_label(const sankey *s, uint32_t i);
int sankey_node_col(const sankey *s, uint32_t i);

#endif
