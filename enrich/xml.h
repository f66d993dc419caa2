/* xml: the XML that AWS answers with (EC2 Describe*, S3 ListObjectsV2,
 * their error documents), read with libxml2 as data and nothing more: no
 * network access, no entity substitution, no DTD; a document with a
 * DOCTYPE is refused. libxml2 is included from xml.c only; callers walk the
 * tree with the few helpers below (element names are compared without
 * their namespace). Safe to use from several threads at once. */
#ifndef FC_XML_H
#define FC_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct xml_doc xml_doc;
typedef struct xml_node xml_node;   /* an element */

/* Parse `len` bytes. -1 with "malformed XML at line N: <why>", "empty XML
 * document" or "XML with a DOCTYPE is not <what>" in err. */
int xml_parse(const char *data, size_t len, const char *what, xml_doc **out, char *err, size_t errlen);
void xml_free(xml_doc *d);
const xml_node *xml_root(const xml_doc *d);
const char *xml_name(const xml_node *n);
bool xml_is(const xml_node *n, const char *name);
/* The first child element called `name` (NULL: any element), or NULL. */
const xml_node *xml_child(const xml_node *n, const char *name);
/* The next sibling element called `name` (NULL: any element), or NULL. */
const xml_node *xml_next(const xml_node *n, const char *name);
/* The text of n (entities and character references decoded), malloc'd;
 * NULL when n is NULL. */
char *xml_content(const xml_node *n);
/* The text of n's child `name` (n itself when name is NULL) into buf, cut
 * to fit; returns its full length (>= len: it was cut; 0: absent or empty). */
size_t xml_text(const xml_node *n, const char *name, char *buf, size_t len);

/* An AWS error document — S3's <Error>, EC2's <Response><Errors><Error>,
 * the query APIs' <ErrorResponse><Error> — as code, message (one line) and
 * request id ("" for what is absent). False when root is not one. */
bool xml_aws_error(const xml_node *root, char *code, size_t code_n, char *msg, size_t msg_n,
                   char *rid, size_t rid_n);

/* "libxml2/2.9.14" from the runtime library, for --version. */
const char *xml_lib_version(void);
/* libxml2 for --version --json. */
void xml_lib_info(fc_lib_info *out);

#endif
