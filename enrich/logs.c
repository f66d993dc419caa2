/* logs: see logs.h. */
#include "logs.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowlogs.h"
#include "http.h"
#include "s3.h"
#include "sigv4.h"

#define LOGS_TARGET "Logs_20140328.FilterLogEvents"
#define LOGS_MAX_PAGES 1000000 /* a loop guard; FilterLogEvents pages hold up to 10,000 events */

bool logs_is_url(const char *s)
{
    return strncmp(s, "cwl://", 6) == 0;
}

/* Stream names AWS gives flow logs: the last URL segment starting so is a prefix. */
static const char *const stream_starts[] = {"eni-", "tgw-attach-"};

int logs_parse_url(const char *url, char **group, char **prefix, char *err, size_t errlen)
{
    *group = *prefix = NULL;
    if (!logs_is_url(url)) return fc_err(err, errlen, "'%s' is not a cwl:// URL", url);
    const char *g = url + 6, *slash = strrchr(g, '/');
    size_t gl = strlen(g);
    if (slash && slash > g) {
        for (size_t i = 0; i < sizeof stream_starts / sizeof *stream_starts; i++)
            if (strncmp(slash + 1, stream_starts[i], strlen(stream_starts[i])) == 0) {
                gl = (size_t)(slash - g);
                *prefix = xstrdup(slash + 1);
                break;
            }
    }
    if (gl == 0 || gl > 512) {
        free(*prefix);
        *prefix = NULL;
        return fc_err(err, errlen, "'%s': a log group name of 1 to 512 characters is needed after cwl://", url);
    }
    *group = xmalloc(gl + 1);
    memcpy(*group, g, gl);
    (*group)[gl] = '\0';
    if (!*prefix) *prefix = xstrdup("");
    return 0;
}

char *logs_request_body(const char *group, const char *prefix, int64_t since, int64_t until, const char *token)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "logGroupName", group);
    if (prefix && *prefix) cJSON_AddStringToObject(o, "logStreamNamePrefix", prefix);
    /* milliseconds; endTime is inclusive, --until is not */
    if (since) cJSON_AddNumberToObject(o, "startTime", (double)since * 1000.0);
    if (until) cJSON_AddNumberToObject(o, "endTime", (double)until * 1000.0 - 1.0);
    if (token) cJSON_AddStringToObject(o, "nextToken", token);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    char *r = xstrdup(s);
    cJSON_free(s);
    return r;
}

int logs_parse_page(const char *json, size_t len, dbuf *lines, char **next, size_t *n_events, char *err,
                    size_t errlen)
{
    *next = NULL;
    if (n_events) *n_events = 0;
    cJSON *o = cJSON_ParseWithLength(json, len);
    if (!o || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return fc_err(err, errlen, "malformed JSON");
    }
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "events");
    if (ev && !cJSON_IsArray(ev)) {
        cJSON_Delete(o);
        return fc_err(err, errlen, "'events' is not an array");
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, ev)
    {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
        if (!cJSON_IsString(m)) continue;
        size_t ml = strlen(m->valuestring);
        while (ml && (m->valuestring[ml - 1] == '\n' || m->valuestring[ml - 1] == '\r')) ml--;
        dbuf_append(lines, m->valuestring, ml);
        dbuf_append(lines, "\n", 1);
        if (n_events) (*n_events)++;
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "nextToken");
    if (cJSON_IsString(t) && t->valuestring[0]) *next = xstrdup(t->valuestring);
    cJSON_Delete(o);
    return 0;
}

/* ---- the calls ---- */

/* The reader ingest_stream pulls: one page of messages at a time. */
typedef struct logs_reader {
    const char *url;           /* the cwl:// input, for messages */
    char *group, *prefix;
    int64_t since, until;
    aws_post k;
    http_opts ho;
    char endpoint[600];
    dbuf lines;
    size_t pos;
    char *token;
    bool done;
    int pages;
    size_t events;
    char err[FC_ERRLEN];
} logs_reader;

/* The "__type" of a JSON 1.1 error ("com.amazonaws.logs#ResourceNotFoundException" → the part after '#'). */
static void json_error(const char *body, size_t len, char *code, size_t cn, char *msg, size_t mn)
{
    code[0] = msg[0] = '\0';
    cJSON *o = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "__type");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "message");
    if (!m) m = cJSON_GetObjectItemCaseSensitive(o, "Message");
    if (cJSON_IsString(t)) {
        const char *h = strrchr(t->valuestring, '#');
        snprintf(code, cn, "%s", h ? h + 1 : t->valuestring);
    }
    if (cJSON_IsString(m)) snprintf(msg, mn, "%s", m->valuestring);
    cJSON_Delete(o);
    if (!code[0] && body) { /* an XML error (a front end's, or moto's signature check) */
        char reqid[8];
        s3_parse_error(body, len, code, cn, msg, mn, reqid, sizeof reqid);
    }
}

static int fetch_page(logs_reader *r)
{
    if (++r->pages > LOGS_MAX_PAGES) {
        fc_err(r->err, sizeof r->err, "FilterLogEvents: more than %d pages, giving up", LOGS_MAX_PAGES);
        return -1;
    }
    char *body = logs_request_body(r->group, r->prefix, r->since, r->until, r->token);
    r->k.body = body;
    const char *hdrs[] = {"Accept: application/json", NULL};
    http_request rq = {.method = "POST", .url = r->endpoint, .headers = hdrs, .body = body, .body_len = strlen(body),
                       .prepare = aws_post_sign, .prepare_ctx = &r->k, .retry_safe = true};
    http_response resp;
    char e[FC_ERRLEN];
    int rc = http_do(&rq, &r->ho, &resp, e, sizeof e);
    free(body);
    if (rc < 0) {
        fc_err(r->err, sizeof r->err, "FilterLogEvents: %s", e);
        http_response_free(&resp);
        return -1;
    }
    if (resp.status != 200) {
        char code[128], msg[512];
        json_error(resp.body.data, resp.body.len, code, sizeof code, msg, sizeof msg);
        char after[48] = "";
        if (resp.attempts > 1) snprintf(after, sizeof after, " (after %d attempts)", resp.attempts);
        if (code[0])
            fc_err(r->err, sizeof r->err, "FilterLogEvents: %s: %s%s%s", code, msg, after, aws_error_hint("logs", code));
        else
            fc_err(r->err, sizeof r->err, "FilterLogEvents: HTTP %ld from %s%s", resp.status, r->endpoint, after);
        http_response_free(&resp);
        return -1;
    }
    char *next = NULL;
    size_t n = 0;
    dbuf_reset(&r->lines);
    r->pos = 0;
    rc = logs_parse_page(resp.body.data ? resp.body.data : "", resp.body.len, &r->lines, &next, &n, e, sizeof e);
    http_response_free(&resp);
    if (rc < 0) {
        fc_err(r->err, sizeof r->err, "FilterLogEvents: %s in the response from %s", e, r->endpoint);
        return -1;
    }
    r->events += n;
    if (r->k.c->verbose)
        fprintf(stderr, "flowcost: %s: FilterLogEvents page %d: %zu events%s\n", r->url, r->pages, n,
                next ? " (more)" : "");
    if (next && r->token && strcmp(next, r->token) == 0 && n == 0) {
        /* the API may hand back a token with an empty page while it
         * searches; the same token twice with nothing is the end */
        free(next);
        next = NULL;
    }
    free(r->token);
    r->token = next;
    if (!next) r->done = true;
    return 0;
}

static ssize_t logs_read(void *ctx, void *buf, size_t n)
{
    logs_reader *r = ctx;
    while (r->pos == r->lines.len) {
        if (r->done) return 0;
        if (fetch_page(r) < 0) return -1;
    }
    size_t k = r->lines.len - r->pos;
    if (k > n) k = n;
    memcpy(buf, r->lines.data + r->pos, k);
    r->pos += k;
    return (ssize_t)k;
}

/* Host header and path as curl sends them (both are signed). */
static void warn(const ingest_opts *o, const char *msg)
{
    if (o->warn) o->warn(o->warn_ctx, msg);
    else fprintf(stderr, "flowcost: warning: %s\n", msg);
}

/* The field order of the group's events: the LogFormat of the flow logs
 * that deliver to it (*fmt malloc'd; NULL when none says, and the default
 * format applies). A denied or failed DescribeFlowLogs is a warning (the
 * events are still read, in the default order); flow logs of different
 * formats in one group are an error, since no one order reads them all. */
static int group_format(const aws_config *c, const char *url, const char *group, const ingest_opts *o, char **fmt,
                        char *err, size_t errlen)
{
    *fmt = NULL;
    fl_desc *d;
    size_t n;
    char e[FC_ERRLEN], msg[FC_ERRLEN + 256];
    if (flowlogs_describe_group(c, group, &d, &n, e, sizeof e) < 0) {
        snprintf(msg, sizeof msg, "%s: cannot read the flow log's LogFormat (%s); reading the events in the default "
                 "format (give --fields)", url, e);
        warn(o, msg);
        return 0;
    }
    const fl_desc *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!d[i].format[0]) continue;
        if (first && strcmp(first->format, d[i].format) != 0) {
            fc_err(err, errlen, "%s: flow logs %s and %s write different formats into this log group; give --fields",
                   url, first->id, d[i].id);
            free(d);
            return -1;
        }
        if (!first) first = &d[i];
    }
    if (first) {
        *fmt = xstrdup(first->format);
        if (c->verbose) fprintf(stderr, "flowcost: %s: fields from the LogFormat of flow log %s\n", url, first->id);
    }
    free(d);
    return 0;
}

int logs_ingest(agg *a, const char *url, const aws_config *c, const ingest_opts *o, char *err, size_t errlen)
{
    logs_reader r;
    memset(&r, 0, sizeof r);
    r.url = url;
    if (logs_parse_url(url, &r.group, &r.prefix, err, errlen) < 0) return -1;
    r.since = o->since;
    r.until = o->until;
    int rc = -1;
    if (aws_endpoint(c, "logs", r.endpoint, sizeof r.endpoint - 1, err, errlen) < 0) goto out;
    if (aws_post_init(&r.k, c, r.endpoint, "logs", LOGS_TARGET, err, errlen) < 0) goto out;
    if (!strchr(strstr(r.endpoint, "://") + 3, '/')) strcat(r.endpoint, "/");
    aws_http_opts(c, r.endpoint, "FilterLogEvents", &r.ho);
    /* no header line in the events: --fields, else the flow log's own
     * LogFormat, else the default */
    ingest_opts oo = *o;
    char *fmt = NULL;
    if (!o->fields) {
        if (group_format(c, url, r.group, o, &fmt, err, errlen) < 0) goto out;
        oo.fields = fmt;
        oo.fields_from_aws = fmt != NULL;
    }
    dbuf_init(&r.lines, 0);
    rc = ingest_stream(a, url, logs_read, &r, &oo, err, errlen);
    free(fmt);
    if (rc < 0 && r.err[0]) fc_err(err, errlen, "%s: %s", url, r.err);
    dbuf_free(&r.lines);
out:
    free(r.group);
    free(r.prefix);
    free(r.token);
    return rc;
}

int logs_newest_event(const aws_config *c, const char *group, int64_t *ms, char *stream, size_t streamlen, char *err,
                      size_t errlen)
{
    *ms = -1;
    stream[0] = '\0';
    char endpoint[600];
    aws_post k;
    http_opts ho;
    if (aws_endpoint(c, "logs", endpoint, sizeof endpoint - 1, err, errlen) < 0) return -1;
    if (aws_post_init(&k, c, endpoint, "logs", "Logs_20140328.DescribeLogStreams", err, errlen) < 0) return -1;
    if (!strchr(strstr(endpoint, "://") + 3, '/')) strcat(endpoint, "/");
    aws_http_opts(c, endpoint, "DescribeLogStreams", &ho);
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "logGroupName", group);
    cJSON_AddStringToObject(q, "orderBy", "LastEventTime");
    cJSON_AddBoolToObject(q, "descending", 1);
    cJSON_AddNumberToObject(q, "limit", 1);
    char *body = cJSON_PrintUnformatted(q);
    cJSON_Delete(q);
    k.body = body;
    const char *hdrs[] = {"Accept: application/json", NULL};
    http_request rq = {.method = "POST", .url = endpoint, .headers = hdrs, .body = body, .body_len = strlen(body),
                       .prepare = aws_post_sign, .prepare_ctx = &k, .retry_safe = true};
    http_response resp;
    char e[FC_ERRLEN];
    int rc = http_do(&rq, &ho, &resp, e, sizeof e);
    free(body);
    if (rc == 0 && resp.status != 200) {
        char code[128], msg[512];
        json_error(resp.body.data, resp.body.len, code, sizeof code, msg, sizeof msg);
        rc = code[0] ? fc_err(e, sizeof e, "%s: %s", code, msg) : fc_err(e, sizeof e, "HTTP %ld", resp.status);
    }
    cJSON *o = rc == 0 && resp.body.data ? cJSON_ParseWithLength(resp.body.data, resp.body.len) : NULL;
    if (rc == 0 && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "logStreams")))
        rc = fc_err(e, sizeof e, "not a DescribeLogStreams response");
    const cJSON *s0 = rc == 0 ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "logStreams"), 0) : NULL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(s0, "lastEventTimestamp");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(s0, "logStreamName");
    if (cJSON_IsNumber(t) && t->valuedouble > 0) *ms = (int64_t)t->valuedouble;
    if (cJSON_IsString(n)) snprintf(stream, streamlen, "%s", n->valuestring);
    cJSON_Delete(o);
    http_response_free(&resp);
    return rc < 0 ? fc_err(err, errlen, "CloudWatch Logs DescribeLogStreams: %s", e) : 0;
}
