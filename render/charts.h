/* charts: the report's time and matrix charts as inline SVG / HTML — the
 * hourly cost by category (stacked bars), the hour-of-day × day heat map,
 * rejected records per hour, and the AZ × AZ heat matrix. Colours are
 * lightness steps plus hatch patterns so they survive greyscale printing.
 *
 * `id` prefixes every element id inside an SVG (several charts share one
 * HTML id space). Functions append to out and return 0, or -1 when out's cap
 * is reached. */
#ifndef FC_CHARTS_H
#define FC_CHARTS_H

#include "cost.h"
#include "util.h"

/* Categories drawn in the stacked chart and legend, in spec order (free and
 * unknown_private cost nothing, so they have no band). */
#define CHARTS_NCAT 7

/* The fill of category c (CSS colour or url(#<id>-p<c>)) for legends. */
const char *charts_cat_color(int c);
/* An HTML legend (swatches as tiny inline SVGs) for the stacked charts. */
int charts_legend(dbuf *out, const char *id);

/* Whether the stacked chart draws days: the records span more than 3 days. */
bool charts_daily(const cost_result *r);
/* Stacked bars: cost per category per hour, or per UTC day when
 * charts_daily (bucketed to at most 1,000 bars). */
int charts_hourly(const cost_result *r, const char *id, dbuf *out);
/* Heat map of hour-of-day (columns) × UTC day (rows); by_cost ? USD : bytes. */
int charts_heatmap(const cost_result *r, int by_cost, const char *id, dbuf *out);
/* Bars: REJECT records per hour (security section). */
int charts_rejected(const cost_result *r, const char *id, dbuf *out);
/* HTML table: source AZ rows × destination AZ columns, heat class h0..h5. */
int charts_az_matrix(const cost_result *r, dbuf *out);

#endif
