/* xml: EC2 and S3 both answer in XML, and S3 once had a hand-written
 * scanner of its own beside ec2.c's libxml2 parser. One reader now: libxml2,
 * configured once (no network, no entities, no DTD, errors collected rather
 * than printed), behind a handful of tree helpers. */
#include "xml.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "util.h"

struct xml_doc {
    xmlDoc *doc;
};

static void init_once(void)
{
    xmlInitParser();
}

int xml_parse(const char *data, size_t len, const char *what, xml_doc **out, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_once);
    *out = NULL;
    if (len > INT_MAX) return fc_err(err, errlen, "XML document too large");
    xmlResetLastError();
    /* No NOENT (entities stay unexpanded), NONET (never fetch), no DTD
     * loading; errors are collected, not printed. */
    xmlDoc *doc = xmlReadMemory(data ? data : "", (int)len, "response.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *x = xmlGetLastError();
        char m[256] = "not well-formed";
        if (x && x->message) {
            snprintf(m, sizeof m, "%s", x->message);
            m[strcspn(m, "\n")] = '\0';
        }
        return fc_err(err, errlen, "malformed XML at line %d: %s", x ? x->line : 0, m);
    }
    if (doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        return fc_err(err, errlen, "XML with a DOCTYPE is not %s", what);
    }
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return fc_err(err, errlen, "empty XML document");
    }
    *out = xcalloc(1, sizeof **out);
    (*out)->doc = doc;
    return 0;
}

void xml_free(xml_doc *d)
{
    if (!d) return;
    xmlFreeDoc(d->doc);
    free(d);
}

const xml_node *xml_root(const xml_doc *d)
{
    return (const xml_node *)xmlDocGetRootElement(d->doc);
}

const char *xml_name(const xml_node *n)
{
    return n ? (const char *)((const xmlNode *)n)->name : "";
}

static bool elem_is(const xmlNode *x, const char *name)
{
    return x && x->type == XML_ELEMENT_NODE && (!name || strcmp((const char *)x->name, name) == 0);
}

bool xml_is(const xml_node *n, const char *name)
{
    return elem_is((const xmlNode *)n, name);
}

const xml_node *xml_child(const xml_node *n, const char *name)
{
    for (const xmlNode *c = n ? ((const xmlNode *)n)->children : NULL; c; c = c->next)
        if (elem_is(c, name)) return (const xml_node *)c;
    return NULL;
}

const xml_node *xml_next(const xml_node *n, const char *name)
{
    for (const xmlNode *c = n ? ((const xmlNode *)n)->next : NULL; c; c = c->next)
        if (elem_is(c, name)) return (const xml_node *)c;
    return NULL;
}

char *xml_content(const xml_node *n)
{
    if (!n) return NULL;
    xmlChar *t = xmlNodeGetContent((const xmlNode *)n);
    char *r = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return r;
}

size_t xml_text(const xml_node *n, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    const xml_node *c = name ? xml_child(n, name) : n;
    if (!c) return 0;
    xmlChar *t = xmlNodeGetContent((const xmlNode *)c);
    size_t full = t ? strlen((const char *)t) : 0;
    if (t) snprintf(buf, len, "%s", (const char *)t);
    xmlFree(t);
    return full;
}

bool xml_aws_error(const xml_node *root, char *code, size_t code_n, char *msg, size_t msg_n, char *rid,
                   size_t rid_n)
{
    code[0] = msg[0] = rid[0] = '\0';
    const xml_node *e = xml_is(root, "Error") ? root : xml_child(xml_child(root, "Errors"), "Error");
    if (!e) e = xml_child(root, "Error");
    if (!e) return false;
    xml_text(e, "Code", code, code_n);
    xml_text(e, "Message", msg, msg_n);
    xml_text(root, "RequestID", rid, rid_n);
    if (!rid[0]) xml_text(root, "RequestId", rid, rid_n);
    if (!rid[0]) xml_text(e, "RequestId", rid, rid_n);
    /* One line: AWS messages never need a newline, and ours must not have one. */
    for (char *q = msg; *q; q++)
        if (*q == '\n' || *q == '\r') *q = ' ';
    for (char *q = code; *q; q++)
        if (*q == '\n' || *q == '\r') *q = ' ';
    return true;
}

const char *xml_lib_version(void)
{
    /* xmlParserVersion is the runtime's "20914"; print it as 2.9.14. */
    static char buf[48];
    if (!buf[0]) {
        long v = strtol(xmlParserVersion, NULL, 10);
        snprintf(buf, sizeof buf, "libxml2/%ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
    }
    return buf;
}

void xml_lib_info(fc_lib_info *out)
{
    long v = strtol(xmlParserVersion, NULL, 10); /* "20914" for 2.9.14 */
    out->name = "libxml2";
    snprintf(out->version, sizeof out->version, "%ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
    out->built_with = LIBXML_DOTTED_VERSION;
    out->symbol = (const void *)xmlCheckVersion;
}
