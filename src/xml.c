/*
 * xml.c - the one way patchseq parses XML: libxml2 with no network, no DTD
 * loading, no entity substitution, a size cap, and any DOCTYPE refused.
 */
#include "util.h"

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <string.h>

struct guard {
    int doctype;
    unsigned line;
};

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *eid,
                               const xmlChar *sid)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct guard *g = ctxt->_private;

    (void)name;
    (void)eid;
    (void)sid;
    if (g != NULL && !g->doctype) {
        g->doctype = 1;
        g->line = (unsigned)xmlSAX2GetLineNumber(ctx);
    }
    xmlStopParser(ctxt);
}

/* libxml2 messages end with a newline; keep one line. */
static void copy_msg(char *dst, size_t n, const char *src)
{
    size_t len;

    snprintf(dst, n, "%s", src ? src : "unknown error");
    len = strlen(dst);
    while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == '\r' || dst[len - 1] == ' '))
        dst[--len] = '\0';
}

void *ps_xml_parse(const void *data, size_t len, size_t max_bytes, ps_err *err)
{
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    struct guard g = {0, 0};
    const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

    if (max_bytes && len > max_bytes) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, 0,
                   "XML document of %zu bytes exceeds the limit of %zu bytes", len, max_bytes);
        return NULL;
    }
    if (len > (size_t)INT_MAX) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, 0, "XML document too large");
        return NULL;
    }
    if (len == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "empty XML document");
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "out of memory");
        return NULL;
    }
    ctxt->_private = &g;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;
    ctxt->sax->entityDecl = NULL;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, opts);
    if (g.doctype) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, g.line,
                   "document type declaration (DOCTYPE) refused: real manifests carry none");
        if (doc != NULL)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc == NULL || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char m[400];

        copy_msg(m, sizeof m, e ? e->message : NULL);
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, e ? (unsigned)e->line : 0,
                   "not well-formed XML: %s", m);
        if (doc != NULL)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

void ps_xml_free(void *doc)
{
    if (doc != NULL)
        xmlFreeDoc(doc);
}
