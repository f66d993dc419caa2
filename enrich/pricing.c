/* pricing: `flowcost rates --fetch`. The Price List Query API answers
 * GetProducts with pages of products, each a JSON document inside a JSON
 * string; we ask for the few product families the cost model prices and
 * map each product to a rate by its usage type, whose region prefix
 * ("USE2-", none for some us-east-1 types) we ignore and take the region
 * from the product's regionCode / fromRegionCode instead — so no table of
 * prefixes has to be kept in step with AWS's regions. A tiered price
 * (Internet egress, endpoint bytes) takes its first paid tier, as the
 * embedded table does (docs/pricing.md). */
#include "pricing.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "sigv4.h"
#include "util.h"

#define PRICING_REGION "us-east-1"
#define PRICING_DEFAULT_URL "https://api.pricing.us-east-1.amazonaws.com"
#define PRICING_MAX_PAGES 500

/* The queries: service code and one product family (NULL = any), filtered
 * by `region_field` = the region when regions were named. */
static const struct {
    const char *service, *family, *region_field;
} queries[] = {
    {"AmazonEC2", "NAT Gateway", "regionCode"},
    {"AWSDataTransfer", NULL, "fromRegionCode"},
    {"AmazonVPC", NULL, "regionCode"},
};

/* Usage type (after any region prefix) -> rate column. transfer_type, when
 * set, must match the product's transferType too. */
static const struct {
    const char *usage_suffix, *transfer_type;
    const char *field;  /* a rates_fields key; NULL = an inter-region pair */
} usage_map[] = {
    {"NatGateway-Bytes", NULL, "nat_per_gb"},
    {"NatGateway-Hours", NULL, "nat_per_hour"},
    {"DataTransfer-Regional-Bytes", "IntraRegion", "inter_az_per_gb"},
    {"DataTransfer-Regional-Bytes", "IntraRegion", "regional_public_per_gb"},
    {"DataTransfer-Out-Bytes", "AWS Outbound", "internet_egress_per_gb"},
    {"AWS-Out-Bytes", "InterRegion Outbound", NULL},
    {"VpcEndpoint-Bytes", NULL, "interface_endpoint_per_gb"},
    {"VpcEndpoint-Hours", NULL, "interface_endpoint_per_az_hour"},
    {"TransitGateway-Bytes", NULL, "transit_gateway_per_gb"},
};

#define MAX_FIELDS 16

typedef struct acc_region {
    char name[32];
    double v[MAX_FIELDS];
    bool have[MAX_FIELDS];
    double inter_region_max;  /* the dearest pair: the default for an unlisted destination */
    bool have_pair;
} acc_region;

struct pricing_acc {
    char **want; size_t n_want;   /* 0 = any commercial region */
    acc_region *r; size_t n, cap;
    rate_table *pairs;            /* only its pairs are used */
};

static acc_region *region_of(pricing_acc *a, const char *name);
static bool region_ok(const char *s);

pricing_acc *pricing_acc_new(const char *const *regions, size_t n_regions)
{
    pricing_acc *a = xcalloc(1, sizeof *a);
    a->want = xcalloc(n_regions + 1, sizeof *a->want);
    a->pairs = rates_new_empty();
    /* A region asked for gets a row even if the price list has nothing for
     * it: every figure of it is then reported missing. */
    for (size_t i = 0; i < n_regions; i++) {
        a->want[a->n_want++] = xstrdup(regions[i]);
        if (region_ok(regions[i])) region_of(a, regions[i]);
    }
    return a;
}

void pricing_acc_free(pricing_acc *a)
{
    if (!a) return;
    fc_free_strs(a->want, a->n_want);
    rates_free(a->pairs);
    FC_FREE(a->r, a);
}

static bool region_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 32) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) return false;
    return true;
}

/* Commercial partition only: GovCloud and China have their own prices and
 * their own price list endpoints. */
static bool wanted(const pricing_acc *a, const char *region)
{
    if (!region || !region_ok(region)) return false;
    if (!a->n_want)
        return strncmp(region, "us-gov-", 7) != 0 && strncmp(region, "cn-", 3) != 0 &&
               strncmp(region, "us-iso", 6) != 0;
    for (size_t i = 0; i < a->n_want; i++)
        if (strcmp(a->want[i], region) == 0) return true;
    return false;
}

static acc_region *region_of(pricing_acc *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->r[i].name, name) == 0) return &a->r[i];
    GROW(a->r, a->n, a->cap);
    acc_region *r = &a->r[a->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

static const char *attr(const cJSON *attrs, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(attrs, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    /* the whole usage type, or a prefix ending in '-' before the suffix */
    return n >= m && strcmp(s + n - m, suffix) == 0 && (n == m || s[n - m - 1] == '-');
}

/* The first paid tier of the product's on-demand price: the dimension with
 * the lowest beginRange whose USD price is above zero (the free first GB
 * of Internet egress is not the rate). -1 when there is none. */
static double first_paid_tier(const cJSON *product)
{
    const cJSON *od = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(product, "terms"), "OnDemand");
    double best_begin = INFINITY, price = -1;
    const cJSON *term, *dim;
    cJSON_ArrayForEach(term, od)
    {
        cJSON_ArrayForEach(dim, cJSON_GetObjectItemCaseSensitive(term, "priceDimensions"))
        {
            const char *usd = attr(cJSON_GetObjectItemCaseSensitive(dim, "pricePerUnit"), "USD");
            const char *begin = attr(dim, "beginRange");
            if (!usd) continue;
            char *end;
            double p = strtod(usd, &end);
            if (end == usd || !isfinite(p) || p <= 0) continue;
            double b = begin ? strtod(begin, NULL) : 0;
            if (b < best_begin) {
                best_begin = b;
                price = p;
            }
        }
    }
    return price;
}

static int field_of(const char *key)
{
    for (size_t f = 0; f < rates_n_fields; f++)
        if (strcmp(rates_fields[f].key, key) == 0) return (int)f;
    return -1;
}

int pricing_acc_add(pricing_acc *a, const char *product_json, char *err, size_t errlen)
{
    cJSON *p = cJSON_Parse(product_json);
    if (!p) return fc_err(err, errlen, "a PriceList entry is not JSON");
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "product"), "attributes");
    const char *usage = attr(attrs, "usagetype"), *tt = attr(attrs, "transferType");
    const char *region = attr(attrs, "regionCode");
    if (!region) region = attr(attrs, "fromRegionCode");
    double price = first_paid_tier(p);
    if (usage && wanted(a, region) && price >= 0) {
        for (size_t i = 0; i < sizeof usage_map / sizeof *usage_map; i++) {
            if (!ends_with(usage, usage_map[i].usage_suffix)) continue;
            if (usage_map[i].transfer_type && (!tt || strcmp(tt, usage_map[i].transfer_type) != 0)) continue;
            acc_region *r = region_of(a, region);
            if (!usage_map[i].field) {
                const char *to = attr(attrs, "toRegionCode");
                if (!to || !region_ok(to)) continue;
                rates_set_pair(a->pairs, region, to, price);
                if (!r->have_pair || price > r->inter_region_max) r->inter_region_max = price;
                r->have_pair = true;
                continue;
            }
            int f = field_of(usage_map[i].field);
            /* Two products for one figure (should not happen): the dearer,
             * so a figure is never understated. */
            if (f >= 0 && f < MAX_FIELDS && (!r->have[f] || price > r->v[f])) {
                r->v[f] = price;
                r->have[f] = true;
            }
        }
    }
    cJSON_Delete(p);
    return 0;
}

static int cmp_acc(const void *x, const void *y)
{
    return strcmp(((const acc_region *)x)->name, ((const acc_region *)y)->name);
}

rate_table *pricing_acc_table(const pricing_acc *a, dbuf *missing)
{
    if (!a->n) return NULL;
    rate_table *def = rates_new_default();
    rate_table *t = rates_new_empty();
    acc_region *sorted = xmalloc(a->n * sizeof *sorted);
    memcpy(sorted, a->r, a->n * sizeof *sorted);
    qsort(sorted, a->n, sizeof *sorted, cmp_acc);
    int inter = field_of("inter_region_per_gb");
    for (size_t i = 0; i < a->n; i++) {
        const acc_region *r = &sorted[i];
        region_rates row = *rates_for(def, r->name, NULL);
        memset(row.region, 0, sizeof row.region);
        snprintf(row.region, sizeof row.region, "%s", r->name);
        for (size_t f = 0; f < rates_n_fields && f < MAX_FIELDS; f++) {
            if (r->have[f]) rates_put(&row, f, r->v[f]);
            else if ((int)f == inter && r->have_pair) rates_put(&row, f, r->inter_region_max);
            else if (missing) dbuf_printf(missing, "%s: %s\n", r->name, rates_fields[f].key);
        }
        rates_set(t, &row);
    }
    for (size_t i = 0; i < rates_pair_count(a->pairs); i++) {
        const rates_pair *pp = rates_pair_at(a->pairs, i);
        rates_set_pair(t, pp->from, pp->to, pp->usd_per_gb);
    }
    free(sorted);
    rates_free(def);
    rates_set_source(t, "AWS Price List Query API (GetProducts)");
    return t;
}

/* ---- the HTTP side ---- */

static char *request_body(const char *service, const char *family, const char *region_field, const char *region,
                          const char *token)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ServiceCode", service);
    cJSON *fs = cJSON_AddArrayToObject(o, "Filters");
    const char *fields[2] = {family ? "productFamily" : NULL, region ? region_field : NULL};
    const char *values[2] = {family, region};
    for (int i = 0; i < 2; i++) {
        if (!fields[i]) continue;
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "Type", "TERM_MATCH");
        cJSON_AddStringToObject(f, "Field", fields[i]);
        cJSON_AddStringToObject(f, "Value", values[i]);
        cJSON_AddItemToArray(fs, f);
    }
    cJSON_AddStringToObject(o, "FormatVersion", "aws_v1");
    cJSON_AddNumberToObject(o, "MaxResults", 100);
    if (token && *token) cJSON_AddStringToObject(o, "NextToken", token);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    char *out = xstrdup(s ? s : "{}");
    cJSON_free(s);
    return out;
}

/* One query, every page. */
static int get_products(pricing_acc *a, const aws_config *c, const char *url, aws_post *k, size_t q, const char *region,
                        size_t *products, char *err, size_t errlen)
{
    http_opts o;
    aws_http_opts(c, url, "GetProducts", &o);
    char token[4096] = "", prev[4096] = "";
    for (int page = 1;; page++) {
        if (page > PRICING_MAX_PAGES)
            return fc_err(err, errlen, "GetProducts %s: more than %d pages, giving up", queries[q].service,
                          PRICING_MAX_PAGES);
        char *body = request_body(queries[q].service, queries[q].family, queries[q].region_field, region, token);
        k->body = body;
        const char *hdrs[] = {"Accept: application/json", NULL};
        /* GetProducts only reads: repeating it is safe. */
        http_request rq = {.method = "POST", .url = url, .headers = hdrs, .body = body, .body_len = strlen(body),
                           .prepare = aws_post_sign, .prepare_ctx = k, .retry_safe = true};
        http_response r;
        char e[FC_ERRLEN];
        int rc = http_do(&rq, &o, &r, e, sizeof e);
        free(body);
        if (rc < 0) {
            http_response_free(&r);
            return fc_err(err, errlen, "Price List %s", e);
        }
        cJSON *doc = r.body.data ? cJSON_ParseWithLength(r.body.data, r.body.len) : NULL;
        if (r.status != 200) {
            const char *code = doc ? attr(doc, "__type") : NULL;
            if (code && strchr(code, '#')) code = strchr(code, '#') + 1;
            fc_err(err, errlen, "Price List GetProducts %s: %s%sHTTP %ld from %s%s%s (after %d attempt%s)%s",
                   queries[q].service, code ? code : "", code ? ", " : "", r.status, url,
                   r.request_id[0] ? ", request id " : "", r.request_id, r.attempts, r.attempts == 1 ? "" : "s",
                   aws_error_hint("pricing", code ? code : ""));
            cJSON_Delete(doc);
            http_response_free(&r);
            return -1;
        }
        const cJSON *pl = doc ? cJSON_GetObjectItemCaseSensitive(doc, "PriceList") : NULL;
        if (!cJSON_IsArray(pl)) {
            cJSON_Delete(doc);
            http_response_free(&r);
            return fc_err(err, errlen, "Price List GetProducts %s: the response from %s has no PriceList",
                          queries[q].service, url);
        }
        const cJSON *item;
        size_t n = 0;
        cJSON_ArrayForEach(item, pl)
        {
            if (!cJSON_IsString(item) || pricing_acc_add(a, item->valuestring, e, sizeof e) < 0) {
                cJSON_Delete(doc);
                http_response_free(&r);
                return fc_err(err, errlen, "Price List GetProducts %s: page %d: a PriceList entry is not a JSON string",
                              queries[q].service, page);
            }
            n++;
        }
        *products += n;
        snprintf(prev, sizeof prev, "%s", token);
        const char *next = attr(doc, "NextToken");
        snprintf(token, sizeof token, "%s", next ? next : "");
        cJSON_Delete(doc);
        http_response_free(&r);
        if (c->verbose)
            fprintf(stderr, "flowcost: GetProducts %s%s%s page %d: %zu products%s\n", queries[q].service,
                    region ? " " : "", region ? region : "", page, n, token[0] ? " (more)" : "");
        if (!token[0]) return 0;
        if (strcmp(token, prev) == 0)
            return fc_err(err, errlen, "Price List GetProducts returned the same NextToken twice");
    }
}

int pricing_fetch(pricing_acc *a, const aws_config *c, char *err, size_t errlen)
{
    char url[600];
    const char *env = getenv("AWS_ENDPOINT_URL_PRICING");
    /* aws_endpoint's default would be pricing.us-east-1 (the bulk offer
     * files); the Query API lives at api.pricing.us-east-1. */
    if (c->endpoint_url[0] || (env && *env)) {
        if (aws_endpoint(c, "pricing", url, sizeof url - 1, err, errlen) < 0) return -1;
    } else {
        snprintf(url, sizeof url, "%s", PRICING_DEFAULT_URL);
    }
    aws_post k;
    if (aws_post_init(&k, c, url, "pricing", "AWSPriceListService.GetProducts", err, errlen) < 0) return -1;
    k.region = PRICING_REGION;
    if (!strchr(strstr(url, "://") + 3, '/')) strcat(url, "/");
    size_t products = 0;
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        if (!a->n_want) {
            if (get_products(a, c, url, &k, q, NULL, &products, err, errlen) < 0) return -1;
            continue;
        }
        for (size_t i = 0; i < a->n_want; i++)
            if (get_products(a, c, url, &k, q, a->want[i], &products, err, errlen) < 0) return -1;
    }
    if (c->verbose) fprintf(stderr, "flowcost: Price List: %zu products read\n", products);
    return 0;
}
