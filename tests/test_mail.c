/* test_mail: the MIME message of the top-N mail — encoders against known
 * vectors (RFC 4648 base64, RFC 2045 quoted-printable), the RFC 5322 date,
 * header-injection refusal, and a 50-row message parsed back by Python's
 * email package (an independent MIME parser). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cost.h"
#include "mail.h"
#include "top_model.h"
#include "util.h"

static void check_b64(const char *in, size_t n, const char *want)
{
    dbuf b;
    dbuf_init(&b, 0);
    mail_base64(&b, in, n);
    CHECK_STR(b.data ? b.data : "", want);
    dbuf_free(&b);
}

static void check_qp(const char *in, const char *want)
{
    dbuf b;
    dbuf_init(&b, 0);
    mail_qp(&b, in);
    CHECK_STR(b.data ? b.data : "", want);
    dbuf_free(&b);
}

/* Python's email package reads the message back; it prints what it saw and
 * the test compares with what it put in. */
static const char *py =
    "import sys, csv, io, email, email.policy\n"
    "m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)\n"
    "print('subject=' + str(m['Subject']))\n"
    "print('from=' + str(m['From']))\n"
    "print('to=' + ','.join(a.addr_spec for a in m['To'].addresses))\n"
    "print('date=' + m['Date'].datetime.isoformat())\n"
    "print('msgid=' + str(bool(m['Message-ID'])))\n"
    "print('type=' + m.get_content_type())\n"
    "body = m.get_body(preferencelist=('html',))\n"
    "html = body.get_content()\n"
    "tb = html.split('<tbody>')[1].split('</tbody>')[0]\n"
    "print('html_rows=%d' % tb.count('<tr>'))\n"
    "print('escaped=' + str('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co' in html and '<script>' not in html))\n"
    "print('text_rows=%d' % sum(1 for l in m.get_body(preferencelist=('plain',)).get_content().splitlines() if l[:4].strip().isdigit()))\n"
    "att = [p for p in m.iter_attachments()]\n"
    "print('attachments=%d' % len(att))\n"
    "print('filename=' + att[0].get_filename())\n"
    "rows = list(csv.reader(io.StringIO(att[0].get_content())))\n"
    "print('csv_rows=%d' % (len(rows) - 1))\n"
    "print('csv_last=' + ','.join(rows[-1]))\n"
    "print('defects=%d' % sum(len(p.defects) for p in m.walk()))\n";

/* The verdict and delta wordings of the CI mail (worked by hand). */
static void check_verdicts(void)
{
    static const struct {
        double d;
        const char *want;
    } deltas[] = {
        {231.40, "+$231.40"},   {-1234.5, "-$1,234.50"}, {-0.004, "$0.00"}, /* under half a cent: no sign */
        {0.004999, "$0.00"},    {0.005, "+$0.01"},       {0, "$0.00"},
    };
    char b[64];
    for (size_t i = 0; i < sizeof deltas / sizeof *deltas; i++) {
        top_model_delta(deltas[i].d, b, sizeof b);
        CHECK_STR(b, deltas[i].want);
    }
    static const struct {
        double before, after;
        const char *want;
    } pcts[] = {
        {100, 112.34, "+12.3%"},  /* 12.34 / 100 */
        {100, 99.96, "0.0%"},     /* -0.04%: never "-0.0%" */
        {200, 100, "-50.0%"},     /* -100 / 200 */
        {0, 5, "new"},
        {0, 0, ""},
        {2500, 2731.40, "+9.3%"}, /* 231.40 / 2500 = 9.256% */
    };
    for (size_t i = 0; i < sizeof pcts / sizeof *pcts; i++) {
        top_model_pct(pcts[i].before, pcts[i].after, b, sizeof b);
        CHECK_STR(b, pcts[i].want);
    }
    static const struct {
        double total, budget;
        const char *headline;
    } budgets[] = {
        {2731.40, 2500, "$2,731.40 \xe2\x80\x94 over the $2,500.00 budget by $231.40"},
        {2400, 2500, "$2,400.00 \xe2\x80\x94 within the $2,500.00 budget, $100.00 under"},
        {2500, 2500, "$2,500.00 \xe2\x80\x94 within the $2,500.00 budget, $0.00 under"}, /* equal is not over */
    };
    for (size_t i = 0; i < sizeof budgets / sizeof *budgets; i++) {
        cost_result r;
        memset(&r, 0, sizeof r);
        r.total_usd = budgets[i].total;
        tpl_model *m = top_model_new(&r, NULL, 0, 0, BY_IP, "ip");
        top_model_budget(m, budgets[i].total, budgets[i].budget);
        CHECK_STR(tpl_get(tpl_root(m), "headline"), budgets[i].headline);
        CHECK_STR(tpl_get(tpl_root(m), "over"), budgets[i].total > budgets[i].budget ? "1" : "");
        tpl_model_free(m);
    }
}

int main(void)
{
    check_verdicts();
    /* RFC 4648 §10 vectors; 57 bytes fill exactly one 76-character line. */
    check_b64("", 0, "");
    check_b64("f", 1, "Zg==\r\n");
    check_b64("fo", 2, "Zm8=\r\n");
    check_b64("foo", 3, "Zm9v\r\n");
    check_b64("foobar", 6, "Zm9vYmFy\r\n");
    char b57[58];
    memset(b57, 0, sizeof b57);
    char want57[90];
    memset(want57, 'A', 76);
    strcpy(want57 + 76, "\r\n");
    check_b64(b57, 57, want57);
    char want58[100];
    strcpy(want58, want57);
    strcat(want58, "AA==\r\n");
    check_b64(b57, 58, want58);

    /* Quoted-printable (RFC 2045 §6.7). */
    check_qp("a=b", "a=3Db\r\n");
    check_qp("trailing \nnext", "trailing=20\r\nnext\r\n");
    check_qp(".dot\n", "=2Edot\r\n");
    check_qp("caf\xc3\xa9", "caf=C3=A9\r\n");
    char longx[101];
    memset(longx, 'x', 100);
    longx[100] = '\0';
    char wantx[120];
    memset(wantx, 'x', 75);
    strcpy(wantx + 75, "=\r\n");
    memset(wantx + 78, 'x', 25);
    strcpy(wantx + 103, "\r\n");
    check_qp(longx, wantx);

    char d[40];
    mail_format_date(0, d, sizeof d);
    CHECK_STR(d, "Thu, 01 Jan 1970 00:00:00 +0000");
    mail_format_date(1764547200, d, sizeof d);
    CHECK_STR(d, "Mon, 01 Dec 2025 00:00:00 +0000");

    char spec[64];
    CHECK(mail_addr_spec("Ops Team <ops@example.com>", spec, sizeof spec) == 0);
    CHECK_STR(spec, "ops@example.com");
    CHECK(mail_addr_spec(" a@b.c ", spec, sizeof spec) == 0);
    CHECK_STR(spec, "a@b.c");
    CHECK(mail_addr_spec("nobody", spec, sizeof spec) == -1);
    CHECK(mail_addr_spec("a b@c", spec, sizeof spec) == -1);
    CHECK(mail_addr_spec("<@c>", spec, sizeof spec) == -1);

    /* Header injection is refused, with a one-line message. */
    const char *to_bad[] = {"a@b.c\r\nBcc: evil@x.y"};
    const char *to_ok[] = {"Ops Team <ops@example.com>", "finops@example.com"};
    mail_message m = {.from = "flowcost@ci.example.com", .to = to_bad, .n_to = 1, .subject = "s",
                      .date = 0, .text = "t", .html = "h"};
    dbuf out;
    dbuf_init(&out, 0);
    char err[FC_ERRLEN];
    CHECK(mail_build(&m, &out, err, sizeof err) == -1);
    CHECK(strchr(err, '\n') == NULL && strstr(err, "invalid e-mail address"));
    m.to = to_ok;
    m.n_to = 2;
    m.subject = "two\nlines";
    CHECK(mail_build(&m, &out, err, sizeof err) == -1);
    m.subject = "s";
    m.from = "no-at-sign";
    CHECK(mail_build(&m, &out, err, sizeof err) == -1);
    CHECK(out.len == 0);

    /* A 50-row top table, one name hostile, UTF-8 subject. */
    cost_result r;
    memset(&r, 0, sizeof r);
    r.period_start = 1763942400; /* 2025-11-24T00:00:00Z */
    r.period_end = 1764547200;   /* 2025-12-01T00:00:00Z: the last day is 11-30 */
    r.total_usd = 1234.5;
    cost_rank rows[50];
    memset(rows, 0, sizeof rows);
    dbuf csv;
    dbuf_init(&csv, 0);
    dbuf_puts(&csv, "rank,ip,cost_usd,bytes\n");
    for (int i = 0; i < 50; i++) {
        snprintf(rows[i].key, sizeof rows[i].key, "10.0.%d.%d", i / 10, i % 10 + 1);
        rows[i].usd = 100.0 - i;
        rows[i].cat_usd[CAT_INTERNET_EGRESS] = 100.0 - i;
        rows[i].bytes = (uint64_t)(50 - i) << 30;
        rows[i].name = i == 7 ? "<script>alert(1)</script> & co" : "web";
        dbuf_printf(&csv, "%d,%s,%.2f,%llu\n", i + 1, rows[i].key, rows[i].usd,
                    (unsigned long long)rows[i].bytes);
    }
    char *subj = mail_default_subject(&r, 50, "IP");
    /* No budget, no baseline: the total, the period's first and last days
     * (the end is exclusive), and the coverage (r has none: 0 of 0). */
    CHECK_STR(subj, "flowcost top 50 IPs: $1,234.50 total, 2025-11-24 to 2025-11-30 (UTC), 0 of 0 hours with records");
    free(subj);

    dbuf text, html;
    dbuf_init(&text, 0);
    dbuf_init(&html, 0);
    mail_top_text(&text, &r, rows, 50, "IP");
    mail_top_html(&html, &r, rows, 50, "IP", "Weekly <top> 50");
    CHECK(strstr(html.data, "<title>Weekly &lt;top&gt; 50</title>") != NULL);
    m = (mail_message){.from = "FlowCost CI <flowcost@ci.example.com>", .to = to_ok, .n_to = 2,
                       .subject = "Co\xc3\xbbts \xe2\x82\xac semaine: a long subject that needs more than one encoded word",
                       .date = 1764547200, .text = text.data, .html = html.data,
                       .attach_name = "top.csv", .attach_type = "text/csv; charset=utf-8",
                       .attach = csv.data, .attach_len = csv.len};
    CHECK(mail_build(&m, &out, err, sizeof err) == 0);
    /* Every line ends in CRLF and none exceeds RFC 5322's 78 characters. */
    size_t longest = 0, bare_lf = 0, col = 0;
    for (size_t i = 0; i < out.len; i++) {
        if (out.data[i] == '\n') {
            if (i == 0 || out.data[i - 1] != '\r') bare_lf++;
            col = 0;
        } else if (out.data[i] != '\r' && ++col > longest) {
            longest = col;
        }
    }
    CHECK(bare_lf == 0);
    CHECK(longest <= 78);
    CHECK(strstr(out.data, "Date: Mon, 01 Dec 2025 00:00:00 +0000\r\n") != NULL);
    CHECK(strstr(out.data, "Message-ID: <flowcost.1764547200.") != NULL);
    CHECK(strstr(out.data, "@ci.example.com>\r\n") != NULL);

    /* Same input, same bytes (dry runs are diffable). */
    dbuf again;
    dbuf_init(&again, 0);
    CHECK(mail_build(&m, &again, err, sizeof err) == 0);
    CHECK(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
    dbuf_free(&again);

    char path[] = "/tmp/test_mail_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, out.data, out.len) == (ssize_t)out.len);
        close(fd);
        char pyp[] = "/tmp/test_mail_py_XXXXXX";
        int pfd = mkstemp(pyp);
        CHECK(pfd >= 0 && write(pfd, py, strlen(py)) == (ssize_t)strlen(py));
        close(pfd);
        char cmd[256];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s", pyp, path);
        FILE *p = popen(cmd, "r");
        dbuf res;
        dbuf_init(&res, 0);
        char line[512];
        while (p && fgets(line, sizeof line, p)) dbuf_puts(&res, line);
        CHECK(p && pclose(p) == 0);
        const char *want =
            "subject=Co\xc3\xbbts \xe2\x82\xac semaine: a long subject that needs more than one encoded word\n"
            "from=FlowCost CI <flowcost@ci.example.com>\n"
            "to=ops@example.com,finops@example.com\n"
            "date=2025-12-01T00:00:00+00:00\n"
            "msgid=True\n"
            "type=multipart/mixed\n"
            "html_rows=50\n"
            "escaped=True\n"
            "text_rows=50\n"
            "attachments=1\n"
            "filename=top.csv\n"
            "csv_rows=50\n"
            "csv_last=50,10.0.4.10,51.00,1073741824\n"
            "defects=0\n";
        CHECK_STR(res.data ? res.data : "", want);
        dbuf_free(&res);
        unlink(pyp);
        unlink(path);
    }
    dbuf_free(&out);
    dbuf_free(&text);
    dbuf_free(&html);
    dbuf_free(&csv);
    return check_done();
}
