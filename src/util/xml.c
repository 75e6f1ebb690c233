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
    const ps_xml_sax *sax; /* NULL: build the tree */
    void *user;
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

static void on_error(void *ctx, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct guard *g = ctxt ? ctxt->_private : NULL;

    if (g == NULL || e == NULL || g->have_error || e->level < XML_ERR_ERROR)
        return;
    g->have_error = 1;
    g->err_line = e->line > 0 ? (unsigned)e->line : 0;
    ps_msg_line(g->err_msg, sizeof g->err_msg, e->message, "unknown error", true);
}

/* Some libxml2 errors (encoding conversion, I/O) go to its generic error
 * output, stderr by default, whatever the parser options: silence it for
 * the parse.  The setting is per thread in libxml2. */
static void quiet_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
                     const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct guard *g = ctxt->_private;
    int line = xmlSAX2GetLineNumber(ctx);

    (void)prefix;
    (void)nb_ns;
    (void)ns;
    (void)nb_defaulted;
    g->sax->start(g->user, (const char *)local, (const char *)uri, line > 0 ? (unsigned)line : 0,
                  (const char *const *)attrs, nb_attrs > 0 ? (size_t)nb_attrs : 0);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct guard *g = ctxt->_private;

    (void)local;
    (void)prefix;
    (void)uri;
    g->sax->end(g->user);
}

struct cursor {
    const char *p;
    size_t left;
};

static int cursor_read(void *ctx, char *buf, int len)
{
    struct cursor *c = ctx;
    size_t n = len > 0 ? (size_t)len : 0;

    if (n > c->left)
        n = c->left;
    if (n > 65536)
        n = 65536;
    memcpy(buf, c->p, n);
    c->p += n;
    c->left -= n;
    return (int)n;
}

static int cursor_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static void *parse(const void *data, size_t len, size_t max_bytes, const ps_xml_sax *sax,
                   void *user, ps_err *err)
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
        ps_err_fail(err, PS_E_OOM, 0, "out of memory");
        return NULL;
    }
    ctxt->_private = &g;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;
    ctxt->sax->entityDecl = NULL;
    ctxt->sax->serror = on_error;
    g.sax = sax;
    g.user = user;
    if (sax != NULL) {
        /* the same parser, no tree: elements go to the callbacks */
        ctxt->sax->startElementNs = on_start;
        ctxt->sax->endElementNs = on_end;
        ctxt->sax->startElement = NULL;
        ctxt->sax->endElement = NULL;
        ctxt->sax->characters = NULL;
        ctxt->sax->ignorableWhitespace = NULL;
        ctxt->sax->cdataBlock = NULL;
        ctxt->sax->comment = NULL;
        ctxt->sax->processingInstruction = NULL;
        ctxt->sax->reference = NULL;
    }
    if (sax != NULL) {
        /* fed in pieces: libxml2 does not copy the whole document first */
        struct cursor cur = {data, len};

        doc = xmlCtxtReadIO(ctxt, cursor_read, cursor_close, &cur, NULL, NULL, opts);
    } else {
        doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, opts);
    }
    if (g.doctype) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, g.line,
                   "document type declaration (DOCTYPE) refused: real manifests carry none");
        if (doc != NULL)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc == NULL || !ctxt->wellFormed) {
        if (!g.have_error) {
            const xmlError *e = xmlCtxtGetLastError(ctxt);

            ps_msg_line(g.err_msg, sizeof g.err_msg, e ? e->message : NULL, "unknown error", true);
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
    doc = parse(data, len, max_bytes, NULL, NULL, err);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    return doc;
}

int ps_xml_stream(const void *data, size_t len, size_t max_bytes, const ps_xml_sax *sax,
                  void *user, ps_err *err)
{
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    ps_err e = {0};
    void *doc;

    xmlSetGenericErrorFunc(NULL, quiet_error);
    doc = parse(data, len, max_bytes, sax, user, &e);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    if (doc == NULL) {
        *err = e;
        return -1;
    }
    xmlFreeDoc(doc); /* the document node only */
    return 0;
}

void ps_xml_free(void *doc)
{
    if (doc != NULL)
        xmlFreeDoc(doc);
}

/* ---- the stack of open elements (ps_xml_stream_path) ---------------- */

struct path_walk {
    const ps_xml_path_sax *sax;
    void *user;
    unsigned keep;
    unsigned depth; /* elements open */
    int kind[PS_XML_PATH_MAX];
};

static void path_start(void *user, const char *local, const char *ns, unsigned line,
                       const char *const *attrs, size_t n)
{
    struct path_walk *w = user;
    int k = 0;

    if (w->depth == 0)
        k = w->sax->start(w->user, -1, local, ns, line, attrs, n);
    else if (w->depth <= w->keep)
        k = w->sax->start(w->user, w->kind[w->depth - 1], local, ns, line, attrs, n);
    if (w->depth < w->keep)
        w->kind[w->depth] = k;
    w->depth++;
}

static void path_end(void *user)
{
    struct path_walk *w = user;

    if (w->depth > 0)
        w->depth--;
}

int ps_xml_stream_path(const void *data, size_t len, size_t max_bytes,
                       const ps_xml_path_sax *sax, void *user, ps_err *err)
{
    static const ps_xml_sax walk = {path_start, path_end};
    struct path_walk w;

    memset(&w, 0, sizeof w);
    w.sax = sax;
    w.user = user;
    w.keep = sax->keep < PS_XML_PATH_MAX ? sax->keep : PS_XML_PATH_MAX;
    return ps_xml_stream(data, len, max_bytes, &walk, &w, err);
}
