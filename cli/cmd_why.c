/* cmd_why: `flowcost why A B INPUT...` — the REJECT records between A and B,
 * who refused them, and with --enrich-live the rule that decides (src/why.c
 * does the analysis, enrich/ec2.c fetches the rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "cmd.h"
#include "ec2.h"
#include "escape.h"
#include "pipeline.h"
#include "why.h"

static const char *at_name(int at)
{
    static const char *const names[] = {"unknown", "A", "B"};
    return names[at];
}

static const char *proto_text(uint8_t p, char *buf, size_t n)
{
    snprintf(buf, n, "%s", p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : "");
    if (!buf[0]) snprintf(buf, n, "%u", p);
    return buf;
}

static void json_rows(dbuf *b, const char *key, const why_row *v, size_t n, bool reject)
{
    dbuf_printf(b, ",\n  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        const why_row *x = &v[i];
        char t0[32], t1[32], pb[8];
        fc_format_time(x->first, t0, sizeof t0);
        fc_format_time(x->last, t1, sizeof t1);
        dbuf_printf(b, "%s\n    {\"direction\": \"%s\", \"logged_at\": \"%s\", \"eni\": ", i ? "," : "",
                    x->dir == WHY_FWD ? "a_to_b" : "b_to_a", at_name(x->at));
        esc_json(b, x->eni);
        dbuf_printf(b, ", \"src\": \"%s\", \"dst\": \"%s\"", x->src, x->dst);
        if (reject)
            dbuf_printf(b, ", \"protocol\": \"%s\", \"port\": %u, \"reply_refused\": %s",
                        proto_text(x->protocol, pb, sizeof pb), x->port, x->asymmetric ? "true" : "false");
        dbuf_printf(b, ", \"first\": \"%s\", \"last\": \"%s\", \"records\": %llu, \"packets\": %llu, \"bytes\": %llu}", t0,
                    t1, (unsigned long long)x->records, (unsigned long long)x->packets, (unsigned long long)x->bytes);
    }
    dbuf_puts(b, n ? "\n  ]" : "]");
}

static void print_json(const why_result *r, const why_side *A, const why_side *B)
{
    dbuf b;
    dbuf_init(&b, 0);
    dbuf_puts(&b, "{\n  \"a\": ");
    esc_json(&b, A->spec);
    dbuf_puts(&b, ", \"b\": ");
    esc_json(&b, B->spec);
    dbuf_printf(&b, ",\n  \"verdict\": \"%s\",\n  \"summary\": ", why_verdict_name(r->verdict));
    esc_json(&b, r->summary);
    json_rows(&b, "rejects", r->rejects, r->n_rejects, true);
    json_rows(&b, "accepts", r->accepts, r->n_accepts, false);
    dbuf_puts(&b, ",\n  \"rules\": [");
    for (size_t i = 0; i < r->n_rules; i++) {
        const why_rule_hit *h = &r->rules[i];
        dbuf_printf(&b, "%s\n    {\"side\": \"%c\", \"kind\": \"%s\", \"id\": ", i ? "," : "", h->side, h->kind);
        esc_json(&b, h->id);
        dbuf_printf(&b, ", \"decides\": \"%s\", \"rule\": ", h->decides);
        esc_json(&b, h->rule);
        dbuf_puts(&b, "}");
    }
    dbuf_puts(&b, r->n_rules ? "\n  ]\n}\n" : "]\n}\n");
    fwrite(b.data, 1, b.len, stdout);
    dbuf_free(&b);
}

static void print_text(const why_result *r)
{
    printf("verdict: %s\n%s\n", why_verdict_name(r->verdict), r->summary);
    static const char *const dirs[] = {"A->B", "B->A"};
    for (int k = 0; k < 2; k++) {
        const why_row *v = k ? r->accepts : r->rejects;
        size_t n = k ? r->n_accepts : r->n_rejects;
        if (!n) continue;
        printf("\n%s:\n  %-20s %-5s %-22s %-8s %-12s %8s %s\n", k ? "accepts" : "rejects", "first", "dir", "eni (logged at)",
               "proto", "port", "records", k ? "" : "note");
        for (size_t i = 0; i < n; i++) {
            const why_row *x = &v[i];
            char t0[32], eni[48], pb[8], port[16] = "-";
            fc_format_time(x->first, t0, sizeof t0);
            snprintf(eni, sizeof eni, "%s (%s)", x->eni, at_name(x->at));
            if (!k) snprintf(port, sizeof port, "%u", x->port);
            printf("  %-20s %-5s %-22s %-8s %-12s %8llu %s\n", t0, dirs[x->dir], eni,
                   k ? "-" : proto_text(x->protocol, pb, sizeof pb), port, (unsigned long long)x->records,
                   x->asymmetric ? "reply refused" : "");
        }
    }
    if (r->n_rules) printf("\nrules:\n");
    for (size_t i = 0; i < r->n_rules; i++)
        printf("  %c %-14s %-24s %s\n", r->rules[i].side, r->rules[i].kind, r->rules[i].id, r->rules[i].rule);
}

int cmd_why(const fc_opts *o)
{
    fc_opts io = *o;
    io.inputs = o->inputs + 2;
    io.n_inputs = o->n_inputs - 2;
    pipeline p;
    int code = pipeline_start(&io, &p);
    if (code) return code;
    char err[FC_ERRLEN] = "";
    why_side A, B;
    if (why_resolve(o->inputs[0], p.inv, &A, err, sizeof err) < 0 ||
        why_resolve(o->inputs[1], p.inv, &B, err, sizeof err) < 0) {
        cli_error(err);
        pipeline_free(&p);
        return EXIT_USAGE;
    }
    why_result *r = why_analyze(p.agg, p.inv, &A, &B);
    if (o->enrich_live && r->n_rejects) {
        why_rules w = {0};
        const char *enis[2 * WHY_MAX_ENIS];
        size_t n = 0;
        for (size_t i = 0; i < A.n_enis; i++) enis[n++] = A.eni[i];
        for (size_t i = 0; i < B.n_enis; i++) enis[n++] = B.eni[i];
        aws_config c;
        int rc = aws_config_load(&c, o->n_regions ? o->regions[0] : NULL, o->profile, o->endpoint_url, o->verbose, err,
                                 sizeof err);
        if (rc == 0) rc = ec2_fetch_rules(&c, enis, n, &w, err, sizeof err);
        aws_config_clear(&c);
        if (rc < 0) {
            cli_error(err);
            why_rules_free(&w);
            why_free(r);
            pipeline_free(&p);
            return EXIT_RUNTIME;
        }
        why_explain(r, &w, &A, &B);
        why_rules_free(&w);
    }
    if (o->why_json) print_json(r, &A, &B);
    else print_text(r);
    why_free(r);
    pipeline_free(&p);
    return EXIT_OK;
}
