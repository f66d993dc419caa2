/* test_report_model: a section's model is plain formatted cells, testable
 * without reading HTML. A hand-made cost_result (no flows, two categories,
 * one notice) and the summary's cells worked out by hand. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mail.h"
#include "report.h"

int main(void)
{
    cost_result r;
    memset(&r, 0, sizeof r);
    r.cat_usd[CAT_NAT_PROCESSING] = 1000.0;
    r.cat_usd[CAT_INTER_AZ] = 234.5678;
    r.total_usd = 1234.5678;              /* 1000 + 234.5678 */
    r.monthly_run_rate_usd = 37037.034;   /* 1234.5678 × 30 days / 1 day */
    r.cat_bytes[CAT_NAT_PROCESSING] = 3ull << 30;
    r.total_bytes = 3ull << 30;           /* 3 GiB */
    r.period_start = 1795651200;          /* 2026-11-26T00:00:00Z */
    r.period_end = 1795651200 + 86400;
    r.period_hours = 24;
    r.records.read = 1234567;
    r.records.files = 1;
    char *notes[] = {"2 inputs could not be read: figures are a lower bound"};
    r.notices = notes;
    r.n_notices = 1;
    const char *inputs[] = {"logs/<day>.gz"};
    report_opts o = {.now = 1795737600, .top = 50, .inputs = inputs, .n_inputs = 1};

    tpl_model *mm = report_model(&r, NULL, &o, "summary");
    CHECK(mm != NULL);
    if (!mm) return check_done();
    const tpl_obj *m = tpl_root(mm);
    static const struct {
        const char *key, *want;
    } cells[] = {
        {"total", "$1,234.57"},       /* rounded to the cent, thousands separator */
        {"total_v", "1234.567800"},   /* the sort value keeps 6 decimals */
        {"run_rate", "$37,037.03"},
        {"big", "nat_processing"},    /* the largest category */
        {"big_usd", "$1,000.00"},
        {"big_pct", "81"},            /* 1000 / 1234.5678 = 81.0 % */
        {"n_findings", "0"},
        {"n_findings_s", "s"},        /* "0 findings" */
        {"files", "1"},
        {"files_s", ""},              /* "1 file" */
        {"hours", "24.0"},
        {"bytes", "3.00 GiB"},
        {"bytes_v", "3221225472"},    /* 3 × 2^30 */
        {"has_notices", "1"},
        {"enrichment", "learned from records"},
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        const char *got = tpl_get(m, cells[i].key);
        if (!got) fprintf(stderr, "missing key %s\n", cells[i].key);
        CHECK_STR(got, cells[i].want);
    }
    /* Text is stored as given (the template escapes it): no markup in the model. */
    const tpl_obj *in = tpl_first(m, "inputs");
    CHECK(in && !strcmp(tpl_get(in, "name"), "logs/<day>.gz") && tpl_next(in) == NULL);
    const tpl_obj *nt = tpl_first(m, "notices");
    CHECK(nt && !strcmp(tpl_get(nt, "text"), notes[0]) && tpl_next(nt) == NULL);
    const tpl_obj *st = tpl_first(m, "start");
    CHECK(st && !strcmp(tpl_get(st, "iso"), "2026-11-26T00:00:00Z") && !strcmp(tpl_get(st, "text"), "2026-11-26 00:00 UTC"));
    /* Every category has a row; the first is nat_processing at 1000 / 1234.5678 = 81.0 %. */
    size_t ncat = 0;
    for (const tpl_obj *c = tpl_first(m, "cats"); c; c = tpl_next(c)) ncat++;
    CHECK(ncat == CAT_COUNT);
    const tpl_obj *c0 = tpl_first(m, "cats");
    CHECK_STR(tpl_get(c0, "share"), "81.0");
    CHECK_STR(tpl_get(c0, "bar"), "81.0");
    /* The records rows: read first, with thousands separators. */
    const tpl_obj *rec = tpl_first(m, "records");
    CHECK_STR(tpl_get(rec, "label"), "read");
    CHECK_STR(tpl_get(rec, "count"), "1,234,567");
    tpl_model_free(mm);

    CHECK(report_model(&r, NULL, &o, "no_such_section") == NULL);

    /* Notices, byte for byte as 4d58b9d wrote them (no sample emits one, so
     * render_golden_test cannot see them): the page, right after the KPIs;
     * the mail's text before the title line; its HTML after the title
     * paragraph. The text is escaped and gets a full stop. */
    char *two[] = {"a <b> & c", "second"};
    r.notices = two;
    r.n_notices = 2;
    dbuf page;
    dbuf_init(&page, 0);
    char err[256];
    CHECK(report_html(&r, NULL, &o, &page, err, sizeof err) == 0);
    CHECK(page.data && strstr(page.data, "largest category ($1,000.00, 81%)</div></div>\n</div>\n"
                                         "<div class=\"notices\" role=\"note\"><strong>Read these figures with care:</strong>\n"
                                         "<ul>\n<li>a &lt;b&gt; &amp; c.</li>\n<li>second.</li>\n</ul>\n</div>\n"
                                         "<div class=\"cols\">") != NULL);
    dbuf_free(&page);
    dbuf text, html;
    dbuf_init(&text, 0);
    dbuf_init(&html, 0);
    mail_top_text(&text, &r, NULL, 0, "IP");
    /* The summary line first (mail_summarize), then the notices. */
    CHECK(text.data && strncmp(text.data, "$1,234.57 total, 2026-11-26 to 2026-11-26 (UTC), ", 49) == 0);
    CHECK(text.data && strstr(text.data, ".\n\nNote: a <b> & c.\nNote: second.\n\nTop 0 IPs by cost.") != NULL);
    CHECK(mail_top_html(&html, &r, NULL, 0, "IP", "T") == 0);
    CHECK(html.data && strstr(html.data, "Total cost of the period: <b style=\"white-space:nowrap\">$1,234.57</b>.</p>\n<ul style=\"color:#8a4b00\">\n"
                                         "<li>a &lt;b&gt; &amp; c.</li>\n<li>second.</li>\n</ul>\n<table") != NULL);
    dbuf_free(&text);
    dbuf_free(&html);
    return check_done();
}
