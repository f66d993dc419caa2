/* graph: the topology graph of report.md §7 and `flowcost topology`, laid
 * out in-process with Graphviz (cgraph + gvc; this is the only file that
 * includes them). docs/topology.md explains what is drawn and why.
 *
 * What it draws, from a cost_result and its inventory: clusters VPC → AZ →
 * subnet; nodes for workloads (grouped by --level), NAT gateways, interface
 * endpoints, load balancers, TGW attachments, one Internet gateway per VPC,
 * "Internet", AWS services by name and region, unknown private peers, and
 * "Other" nodes for the tail cut by --top / --min-bytes. Each flow becomes a
 * chain of edges src → [via] → [IGW] → dst; each charge of the flow is put on
 * exactly one edge of its chain (the hop where AWS bills it), so the edges'
 * dollars add up to the flows' dollars when nothing is hidden.
 *
 * Every string that came from input is neutralised before Graphviz sees it
 * (see docs/topology.md "Escaping"), so the SVG is well-formed XML and the
 * .dot is valid DOT whatever the tag values. Output is deterministic: nodes,
 * clusters and edges are created in a total order. */
#ifndef FC_GRAPH_H
#define FC_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "cost.h"
#include "inventory.h"
#include "util.h"

typedef struct graph_opts {
    const char *level;   /* vpc|az|subnet|eni; NULL = subnet */
    size_t top;          /* keep the N heaviest collapsible nodes (workload groups,
                            AWS services); the rest go into "Other" nodes; 0 = all */
    uint64_t min_bytes;  /* collapsible nodes and edges under this are folded/hidden */
    const char *focus;   /* IP, ENI id, subnet id, NAT/endpoint id or a workload name; NULL = all */
    const char *format;  /* "svg", "dot", "png"; NULL = svg */
    int inline_svg;      /* strip XML prolog/DOCTYPE/comments for inlining in HTML */
    const char *id_prefix; /* prefix of every SVG id (graph, clusters, nodes, edges), so
                              two inlined graphs cannot collide; [A-Za-z0-9_-] only,
                              anything else becomes '_'; NULL = "topology" */
} graph_opts;

/* Render the topology into out (appended). Returns 0, or -1 with err filled:
 * unknown level or format, a focus that matches nothing in the traffic, or a
 * Graphviz layout/render failure. r and inv are only read. */
int graph_render(const cost_result *r, const inventory *inv, const graph_opts *o,
                 dbuf *out, char *err, size_t errlen);

/* The cross-AZ graph of report §4: one node per AZ ID (grouped by region,
 * labelled with the AZ name, bytes sent and received, and the inter-AZ
 * dollars its workloads pay), one directed edge per AZ pair of
 * r->az_pairs labelled with the bytes sent and both halves' cost. Uses
 * o->format, o->inline_svg and o->id_prefix (default "crossaz"); the rest of
 * o is ignored. -1 with err filled when no bytes crossed AZs or Graphviz
 * fails. */
int graph_render_cross_az(const cost_result *r, const inventory *inv, const graph_opts *o, dbuf *out, char *err,
                          size_t errlen);

/* 0 when s is a level name graph_render accepts, else -1 with err filled
 * (lets the CLI reject a bad --level before reading any input). */
int graph_level_check(const char *s, char *err, size_t errlen);

/* Format from an output file name's extension: "svg", "dot" or "png";
 * NULL when the extension is none of them. */
const char *graph_format_of(const char *path);

/* "graphviz/2.43.0" for --version. */
const char *render_lib_versions(void);
/* Graphviz for --version --json. */
void graph_lib_info(fc_lib_info *out);

#endif
