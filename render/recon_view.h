/* recon_view: the reconciliation with the bill (src/reconcile.h) as the
 * report's section model and as the JSON result's `reconciliation` key
 * (../shared/spec/cli.md: categories and resources). */
#ifndef FC_RECON_VIEW_H
#define FC_RECON_VIEW_H

#include <stddef.h>

#include "reconcile.h"
#include "tpl.h"

/* The section model of templates/sec_reconcile.html: headline figures,
 * cats[] and rows[] (resource-days, gaps first, at most top; 0 = all). */
void recon_view_model(const reconcile *rc, size_t top, tpl_obj *m);

/* `{"categories": {...}, "resources": [...], ...}` as JSON text for
 * json_add_raw; caller frees. */
char *recon_view_json(const reconcile *rc);

#endif
