/* rec_same: two parsed records agree on every field a caller reads (views:
 * the same bytes of the same line). For test_flowlog and fuzz_flowlog,
 * which compare the fast path with the full parser. */
#ifndef FC_TEST_REC_SAME_H
#define FC_TEST_REC_SAME_H

#include <stdbool.h>
#include <string.h>

#include "flowlog.h"

static inline bool view_same(const fl_view *a, const fl_view *b)
{
    return a->n == b->n && (a->n == 0 || a->p == b->p);
}

static inline bool rec_same(const fl_rec *a, const fl_rec *b)
{
    bool same = a->has == b->has && a->packets == b->packets && a->bytes == b->bytes && a->start == b->start &&
                a->end == b->end && a->srcport == b->srcport && a->dstport == b->dstport &&
                a->protocol == b->protocol && a->action == b->action && a->status == b->status &&
                a->direction == b->direction && a->traffic_path == b->traffic_path &&
                !memcmp(&a->src, &b->src, sizeof a->src) && !memcmp(&a->dst, &b->dst, sizeof a->dst) &&
                !memcmp(&a->pkt_src, &b->pkt_src, sizeof a->pkt_src) &&
                !memcmp(&a->pkt_dst, &b->pkt_dst, sizeof a->pkt_dst) && view_same(&a->eni, &b->eni) &&
                view_same(&a->account, &b->account) && view_same(&a->vpc, &b->vpc) &&
                view_same(&a->subnet, &b->subnet) && view_same(&a->instance, &b->instance) &&
                view_same(&a->az_id, &b->az_id) && view_same(&a->region, &b->region) &&
                view_same(&a->src_svc, &b->src_svc) && view_same(&a->dst_svc, &b->dst_svc);
    for (int i = 0; i < FL_TGW__COUNT; i++) same = same && view_same(&a->tgw[i], &b->tgw[i]);
    return same;
}

#endif
