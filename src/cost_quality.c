/* cost_quality: figures built on guesses say so (cost-model.md §4). Pricing
 * tags every de-duplicated unit whose categories rest on something learned
 * rather than known (cost.c: unit_guesses, nat_guess); this file turns the
 * tagged bytes into data_quality's machine-readable bounds (which category
 * is a lower bound or an estimate, how many bytes, why) and one notice
 * sentence per reason, which every renderer shows. With a full snapshot and
 * v5 fields nothing is tagged: no bound, no notice. */
#include <stdio.h>
#include <string.h>

#include "cost_int.h"
#include "util.h"

static const char *const guess_names[GUESS_COUNT] = {
    "az_unknown", "kind_unknown", "nat_path_unknown", "nat_unrecognised", "nat_estimated", "owner_unknown",
};

const char *cost_guess_name(cost_guess g)
{
    return (unsigned)g < GUESS_COUNT ? guess_names[g] : "?";
}

/* What each reason makes of the categories: `lower` lists the categories
 * that can only be higher than shown (by up to the reason's bytes);
 * `maybe` lists those whose figure may be off either way, by up to the
 * bytes charged to them on the tagged traffic. */
static const struct {
    cost_cat lower[2];
    size_t n_lower;
    cost_cat maybe[3];
    size_t n_maybe;
} effects[GUESS_COUNT] = {
    [GUESS_AZ_UNKNOWN] = {{CAT_INTER_AZ}, 1, {0}, 0},
    [GUESS_KIND_UNKNOWN] = {{CAT_INTERFACE_ENDPOINT, CAT_TRANSIT_GATEWAY}, 2, {CAT_INTER_AZ}, 1},
    [GUESS_NAT_PATH_UNKNOWN] = {{CAT_NAT_PROCESSING}, 1, {0}, 0},
    [GUESS_NAT_UNRECOGNISED] = {{0}, 0, {CAT_INTERNET_EGRESS, CAT_INTER_REGION, CAT_REGIONAL_PUBLIC}, 3},
    [GUESS_NAT_ESTIMATED] = {{0}, 0, {CAT_NAT_PROCESSING, CAT_INTER_AZ}, 2},
    [GUESS_OWNER_UNKNOWN] = {{0}, 0, {CAT_UNKNOWN_PRIVATE}, 1},
};

static void add_bound(cost_result *r, size_t *cap, cost_cat cat, cost_guess why, bool lower, uint64_t bytes)
{
    if (!bytes) return;
    if (r->n_bounds == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        r->bounds = xrealloc(r->bounds, *cap * sizeof *r->bounds);
    }
    cost_bound *b = &r->bounds[r->n_bounds++];
    b->cat = (uint8_t)cat;
    b->reason = (uint8_t)why;
    b->lower = lower;
    b->bytes = bytes;
}

/* "a, b" / "a" — the categories of one reason's bounds, of one kind. */
static void cat_list(const cost_result *r, cost_guess why, bool lower, char *buf, size_t n, size_t *count)
{
    size_t len = 0;
    *count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_bounds; i++) {
        const cost_bound *b = &r->bounds[i];
        if (b->reason != why || b->lower != lower) continue;
        int w = snprintf(buf + len, n - len, "%s%s", *count ? ", " : "", cost_cat_name((cost_cat)b->cat));
        if (w > 0 && (size_t)w < n - len) len += (size_t)w;
        ++*count;
    }
}

static uint64_t maybe_bytes(const cost_result *r, cost_guess why)
{
    uint64_t m = 0;
    for (size_t i = 0; i < r->n_bounds; i++)
        if (r->bounds[i].reason == why && !r->bounds[i].lower && r->bounds[i].bytes > m) m = r->bounds[i].bytes;
    return m;
}

void cost_quality_build(cost_result *r, const inventory *inv, const cost_guesses *g)
{
    bool snap = inv_sources(inv) & (INV_FROM_SNAPSHOT | INV_FROM_LIVE);
    size_t n_learned = 0, n_unknown_kind = 0;
    for (size_t i = 0; i < inv_eni_count(inv); i++) {
        const inv_eni *e = inv_eni_at(inv, i);
        if (e->source & (INV_FROM_SNAPSHOT | INV_FROM_LIVE)) continue;
        n_learned++;
        n_unknown_kind += e->kind == ENI_UNCLASSIFIED;
    }
    r->inventory = !snap ? "learned" : n_learned ? "mixed" : "snapshot";

    size_t cap = 0;
    for (int k = 0; k < GUESS_COUNT; k++) {
        if (!g->bytes[k]) continue;
        for (size_t i = 0; i < effects[k].n_lower; i++)
            add_bound(r, &cap, effects[k].lower[i], (cost_guess)k, true, g->bytes[k]);
        for (size_t i = 0; i < effects[k].n_maybe; i++) {
            cost_cat c = effects[k].maybe[i];
            add_bound(r, &cap, c, (cost_guess)k, false, g->cat_bytes[k][c]);
        }
    }

    /* One sentence per reason: the cause, the categories, the bytes. */
    const char *no_snap = !snap ? "no ENI snapshot" : "ENIs missing from the snapshot";
    char lower[96], maybe[96], b1[32], b2[32];
    size_t nl, nm;
    for (int k = 0; k < GUESS_COUNT; k++) {
        if (!g->bytes[k]) continue;
        cost_guess why = (cost_guess)k;
        cat_list(r, why, true, lower, sizeof lower, &nl);
        cat_list(r, why, false, maybe, sizeof maybe, &nm);
        fc_format_bytes(g->bytes[k], b1, sizeof b1);
        fc_format_bytes(maybe_bytes(r, why), b2, sizeof b2);
        switch (why) {
        case GUESS_AZ_UNKNOWN:
            cost_notice(r, "%s: %s is a lower bound (AZ unknown for %s of private traffic between our ENIs, "
                           "so no AZ crossing is charged there)",
                        !snap ? "no ENI snapshot and no az-id field" : "ENIs without an AZ ID", lower, b1);
            break;
        case GUESS_KIND_UNKNOWN:
            if (nm)
                cost_notice(r, "%s: %s are lower bounds and %s may include free load-balancer hops (kind unknown "
                               "for %zu ENI%s carrying %s of private traffic, %s of it charged as inter_az)",
                            no_snap, lower, maybe, n_unknown_kind, n_unknown_kind == 1 ? "" : "s", b1, b2);
            else
                cost_notice(r, "%s: %s are lower bounds (kind unknown for %zu ENI%s carrying %s of private traffic, "
                               "priced as between workloads)",
                            no_snap, lower, n_unknown_kind, n_unknown_kind == 1 ? "" : "s", b1);
            break;
        case GUESS_NAT_PATH_UNKNOWN:
            cost_notice(r, "%s and no traffic-path field: %s is a lower bound (%s to or from public addresses "
                           "priced as leaving through an Internet gateway may have gone through a NAT gateway)",
                        no_snap, lower, b1);
            break;
        case GUESS_NAT_UNRECOGNISED:
            if (nm)
                cost_notice(r, "no pkt-* fields (v2 logs) and %s: %s may be overstated (NAT gateways cannot be "
                               "recognised, so %s of public traffic may count a NAT gateway's public leg as well as "
                               "its client's own record)",
                            no_snap, maybe, b2);
            break;
        case GUESS_NAT_ESTIMATED:
            cost_notice(r, "no NAT gateway ENI in the input for some clients: %s %s estimated (%s charged to the "
                           "NAT gateway of the client's AZ or VPC)",
                        maybe, nm > 1 ? "are" : "is", b1);
            break;
        case GUESS_OWNER_UNKNOWN:
            cost_notice(r, "%s could not be given to an ENI of ours (no rule decides which address is the logging "
                           "interface's) and are counted as unknown_private at $0: other categories may be low by "
                           "as much",
                        b1);
            break;
        default:
            break;
        }
    }
}
