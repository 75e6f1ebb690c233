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
    int have_error;      /* the first error is the most specific one */
    unsigned err_line;
    char err_msg[400];
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

static void copy_msg(char *dst, size_t n, const char *src);

static void on_error(void *ctx, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct guard *g = ctxt ? ctxt->_private : NULL;

    if (g == NULL || e == NULL || g->have_error || e->level < XML_ERR_ERROR)
        return;
    g->have_error = 1;
    g->err_line = e->line > 0 ? (unsigned)e->line : 0;
    copy_msg(g->err_msg, sizeof g->err_msg, e->message);
}

/* Some libxml2 errors (encoding conversion, I/O) go to its generic error
 * output, stderr by default, whatever the parser options: silence it for
 * the parse.  The setting is per thread in libxml2. */
static void quiet_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* libxml2 messages end with a newline and some hold more inside
 * ("...encoding !\nBytes: 0xD1 ..."): a finding gets one line. */
static void copy_msg(char *dst, size_t n, const char *src)
{
    size_t len;

    snprintf(dst, n, "%s", src ? src : "unknown error");
    len = strlen(dst);
    while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == '\r' || dst[len - 1] == ' '))
        dst[--len] = '\0';
    for (char *p = dst; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

static void *parse(const void *data, size_t len, size_t max_bytes, ps_err *err)
{
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    struct guard g;
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
    memset(&g, 0, sizeof g);
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
    ctxt->sax->serror = on_error;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, opts);
    if (g.doctype) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, g.line,
                   "document type declaration (DOCTYPE) refused: real manifests carry none");
        if (doc != NULL)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc == NULL || !ctxt->wellFormed) {
        if (!g.have_error) {
            const xmlError *e = xmlCtxtGetLastError(ctxt);

            copy_msg(g.err_msg, sizeof g.err_msg, e ? e->message : NULL);
            g.err_line = e && e->line > 0 ? (unsigned)e->line : 0;
        }
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, g.err_line, "not well-formed XML: %s", g.err_msg);
        if (doc != NULL)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

void *ps_xml_parse(const void *data, size_t len, size_t max_bytes, ps_err *err)
{
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    void *doc;

    xmlSetGenericErrorFunc(NULL, quiet_error);
    doc = parse(data, len, max_bytes, err);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    return doc;
}

void ps_xml_free(void *doc)
{
    if (doc != NULL)
        xmlFreeDoc(doc);
}
