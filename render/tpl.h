/* tpl: the template engine of every HTML the tool writes (report sections,
 * `top -o html`, the mail's HTML part). C code builds a MODEL — objects whose
 * keys hold already-formatted text or lists of objects (rows of cells) — and
 * a template, kept under templates/ and embedded at build time, turns it into
 * markup. Tags (mustache's, in the spirit of goaccess's tpls.html):
 *
 *   {{x}}          the text of key x, HTML-escaped (render/escape.h)
 *   {{{x}}}        the text of key x as is (markup the model got from a
 *                  trusted renderer: an SVG, a nested template's output)
 *   {{#x}}…{{/x}}  a section: once per object when x is a list, once when x
 *                  is non-empty text, not at all when x is absent or empty
 *   {{^x}}…{{/x}}  inverted: exactly when {{#x}} would render nothing
 *   {{! …}}        a comment
 *   {{>name}}      the template name.html, rendered here with the current
 *                  objects (a partial: markup shared by sections)
 *
 * Partials are resolved by tpl_load (tpl_parse alone leaves them unloaded:
 * rendering one is an error).
 *
 * Inside a list's section, a key is looked up in the row first, then in the
 * enclosing objects. A section tag, close tag or comment alone on its line
 * (spaces around it allowed) removes that whole line, newline included, so
 * templates can be laid out one tag per line without adding blank lines.
 * Using {{x}} or {{{x}}} for a key that no enclosing object holds is an error
 * ("name:line: unknown key {{x}}"), so a typo in an edited template fails
 * loudly; sections test presence, so {{#x}} on an absent key is just false.
 *
 * Model memory comes from one arena per tpl_model (no per-cell malloc);
 * tpl_model_free releases it all. Out of memory aborts (xmalloc). */
#ifndef FC_TPL_H
#define FC_TPL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct tpl tpl;             /* a parsed template (opaque) */
typedef struct tpl_model tpl_model; /* owns every object and string of a model */
typedef struct tpl_obj tpl_obj;     /* one object: keys → text or list */

/* Parse src[0..len) (copied). Returns 0, or -1 with err naming
 * "name:line: what" (malformed tag, unclosed or mismatched section). */
int tpl_parse(const char *name, const char *src, size_t len, tpl **out, char *err, size_t errlen);
void tpl_free(tpl *t);

/* Load the template `name` (from dir when dir holds it, else the embedded
 * copy; see tpl_file) and parse it with the partials it uses, loaded the
 * same way. */
int tpl_load(const char *dir, const char *name, tpl **out, char *err, size_t errlen);

/* The file `name`'s bytes: from dir when dir is set and holds it, else the
 * copy embedded at build time. *data is malloc'd and NUL-terminated. */
int tpl_file(const char *dir, const char *name, char **data, size_t *len, char *err, size_t errlen);

/* Text inserted raw into a <style> (script 0) or <script> (script 1)
 * element must not end it early: 0, or -1 with err naming `name`. */
int tpl_raw_text_check(const char *name, const char *data, int script, char *err, size_t errlen);

/* Append t rendered with `data` as its outermost object. Returns 0, or -1
 * with err filled (unknown key, out's cap reached). */
int tpl_render(const tpl *t, const tpl_obj *data, dbuf *out, char *err, size_t errlen);

tpl_model *tpl_model_new(void);
void tpl_model_free(tpl_model *m);
tpl_obj *tpl_root(tpl_model *m);

/* Set key to a copy of val (NULL is ""); setting a key again replaces it. */
void tpl_set(tpl_obj *o, const char *key, const char *val);
void tpl_setf(tpl_obj *o, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A section switch: "1" when on, "" (false, but present) when off. */
void tpl_flag(tpl_obj *o, const char *key, bool on);
/* Append a new, empty object to the list `key` (created on first use) and
 * return it for its cells. */
tpl_obj *tpl_add(tpl_obj *o, const char *key);
/* Make `key` an empty list if it is not one yet (so {{^key}} renders). */
void tpl_list(tpl_obj *o, const char *key);

/* Reading a model back, for writers of plain text (aligned tables, CSV,
 * the mail's text part) that show the same cells as a template: the text
 * of key (NULL when absent or a list), the first row of the list key (NULL
 * when absent, empty or text) and the row after row (NULL at the end). */
const char *tpl_get(const tpl_obj *o, const char *key);
const tpl_obj *tpl_first(const tpl_obj *o, const char *key);
const tpl_obj *tpl_next(const tpl_obj *row);

#endif
