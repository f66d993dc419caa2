/* test_escape: every escaping context against hand-written expectations,
 * including the XSS payloads of issue 5 and malformed UTF-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static int fails;

static void check(const char *what, int (*fn)(dbuf *, const char *), const char *in, const char *want)
{
    dbuf b;
    dbuf_init(&b, 0);
    if (fn(&b, in) < 0) {
        printf("FAIL %s: returned -1\n", what);
        fails++;
    } else if (strcmp(b.data ? b.data : "", want) != 0) {
        printf("FAIL %s:\n  got  [%s]\n  want [%s]\n", what, b.data ? b.data : "", want);
        fails++;
    }
    dbuf_free(&b);
}

static void check_trunc(const char *in, size_t n, const char *want)
{
    char *got = esc_truncate(in, n);
    if (strcmp(got, want) != 0) {
        printf("FAIL truncate(%s,%zu): got [%s] want [%s]\n", in, n, got, want);
        fails++;
    }
    free(got);
}

/* esc_graph_label whole, and cut after 3 code points */
static int graph_all(dbuf *b, const char *s) { return esc_graph_label(b, s, 0); }
static int graph_3(dbuf *b, const char *s) { return esc_graph_label(b, s, 3); }

int main(void)
{
    /* HTML text / attribute / SVG: the five markup characters. */
    check("html script", esc_html, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    check("attr breakout", esc_attr, "\"><img src=x onerror=alert(1)>",
          "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    check("attr single quote", esc_attr, "a'b", "a&#39;b");
    check("svg cdata end", esc_svg, "]]>", "]]&gt;");
    check("html amp", esc_html, "AT&T &amp;", "AT&amp;T &amp;amp;");
    check("html null", esc_html, NULL, "");
    check("html plain", esc_html, "web-1 (10.0.48.7)", "web-1 (10.0.48.7)");
    /* Valid UTF-8 passes through; invalid bytes and controls become U+FFFD. */
    check("utf8 valid", esc_html, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    check("utf8 stray byte", esc_html, "a\xFF" "b", "a\xEF\xBF\xBD" "b");
    check("utf8 overlong", esc_html, "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");
    check("utf8 surrogate", esc_html, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    check("utf8 truncated seq", esc_html, "x\xE2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD");
    check("control chars", esc_svg, "a\x01" "b\tc\nd\x7F", "a\xEF\xBF\xBD" "b\tc\nd\xEF\xBF\xBD");
    /* JSON inside <script>: no "</script", no "<!--", no raw U+2028/9. */
    check("json script end", esc_json_script, "</script><!--", "\"\\u003c/script\\u003e\\u003c!--\"");
    check("json quotes", esc_json_script, "a\"b\\c\nd\te&f", "\"a\\\"b\\\\c\\nd\\te\\u0026f\"");
    check("json ls ps", esc_json_script, "x\xE2\x80\xA8y\xE2\x80\xA9z", "\"x\\u2028y\\u2029z\"");
    check("json control", esc_json_script, "\x01\x1f", "\"\\u0001\\u001f\"");
    check("json invalid utf8", esc_json_script, "\xFF", "\"\xEF\xBF\xBD\"");
    /* Plain JSON (files): only what JSON requires; < > & stay as they are. */
    check("jsonf quotes", esc_json, "a\"b\\c\nd\re\tf", "\"a\\\"b\\\\c\\nd\\re\\tf\"");
    check("jsonf markup kept", esc_json, "<b>&</b>", "\"<b>&</b>\"");
    check("jsonf controls", esc_json, "\x01\x08\x0c\x1f\x7f", "\"\\u0001\\u0008\\u000c\\u001f\x7f\"");
    check("jsonf utf8 kept", esc_json, "caf\xC3\xA9 \xE2\x80\xA8", "\"caf\xC3\xA9 \xE2\x80\xA8\"");
    check("jsonf invalid utf8", esc_json, "a\xFF" "b\xC0", "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
    check("jsonf null", esc_json, NULL, "\"\"");
    check("json null", esc_json_script, NULL, "\"\"");
    /* Graphviz labels: quotes and backslash escapes cannot be injected. */
    check("dot quote", esc_dot, "a\"b", "a\\\"b");
    check("dot backslash", esc_dot, "\\N\\G\\l", "\\\\N\\\\G\\\\l");
    check("dot newline", esc_dot, "a\nb", "a\\nb");
    check("dot html-ish", esc_dot, "<b>x</b>", "<b>x</b>");
    /* Graphviz labels handed to cgraph: controls (tab, LF, DEL, C1 U+0085)
     * become spaces, '\\' the look-alike U+29F5 (E2 A7 B5), '&' "&amp;", the
     * markup characters stay; a surrogate ED A0 80 is three bad bytes. */
    check("graph controls", graph_all, "a\tb\nc\x7f" "d\xC2\x85" "e", "a b c d e");
    check("graph backslash amp", graph_all, "x\\N&#1;", "x\xE2\xA7\xB5N&amp;#1;");
    check("graph markup kept", graph_all, "<\"'>", "<\"'>");
    check("graph bad utf8", graph_all, "\xEF\xBF\xBE|\xED\xA0\x80|\xC3\xA9",
          "\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xC3\xA9");
    check("graph null", graph_all, NULL, "");
    /* the cut: three code points (a bad byte is one), then the ellipsis */
    check("graph cut", graph_3, "ab\xC3\xA9" "d", "ab\xC3\xA9\xE2\x80\xA6");
    check("graph cut bad", graph_3, "\xFF\xFF" "ab", "\xEF\xBF\xBD\xEF\xBF\xBD" "a\xE2\x80\xA6");
    check("graph no cut", graph_3, "abc", "abc");
    /* Truncation counts code points and never splits one. */
    check_trunc("abcdef", 4, "abc\xE2\x80\xA6");
    check_trunc("abcd", 4, "abcd");
    check_trunc("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3, "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
    check_trunc(NULL, 3, "");
    check_trunc("a\xFF", 5, "a\xEF\xBF\xBD");
    /* A capped buffer reports failure instead of growing. */
    dbuf b;
    dbuf_init(&b, 8);
    if (esc_html(&b, "<<<<<<<<<<") != -1) {
        printf("FAIL cap: expected -1\n");
        fails++;
    }
    dbuf_free(&b);
    if (fails) printf("%d failure(s)\n", fails);
    else printf("ok\n");
    return fails ? 1 : 0;
}
