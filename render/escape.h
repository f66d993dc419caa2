/* escape: the ONE place where text that came from input, AWS or the user is
 * made safe for the context it is written into. Every renderer calls these;
 * nothing else in render/ writes an untrusted string byte by byte.
 *
 * All functions append to a dbuf, treat NULL as "", and replace byte
 * sequences that are not valid UTF-8 (and C0 control characters other than
 * tab and newline) with U+FFFD, so the page's charset and an SVG's XML stay
 * valid whatever the input holds. They return 0, or -1 when the dbuf's cap
 * is reached. */
#ifndef FC_ESCAPE_H
#define FC_ESCAPE_H

#include <stddef.h>

#include "util.h"

/* HTML text content: & < > " ' become character references. */
int esc_html(dbuf *b, const char *s);
/* A double-quoted HTML attribute value (the same set; quotes included in
 * the set so that single-quoted use is safe too). */
int esc_attr(dbuf *b, const char *s);
/* Text or attribute inside SVG (inline or standalone XML): as esc_html, and
 * also the characters XML 1.0 forbids are replaced. */
int esc_svg(dbuf *b, const char *s);
/* A JSON string literal, quotes included, safe inside <script>: besides
 * JSON's own escapes, < > & become \u003c \u003e \u0026 (so neither
 * "</script>" nor "<!--" can appear) and U+2028/U+2029 are escaped. */
int esc_json_script(dbuf *b, const char *s);
/* A JSON string literal, quotes included, for JSON files (not <script>):
 * " \\ and the C0 controls are escaped (\\n \\r \\t, else \\u00XX), everything
 * else is copied (invalid UTF-8 becomes U+FFFD, so the file stays JSON). */
int esc_json(dbuf *b, const char *s);
/* The inside of a Graphviz double-quoted string used as a label: " and \
 * are escaped (so \N, \G, \l cannot be injected), newlines become \n. */
int esc_dot(dbuf *b, const char *s);

/* A label, tooltip or id that graph.c hands to cgraph (in process; cgraph
 * writes the SVG or .dot): at most max_cp code points (0: all), then "…".
 *  - invalid UTF-8, surrogates, U+FFFE/U+FFFF → U+FFFD: the SVG must be
 *    well-formed XML;
 *  - C0/C1 controls (newline included) → space: XML 1.0 forbids most of
 *    them, and a tag value is one line;
 *  - '&' → "&amp;": Graphviz decodes entities in labels and passes "&...;"
 *    through to SVG untouched, so a tag "&#1;" or "&foo;" would otherwise
 *    reach the file as an invalid character or undefined entity;
 *  - '\' → U+29F5 (⧵): Graphviz interprets backslash escapes in labels and
 *    tooltips (\N, \G, \n, ...), and cgraph's DOT writer does not escape a
 *    backslash before the closing quote, so a trailing '\' yields an
 *    unparsable .dot. A look-alike keeps the text readable.
 * '<', '>', '"' need nothing here: the SVG renderer escapes them and the
 * DOT writer quotes. */
int esc_graph_label(dbuf *b, const char *s, size_t max_cp);

/* At most max_chars code points of s, with "…" appended when cut. Returns a
 * malloc'd valid UTF-8 string (invalid bytes replaced). */
char *esc_truncate(const char *s, size_t max_chars);

#endif
