/* test_sankey: layout invariants of the SVG Sankey — widths proportional to
 * values, duplicate links summed, the tail folded into "Other" with totals
 * preserved, labels at least one slot apart, input escaped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sankey.h"

static int fails;
#define CHECK(c, ...)                                 \
    do {                                              \
        if (!(c)) {                                   \
            printf("FAIL %s:%d: ", __FILE__, __LINE__); \
            printf(__VA_ARGS__);                      \
            printf("\n");                             \
            fails++;                                  \
        }                                             \
    } while (0)

static void fmt(double v, char *buf, size_t n) { snprintf(buf, n, "%.0f u", v); }

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

int main(void)
{
    /* 1. Widths. Column totals are 400 everywhere, so 360 px / 400 = 0.9 px
     * per unit: 300 → 270.0, 100 → 90.0 (given as 2 × 50: must merge),
     * 400 → 360.0. */
    sankey *s = sankey_new(3);
    uint32_t a = sankey_node(s, 0, "a", "A"), b = sankey_node(s, 0, "b", "<b>B</b>");
    uint32_t m = sankey_node(s, 1, "m", "M"), x = sankey_node(s, 2, "x", "X");
    CHECK(sankey_node(s, 0, "a", "ignored") == a, "node lookup by key");
    CHECK(sankey_node(s, 1, "a", "A in col 1") != a, "same key in another column is another node");
    sankey_link(s, a, m, 300);
    sankey_link(s, b, m, 50);
    sankey_link(s, b, m, 50);
    sankey_link(s, m, x, 400);
    sankey_link(s, m, x, 0);   /* ignored */
    sankey_link(s, m, x, -5);  /* ignored */
    CHECK(sankey_link_count(s) == 3, "links merged: %zu", sankey_link_count(s));
    dbuf out;
    dbuf_init(&out, 0);
    CHECK(sankey_svg(s, "T <&>", NULL, fmt, &out) == 0, "svg");
    CHECK(strstr(out.data, "stroke-width=\"270.0\""), "300 → 270 px");
    CHECK(strstr(out.data, "stroke-width=\"90.0\""), "100 → 90 px");
    CHECK(strstr(out.data, "stroke-width=\"360.0\""), "400 → 360 px");
    CHECK(count(out.data, "<path ") == 3, "three paths");
    CHECK(strstr(out.data, "<title>T &lt;&amp;&gt;</title>"), "title escaped");
    CHECK(strstr(out.data, "&lt;b&gt;B&lt;/b&gt;") && !strstr(out.data, "<b>"), "labels escaped");
    CHECK(strstr(out.data, "100 u"), "node B's value shown");
    /* Node heights: A = 300 × 0.9 = 270, B = 90. */
    double nx, ny, nh, slot;
    CHECK(sankey_node_rect(s, a, &nx, &ny, &nh, &slot) == 0 && fabs(nh - 270) < 1e-9, "A height %f", nh);
    CHECK(sankey_node_rect(s, b, &nx, &ny, &nh, &slot) == 0 && fabs(nh - 90) < 1e-9, "B height %f", nh);
    dbuf_free(&out);
    sankey_free(s);

    /* 2. Tail folding and label spacing: 40 sources of 1..40 units into one
     * NAT, out to 3 destinations. keep 12 → 12 + "Other (28)" in column 0,
     * whose value is 1 + ... + 28 = 406. */
    s = sankey_new(3);
    m = sankey_node(s, 1, "nat", "NAT");
    uint32_t d[3];
    d[0] = sankey_node(s, 2, "d0", "Internet");
    d[1] = sankey_node(s, 2, "d1", "S3 us-east-1");
    d[2] = sankey_node(s, 2, "d2", "EC2 us-west-2");
    double total = 0;
    for (int i = 1; i <= 40; i++) {
        char k[16];
        snprintf(k, sizeof k, "src%02d", i);
        sankey_link(s, sankey_node(s, 0, k, k), m, i);
        sankey_link(s, m, d[i % 3], i);
        total += i;
    }
    sankey_limit(s, 12);
    size_t n = sankey_node_count(s);
    CHECK(n == 13 + 1 + 3, "nodes after limit: %zu", n);
    dbuf_init(&out, 0);
    CHECK(sankey_svg(s, "fold", NULL, fmt, &out) == 0, "svg");
    CHECK(strstr(out.data, "Other (28)"), "other label");
    CHECK(strstr(out.data, "406 u"), "other carries 1+..+28 = 406");
    CHECK(strstr(out.data, "820 u"), "NAT still carries 820");
    CHECK(count(out.data, "<path ") == 13 + 3, "13 links in, 3 out: %zu", count(out.data, "<path "));
    CHECK(fabs(total - 820) < 1e-9, "sum");
    /* Labels: in each column, centres at least SANKEY_MIN_SLOT apart. */
    for (int col = 0; col < 3; col++) {
        double ys[64];
        size_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (sankey_node_col(s, i) != col) continue;
            sankey_node_rect(s, i, &nx, &ny, &nh, &slot);
            ys[k++] = ny + nh / 2;
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                CHECK(fabs(ys[i] - ys[j]) >= SANKEY_MIN_SLOT, "col %d labels %zu/%zu %.1f px apart", col, i, j,
                      fabs(ys[i] - ys[j]));
    }
    /* The biggest source (src40) sits at the top of column 0, Other at the bottom. */
    double top_y = 1e9, other_y = -1, y40 = -1;
    for (uint32_t i = 0; i < n; i++) {
        if (sankey_node_col(s, i) != 0) continue;
        sankey_node_rect(s, i, &nx, &ny, &nh, &slot);
        if (ny < top_y) top_y = ny;
        if (!strcmp(sankey_node_label(s, i), "src40")) y40 = ny;
        if (!strncmp(sankey_node_label(s, i), "Other", 5)) other_y = ny;
    }
    CHECK(y40 == top_y, "largest first");
    for (uint32_t i = 0; i < n; i++)
        if (sankey_node_col(s, i) == 0 && sankey_node_rect(s, i, &nx, &ny, &nh, &slot) == 0)
            CHECK(ny <= other_y, "Other last");
    dbuf_free(&out);
    sankey_free(s);

    /* 3. Many tiny nodes: the canvas grows instead of overlapping. */
    s = sankey_new(2);
    m = sankey_node(s, 1, "sink", "sink");
    for (int i = 0; i < 200; i++) {
        char k[16];
        snprintf(k, sizeof k, "n%03d", i);
        sankey_link(s, sankey_node(s, 0, k, k), m, i == 0 ? 1e6 : 1);
    }
    dbuf_init(&out, 0);
    sankey_svg(s, "grow", NULL, fmt, &out);
    int H = 0;
    const char *h = strstr(out.data, "height=\"");
    if (h) H = atoi(h + 8);
    CHECK(H >= 200 * SANKEY_MIN_SLOT, "canvas height %d for 200 nodes", H);
    dbuf_free(&out);
    sankey_free(s);

    /* 5. Repeated links are summed in the order they were added, before
     * and after a merge and a fold. 1e16 + 1 = 1e16 in doubles (the
     * spacing there is 2), so a → m: (1e16 + 1) + 1 = 1e16, while any
     * other order, (1 + 1) + 1e16, would give 1e16 + 2. b → m: 5 + 7 = 12,
     * then 3 more after the svg (a merge) = 15. 300 distinct links c_i → m
     * of i + 1 each, each added twice, interleaved: 300 links of 2(i + 1). */
    s = sankey_new(2);
    a = sankey_node(s, 0, "a", "a");
    b = sankey_node(s, 0, "b", "b");
    m = sankey_node(s, 1, "m", "m");
    uint32_t cs[300];
    for (int i = 0; i < 300; i++) {
        char k[16];
        snprintf(k, sizeof k, "c%03d", i);
        cs[i] = sankey_node(s, 0, k, k);
    }
    sankey_link(s, a, m, 1e16);
    for (int i = 0; i < 300; i++) sankey_link(s, cs[i], m, i + 1);
    sankey_link(s, b, m, 5000);
    sankey_link(s, a, m, 1);
    for (int i = 299; i >= 0; i--) sankey_link(s, cs[i], m, i + 1);
    sankey_link(s, a, m, 1);
    sankey_link(s, b, m, 7000);
    CHECK(sankey_link_count(s) == 302, "302 distinct links: %zu", sankey_link_count(s));
    dbuf_init(&out, 0);
    sankey_svg(s, "order", NULL, fmt, &out);
    CHECK(strstr(out.data, ">10000000000000000 u<") && !strstr(out.data, "10000000000000002 u"),
          "a's 1e16 + 1 + 1 summed in order");
    CHECK(strstr(out.data, ">12000 u<"), "b: 5,000 + 7,000 = 12,000");
    CHECK(strstr(out.data, ">600 u<") && strstr(out.data, ">2 u<"), "c299: 2 x 300, c000: 2 x 1");
    dbuf_free(&out);
    sankey_link(s, b, m, 3000);
    CHECK(sankey_link_count(s) == 302, "after the svg, b -> m again is the same link: %zu", sankey_link_count(s));
    dbuf_init(&out, 0);
    sankey_svg(s, "order", NULL, fmt, &out);
    CHECK(strstr(out.data, ">15000 u<") && !strstr(out.data, ">12000 u<"), "b: 12,000 + 3,000 = 15,000");
    dbuf_free(&out);
    /* Folded to the 2 largest sources (a, b) + Other: the 300 c_i in one
     * link, then one more from Other lands on it. */
    sankey_limit(s, 2);
    CHECK(sankey_link_count(s) == 3, "a, b and Other: %zu", sankey_link_count(s));
    uint32_t other = sankey_node(s, 0, "\x01other-0", "?");
    /* Other = 2 x (1 + ... + 300) = 300 x 301 = 90,300; + 5 */
    sankey_link(s, other, m, 5);
    CHECK(sankey_node_count(s) == 4, "a, b, Other, m: %zu", sankey_node_count(s));
    CHECK(sankey_link_count(s) == 3, "Other -> m again is the same link: %zu", sankey_link_count(s));
    dbuf_init(&out, 0);
    sankey_svg(s, "order", NULL, fmt, &out);
    CHECK(strstr(out.data, ">90305 u<"), "Other: 90,300 + 5 = 90,305");
    dbuf_free(&out);
    sankey_free(s);

    /* 4. Nothing to draw. */
    s = sankey_new(3);
    dbuf_init(&out, 0);
    sankey_svg(s, "<empty>", NULL, fmt, &out);
    CHECK(strstr(out.data, "No traffic to draw for &lt;empty&gt;"), "empty note: %s", out.data);
    dbuf_free(&out);
    sankey_free(s);

    if (fails) printf("%d failure(s)\n", fails);
    else printf("ok\n");
    return fails ? 1 : 0;
}
