/* athena: the Athena JSON 1.1 API (see athena.h). */
#include "athena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "s3.h"
#include "sigv4.h"

#define RESULT_PAGE 1000 /* the API's maximum */
#define POLL_MAX_MS 5000

/* One action: the request object in, the parsed response out (caller
 * deletes). Every call here may be repeated: reads, a start with its
 * ClientRequestToken, a stop. */
static cJSON *api(const aws_config *c, const char *action, const cJSON *req, char *err, size_t errlen)
{
    char url[600];
    if (aws_endpoint(c, "athena", url, sizeof url - 1, err, errlen) < 0) return NULL;
    char target[96];
    snprintf(target, sizeof target, "AmazonAthena.%s", action);
    aws_post k;
    if (aws_post_init(&k, c, url, "athena", target, err, errlen) < 0) return NULL;
    if (!strstr(url, "://") || !strpbrk(strstr(url, "://") + 3, "/?#")) strcat(url, "/");
    char *body = cJSON_PrintUnformatted(req);
    k.body = body;
    http_opts o;
    aws_http_opts(c, url, action, &o);
    http_request rq = {.method = "POST", .url = url, .body = body, .body_len = strlen(body), .prepare = aws_post_sign,
                       .prepare_ctx = &k, .retry_safe = true};
    http_response r;
    char e[FC_ERRLEN];
    int rc = http_do(&rq, &o, &r, e, sizeof e);
    free(body);
    cJSON *j = NULL;
    if (rc < 0) {
        fc_err(err, errlen, "Athena %s", e);
    } else {
        j = cJSON_ParseWithLength(r.body.data ? r.body.data : "", r.body.len);
        if (r.status != 200) {
            const cJSON *t = j ? cJSON_GetObjectItemCaseSensitive(j, "__type") : NULL;
            const cJSON *m = j ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;
            if (!cJSON_IsString(m) && j) m = cJSON_GetObjectItemCaseSensitive(j, "Message");
            const char *code = cJSON_IsString(t) ? t->valuestring : "";
            const char *hash = strrchr(code, '#');
            fc_err(err, errlen, "Athena %s: %s%s%s (HTTP %ld%s%s, %d attempt%s)", action, hash ? hash + 1 : code,
                   cJSON_IsString(m) ? ": " : "", cJSON_IsString(m) ? m->valuestring : "", r.status,
                   r.request_id[0] ? ", request id " : "", r.request_id, r.attempts, r.attempts == 1 ? "" : "s");
            cJSON_Delete(j);
            j = NULL;
        } else if (!j) {
            fc_err(err, errlen, "Athena %s: the response is not JSON", action);
        }
    }
    http_response_free(&r);
    return j;
}

static const cJSON *path(const cJSON *j, const char *a, const char *b, const char *c)
{
    const char *names[3] = {a, b, c};
    for (int i = 0; i < 3 && names[i] && j; i++) j = cJSON_GetObjectItemCaseSensitive(j, names[i]);
    return j;
}

static void stop_query(const aws_config *c, const char *id)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "QueryExecutionId", id);
    char e[FC_ERRLEN];
    cJSON *r = api(c, "StopQueryExecution", req, e, sizeof e);
    if (!r) {
        char line[2 * FC_ERRLEN];
        snprintf(line, sizeof line, "could not stop query %s: %s", id, e);
        fc_print_line("flowcost: warning: ", line); /* e holds AWS's words */
    }
    cJSON_Delete(r);
    cJSON_Delete(req);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL); /* a signal cuts it short: the caller looks at *stop */
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the result CSV Athena writes to the output location: RFC 4180,
 * every value quoted, a NULL an empty unquoted field, a header row ---- */

typedef struct csv_reader {
    const athena_run_opts *r;
    athena_row_fn fn;
    void *ctx;
    athena_exec *ex;
    dbuf row;                /* the row's fields, each followed by a NUL */
    size_t field;            /* where the current field began in row */
    size_t *start;           /* each field's offset in row; SIZE_MAX = NULL */
    size_t n, cap;
    enum { F_START, F_PLAIN, F_QUOTED, F_QUOTE } st;
    bool header_done;
    uint64_t line;
} csv_reader;

static int check_header(const athena_run_opts *r, const char *id, const char *const *cells, size_t n, char *err,
                        size_t errlen)
{
    if (!r->header) return 0;
    bool ok = n == r->n_header;
    for (size_t k = 0; ok && k < n; k++) ok = cells[k] && !strcmp(cells[k], r->header[k]);
    if (ok) return 0;
    return fc_err(err, errlen, "query %s: the result's columns are not the query's (%zu columns, first '%s')", id, n,
                  n && cells[0] ? cells[0] : "");
}

static void csv_end_field(csv_reader *cr, bool null)
{
    if (cr->n == cr->cap) {
        cr->cap = cr->cap ? cr->cap * 2 : 32;
        cr->start = xrealloc(cr->start, cr->cap * sizeof *cr->start);
    }
    cr->start[cr->n++] = null ? SIZE_MAX : cr->field;
    dbuf_append(&cr->row, "", 1);
    cr->field = cr->row.len;
}

static int csv_end_row(csv_reader *cr, char *err, size_t errlen)
{
    cr->line++;
    const char **cells = xmalloc((cr->n ? cr->n : 1) * sizeof *cells);
    for (size_t i = 0; i < cr->n; i++) cells[i] = cr->start[i] == SIZE_MAX ? NULL : cr->row.data + cr->start[i];
    int rc = 0;
    if (!cr->header_done) {
        cr->header_done = true;
        rc = check_header(cr->r, cr->ex->id, cells, cr->n, err, errlen);
    } else {
        cr->ex->rows++;
        rc = cr->fn(cr->ctx, cells, cr->n, err, errlen);
    }
    free(cells);
    cr->row.len = cr->field = 0;
    cr->n = 0;
    return rc;
}

static int csv_chunk(void *ctx, const char *data, size_t len, char *err, size_t errlen)
{
    csv_reader *cr = ctx;
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        switch (cr->st) {
        case F_START:
        case F_PLAIN:
            if (ch == '"' && cr->st == F_START) {
                cr->st = F_QUOTED;
            } else if (ch == ',' || ch == '\n') {
                csv_end_field(cr, cr->st == F_START);
                cr->st = F_START;
                if (ch == '\n' && csv_end_row(cr, err, errlen) != 0) return -1;
            } else if (ch != '\r') {
                dbuf_append(&cr->row, &ch, 1);
                cr->st = F_PLAIN;
            }
            break;
        case F_QUOTED:
            if (ch == '"') cr->st = F_QUOTE;
            else dbuf_append(&cr->row, &ch, 1);
            break;
        case F_QUOTE: /* a quote inside quotes: doubled, or the field's end */
            if (ch == '"') {
                dbuf_append(&cr->row, &ch, 1);
                cr->st = F_QUOTED;
            } else if (ch == ',' || ch == '\n') {
                csv_end_field(cr, false);
                cr->st = F_START;
                if (ch == '\n' && csv_end_row(cr, err, errlen) != 0) return -1;
            } else if (ch != '\r') {
                return fc_err(err, errlen, "%s: line %llu: text after a closing quote", cr->ex->output,
                              (unsigned long long)cr->line + 1);
            }
            break;
        }
    }
    return 0;
}

static int read_result_csv(const aws_config *c, const athena_run_opts *r, athena_row_fn fn, void *ctx,
                           athena_exec *ex, char *err, size_t errlen)
{
    csv_reader cr = {.r = r, .fn = fn, .ctx = ctx, .ex = ex};
    dbuf_init(&cr.row, 0);
    if (c->verbose) fprintf(stderr, "flowcost: athena result of %s read from %s\n", ex->id, ex->output);
    int rc = s3_read_object(c, ex->output, csv_chunk, &cr, err, errlen);
    /* a last row without its newline */
    if (rc == 0 && (cr.n || cr.row.len || cr.st != F_START)) {
        if (cr.st == F_QUOTED) rc = fc_err(err, errlen, "%s: the last field's quote is not closed", ex->output);
        else {
            csv_end_field(&cr, cr.st == F_START);
            rc = csv_end_row(&cr, err, errlen);
        }
    }
    if (rc == 0 && !cr.header_done) rc = fc_err(err, errlen, "%s: empty, not even the header row", ex->output);
    dbuf_free(&cr.row);
    free(cr.start);
    return rc < 0 ? -1 : rc;
}

int athena_run(const aws_config *c, const athena_run_opts *r, athena_row_fn fn, void *ctx, athena_exec *ex,
               char *err, size_t errlen)
{
    memset(ex, 0, sizeof *ex);
    /* the token makes a start that is retried (a lost response) one query */
    char token[65], seed[128];
    snprintf(seed, sizeof seed, "%lld.%ld.%d", (long long)time(NULL), (long)clock(), (int)getpid());
    dbuf sd;
    dbuf_init(&sd, 0);
    dbuf_printf(&sd, "%s\n%s", seed, r->sql);
    sigv4_sha256_hex(sd.data, sd.len, token);
    dbuf_free(&sd);

    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "QueryString", r->sql);
    cJSON_AddStringToObject(req, "ClientRequestToken", token);
    if (r->database) cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "QueryExecutionContext"), "Database", r->database);
    if (r->output) cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "ResultConfiguration"), "OutputLocation", r->output);
    if (r->workgroup) cJSON_AddStringToObject(req, "WorkGroup", r->workgroup);
    cJSON *resp = api(c, "StartQueryExecution", req, err, errlen);
    cJSON_Delete(req);
    if (!resp) return -1;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(resp, "QueryExecutionId");
    if (!cJSON_IsString(id) || strlen(id->valuestring) >= sizeof ex->id) {
        cJSON_Delete(resp);
        return fc_err(err, errlen, "Athena StartQueryExecution: no QueryExecutionId in the response");
    }
    snprintf(ex->id, sizeof ex->id, "%s", id->valuestring);
    cJSON_Delete(resp);
    if (c->verbose) fprintf(stderr, "flowcost: athena query %s started\n", ex->id);

    long delay = r->poll_ms > 0 ? r->poll_ms : 250;
    long t0 = now_ms(), limit = r->timeout_ms > 0 ? r->timeout_ms : 3600L * 1000;
    for (;;) {
        if (r->stop && *r->stop) {
            stop_query(c, ex->id);
            return fc_err(err, errlen, "interrupted: query %s stopped", ex->id);
        }
        long left = limit - (now_ms() - t0);
        if (left <= 0 && ex->state[0]) {
            /* billed while it runs: stop it rather than leave it behind */
            stop_query(c, ex->id);
            return fc_err(err, errlen,
                          "query %s still %s after %.1f s, the deadline: stopped (FLOWCOST_ATHENA_TIMEOUT=SECONDS "
                          "waits longer)",
                          ex->id, ex->state, (double)limit / 1000);
        }
        req = cJSON_CreateObject();
        cJSON_AddStringToObject(req, "QueryExecutionId", ex->id);
        resp = api(c, "GetQueryExecution", req, err, errlen);
        cJSON_Delete(req);
        if (!resp) return -1;
        const cJSON *qe = cJSON_GetObjectItemCaseSensitive(resp, "QueryExecution");
        const cJSON *st = path(qe, "Status", "State", NULL);
        const cJSON *bs = path(qe, "Statistics", "DataScannedInBytes", NULL);
        const cJSON *ms = path(qe, "Statistics", "EngineExecutionTimeInMillis", NULL);
        const cJSON *out = path(qe, "ResultConfiguration", "OutputLocation", NULL);
        if (cJSON_IsString(out)) snprintf(ex->output, sizeof ex->output, "%s", out->valuestring);
        if (cJSON_IsNumber(bs) && bs->valuedouble > 0) ex->bytes_scanned = (uint64_t)bs->valuedouble;
        if (cJSON_IsNumber(ms)) ex->engine_ms = (long)ms->valuedouble;
        snprintf(ex->state, sizeof ex->state, "%s", cJSON_IsString(st) ? st->valuestring : "");
        if (!strcmp(ex->state, "FAILED") || !strcmp(ex->state, "CANCELLED")) {
            const cJSON *why = path(qe, "Status", "StateChangeReason", NULL);
            fc_err(err, errlen, "query %s %s: %s", ex->id, ex->state,
                   cJSON_IsString(why) ? why->valuestring : "(no reason given)");
            cJSON_Delete(resp);
            return -1;
        }
        cJSON_Delete(resp);
        if (!strcmp(ex->state, "SUCCEEDED")) break;
        if (c->verbose > 1) fprintf(stderr, "flowcost: athena query %s %s\n", ex->id, ex->state);
        left = limit - (now_ms() - t0);
        sleep_ms(left <= 0 ? 0 : delay < left ? delay : left);
        delay = delay * 2 > POLL_MAX_MS ? POLL_MAX_MS : delay * 2;
    }

    char next[4096] = "";
    bool first = true;
    for (int page = 1;; page++) {
        if (r->stop && *r->stop) return fc_err(err, errlen, "interrupted while reading the result of %s", ex->id);
        req = cJSON_CreateObject();
        cJSON_AddStringToObject(req, "QueryExecutionId", ex->id);
        cJSON_AddNumberToObject(req, "MaxResults", RESULT_PAGE);
        if (next[0]) cJSON_AddStringToObject(req, "NextToken", next);
        resp = api(c, "GetQueryResults", req, err, errlen);
        cJSON_Delete(req);
        if (!resp) return -1;
        const cJSON *nt = cJSON_GetObjectItemCaseSensitive(resp, "NextToken");
        if (page == 1 && cJSON_IsString(nt) && !strncmp(ex->output, "s3://", 5)) {
            /* more than a page: one GetObject of the CSV, not a request per page */
            cJSON_Delete(resp);
            return read_result_csv(c, r, fn, ctx, ex, err, errlen);
        }
        const cJSON *rows = path(resp, "ResultSet", "Rows", NULL);
        const cJSON *row;
        int rc = 0;
        const char **cells = NULL;
        size_t cap = 0;
        cJSON_ArrayForEach(row, rows)
        {
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(row, "Data");
            size_t n = (size_t)cJSON_GetArraySize(data);
            if (n > cap) {
                cap = n;
                cells = xrealloc(cells, cap * sizeof *cells);
            }
            size_t i = 0;
            const cJSON *d;
            cJSON_ArrayForEach(d, data)
            {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, "VarCharValue");
                cells[i++] = cJSON_IsString(v) ? v->valuestring : NULL;
            }
            if (first) {
                /* a SELECT's first row names the columns */
                first = false;
                if ((rc = check_header(r, ex->id, cells, n, err, errlen)) != 0) break;
                continue;
            }
            ex->rows++;
            if ((rc = fn(ctx, cells, n, err, errlen)) != 0) break;
        }
        free(cells);
        char prev[4096];
        snprintf(prev, sizeof prev, "%s", next);
        snprintf(next, sizeof next, "%s", cJSON_IsString(nt) ? nt->valuestring : "");
        cJSON_Delete(resp);
        if (rc) return -1;
        if (c->verbose) fprintf(stderr, "flowcost: athena result page %d (%llu rows so far)\n", page, (unsigned long long)ex->rows);
        if (!next[0]) break;
        if (!strcmp(next, prev)) return fc_err(err, errlen, "Athena GetQueryResults returned the same NextToken twice");
    }
    return 0;
}

int athena_table_columns(const aws_config *c, const char *database, const char *table, dbuf *cols, dbuf *parts,
                         char *date_format, size_t dflen, char *err, size_t errlen)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "CatalogName", "AwsDataCatalog");
    cJSON_AddStringToObject(req, "DatabaseName", database);
    cJSON_AddStringToObject(req, "TableName", table);
    cJSON *resp = api(c, "GetTableMetadata", req, err, errlen);
    cJSON_Delete(req);
    if (!resp) return -1;
    const cJSON *tm = cJSON_GetObjectItemCaseSensitive(resp, "TableMetadata");
    static const char *const lists[] = {"Columns", "PartitionKeys"};
    for (int l = 0; l < 2; l++) {
        const cJSON *col;
        cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(tm, lists[l]))
        {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(col, "Name");
            dbuf *b = l ? parts : cols;
            if (cJSON_IsString(n)) dbuf_printf(b, "%s%s", b->len ? " " : "", n->valuestring);
        }
    }
    const cJSON *df = path(tm, "Parameters", "projection.date.format", NULL);
    snprintf(date_format, dflen, "%s", cJSON_IsString(df) ? df->valuestring : "");
    cJSON_Delete(resp);
    if (!cols->len) return fc_err(err, errlen, "Athena GetTableMetadata: %s.%s has no columns", database, table);
    return 0;
}
