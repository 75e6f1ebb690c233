/*
 * cix.c - `_manifest_.cix.xml` through libxml2's streaming xmlReader (see
 * cix.h).
 */
#include "cix.h"

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <string.h>

struct pull {
    ps_cix_read_fn *read;
    void *user;
    size_t max, got;
    int over, failed;
    ps_err err;           /* the read function's error */
    int have_error;
    unsigned line;
    char msg[256];
};

static int io_read(void *ctx, char *buf, int len)
{
    struct pull *p = ctx;
    long n;

    if (len <= 0)
        return 0;
    n = p->read(p->user, buf, (size_t)len, &p->err);
    if (n < 0) {
        p->failed = 1;
        return -1;
    }
    p->got += (size_t)n;
    if (p->max && p->got > p->max) {
        p->over = 1;
        return -1;
    }
    return (int)n;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* The first error, on one line. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    struct pull *p = ctx;
    size_t n;

    if (p->have_error || e == NULL)
        return;
    p->have_error = 1;
    p->line = e->line > 0 ? (unsigned)e->line : 0;
    snprintf(p->msg, sizeof p->msg, "%s", e->message ? e->message : "unknown error");
    n = strlen(p->msg);
    while (n > 0 && (p->msg[n - 1] == '\n' || p->msg[n - 1] == ' ' || p->msg[n - 1] == '\r'))
        p->msg[--n] = '\0';
    for (char *c = p->msg; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
}

/* libxml2's generic error output (stderr) is silenced for the parse. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

long ps_cix_stream(ps_cix_read_fn *read, void *read_user, size_t max_bytes, size_t max_names,
                   ps_cix_name_fn *on_name, void *user, ps_err *err, int *read_failed)
{
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    struct pull p;
    xmlTextReaderPtr x;
    long names = 0;
    int rc;

    memset(&p, 0, sizeof p);
    p.read = read;
    p.user = read_user;
    p.max = max_bytes;
    *read_failed = 0;
    xmlSetGenericErrorFunc(NULL, quiet);
    x = xmlReaderForIO(io_read, io_close, &p, NULL, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (x == NULL) {
        xmlSetGenericErrorFunc(old_ctx, old_fn);
        if (p.failed) {
            *err = p.err;
            *read_failed = 1;
        } else {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "cannot start the XML reader");
        }
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(x, on_error, &p);
    while ((rc = xmlTextReaderRead(x)) == 1) {
        int type = xmlTextReaderNodeType(x);
        const xmlChar *local;

        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            ps_err_set(err, PS_F_UNSAFE_INPUT, (unsigned)xmlTextReaderGetParserLineNumber(x),
                       "document type declaration (DOCTYPE) refused: real manifests carry none");
            names = -1;
            break;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        local = xmlTextReaderConstLocalName(x);
        if (local != NULL && strcmp((const char *)local, "File") == 0) {
            xmlChar *v = xmlTextReaderGetAttribute(x, (const xmlChar *)"name");

            if (v != NULL) {
                if (max_names && (size_t)names >= max_names) {
                    xmlFree(v);
                    break;
                }
                on_name(user, (const char *)v);
                names++;
                xmlFree(v);
            }
        }
    }
    if (names >= 0 && rc < 0) {
        if (p.failed) {
            *err = p.err;
            *read_failed = 1;
        } else if (p.over) {
            ps_err_set(err, PS_F_UNSAFE_INPUT, 0,
                       "XML document over the limit of %zu bytes (limit max_xml_bytes)", p.max);
            *read_failed = 1;
        } else {
            ps_err_set(err, PS_F_UNREADABLE_PACKAGE, p.line, "not well-formed XML: %s",
                       p.have_error ? p.msg : "unknown error");
        }
        names = -1;
    }
    xmlFreeTextReader(x);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    return names;
}
