/* rates_json: the price table as JSON, both ways. `flowcost rates` prints
 * the effective table and `--rates FILE` reads the same shape back, so a
 * user can save the output, edit one figure and feed it in. Overrides are
 * partial (only the keys given change); anything we do not understand is an
 * error naming the file, because a mistyped key silently ignored would
 * leave a wrong price in every figure. */
#include "rates_json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "util.h"

#define FALLBACK_REGION "us-east-1"

/* Region names go into JSON keys and messages unescaped, so they are held
 * to AWS's own alphabet. */
static bool region_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof ((region_rates *)0)->region) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) return false;
    return true;
}

static int field_index(const char *key)
{
    for (size_t f = 0; f < rates_n_fields; f++)
        if (strcmp(rates_fields[f].key, key) == 0) return (int)f;
    return -1;
}

/* Per destination: regions.FROM.inter_region_per_gb_to.TO, which a reader
 * that predates pairs never sees in a file of its own (backward
 * compatible: every older file still loads unchanged). */
#define PAIRS_KEY "inter_region_per_gb_to"

static int load_pairs(rate_table *t, const char *from, const cJSON *obj, const char *path, char *err, size_t errlen)
{
    if (!cJSON_IsObject(obj))
        return fc_err(err, errlen, "%s: regions.%s.%s must be an object of destination region to USD/GB", path, from,
                      PAIRS_KEY);
    const cJSON *v;
    cJSON_ArrayForEach(v, obj)
    {
        if (!region_name_ok(v->string))
            return fc_err(err, errlen, "%s: invalid region name in regions.%s.%s", path, from, PAIRS_KEY);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
            return fc_err(err, errlen, "%s: regions.%s.%s.%s must be a number >= 0 (USD)", path, from, PAIRS_KEY,
                          v->string);
        rates_set_pair(t, from, v->string, v->valuedouble);
    }
    return 0;
}

static int load_region(rate_table *t, const cJSON *obj, const char *path, char *err, size_t errlen)
{
    const char *name = obj->string;
    if (!region_name_ok(name))
        return fc_err(err, errlen, "%s: invalid region name in \"regions\" (expected e.g. \"eu-west-1\")", path);
    if (!cJSON_IsObject(obj))
        return fc_err(err, errlen, "%s: regions.%s must be an object of rates", path, name);
    /* Partial override: start from what the region costs now (a new region
     * starts from the fallback region's rates). */
    region_rates r = *rates_for(t, name, NULL);
    memset(r.region, 0, sizeof r.region);
    memcpy(r.region, name, strlen(name));
    const cJSON *v;
    cJSON_ArrayForEach(v, obj)
    {
        if (strcmp(v->string, PAIRS_KEY) == 0) {
            if (load_pairs(t, name, v, path, err, errlen) < 0) return -1;
            continue;
        }
        int f = field_index(v->string);
        if (f < 0) {
            dbuf keys;
            dbuf_init(&keys, 0);
            for (size_t k = 0; k < rates_n_fields; k++)
                dbuf_printf(&keys, "%s%s", k ? ", " : "", rates_fields[k].key);
            fc_err(err, errlen, "%s: unknown key regions.%s.%.64s (expected one of %s)", path, name,
                   v->string, keys.data);
            dbuf_free(&keys);
            return -1;
        }
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
            return fc_err(err, errlen, "%s: regions.%s.%s must be a number >= 0 (USD)", path, name,
                          v->string);
        rates_put(&r, (size_t)f, v->valuedouble);
    }
    rates_set(t, &r);
    return 0;
}

int rates_load_json(rate_table *t, const char *path, char *err, size_t errlen)
{
    char *text;
    size_t len;
    char e[FC_ERRLEN];
    if (fc_read_file(path, &text, &len, e, sizeof e) < 0)
        return fc_err(err, errlen, "cannot read rates file: %s", e);
    int rc = rates_parse_json(t, text, len, path, err, errlen);
    free(text);
    return rc;
}

int rates_parse_json(rate_table *t, const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    cJSON *root = jsondoc_parse(text, len, path, "invalid JSON in rates file", err, errlen);
    if (!root) return -1;
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = fc_err(err, errlen, "%s: a rates file is a JSON object with \"regions\" (see 'flowcost rates')", path);
        goto out;
    }
    /* Validate everything before changing the table, so a bad file leaves
     * no half-applied overrides behind. */
    const cJSON *regions = NULL, *it;
    cJSON_ArrayForEach(it, root)
    {
        const char *k = it->string;
        if (strcmp(k, "regions") == 0) {
            if (!cJSON_IsObject(it)) {
                rc = fc_err(err, errlen, "%s: \"regions\" must be an object keyed by region", path);
                goto out;
            }
            regions = it;
        } else if (strcmp(k, "source") == 0 || strcmp(k, "region") == 0 ||
                   strcmp(k, "fallback_region") == 0) {
            if (!cJSON_IsString(it) && !cJSON_IsNull(it)) {
                rc = fc_err(err, errlen, "%s: \"%s\" must be a string", path, k);
                goto out;
            }
        } else if (strcmp(k, "fallback") == 0) {
            if (!cJSON_IsBool(it)) {
                rc = fc_err(err, errlen, "%s: \"fallback\" must be true or false", path);
                goto out;
            }
        } else if (strcmp(k, "units") == 0) {
            if (!cJSON_IsObject(it)) {
                rc = fc_err(err, errlen, "%s: \"units\" must be an object", path);
                goto out;
            }
        } else {
            rc = fc_err(err, errlen, "%s: unknown key \"%.64s\" (expected \"regions\")", path, k);
            goto out;
        }
    }
    if (!regions) {
        rc = fc_err(err, errlen, "%s: no \"regions\" object in rates file", path);
        goto out;
    }
    rate_table *scratch = rates_new_default();
    for (size_t i = 0; i < rates_count(t); i++) rates_set(scratch, rates_at(t, i));
    for (size_t i = 0; i < rates_pair_count(t); i++)
        rates_set_pair(scratch, rates_pair_at(t, i)->from, rates_pair_at(t, i)->to, rates_pair_at(t, i)->usd_per_gb);
    cJSON_ArrayForEach(it, regions)
    {
        if (load_region(scratch, it, path, err, errlen) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        for (size_t i = 0; i < rates_count(scratch); i++) rates_set(t, rates_at(scratch, i));
        for (size_t i = 0; i < rates_pair_count(scratch); i++)
            rates_set_pair(t, rates_pair_at(scratch, i)->from, rates_pair_at(scratch, i)->to,
                           rates_pair_at(scratch, i)->usd_per_gb);
    }
    rates_free(scratch);
    if (rc == 0) rates_set_source(t, path);
out:
    cJSON_Delete(root);
    return rc;
}

/* JSON string for a source path: cJSON's printer escapes it for us. */
static void put_string(dbuf *b, const char *s)
{
    cJSON *str = cJSON_CreateString(s ? s : "");
    char *p = cJSON_PrintUnformatted(str);
    dbuf_puts(b, p ? p : "\"\"");
    cJSON_free(p);
    cJSON_Delete(str);
}

static void put_region(dbuf *b, const rate_table *t, const char *key, const region_rates *r, bool last)
{
    dbuf_printf(b, "    \"%s\": {\n", key);
    /* This region's pairs (the table is sorted by source, then destination). */
    size_t first = rates_pair_count(t), n = 0;
    for (size_t i = 0; i < rates_pair_count(t); i++)
        if (strcmp(rates_pair_at(t, i)->from, r->region) == 0) {
            if (!n) first = i;
            n++;
        }
    for (size_t f = 0; f < rates_n_fields; f++)
        dbuf_printf(b, "      \"%s\": %.10g%s\n", rates_fields[f].key, rates_get(r, f),
                    f + 1 < rates_n_fields || n ? "," : "");
    if (n) {
        dbuf_printf(b, "      \"%s\": {\n", PAIRS_KEY);
        for (size_t i = first; i < first + n; i++)
            dbuf_printf(b, "        \"%s\": %.10g%s\n", rates_pair_at(t, i)->to, rates_pair_at(t, i)->usd_per_gb,
                        i + 1 < first + n ? "," : "");
        dbuf_puts(b, "      }\n");
    }
    dbuf_printf(b, "    }%s\n", last ? "" : ",");
}

char *rates_to_json(const rate_table *t, const char *region)
{
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_puts(&b, "{\n  \"source\": ");
    put_string(&b, rates_source(t));
    dbuf_puts(&b, ",\n");
    if (region) {
        int fb = 0;
        const region_rates *r = rates_for(t, region, &fb);
        /* An unknown region name is printed as given (it is the user's key)
         * only when it is safe as a JSON key; else as the fallback's. */
        const char *key = region_name_ok(region) ? region : r->region;
        dbuf_printf(&b, "  \"region\": \"%s\",\n  \"fallback\": %s,\n", key, fb ? "true" : "false");
        if (fb) dbuf_printf(&b, "  \"fallback_region\": \"%s\",\n", r->region);
    }
    dbuf_puts(&b, "  \"units\": {\n");
    bool pairs = rates_pair_count(t) > 0;
    for (size_t f = 0; f < rates_n_fields; f++)
        dbuf_printf(&b, "    \"%s\": \"%s\"%s\n", rates_fields[f].key, rates_fields[f].unit,
                    f + 1 < rates_n_fields || pairs ? "," : "");
    if (pairs) dbuf_printf(&b, "    \"%s\": \"USD/GB by destination region\"\n", PAIRS_KEY);
    dbuf_puts(&b, "  },\n  \"regions\": {\n");
    if (region) {
        const region_rates *r = rates_for(t, region, NULL);
        put_region(&b, t, region_name_ok(region) ? region : r->region, r, true);
    } else {
        for (size_t i = 0; i < rates_count(t); i++)
            put_region(&b, t, rates_at(t, i)->region, rates_at(t, i), i + 1 == rates_count(t));
    }
    dbuf_puts(&b, "  }\n}\n");
    return dbuf_take(&b, NULL);
}
