/* test_tpl: the template engine against hand-written expectations, one row
 * per case over one fixed model: escaping by default, raw with three
 * braces, lists, nested lists with lookups falling back to the enclosing
 * objects, inverted sections, standalone lines, missing keys, and every
 * malformed-template error with its line. Then a fuzz-ish pass: every
 * prefix and every one-byte mutation of a real template must parse or fail
 * cleanly, never crash (run under ASan in the test build). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tpl.h"

static tpl_model *model(void)
{
    tpl_model *m = tpl_model_new();
    tpl_obj *r = tpl_root(m);
    tpl_set(r, "title", "<b>\"Q&A\"</b> 'x'");
    tpl_set(r, "empty", "");
    tpl_set(r, "null", NULL);
    tpl_setf(r, "n", "%d rows, %.1f%%", 2, 12.5);
    tpl_set(r, "unit", "GiB");
    tpl_set(r, "bad", "a\x01" "b\xff");
    tpl_list(r, "none");
    static const char *const ips[] = {"10.0.0.1", "10.0.0.2"};
    for (int i = 0; i < 2; i++) {
        tpl_obj *row = tpl_add(r, "rows");
        tpl_set(row, "ip", ips[i]);
        tpl_flag(row, "first", i == 0);
        for (int k = 0; k <= i; k++) tpl_setf(tpl_add(row, "ports"), "port", "%d", 80 + k);
    }
    tpl_set(r, "ip", "outer");
    tpl_set(r, "ip", "replaced");
    return m;
}

static const struct {
    const char *tpl, *want; /* want: the output, or the error when it starts with "ERR " */
} cases[] = {
    /* escaping by default, raw on request */
    {"<h1>{{title}}</h1>", "<h1>&lt;b&gt;&quot;Q&amp;A&quot;&lt;/b&gt; &#39;x&#39;</h1>"},
    {"{{{title}}}", "<b>\"Q&A\"</b> 'x'"},
    {"{{ title }}|{{{ unit }}}", "&lt;b&gt;&quot;Q&amp;A&quot;&lt;/b&gt; &#39;x&#39;|GiB"},
    {"[{{empty}}][{{null}}]", "[][]"},
    {"{{n}}", "2 rows, 12.5%"},
    /* control bytes and invalid UTF-8 become U+FFFD in escaped text */
    {"{{bad}}", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD"},
    /* setting a key again replaces it */
    {"{{ip}}", "replaced"},
    /* lists: the row's key first, then the enclosing object's */
    {"{{#rows}}{{ip}} {{unit}};{{/rows}}", "10.0.0.1 GiB;10.0.0.2 GiB;"},
    /* nested lists; the inner row sees the outer row's keys */
    {"{{#rows}}{{ip}}:{{#ports}}{{port}}@{{ip}},{{/ports}} {{/rows}}", "10.0.0.1:80@10.0.0.1, 10.0.0.2:80@10.0.0.2,81@10.0.0.2, "},
    /* flags as separators */
    {"{{#rows}}{{^first}}, {{/first}}{{ip}}{{/rows}}", "10.0.0.1, 10.0.0.2"},
    /* sections on text: non-empty renders once; absent or empty is false */
    {"{{#unit}}u={{unit}}{{/unit}}{{#empty}}E{{/empty}}{{#absent}}A{{/absent}}", "u=GiB"},
    {"{{^empty}}e{{/empty}}{{^absent}}a{{/absent}}{{^none}}n{{/none}}{{^rows}}r{{/rows}}{{^unit}}u{{/unit}}", "ean"},
    {"{{#none}}x{{/none}}", ""},
    /* standalone tags take their line; inline ones do not */
    {"<tbody>\n{{#rows}}\n<tr>{{ip}}</tr>\n{{/rows}}\n</tbody>\n", "<tbody>\n<tr>10.0.0.1</tr>\n<tr>10.0.0.2</tr>\n</tbody>\n"},
    {"  {{#rows}}  \n{{ip}}\n  {{/rows}}", "10.0.0.1\n10.0.0.2\n"},
    {"a {{#unit}}\nb\n{{/unit}} c", "a \nb\n c"},
    {"x\n{{! a comment }}\ny{{!inline}}z", "x\nyz"},
    {"{{#rows}}\r\n{{ip}}\r\n{{/rows}}\r\n", "10.0.0.1\r\n10.0.0.2\r\n"},
    /* single braces and text pass through */
    {"a { b } {c} }} {", "a { b } {c} }} {"},
    {"", ""},
    /* missing keys and misuse are errors naming the line */
    {"ok\n{{nope}}", "ERR t.html:2: unknown key {{nope}}"},
    {"{{{nope}}}", "ERR t.html:1: unknown key {{{nope}}}"},
    {"{{rows}}", "ERR t.html:1: list used as text: key {{rows}}"},
    {"{{#rows}}{{nope}}{{/rows}}", "ERR t.html:1: unknown key {{nope}}"},
    /* malformed templates */
    {"a\n{{#rows}}\nb", "ERR t.html:2: {{#rows}} is never closed"},
    {"{{/rows}}", "ERR t.html:1: {{/rows}} closes no section"},
    {"{{#a}}\n{{#b}}{{/a}}{{/b}}", "ERR t.html:2: {{/a}} closes {{#b}} of line 2"},
    {"{{}}", "ERR t.html:1: malformed tag '{{}}'"},
    {"x {{ a b }}", "ERR t.html:1: malformed tag '{{ a b }}'"},
    {"{{{title}}", "ERR t.html:1: malformed tag '{{{title}}'"},
    {"{{title", "ERR t.html:1: malformed tag '{{title'"},
    {"{{a-b}}", "ERR t.html:1: malformed tag '{{a-b}}'"},
    {"\n\n{{! never closed", "ERR t.html:3: unterminated comment"},
    {"{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
     "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}",
     "ERR t.html:1: sections nested deeper than 24"},
};

static void run(const tpl_obj *root, const char *src, size_t len, dbuf *out, char *err, size_t errlen, int *rc)
{
    tpl *t;
    *rc = tpl_parse("t.html", src, len, &t, err, errlen);
    if (*rc == 0) {
        *rc = tpl_render(t, root, out, err, errlen);
        tpl_free(t);
    }
}

int main(void)
{
    tpl_model *m = model();
    const tpl_obj *root = tpl_root(m);
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dbuf out;
        dbuf_init(&out, 0);
        int rc;
        err[0] = '\0';
        run(root, cases[i].tpl, strlen(cases[i].tpl), &out, err, sizeof err, &rc);
        if (!strncmp(cases[i].want, "ERR ", 4)) {
            CHECK(rc == -1);
            CHECK_STR(err, cases[i].want + 4);
        } else {
            if (rc) fprintf(stderr, "case %zu: %s\n", i, err);
            CHECK(rc == 0);
            CHECK_STR(out.data ? out.data : "", cases[i].want);
        }
        dbuf_free(&out);
    }

    /* Partials, loaded from a template directory: rendered with the
     * current objects; a template including itself stops at depth 8;
     * tpl_parse alone leaves a partial unloaded, which is an error. */
    {
        CHECK(system("rm -rf test_tpl_dir && mkdir test_tpl_dir") == 0);
        static const char *const files[][2] = {
            {"p_main.html", "<ul>\n{{#rows}}\n{{>p_row}}\n{{/rows}}\n</ul>\n"},
            {"p_row.html", "<li>{{ip}} {{unit}}</li>\n"},
            {"p_self.html", "x{{>p_self}}"},
            {"p_bad.html", "{{>p_broken}}"},
            {"p_broken.html", "\n{{#x}}"},
        };
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            char path[128];
            snprintf(path, sizeof path, "test_tpl_dir/%s", files[i][0]);
            FILE *f = fopen(path, "w");
            CHECK(f != NULL);
            if (f) {
                fputs(files[i][1], f);
                fclose(f);
            }
        }
        tpl *t;
        dbuf out;
        dbuf_init(&out, 0);
        CHECK(tpl_load("test_tpl_dir", "p_main.html", &t, err, sizeof err) == 0);
        if (t) CHECK(tpl_render(t, root, &out, err, sizeof err) == 0);
        CHECK_STR(out.data, "<ul>\n<li>10.0.0.1 GiB</li>\n<li>10.0.0.2 GiB</li>\n</ul>\n");
        tpl_free(t);
        CHECK(tpl_load("test_tpl_dir", "p_self.html", &t, err, sizeof err) == -1);
        CHECK_STR(err, "p_self.html:1: partials nested deeper than 8 ({{>p_self.html}})");
        CHECK(tpl_load("test_tpl_dir", "p_bad.html", &t, err, sizeof err) == -1);
        CHECK_STR(err, "p_broken.html:2: {{#x}} is never closed");
        CHECK(tpl_load("test_tpl_dir", "p_missing.html", &t, err, sizeof err) == -1);
        CHECK_STR(err, "template 'p_missing.html' is not embedded in this build");
        int rc;
        dbuf_reset(&out);
        run(root, "{{>p_row}}", 10, &out, err, sizeof err, &rc);
        CHECK(rc == -1);
        CHECK_STR(err, "t.html:1: partial {{>p_row}} not loaded (tpl_load loads partials)");
        dbuf_free(&out);
        CHECK(system("rm -rf test_tpl_dir") == 0);
    }

    /* The cap of the output buffer is an error, not a truncated page. */
    {
        dbuf out;
        dbuf_init(&out, 8);
        int rc;
        run(root, "{{#rows}}0123456789{{/rows}}", 28, &out, err, sizeof err, &rc);
        CHECK(rc == -1);
        CHECK_STR(err, "t.html: output larger than the output limit");
        dbuf_free(&out);
    }

    /* A model of many rows: arena blocks chain, long values go whole. */
    {
        tpl_model *big = tpl_model_new();
        char longv[1000];
        memset(longv, 'x', sizeof longv - 1);
        longv[sizeof longv - 1] = '\0';
        for (int i = 0; i < 5000; i++) tpl_setf(tpl_add(tpl_root(big), "r"), "v", "%s", i == 4999 ? longv : "a");
        dbuf out;
        dbuf_init(&out, 0);
        int rc;
        run(tpl_root(big), "{{#r}}{{v}}{{/r}}", 17, &out, err, sizeof err, &rc);
        CHECK(rc == 0);
        CHECK(out.len == 4999 + 999); /* 4,999 × "a" + the 999-character value */
        dbuf_free(&out);
        tpl_model_free(big);
    }

    /* Fuzz-ish: every prefix, and every byte replaced by each of the
     * template's special characters, of a template using every tag. */
    {
        const char *src = "<t>{{title}}</t>\n{{#rows}}\n<r>{{ip}}{{#ports}}{{{port}}}{{/ports}}</r>\n{{/rows}}\n"
                          "{{^none}}-{{/none}}{{! c }}\n";
        size_t len = strlen(src);
        static const char subst[] = "{}#^/!x \n";
        size_t ok = 0, bad = 0;
        char *buf = malloc(len + 1);
        for (size_t cut = 0; cut <= len; cut++) {
            dbuf out;
            dbuf_init(&out, 0);
            int rc;
            run(root, src, cut, &out, err, sizeof err, &rc);
            rc ? bad++ : ok++;
            dbuf_free(&out);
        }
        for (size_t i = 0; i < len; i++)
            for (size_t k = 0; k < sizeof subst - 1; k++) {
                memcpy(buf, src, len + 1);
                buf[i] = subst[k];
                dbuf out;
                dbuf_init(&out, 0);
                int rc;
                run(root, buf, len, &out, err, sizeof err, &rc);
                CHECK(rc == 0 || (strncmp(err, "t.html:", 7) == 0 && strlen(err) > 9));
                rc ? bad++ : ok++;
                dbuf_free(&out);
            }
        free(buf);
        CHECK(ok > 0 && bad > 0);
    }
    tpl_model_free(m);
    return check_done();
}
