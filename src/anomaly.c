/* anomaly: hourly cells per period, per hour-of-week medians and MADs, the
 * modified z-score and its floors (see anomaly.h, docs/anomalies.md). */
#include "anomaly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const kind_names[ANOMALY_KIND_COUNT] = {"category", "payer", "nat", "az_pair", "new_talker", "peer"};

const char *anomaly_kind_name(anomaly_kind k)
{
    return kind_names[k];
}

int anomaly_hour_of_week(int32_t hour)
{
    /* hour 0 was Thursday 00:00 UTC: Thursday is day 3 of a Monday week */
    int64_t h = ((int64_t)hour + 72) % ANOMALY_HOURS_OF_WEEK;
    return (int)(h < 0 ? h + ANOMALY_HOURS_OF_WEEK : h);
}

void anomaly_opts_default(anomaly_opts *o)
{
    o->min_usd_day = 5.0;
    o->z = 3.5;
    o->rel = 0.5;
    o->mad_floor_rel = 0.05;
    o->min_baselines = 4;
}

typedef struct cell {
    anomaly_kind kind;
    char *key, *name;
} cell;

typedef struct entry {
    uint32_t cell;
    int32_t hour;
    double usd;
} entry;

typedef struct pstore {
    entry *e;
    size_t n, cap;
    int32_t *cover;
    size_t n_cover, cap_cover;
    bool tidy; /* sorted and merged */
} pstore;

struct anomaly_set {
    cell *cells;
    size_t n_cells, cap_cells;
    uint32_t *slots; /* open addressing: cell index + 1, 0 = empty */
    size_t n_slots;
    pstore *p;
    size_t n_p;
};

anomaly_set *anomaly_set_new(size_t n_periods)
{
    anomaly_set *s = xcalloc(1, sizeof *s);
    s->p = xcalloc(n_periods ? n_periods : 1, sizeof *s->p);
    s->n_p = n_periods;
    s->n_slots = 1024;
    s->slots = xcalloc(s->n_slots, sizeof *s->slots);
    return s;
}

void anomaly_set_free(anomaly_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_cells; i++) FC_FREE(s->cells[i].key, s->cells[i].name);
    for (size_t i = 0; i < s->n_p; i++) FC_FREE(s->p[i].e, s->p[i].cover);
    FC_FREE(s->cells, s->slots, s->p, s);
}

size_t anomaly_set_periods(const anomaly_set *s)
{
    return s->n_p;
}

static uint64_t key_hash(anomaly_kind k, const char *key)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)k;
    for (const unsigned char *c = (const unsigned char *)key; *c; c++) h = (h ^ *c) * 1099511628211ull;
    return h;
}

static uint32_t cell_id(anomaly_set *s, anomaly_kind kind, const char *key, const char *name)
{
    size_t mask = s->n_slots - 1;
    for (size_t i = (size_t)key_hash(kind, key) & mask;; i = (i + 1) & mask) {
        uint32_t v = s->slots[i];
        if (!v) break;
        cell *c = &s->cells[v - 1];
        if (c->kind == kind && !strcmp(c->key, key)) {
            if (!c->name && name && *name) c->name = xstrdup(name);
            return v - 1;
        }
    }
    if (s->n_cells == s->cap_cells) {
        s->cap_cells = s->cap_cells ? 2 * s->cap_cells : 64;
        s->cells = xrealloc(s->cells, s->cap_cells * sizeof *s->cells);
    }
    cell *c = &s->cells[s->n_cells++];
    c->kind = kind;
    c->key = xstrdup(key);
    c->name = name && *name ? xstrdup(name) : NULL;
    if (2 * s->n_cells > s->n_slots) { /* keep the table at most half full */
        free(s->slots);
        s->n_slots *= 2;
        s->slots = xcalloc(s->n_slots, sizeof *s->slots);
        for (size_t k = 0; k < s->n_cells; k++) {
            size_t i = (size_t)key_hash(s->cells[k].kind, s->cells[k].key) & (s->n_slots - 1);
            while (s->slots[i]) i = (i + 1) & (s->n_slots - 1);
            s->slots[i] = (uint32_t)k + 1;
        }
        return (uint32_t)s->n_cells - 1;
    }
    size_t i = (size_t)key_hash(kind, key) & mask;
    while (s->slots[i]) i = (i + 1) & mask;
    s->slots[i] = (uint32_t)s->n_cells;
    return (uint32_t)s->n_cells - 1;
}

void anomaly_set_cover(anomaly_set *s, size_t period, int32_t hour)
{
    pstore *p = &s->p[period];
    if (p->n_cover && p->cover[p->n_cover - 1] == hour) return;
    if (p->n_cover == p->cap_cover) {
        p->cap_cover = p->cap_cover ? 2 * p->cap_cover : 256;
        p->cover = xrealloc(p->cover, p->cap_cover * sizeof *p->cover);
    }
    p->cover[p->n_cover++] = hour;
    p->tidy = false;
}

void anomaly_set_add(anomaly_set *s, size_t period, anomaly_kind kind, const char *key, const char *name,
                     int32_t hour, double usd)
{
    pstore *p = &s->p[period];
    anomaly_set_cover(s, period, hour);
    if (!(usd > 0)) return;
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 1024;
        p->e = xrealloc(p->e, p->cap * sizeof *p->e);
    }
    p->e[p->n++] = (entry){cell_id(s, kind, key, name), hour, usd};
    p->tidy = false;
}

void anomaly_add_result(anomaly_set *s, size_t period, int32_t hour, const cost_result *r)
{
    anomaly_set_cover(s, period, hour);
    for (int c = 0; c < CAT_COUNT; c++)
        anomaly_set_add(s, period, ANOMALY_CATEGORY, cost_cat_name((cost_cat)c), NULL, hour, r->cat_usd[c]);
    for (size_t i = 0; i < r->n_eps; i++) {
        const cost_endpoint *e = &r->eps[i];
        if (!(e->usd > 0) && !(e->peer_usd > 0)) continue;
        char ip[IP_STRLEN];
        ip_format(&e->ip, ip, sizeof ip);
        const char *name = e->eni && e->eni->name ? e->eni->name : e->service;
        anomaly_set_add(s, period, ANOMALY_PAYER, ip, name, hour, e->usd);
        anomaly_set_add(s, period, ANOMALY_PEER, ip, name, hour, e->peer_usd);
    }
    for (size_t i = 0; i < r->n_nats; i++)
        anomaly_set_add(s, period, ANOMALY_NAT, r->nats[i].id, r->nats[i].name, hour, r->nats[i].usd);
    for (size_t i = 0; i < r->n_az_pairs; i++) {
        char key[96];
        snprintf(key, sizeof key, "%s>%s", r->az_pairs[i].src_az ? r->az_pairs[i].src_az : "?",
                 r->az_pairs[i].dst_az ? r->az_pairs[i].dst_az : "?");
        anomaly_set_add(s, period, ANOMALY_AZ_PAIR, key, NULL, hour, r->az_pairs[i].usd);
    }
}

/* the groups in hour order (stable: by index within an hour) */
typedef struct hidx {
    int32_t hour;
    size_t i;
} hidx;

FC_COMPARATOR(cmp_hidx, hidx, FC_ASC(hour) FC_ASC(i))

int anomaly_add_agg(anomaly_set *s, size_t period, const agg *a, inventory *inv, const lpm *ranges,
                    const rate_table *rates, const cost_options *co, char *err, size_t errlen)
{
    size_t n;
    const agg_group *gs = agg_groups(a, &n);
    hidx *order = xmalloc((n ? n : 1) * sizeof *order);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (gs[i].hour != AGG_NO_HOUR) order[m++] = (hidx){gs[i].hour, i};
    qsort(order, m, sizeof *order, cmp_hidx);
    int rc = 0;
    for (size_t i = 0; i < m && rc == 0;) {
        int32_t h = order[i].hour;
        agg *sub = agg_new();
        size_t j = i;
        for (; j < m && order[j].hour == h; j++) {
            const agg_group *g = &gs[order[j].i];
            const char *eni = agg_str(a, g->eni);
            agg_add(sub, g, eni, agg_str(a, g->src_svc), agg_str(a, g->dst_svc));
            const agg_eni_meta *md = g->eni ? agg_eni(a, g->eni) : NULL;
            if (md)
                agg_note_eni(sub, eni, agg_str(a, md->vpc), agg_str(a, md->subnet), agg_str(a, md->instance),
                             agg_str(a, md->az_id), agg_str(a, md->account), agg_str(a, md->region));
            agg_stats_period(agg_stats_of(sub), g->min_start, g->max_end);
        }
        agg_stats_of(sub)->used = j - i;
        cost_options o = *co;
        o.since = (int64_t)h * 3600;
        o.until = o.since + 3600;
        cost_result *r = cost_run(sub, inv, ranges, rates, &o, err, errlen);
        if (r) anomaly_add_result(s, period, h, r);
        else rc = -1;
        cost_result_free(r);
        agg_free(sub);
        i = j;
    }
    free(order);
    return rc;
}

/* ---- detection ---- */

FC_COMPARATOR(cmp_entry, entry, FC_ASC(cell) FC_ASC(hour))

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return a < b ? -1 : a > b;
}

static void tidy(pstore *p)
{
    if (p->tidy) return;
    if (p->n) qsort(p->e, p->n, sizeof *p->e, cmp_entry);
    size_t w = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (w && p->e[w - 1].cell == p->e[i].cell && p->e[w - 1].hour == p->e[i].hour) p->e[w - 1].usd += p->e[i].usd;
        else p->e[w++] = p->e[i];
    }
    p->n = w;
    if (p->n_cover) qsort(p->cover, p->n_cover, sizeof *p->cover, cmp_i32);
    w = 0;
    for (size_t i = 0; i < p->n_cover; i++)
        if (!w || p->cover[w - 1] != p->cover[i]) p->cover[w++] = p->cover[i];
    p->n_cover = w;
    p->tidy = true;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct out {
    anomaly *v;
    size_t n, cap;
} out;

static anomaly *push(out *o)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 16;
        o->v = xrealloc(o->v, o->cap * sizeof *o->v);
    }
    anomaly *a = &o->v[o->n++];
    memset(a, 0, sizeof *a);
    return a;
}

static void name_it(anomaly *a, anomaly_kind kind, const cell *c)
{
    a->kind = kind;
    snprintf(a->key, sizeof a->key, "%s", c->key);
    snprintf(a->name, sizeof a->name, "%s", c->name ? c->name : "");
}

FC_COMPARATOR(cmp_anomaly, anomaly, FC_ASC(hour) FC_ASC(kind) FC_KEY(strcmp(a->key, b->key)))

anomaly_list *anomaly_detect(anomaly_set *s, size_t target, const bool *skip, const anomaly_opts *o)
{
    for (size_t p = 0; p < s->n_p; p++) tidy(&s->p[p]);
    size_t np = s->n_p;
    /* per period: covered hours per hour of the week */
    unsigned(*cover)[ANOMALY_HOURS_OF_WEEK] = xcalloc(np ? np : 1, sizeof *cover);
    bool *use = xcalloc(np ? np : 1, sizeof *use);
    size_t n_base = 0;
    for (size_t p = 0; p < np; p++) {
        use[p] = p != target && !(skip && skip[p]);
        n_base += use[p];
        for (size_t i = 0; i < s->p[p].n_cover; i++) cover[p][anomaly_hour_of_week(s->p[p].cover[i])]++;
    }
    double(*base)[ANOMALY_HOURS_OF_WEEK] = xcalloc(np ? np : 1, sizeof *base);
    size_t *pos = xcalloc(np ? np : 1, sizeof *pos);
    const pstore *tp = &s->p[target];
    double floor_abs = o->min_usd_day / 24.0; /* per hour */
    double *vals = xmalloc((np ? np : 1) * sizeof *vals), *dev = xmalloc((np ? np : 1) * sizeof *dev);
    double *cur = xmalloc((tp->n_cover ? tp->n_cover : 1) * sizeof *cur);
    out res = {0};

    for (uint32_t c = 0; c < s->n_cells; c++) {
        const cell *ce = &s->cells[c];
        double peak = 0, base_total = 0, cur_total = 0;
        int32_t first_hour = 0;
        bool first = true;
        for (size_t p = 0; p < np; p++) {
            const pstore *pp = &s->p[p];
            memset(base[p], 0, sizeof base[p]);
            while (pos[p] < pp->n && pp->e[pos[p]].cell < c) pos[p]++;
            for (size_t i = pos[p]; i < pp->n && pp->e[i].cell == c; i++) {
                double v = pp->e[i].usd;
                if (v > peak) peak = v;
                if (p == target) {
                    cur_total += v;
                    if (first) first_hour = pp->e[i].hour, first = false;
                } else if (use[p]) {
                    base[p][anomaly_hour_of_week(pp->e[i].hour)] += v;
                    base_total += v;
                }
            }
        }
        /* New talker: nothing in any baseline, and at least the floor a
         * day since it first appeared (a talker that starts on Friday is
         * not diluted by the days before). */
        double days_since = 0;
        for (size_t i = 0; !first && i < tp->n_cover; i++) days_since += tp->cover[i] >= first_hour;
        days_since /= 24.0;
        if ((ce->kind == ANOMALY_PAYER || ce->kind == ANOMALY_PEER) && base_total == 0 && cur_total > 0 &&
            days_since > 0 && cur_total / days_since >= o->min_usd_day && n_base >= o->min_baselines) {
            bool dup = false; /* one line per address, payer first */
            for (size_t k = 0; k < res.n && !dup; k++)
                dup = res.v[k].kind == ANOMALY_NEW_TALKER && !strcmp(res.v[k].key, ce->key);
            if (!dup) {
                anomaly *a = push(&res);
                name_it(a, ANOMALY_NEW_TALKER, ce);
                a->hour = a->last_hour = first_hour;
                a->hours = 1;
                a->actual_usd = cur_total;
                a->score = 0; /* no distribution to score against */
            }
            continue;
        }
        if (ce->kind == ANOMALY_PEER || ce->kind == ANOMALY_NEW_TALKER) continue;
        /* Both floors need |x - median| >= floor_abs / 10, and neither x
         * nor a median can exceed the cell's largest hour. */
        if (peak < floor_abs / 10) continue;
        for (size_t p = 0; p < np; p++)
            for (int h = 0; h < ANOMALY_HOURS_OF_WEEK; h++)
                if (cover[p][h]) base[p][h] /= cover[p][h];
        /* the target's value in each covered hour */
        size_t k = pos[target];
        for (size_t i = 0; i < tp->n_cover; i++) {
            while (k < tp->n && tp->e[k].cell == c && tp->e[k].hour < tp->cover[i]) k++;
            cur[i] = k < tp->n && tp->e[k].cell == c && tp->e[k].hour == tp->cover[i] ? tp->e[k].usd : 0;
        }
        anomaly *run = NULL;
        int run_sign = 0;
        for (size_t i = 0; i < tp->n_cover; i++) {
            int32_t hour = tp->cover[i];
            int how = anomaly_hour_of_week(hour);
            size_t nv = 0;
            for (size_t p = 0; p < np; p++)
                if (use[p] && cover[p][how]) vals[nv++] = base[p][how];
            if (nv < o->min_baselines) continue;
            double med = median(vals, nv);
            for (size_t q = 0; q < nv; q++) dev[q] = fabs(vals[q] - med);
            double mad = median(dev, nv);
            /* never below 5% of the median (4 or 5 values give an unsteady
             * MAD) nor a hundredth of the floor (a cell at 0 every week) */
            double mad_eff = fmax(fmax(mad, o->mad_floor_rel * fabs(med)), floor_abs / 100);
            double x = cur[i], d = x - med;
            double z = 0.6745 * d / mad_eff;
            /* relative to a median of 0 every change is infinite: only the
             * absolute floor speaks for a cell the baselines never had */
            bool floor_ok = fabs(d) >= floor_abs || (med > 0 && fabs(d) >= o->rel * med && fabs(d) >= floor_abs / 10);
            int sign = d > 0 ? 1 : -1;
            if (fabs(z) < o->z || !floor_ok) continue;
            if (run && run_sign == sign && hour == run->last_hour + 1) {
                run->last_hour = hour;
                run->hours++;
                if (fabs(z) > fabs(run->score)) run->score = z;
                continue;
            }
            run = push(&res);
            name_it(run, ce->kind, ce);
            run->hour = run->last_hour = hour;
            run->hours = 1;
            run->expected_usd = med;
            run->band_lo = fmax(0, med - o->z * mad_eff / 0.6745);
            run->band_hi = med + o->z * mad_eff / 0.6745;
            run->actual_usd = x;
            run->score = z;
            run_sign = sign;
        }
    }
    /* a new talker's payer cells are not spikes as well */
    size_t w = 0;
    for (size_t i = 0; i < res.n; i++) {
        bool drop = false;
        for (size_t j = 0; j < res.n && !drop && res.v[i].kind == ANOMALY_PAYER; j++)
            drop = res.v[j].kind == ANOMALY_NEW_TALKER && !strcmp(res.v[j].key, res.v[i].key);
        if (!drop) res.v[w++] = res.v[i];
    }
    res.n = w;
    if (res.n) qsort(res.v, res.n, sizeof *res.v, cmp_anomaly);
    free(cover);
    free(use);
    free(base);
    free(pos);
    free(vals);
    free(dev);
    free(cur);
    anomaly_list *l = xcalloc(1, sizeof *l);
    l->v = res.v;
    l->n = res.n;
    l->n_baselines = n_base;
    return l;
}

void anomaly_list_free(anomaly_list *l)
{
    if (!l) return;
    free(l->v);
    free(l);
}
