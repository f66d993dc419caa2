/* flowlogs: DescribeFlowLogs (see flowlogs.h). The request is signed per
 * attempt like ec2.c's calls (whose signing helpers are private to it). */
#include "flowlogs.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "s3.h"
#include "sigv4.h"
#include "util.h"
#include "xml.h"

#define EC2_API_VERSION "2016-11-15"
#define FL_MAX_PAGES 1000

int flowlogs_parse_xml(const char *xml, size_t len, fl_desc **out, size_t *n, char *next, size_t nextlen,
                       char *err, size_t errlen)
{
    xml_doc *d;
    if (xml_parse(xml, len, "DescribeFlowLogs response", &d, err, errlen) < 0) return -1;
    const xml_node *root = xml_root(d);
    char code[128], msg[512], rid[128];
    if (xml_aws_error(root, code, sizeof code, msg, sizeof msg, rid, sizeof rid)) {
        fc_err(err, errlen, "%s: %s", code, msg);
        xml_free(d);
        return -1;
    }
    if (next) xml_text(root, "nextToken", next, nextlen);
    for (const xml_node *it = xml_child(xml_child(root, "flowLogSet"), "item"); it; it = xml_next(it, "item")) {
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        fl_desc *f = &(*out)[(*n)++];
        memset(f, 0, sizeof *f);
        static const struct {
            const char *tag;
            size_t off, len;
        } fields[] = {
#define FLD(tag, m) {tag, offsetof(fl_desc, m), sizeof(((fl_desc *)0)->m)}
            FLD("flowLogId", id),
            FLD("resourceId", resource),
            FLD("logDestinationType", dest_type),
            FLD("logDestination", destination),
            FLD("logGroupName", log_group),
            FLD("logFormat", format),
            FLD("flowLogStatus", status),
            FLD("deliverLogsStatus", deliver_status),
            FLD("deliverLogsErrorMessage", deliver_error),
            FLD("creationTime", created),
#undef FLD
        };
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
            xml_text(it, fields[i].tag, (char *)f + fields[i].off, fields[i].len);
        if (!f->format[0]) snprintf(f->format, sizeof f->format, "%s", FL_DEFAULT_FORMAT);
        char v[32] = "";
        xml_text(it, "maxAggregationInterval", v, sizeof v);
        f->max_aggregation = strtol(v, NULL, 10);
        const xml_node *o = xml_child(it, "destinationOptions");
        if (o) {
            xml_text(o, "fileFormat", f->file_format, sizeof f->file_format);
            xml_text(o, "hiveCompatiblePartitions", v, sizeof v);
            f->hive = !strcmp(v, "true");
            v[0] = '\0';
            xml_text(o, "perHourPartition", v, sizeof v);
            f->per_hour = !strcmp(v, "true");
        }
    }
    xml_free(d);
    return 0;
}

/* One signed Query API POST; the response (any status) in *r. */
static int ec2_post(const aws_config *c, const char *label, const char *body, http_response *r, char *err,
                    size_t errlen)
{
    char url[600];
    if (aws_endpoint(c, "ec2", url, sizeof url - 1, err, errlen) < 0) return -1;
    aws_post k;
    if (aws_post_init(&k, c, url, "ec2", NULL, err, errlen) < 0) return -1;
    k.body = body;
    if (!strpbrk(strstr(url, "://") + 3, "/?#")) strcat(url, "/");
    http_opts o;
    aws_http_opts(c, url, label, &o);
    const char *hdrs[] = {"Accept: text/xml", NULL};
    /* Describe is a read; CreateFlowLogs carries a ClientToken */
    http_request rq = {.method = "POST", .url = url, .headers = hdrs, .body = body, .body_len = strlen(body),
                       .prepare = aws_post_sign, .prepare_ctx = &k, .retry_safe = true};
    return http_do(&rq, &o, r, err, errlen);
}

/* DescribeFlowLogs with one selector: `key` (a form key up to its '=')
 * set to value, or none when value is NULL. */
static int describe(const aws_config *c, const char *key, const char *value, fl_desc **out, size_t *n, char *err,
                    size_t errlen)
{
    *out = NULL;
    *n = 0;
    char token[4096] = "";
    for (int page = 1; page <= FL_MAX_PAGES; page++) {
        dbuf body;
        dbuf_init(&body, 0);
        dbuf_printf(&body, "Action=DescribeFlowLogs&Version=%s", EC2_API_VERSION);
        if (value) {
            dbuf_printf(&body, "&%s", key);
            sigv4_uri_encode(&body, value, strlen(value), false);
        }
        if (token[0]) {
            dbuf_puts(&body, "&NextToken=");
            sigv4_uri_encode(&body, token, strlen(token), false);
        }
        http_response r;
        char e[FC_ERRLEN];
        int rc = ec2_post(c, "DescribeFlowLogs", body.data, &r, e, sizeof e);
        dbuf_free(&body);
        if (rc == 0) {
            char prev[4096];
            snprintf(prev, sizeof prev, "%s", token);
            token[0] = '\0';
            rc = flowlogs_parse_xml(r.body.data ? r.body.data : "", r.body.len, out, n, token, sizeof token, e,
                                    sizeof e);
            if (rc == 0 && r.status != 200) rc = fc_err(e, sizeof e, "HTTP %ld", r.status);
            if (rc == 0 && token[0] && !strcmp(token, prev)) rc = fc_err(e, sizeof e, "the same NextToken twice");
        }
        http_response_free(&r);
        if (rc < 0) {
            free(*out);
            *out = NULL;
            *n = 0;
            return fc_err(err, errlen, "EC2 DescribeFlowLogs: %s", e);
        }
        if (!token[0]) return 0;
    }
    return fc_err(err, errlen, "EC2 DescribeFlowLogs: more than %d pages, giving up", FL_MAX_PAGES);
}

int flowlogs_describe(const aws_config *c, const char *id, fl_desc **out, size_t *n, char *err, size_t errlen)
{
    return describe(c, "FlowLogId.1=", id, out, n, err, errlen);
}

int flowlogs_describe_group(const aws_config *c, const char *group, fl_desc **out, size_t *n, char *err,
                            size_t errlen)
{
    return describe(c, "Filter.1.Name=log-group-name&Filter.1.Value.1=", group, out, n, err, errlen);
}

static const struct {
    const char *prefix, *type;
} resource_types[] = {{"vpc-", "VPC"}, {"subnet-", "Subnet"}, {"eni-", "NetworkInterface"}};

int flowlogs_create_body(const fl_create *q, dbuf *body, char *err, size_t errlen)
{
    const char *type = NULL;
    for (size_t i = 0; i < q->n_resources; i++) {
        const char *t = NULL;
        for (size_t k = 0; k < sizeof resource_types / sizeof *resource_types; k++)
            if (!strncmp(q->resources[i], resource_types[k].prefix, strlen(resource_types[k].prefix)))
                t = resource_types[k].type;
        if (!t) return fc_err(err, errlen, "'%s' is not a vpc-, subnet- or eni- id", q->resources[i]);
        if (type && strcmp(type, t) != 0)
            return fc_err(err, errlen, "one CreateFlowLogs call takes one kind of resource; '%s' is not a %s", q->resources[i], type);
        type = t;
    }
    if (!type) return fc_err(err, errlen, "no resource ids");
    if (strncmp(q->destination, "s3://", 5) != 0 || !q->destination[5])
        return fc_err(err, errlen, "the destination must be s3://BUCKET[/PREFIX], got '%s'", q->destination);
    dbuf_printf(body, "Action=CreateFlowLogs&Version=%s&ResourceType=%s", EC2_API_VERSION, type);
    for (size_t i = 0; i < q->n_resources; i++) {
        dbuf_printf(body, "&ResourceId.%zu=", i + 1);
        sigv4_uri_encode(body, q->resources[i], strlen(q->resources[i]), false);
    }
    char arn[1100];
    size_t dl = strlen(q->destination);
    while (dl > 5 && q->destination[dl - 1] == '/') dl--;
    snprintf(arn, sizeof arn, "arn:aws:s3:::%.*s", (int)(dl - 5), q->destination + 5);
    dbuf_puts(body, "&TrafficType=ALL&LogDestinationType=s3&LogDestination=");
    sigv4_uri_encode(body, arn, strlen(arn), false);
    /* spaces as '+' (form encoding): verifiers that re-encode the parsed
     * form, as moto does, then hash the same bytes */
    dbuf_puts(body, "&LogFormat=");
    dbuf fmt;
    dbuf_init(&fmt, 0);
    sigv4_uri_encode(&fmt, FL_RECOMMENDED_FORMAT, strlen(FL_RECOMMENDED_FORMAT), false);
    for (size_t i = 0; i < fmt.len; i++) {
        if (i + 2 < fmt.len && !memcmp(fmt.data + i, "%20", 3)) {
            dbuf_puts(body, "+");
            i += 2;
        } else {
            dbuf_append(body, fmt.data + i, 1);
        }
    }
    dbuf_free(&fmt);
    dbuf_printf(body, "&MaxAggregationInterval=600&DestinationOptions.FileFormat=%s"
                      "&DestinationOptions.HiveCompatiblePartitions=%s&DestinationOptions.PerHourPartition=%s",
                q->parquet ? "parquet" : "plain-text", q->hive ? "true" : "false", q->per_hour ? "true" : "false");
    if (q->client_token) {
        dbuf_puts(body, "&ClientToken=");
        sigv4_uri_encode(body, q->client_token, strlen(q->client_token), false);
    }
    if (q->dry_run) dbuf_puts(body, "&DryRun=true");
    return 0;
}

int flowlogs_create(const aws_config *c, const fl_create *q, dbuf *ids, char *err, size_t errlen)
{
    dbuf body;
    dbuf_init(&body, 0);
    if (flowlogs_create_body(q, &body, err, errlen) < 0) {
        dbuf_free(&body);
        return -1;
    }
    http_response r;
    char e[FC_ERRLEN];
    int rc = ec2_post(c, "CreateFlowLogs", body.data, &r, e, sizeof e);
    dbuf_free(&body);
    if (rc < 0) {
        http_response_free(&r);
        return fc_err(err, errlen, "EC2 CreateFlowLogs: %s", e);
    }
    xml_doc *d = NULL;
    rc = xml_parse(r.body.data ? r.body.data : "", r.body.len, "CreateFlowLogs response", &d, e, sizeof e);
    if (rc < 0) {
        http_response_free(&r);
        return fc_err(err, errlen, "EC2 CreateFlowLogs: %s", e);
    }
    const xml_node *root = xml_root(d);
    char code[128], msg[512], rid[128];
    if (xml_aws_error(root, code, sizeof code, msg, sizeof msg, rid, sizeof rid)) {
        /* DryRun: EC2 answers with an error that says it would have worked */
        if (q->dry_run && !strcmp(code, "DryRunOperation")) rc = 0;
        else rc = fc_err(err, errlen, "EC2 CreateFlowLogs: %s: %s", code, msg);
    } else if (r.status != 200) {
        rc = fc_err(err, errlen, "EC2 CreateFlowLogs: HTTP %ld", r.status);
    } else {
        for (const xml_node *it = xml_child(xml_child(root, "flowLogIdSet"), "item"); it; it = xml_next(it, "item")) {
            char id[64];
            if (xml_text(it, NULL, id, sizeof id)) dbuf_printf(ids, "%s%s", ids->len ? " " : "", id);
        }
        for (const xml_node *it = xml_child(xml_child(root, "unsuccessful"), "item"); it && rc == 0;
             it = xml_next(it, "item")) {
            char res[128] = "", m[512] = "";
            xml_text(it, "resourceId", res, sizeof res);
            xml_text(xml_child(it, "error"), "message", m, sizeof m);
            rc = fc_err(err, errlen, "EC2 CreateFlowLogs: %s: %s", res, m);
        }
    }
    xml_free(d);
    http_response_free(&r);
    return rc;
}

/* ---------- the newest delivery (flowlogs check) ---------- */

#define FL_MAX_LISTINGS 64

int64_t flowlogs_key_time(const char *key, const char *id)
{
    /* <account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz
     * (Parquet: .parquet): the time is the end of the file's 5 minutes */
    const char *base = strrchr(key, '/');
    base = base ? base + 1 : key;
    size_t il = strlen(id);
    const char *p = base;
    while ((p = strstr(p, id)) && !(p > base && p[-1] == '_' && p[il] == '_')) p++;
    if (!p) return -1;
    const char *t = p + il + 1;
    for (int i = 0; i < 14; i++)
        if (i == 8 ? t[i] != 'T' : i == 13 ? t[i] != 'Z' : (t[i] < '0' || t[i] > '9')) return -1;
    char iso[32];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2sZ", t, t + 4, t + 6, t + 9, t + 11);
    int64_t v;
    return fc_parse_time(iso, &v) == 0 ? v : -1;
}

typedef struct newest {
    const aws_config *c;
    const char *bucket, *id;
    fl_newest *out;
    int listings;
    char *err;
    size_t errlen;
} newest;

static int desc_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* 1 when a file of the flow log is under prefix (out updated), 0 when
 * none, -1 on error. Above the dates every branch is searched (accounts,
 * plain and Hive layouts, regions); from the region down the children are
 * dates, so the greatest one holding a file of this flow log is the newest. */
static int descend(newest *N, const char *prefix)
{
    if (++N->listings > FL_MAX_LISTINGS)
        return fc_err(N->err, N->errlen, "s3://%s/%s: more than %d listings, giving up", N->bucket, prefix,
                      FL_MAX_LISTINGS);
    char **keys, **pfx;
    size_t nk, np;
    if (s3_list_level(N->c, N->bucket, prefix, &keys, &nk, &pfx, &np, N->err, N->errlen) < 0) return -1;
    int found = 0;
    for (size_t i = 0; i < nk; i++) {
        int64_t t = flowlogs_key_time(keys[i], N->id);
        if (t < 0 || (N->out->found && t <= N->out->end)) continue;
        N->out->found = true;
        N->out->end = t;
        snprintf(N->out->url, sizeof N->out->url, "s3://%s/%s", N->bucket, keys[i]);
        found = 1;
    }
    s3_level lvl = s3_classify_prefix(prefix);
    bool dated = lvl == S3_LVL_DAYS || lvl == S3_LVL_FULL;
    if (np) qsort(pfx, np, sizeof *pfx, desc_cmp);
    int rc = 0;
    for (size_t i = 0; i < np && rc >= 0; i++) {
        /* other services share AWSLogs/<account>/ */
        if (lvl == S3_LVL_SERVICES && s3_classify_prefix(pfx[i]) != S3_LVL_REGIONS) continue;
        rc = descend(N, pfx[i]);
        if (rc > 0) found = 1;
        if (rc > 0 && dated) break;
    }
    free_list(keys, nk);
    free_list(pfx, np);
    return rc < 0 ? -1 : found;
}

int flowlogs_newest_object(const aws_config *c, const fl_desc *d, fl_newest *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *arn = d->destination;
    if (strncmp(arn, "arn:", 4) != 0 || !strstr(arn, ":s3:::"))
        return fc_err(err, errlen, "'%s' is not an S3 bucket ARN", arn);
    const char *b = strstr(arn, ":s3:::") + 6;
    const char *slash = strchr(b, '/');
    char bucket[256], prefix[1100];
    snprintf(bucket, sizeof bucket, "%.*s", (int)(slash ? (size_t)(slash - b) : strlen(b)), b);
    const char *p = slash ? slash + 1 : "";
    size_t pl = strlen(p);
    while (pl && p[pl - 1] == '/') pl--;
    snprintf(prefix, sizeof prefix, "%.*s%sAWSLogs/", (int)pl, p, pl ? "/" : "");
    snprintf(out->searched, sizeof out->searched, "s3://%s/%s", bucket, prefix);
    newest N = {.c = c, .bucket = bucket, .id = d->id, .out = out, .err = err, .errlen = errlen};
    return descend(&N, prefix) < 0 ? -1 : 0;
}

/* ---------- delivery cost (flowlogs create) ---------- */

/* CloudWatch "Vended Logs" per GB delivered in a month, us-east-1, tiered
 * on the month's volume; Parquet conversion on top for S3 (docs/pricing.md,
 * docs/flowlogs.md give the sources). GB = 2^30 bytes, TB = 1,024 GB. */
static const struct {
    double upto_gb, s3, cwl;
} vended[] = {
    {10240, 0.25, 0.50},
    {30720, 0.15, 0.25},
    {51200, 0.075, 0.10},
    {0, 0.05, 0.05}, /* over 50 TB */
};

double flowlogs_delivery_usd(double gb, bool to_s3, bool parquet)
{
    double usd = 0, from = 0;
    for (size_t i = 0; i < sizeof vended / sizeof *vended && gb > from; i++) {
        double to = vended[i].upto_gb > 0 && vended[i].upto_gb < gb ? vended[i].upto_gb : gb;
        usd += (to - from) * (to_s3 ? vended[i].s3 : vended[i].cwl);
        from = to;
    }
    return usd + (to_s3 && parquet ? gb * FL_PARQUET_PER_GB : 0);
}
