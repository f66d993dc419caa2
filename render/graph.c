/* STUB: placeholder until its owner lands the real module. */
#include "graph.h"
int graph_render(const cost_result *r, const inventory *inv, const graph_opts *o, dbuf *out, char *err, size_t errlen) { (void)r; (void)inv; (void)o; (void)out; return fc_err(err, errlen, "topology not implemented yet"); }
const char *render_lib_versions(void) { return "graphviz"; }
