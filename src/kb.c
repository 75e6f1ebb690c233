/*
 * kb.c - the knowledge base: loading manifests/ and rules/ (RELAX NG
 * validated), cross-checking them, and classifying packages.
 *
 * Loading runs in three steps: read the files (ps_kb_load), validate each
 * document against its schema and turn it into structs (load_manifests,
 * load_rules), then link and cross-check the whole (link_and_check).  Every
 * problem is a rule-error finding naming the file, relative to the
 * knowledge dir, and the line.
 */
#include "kb.h"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KB_MAX_FILE_BYTES (4u << 20)  /* one knowledge file */
#define KB_MAX_FILES 64               /* *.xml files per folder */
#define KB_MAX_RULES_GRAPH 2000       /* rules of one OS checked for cycles */
#define KB_MAX_ERRORS_PER_DOC 50      /* schema errors reported per document */

#define SCHEMA_MANIFESTS "manifests/manifests.rng"
#define SCHEMA_RULES "rules/rules.rng"

#if LIBXML_VERSION >= 21200
typedef const xmlError *ps_xml_error_ptr;
#else
typedef xmlErrorPtr ps_xml_error_ptr;
#endif

/* ------------------------------------------------------------------ */
/* Roles                                                               */
/* ------------------------------------------------------------------ */

static const char *const role_names[PS_ROLE__COUNT] = {
    [PS_ROLE_UNKNOWN] = "unknown",
    [PS_ROLE_SERVICING_STACK] = "servicing-stack",
    [PS_ROLE_SHA2_SUPPORT] = "sha2-support",
    [PS_ROLE_LICENSING] = "licensing",
    [PS_ROLE_ROLLUP] = "rollup",
    [PS_ROLE_PREVIEW_ROLLUP] = "preview-rollup",
    [PS_ROLE_SECURITY_ONLY] = "security-only",
    [PS_ROLE_OTHER] = "other",
};

const char *ps_role_name(ps_role r)
{
    return (unsigned)r < PS_ROLE__COUNT ? role_names[r] : "unknown";
}

ps_role ps_role_parse(const char *s)
{
    if (s == NULL)
        return PS_ROLE_UNKNOWN;
    for (unsigned i = 1; i < PS_ROLE__COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return (ps_role)i;
    return PS_ROLE_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* Load context and errors                                             */
/* ------------------------------------------------------------------ */

/* A <requires> of a manifests entry, waiting for its OS's rules. */
typedef struct pending_req {
    char *os;
    ps_rule rule;
} pending_req;

/* A top-level <revision kb=""> of a manifests file, waiting for its entry. */
typedef struct pending_rev {
    char *os;
    char *kb;
    ps_kb_revision rev;
} pending_rev;

typedef struct ld {
    ps_kb *kb;
    ps_findings *f;
    unsigned errors;
    int oom;
    const char *file;     /* document being loaded */
    int manifests_failed; /* a manifests document could not be loaded: no
                             "not in the manifests" errors, which would
                             only repeat that */
    int rules_failed;     /* the same for a rules document */
    char **keys;          /* source keys declared in that document */
    size_t nkeys;
    pending_req *pend;
    size_t npend;
    pending_rev *prev;    /* top-level <revision>s, attached once entries are sorted */
    size_t nprev;
} ld;

static void rerr(ld *c, const char *file, unsigned line, const char *fmt, ...) PS_PRINTF(4, 5);

static void rerr(ld *c, const char *file, unsigned line, const char *fmt, ...)
{
    ps_where w = {0};
    va_list ap;

    w.file = file;
    w.line = line;
    va_start(ap, fmt);
    if (ps_findings_addv(c->f, PS_F_RULE_ERROR, &w, fmt, ap) != 0)
        c->oom = 1;
    va_end(ap);
    c->errors++;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

static unsigned node_line(xmlNodePtr n)
{
    long l = xmlGetLineNo(n);

    return l > 0 && l <= (long)UINT_MAX ? (unsigned)l : 0;
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* A malloc'd copy of an attribute, or NULL when absent. Sets c->oom. */
static char *attr(ld *c, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *r;

    if (v == NULL)
        return NULL;
    r = ps_strdup((const char *)v);
    xmlFree(v);
    if (r == NULL)
        c->oom = 1;
    return r;
}

static int attr_bool(xmlNodePtr n, const char *name, int dflt)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = dflt;

    if (v != NULL) {
        r = strcmp((const char *)v, "true") == 0;
        xmlFree(v);
    }
    return r;
}

static ps_role attr_role(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    ps_role r;

    if (v == NULL)
        return PS_ROLE_UNKNOWN;
    r = ps_role_parse((const char *)v);
    xmlFree(v);
    return r;
}

static int attr_unconfirmed(xmlNodePtr n)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"confidence");
    int r = 0;

    if (v != NULL) {
        r = strcmp((const char *)v, "unconfirmed") == 0;
        xmlFree(v);
    }
    return r;
}

/* Compares "KB123" numbers numerically (shorter digit strings first). */
static int kb_cmp(const char *a, const char *b)
{
    size_t la, lb;

    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    la = strlen(a);
    lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int str_cmp0(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static void selector_free(ps_selector *s)
{
    ps_free_ptr(&s->kb);
    ps_free_ptr(&s->release_type);
    ps_free_ptr(&s->since);
    ps_free_ptr(&s->since_month);
}

static void rule_free(ps_rule *r)
{
    selector_free(&r->subject);
    ps_free_ptr(&r->kb);
    ps_free_ptr(&r->from);
    ps_free_ptr(&r->reason);
    ps_free_ptr(&r->source);
    ps_free_ptr(&r->where.file);
    ps_free_ptr(&r->finding);
}

static void entry_free(ps_kb_entry *e)
{
    ps_free_ptr(&e->kb);
    ps_free_ptr(&e->os);
    ps_free_ptr(&e->date);
    ps_free_ptr(&e->title);
    ps_strv_free(&e->supersedes, &e->n_supersedes);
    ps_free_ptr(&e->kernel_build);
    ps_free_ptr(&e->provides_stack);
    ps_free_ptr(&e->source);
    ps_free_ptr(&e->where.file);
    ps_free_ptr(&e->note);
    ps_free_ptr(&e->month);
    for (size_t i = 0; i < e->n_revisions; i++) {
        ps_free_ptr(&e->revisions[i].date);
        ps_free_ptr(&e->revisions[i].month);
        ps_free_ptr(&e->revisions[i].file);
        ps_free_ptr(&e->revisions[i].source);
        ps_free_ptr(&e->revisions[i].where.file);
    }
    ps_free_ptr(&e->revisions);
    e->n_revisions = 0;
}

static void step_free(ps_manual_step *m)
{
    ps_free_ptr(&m->name);
    for (size_t i = 0; i < m->n_before; i++)
        selector_free(&m->before[i]);
    ps_free_ptr(&m->before);
    m->n_before = 0;
    ps_strv_free(&m->commands, &m->n_commands);
    ps_free_ptr(&m->reason);
    ps_free_ptr(&m->source);
    ps_free_ptr(&m->where.file);
}

static void os_rules_free(ps_os_rules *o)
{
    ps_free_ptr(&o->os);
    ps_free_ptr(&o->name);
    ps_free_ptr(&o->base_build);
    ps_free_ptr(&o->sha2_enabler);
    ps_strv_free(&o->phases, &o->n_phases);
    for (size_t i = 0; i < o->n_recognizers; i++) {
        ps_free_ptr(&o->recognizers[i].delivers);
        ps_free_ptr(&o->recognizers[i].identity_name);
        ps_free_ptr(&o->recognizers[i].release_type);
        ps_free_ptr(&o->recognizers[i].where.file);
    }
    ps_free_ptr(&o->recognizers);
    o->n_recognizers = 0;
    for (size_t i = 0; i < o->n_rules; i++)
        rule_free(&o->rules[i]);
    ps_free_ptr(&o->rules);
    o->n_rules = 0;
    for (size_t i = 0; i < o->n_steps; i++)
        step_free(&o->steps[i]);
    ps_free_ptr(&o->steps);
    o->n_steps = 0;
    for (size_t i = 0; i < o->n_esu_years; i++) {
        ps_free_ptr(&o->esu_years[i].from);
        ps_free_ptr(&o->esu_years[i].to);
        ps_free_ptr(&o->esu_years[i].where.file);
    }
    ps_free_ptr(&o->esu_years);
    o->n_esu_years = 0;
    ps_free_ptr(&o->where.file);
}

void ps_kb_free(ps_kb *kb)
{
    if (kb == NULL)
        return;
    for (size_t i = 0; i < kb->n_entries; i++)
        entry_free(&kb->entries[i]);
    ps_free_ptr(&kb->entries);
    kb->n_entries = 0;
    for (size_t i = 0; i < kb->n_os; i++)
        os_rules_free(&kb->os[i]);
    ps_free_ptr(&kb->os);
    kb->n_os = 0;
    for (size_t i = 0; i < kb->n_activations; i++) {
        ps_free_ptr(&kb->activations[i].os);
        ps_free_ptr(&kb->activations[i].id);
        ps_free_ptr(&kb->activations[i].source);
        ps_free_ptr(&kb->activations[i].where.file);
    }
    ps_free_ptr(&kb->activations);
    kb->n_activations = 0;
    ps_free_ptr(&kb->dir);
}

/* Grows *arr (of elements of size sz) by one zeroed element; NULL on OOM. */
static void *grow(void *arrp, size_t *n, size_t sz)
{
    void **arr = arrp;
    char *p = realloc(*arr, (*n + 1) * sz);

    if (p == NULL)
        return NULL;
    *arr = p;
    memset(p + *n * sz, 0, sz);
    return p + (*n)++ * sz;
}

static int set_where(ld *c, ps_kb_src *w, xmlNodePtr n)
{
    w->file = ps_strdup(c->file);
    w->line = node_line(n);
    if (w->file == NULL) {
        c->oom = 1;
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Sources                                                              */
/* ------------------------------------------------------------------ */

static void read_sources(ld *c, xmlNodePtr root)
{
    ps_strv_free(&c->keys, &c->nkeys);
    for (xmlNodePtr s = root->children; s != NULL; s = s->next) {
        if (!is_el(s, "sources"))
            continue;
        for (xmlNodePtr k = s->children; k != NULL; k = k->next) {
            char *key;

            if (!is_el(k, "source"))
                continue;
            key = attr(c, k, "key");
            if (key == NULL)
                continue;
            if (ps_strv_contains(c->keys, c->nkeys, key))
                rerr(c, c->file, node_line(k), "source key %s is declared twice", key);
            else if (ps_strv_push(&c->keys, &c->nkeys, key) != 0)
                c->oom = 1;
            free(key);
        }
    }
}

/* Every token of a source list must be a declared key or an https:// address. */
static void check_sources(ld *c, xmlNodePtr n, const char *src)
{
    const char *p = src;

    while (p != NULL && *p) {
        size_t len;
        char *tok;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        len = strcspn(p, " \t\r\n");
        if (len == 0)
            break;
        if (!(len > 8 && strncmp(p, "https://", 8) == 0)) {
            tok = ps_strndup(p, len);
            if (tok == NULL) {
                c->oom = 1;
                return;
            }
            if (!ps_strv_contains(c->keys, c->nkeys, tok))
                rerr(c, c->file, node_line(n), "source key %s is not declared in <sources>", tok);
            free(tok);
        }
        p += len;
    }
}

static char *attr_source(ld *c, xmlNodePtr n)
{
    char *s = attr(c, n, "source");

    if (s != NULL)
        check_sources(c, n, s);
    return s;
}

/* ------------------------------------------------------------------ */
/* Schemas                                                              */
/* ------------------------------------------------------------------ */

typedef struct rng_sink {
    ld *c;
    const char *file;
    unsigned n;          /* errors reported with a line */
    char first[400];     /* the first error libxml2 gave without a line */
} rng_sink;

static void copy_line(char *dst, size_t n, const char *src)
{
    size_t len;

    snprintf(dst, n, "%s", src ? src : "invalid");
    len = strlen(dst);
    while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == '\r' || dst[len - 1] == ' '))
        dst[--len] = '\0';
}

/* libxml2 follows each located error with a summary without a line ("Element
 * update failed to validate attributes"): only located errors are reported,
 * and the first unlocated one when there is no other. */
static void rng_error(void *data, ps_xml_error_ptr e)
{
    rng_sink *s = data;
    unsigned line;
    char msg[400];

    if (e == NULL)
        return;
    line = e->line > 0 ? (unsigned)e->line : 0;
    if (line == 0 && e->node != NULL)
        line = node_line((xmlNodePtr)e->node);
    copy_line(msg, sizeof msg, e->message);
    if (line == 0) {
        if (s->first[0] == '\0')
            snprintf(s->first, sizeof s->first, "%s", msg);
        return;
    }
    if (s->n >= KB_MAX_ERRORS_PER_DOC)
        return;
    s->n++;
    rerr(s->c, s->file, line, "%s", msg);
}

static void rng_flush(rng_sink *s, const char *fallback)
{
    if (s->n == 0)
        rerr(s->c, s->file, 0, "%s", s->first[0] ? s->first : fallback);
}

/* Schemas are plain grammars: no include or externalRef, which would make
 * libxml2 read other files on its own. */
static xmlNodePtr find_external(xmlNodePtr n, unsigned depth)
{
    if (depth > 64)
        return n;
    for (; n != NULL; n = n->next) {
        xmlNodePtr r;

        if (is_el(n, "include") || is_el(n, "externalRef"))
            return n;
        if (n->type == XML_ELEMENT_NODE && (r = find_external(n->children, depth + 1)) != NULL)
            return r;
    }
    return NULL;
}

static xmlRelaxNGPtr compile_schema(ld *c, const ps_kb_doc *d)
{
    ps_err err = {0};
    xmlDocPtr doc = NULL;
    xmlRelaxNGParserCtxtPtr pctx = NULL;
    xmlRelaxNGPtr schema = NULL;
    xmlNodePtr ext;
    rng_sink sink = {c, d->path, 0, ""};
    unsigned before = c->errors;

    doc = ps_xml_parse(d->data, d->len, KB_MAX_FILE_BYTES, &err);
    if (doc == NULL) {
        rerr(c, d->path, err.line, "%s", err.msg);
        goto out;
    }
    if ((ext = find_external(xmlDocGetRootElement(doc), 0)) != NULL) {
        rerr(c, d->path, node_line(ext), "schema refers to another file (%s): not supported",
             (const char *)ext->name);
        goto out;
    }
    pctx = xmlRelaxNGNewDocParserCtxt(doc);
    if (pctx == NULL) {
        c->oom = 1;
        goto out;
    }
    xmlRelaxNGSetParserStructuredErrors(pctx, rng_error, &sink);
    schema = xmlRelaxNGParse(pctx);
    if (schema == NULL && c->errors == before)
        rng_flush(&sink, "not a usable RELAX NG schema");
out:
    if (pctx != NULL)
        xmlRelaxNGFreeParserCtxt(pctx);
    ps_xml_free(doc);
    return schema;
}

/* Parses and validates one data document; NULL when it is not valid (the
 * errors are findings). */
static xmlDocPtr parse_valid(ld *c, const ps_kb_doc *d, xmlRelaxNGPtr schema)
{
    ps_err err = {0};
    xmlDocPtr doc;
    xmlRelaxNGValidCtxtPtr vctx;
    rng_sink sink = {c, d->path, 0, ""};
    int r;

    doc = ps_xml_parse(d->data, d->len, KB_MAX_FILE_BYTES, &err);
    if (doc == NULL) {
        rerr(c, d->path, err.line, "%s", err.msg);
        return NULL;
    }
    vctx = xmlRelaxNGNewValidCtxt(schema);
    if (vctx == NULL) {
        c->oom = 1;
        ps_xml_free(doc);
        return NULL;
    }
    xmlRelaxNGSetValidStructuredErrors(vctx, rng_error, &sink);
    r = xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGFreeValidCtxt(vctx);
    if (r != 0) {
        rng_flush(&sink, "does not match its schema");
        ps_xml_free(doc);
        return NULL;
    }
    return doc;
}

/* ------------------------------------------------------------------ */
/* manifests/NAME.xml                                                    */
/* ------------------------------------------------------------------ */

static unsigned parse_arches(const char *s)
{
    unsigned bits = 0;
    const char *p = s;

    while (p != NULL && *p) {
        size_t len;
        char tok[8];

        p += strspn(p, " \t\r\n");
        len = strcspn(p, " \t\r\n");
        if (len == 0)
            break;
        if (len < sizeof tok) {
            memcpy(tok, p, len);
            tok[len] = '\0';
            if (ps_arch_parse(tok) != PS_ARCH_NONE)
                bits |= PS_ARCH_BIT(ps_arch_parse(tok));
        }
        p += len;
    }
    return bits;
}

/* <first kb|role [from]/> or a manifests <requires>: the "A" side of a rule. */
static void read_first(ld *c, xmlNodePtr n, ps_rule *r)
{
    r->kb = attr(c, n, "kb");
    r->role = attr_role(n, "role");
    r->from = attr(c, n, "from");
    r->or_superseding = attr_bool(n, "or-later", 0);
}

/* "YYYY-MM" of a "YYYY-MM[-DD]" text, or NULL (c->oom on failure). */
static char *month_of(ld *c, const char *date)
{
    char *m;

    if (date == NULL || strlen(date) < 7)
        return NULL;
    m = ps_strndup(date, 7);
    if (m == NULL)
        c->oom = 1;
    return m;
}

/* The month of an element: its month="" attribute, checked against its
 * date="" when both are given. */
static char *read_month(ld *c, xmlNodePtr n, const char *what, const char *date)
{
    char *m = attr(c, n, "month");

    if (m == NULL)
        return month_of(c, date);
    if (date != NULL && strncmp(m, date, 7) != 0)
        rerr(c, c->file, node_line(n), "%s: month %s disagrees with date %s", what, m, date);
    return m;
}

static void revision_free(ps_kb_revision *r)
{
    ps_free_ptr(&r->date);
    ps_free_ptr(&r->month);
    ps_free_ptr(&r->file);
    ps_free_ptr(&r->source);
    ps_free_ptr(&r->where.file);
}

/* <revision kb="" n="" [date] [month] [file] source=""/> at the top level. */
static void load_revision(ld *c, xmlNodePtr k, const char *os)
{
    pending_rev *p = grow(&c->prev, &c->nprev, sizeof *p);
    xmlChar *nv;
    char what[64];

    if (p == NULL) {
        c->oom = 1;
        return;
    }
    nv = xmlGetProp(k, (const xmlChar *)"n");
    p->rev.n = nv != NULL ? (unsigned)strtoul((const char *)nv, NULL, 10) : 0;
    xmlFree(nv);
    p->os = ps_strdup(os);
    p->kb = attr(c, k, "kb");
    p->rev.date = attr(c, k, "date");
    p->rev.file = attr(c, k, "file");
    p->rev.source = attr_source(c, k);
    if (p->os == NULL || set_where(c, &p->rev.where, k) != 0)
        c->oom = 1;
    snprintf(what, sizeof what, "%s revision %u", p->kb ? p->kb : "?", p->rev.n);
    p->rev.month = read_month(c, k, what, p->rev.date);
}

/* Attaches the revisions to their entries, in file order. */
static void attach_revisions(ld *c)
{
    for (size_t i = 0; i < c->nprev && !c->oom; i++) {
        pending_rev *p = &c->prev[i];
        ps_kb_entry *e = (ps_kb_entry *)ps_kb_find(c->kb, p->os, p->kb);
        ps_kb_revision *r;
        int bad = 0;

        if (e == NULL) {
            if (!c->manifests_failed)
                rerr(c, p->rev.where.file, p->rev.where.line,
                     "revision of %s, which is not in the manifests for %s", p->kb, p->os);
            continue;
        }
        for (size_t k = 0; k < e->n_revisions && !bad; k++) {
            if (e->revisions[k].n == p->rev.n) {
                rerr(c, p->rev.where.file, p->rev.where.line,
                     "%s: revision %u is listed twice (first at line %u)", e->kb, p->rev.n,
                     e->revisions[k].where.line);
                bad = 1;
            } else if (e->revisions[k].n > p->rev.n) {
                rerr(c, p->rev.where.file, p->rev.where.line,
                     "%s: revision %u is listed after revision %u", e->kb, p->rev.n,
                     e->revisions[k].n);
                bad = 1;
            }
        }
        if (bad)
            continue;
        r = grow(&e->revisions, &e->n_revisions, sizeof *r);
        if (r == NULL) {
            c->oom = 1;
            return;
        }
        *r = p->rev;
        memset(&p->rev, 0, sizeof p->rev);
    }
}

static void load_activation(ld *c, xmlNodePtr n, const char *os)
{
    ps_kb_activation *a;
    char *ed = attr(c, n, "edition");
    xmlChar *yv = xmlGetProp(n, (const xmlChar *)"year");
    unsigned year = yv != NULL ? (unsigned)strtoul((const char *)yv, NULL, 10) : 0;
    ps_edition edition = ps_edition_parse(ed);

    xmlFree(yv);
    free(ed);
    for (size_t i = 0; i < c->kb->n_activations; i++) {
        const ps_kb_activation *q = &c->kb->activations[i];

        if (strcmp(q->os, os) == 0 && q->year == year &&
            (q->edition == edition || q->edition == PS_EDITION_ANY || edition == PS_EDITION_ANY)) {
            rerr(c, c->file, node_line(n),
                 "ESU activation ID of year %u (%s) for OS %s is already given at %s:%u", year,
                 ps_edition_name(edition), os, q->where.file, q->where.line);
            return;
        }
    }
    a = grow(&c->kb->activations, &c->kb->n_activations, sizeof *a);
    if (a == NULL) {
        c->oom = 1;
        return;
    }
    a->os = ps_strdup(os);
    a->edition = edition;
    a->year = year;
    a->id = attr(c, n, "id");
    a->source = attr_source(c, n);
    if (a->os == NULL)
        c->oom = 1;
    set_where(c, &a->where, n);
}

static void load_update(ld *c, xmlNodePtr u, const char *os)
{
    ps_kb_entry *e = grow(&c->kb->entries, &c->kb->n_entries, sizeof *e);
    char *arch;
    xmlChar *sha2;

    if (e == NULL) {
        c->oom = 1;
        return;
    }
    e->kb = attr(c, u, "kb");
    e->os = ps_strdup(os);
    arch = attr(c, u, "arch");
    e->arches = parse_arches(arch);
    free(arch);
    e->role = attr_role(u, "role");
    e->date = attr(c, u, "date");
    e->title = attr(c, u, "title");
    e->kernel_build = attr(c, u, "kernel");
    e->provides_stack = attr(c, u, "stack");
    sha2 = xmlGetProp(u, (const xmlChar *)"sha2-only");
    e->sha2_only = sha2 == NULL ? -1 : strcmp((const char *)sha2, "true") == 0;
    xmlFree(sha2);
    e->unconfirmed = attr_unconfirmed(u);
    e->note = attr(c, u, "note");
    e->source = attr_source(c, u);
    if (e->os == NULL || set_where(c, &e->where, u) != 0) {
        c->oom = 1;
        return;
    }
    e->month = read_month(c, u, e->kb ? e->kb : "?", e->date);
    {
        char *ed = attr(c, u, "edition");

        e->edition = ps_edition_parse(ed);
        free(ed);
    }
    for (xmlNodePtr k = u->children; k != NULL; k = k->next) {
        if (is_el(k, "supersedes")) {
            char *s = attr(c, k, "kb");

            if (s != NULL && ps_strv_contains(e->supersedes, e->n_supersedes, s))
                rerr(c, c->file, node_line(k), "%s names %s as superseded twice", e->kb, s);
            else if (s != NULL && ps_strv_push(&e->supersedes, &e->n_supersedes, s) != 0)
                c->oom = 1;
            free(s);
        } else if (is_el(k, "requires")) {
            pending_req *p = grow(&c->pend, &c->npend, sizeof *p);

            if (p == NULL) {
                c->oom = 1;
                return;
            }
            p->os = ps_strdup(os);
            p->rule.kind = PS_RULE_REQUIRE;
            p->rule.subject.kb = ps_strdup(e->kb);
            read_first(c, k, &p->rule);
            p->rule.barrier = attr_bool(k, "barrier", 0);
            p->rule.reason = attr(c, k, "reason");
            p->rule.source = attr_source(c, k);
            p->rule.unconfirmed = attr_unconfirmed(k);
            if (p->os == NULL || p->rule.subject.kb == NULL || set_where(c, &p->rule.where, k) != 0)
                c->oom = 1;
        }
    }
}

static void load_manifests(ld *c, xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *os = attr(c, root, "os");

    if (os == NULL)
        return;
    read_sources(c, root);
    for (xmlNodePtr u = root->children; u != NULL && !c->oom; u = u->next) {
        if (is_el(u, "update"))
            load_update(c, u, os);
        else if (is_el(u, "activation"))
            load_activation(c, u, os);
        else if (is_el(u, "revision"))
            load_revision(c, u, os);
    }
    free(os);
}

/* ------------------------------------------------------------------ */
/* rules/NAME.xml                                                        */
/* ------------------------------------------------------------------ */

static void load_phases(ld *c, ps_os_rules *o, xmlNodePtr ph)
{
    for (unsigned i = 0; i < PS_ROLE__COUNT; i++)
        o->role_phase[i] = -1;
    for (xmlNodePtr p = ph->children; p != NULL; p = p->next) {
        char *name, *roles;
        const char *q;

        if (!is_el(p, "phase"))
            continue;
        name = attr(c, p, "name");
        if (name == NULL)
            continue;
        if (ps_strv_contains(o->phases, o->n_phases, name)) {
            rerr(c, c->file, node_line(p), "phase %s is listed twice", name);
            free(name);
            continue;
        }
        if (ps_strv_push(&o->phases, &o->n_phases, name) != 0)
            c->oom = 1;
        free(name);
        roles = attr(c, p, "roles");
        for (q = roles; q != NULL && *q;) {
            size_t len;
            char *tok;
            ps_role r;

            q += strspn(q, " \t\r\n");
            len = strcspn(q, " \t\r\n");
            if (len == 0)
                break;
            tok = ps_strndup(q, len);
            r = ps_role_parse(tok);
            if (r != PS_ROLE_UNKNOWN && o->role_phase[r] >= 0)
                rerr(c, c->file, node_line(p), "role %s is already in phase %s", tok,
                     o->phases[o->role_phase[r]]);
            else if (r != PS_ROLE_UNKNOWN)
                o->role_phase[r] = (int)o->n_phases - 1;
            free(tok);
            q += len;
        }
        free(roles);
    }
    for (unsigned i = 1; i < PS_ROLE__COUNT; i++) {
        if (o->role_phase[i] >= 0)
            continue;
        for (size_t k = 0; k < o->n_phases; k++)
            if (strcmp(o->phases[k], "other") == 0)
                o->role_phase[i] = (int)k;
    }
}

static void load_recognizer(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_recognizer *r = grow(&o->recognizers, &o->n_recognizers, sizeof *r);
    char *src;

    if (r == NULL) {
        c->oom = 1;
        return;
    }
    r->role = attr_role(n, "role");
    r->delivers = attr(c, n, "delivers");
    r->identity_name = attr(c, n, "identity");
    r->release_type = attr(c, n, "release-type");
    src = attr_source(c, n);
    free(src);
    set_where(c, &r->where, n);
    if (r->delivers == NULL && r->identity_name == NULL && r->release_type == NULL)
        rerr(c, c->file, node_line(n),
             "recognizer for %s names nothing to match (delivers, identity or release-type)",
             ps_role_name(r->role));
}

/* A <then>: the packages a rule or step is about. */
static void read_then(ld *c, xmlNodePtr k, ps_selector *s)
{
    s->kb = attr(c, k, "kb");
    s->role = attr_role(k, "role");
    s->release_type = attr(c, k, "release-type");
    s->since = attr(c, k, "since");
    s->since_month = month_of(c, s->since);
    s->sha2_only = attr_bool(k, "sha2-only", 0);
    if (s->kb == NULL && s->role == PS_ROLE_UNKNOWN && s->release_type == NULL)
        rerr(c, c->file, node_line(k),
             "<then> names no kb, role or release-type: the rule would apply to nothing");
}

/* Placeholders a step command may use. */
static int command_ok(const char *cmd, char *bad, size_t badlen)
{
    static const char *const known[] = {"{mak}", "{activation-id}"};

    for (const char *p = strchr(cmd, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        int ok = 0;

        for (size_t i = 0; end != NULL && i < PS_ARRAY_LEN(known); i++)
            if ((size_t)(end - p + 1) == strlen(known[i]) && strncmp(p, known[i], strlen(known[i])) == 0)
                ok = 1;
        if (!ok) {
            size_t len = end != NULL ? (size_t)(end - p + 1) : strlen(p);

            snprintf(bad, badlen, "%.*s", (int)(len < 40 ? len : 40), p);
            return 0;
        }
    }
    return 1;
}

static void load_step(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_manual_step *m;
    char *name = attr(c, n, "name");

    for (size_t i = 0; name != NULL && i < o->n_steps; i++) {
        if (strcmp(o->steps[i].name, name) == 0) {
            rerr(c, c->file, node_line(n), "step %s is already given at line %u", name,
                 o->steps[i].where.line);
            free(name);
            return;
        }
    }
    m = grow(&o->steps, &o->n_steps, sizeof *m);
    if (m == NULL) {
        free(name);
        c->oom = 1;
        return;
    }
    m->name = name;
    m->reason = attr(c, n, "reason");
    m->source = attr_source(c, n);
    set_where(c, &m->where, n);
    for (xmlNodePtr k = n->children; k != NULL && !c->oom; k = k->next) {
        if (is_el(k, "first")) {
            m->after = attr_role(k, "role");
        } else if (is_el(k, "then")) {
            ps_selector *s = grow(&m->before, &m->n_before, sizeof *s);

            if (s == NULL) {
                c->oom = 1;
                return;
            }
            read_then(c, k, s);
        } else if (is_el(k, "command")) {
            char *t = attr(c, k, "text");
            char bad[48];

            if (t != NULL && !command_ok(t, bad, sizeof bad))
                rerr(c, c->file, node_line(k),
                     "step %s: command uses %s; known placeholders are {mak} and {activation-id}",
                     m->name ? m->name : "?", bad);
            if (t != NULL && ps_strv_push(&m->commands, &m->n_commands, t) != 0)
                c->oom = 1;
            free(t);
        }
    }
}

static void load_esu_year(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_esu_year *y;
    xmlChar *yv = xmlGetProp(n, (const xmlChar *)"n");
    unsigned year = yv != NULL ? (unsigned)strtoul((const char *)yv, NULL, 10) : 0;
    char *from = attr(c, n, "from"), *to = attr(c, n, "to");

    xmlFree(yv);
    if (from != NULL && to != NULL && strcmp(from, to) > 0) {
        rerr(c, c->file, node_line(n), "ESU year %u ends (%s) before it begins (%s)", year, to, from);
        goto out;
    }
    if (o->n_esu_years > 0) {
        const ps_esu_year *p = &o->esu_years[o->n_esu_years - 1];

        if (year != p->year + 1) {
            rerr(c, c->file, node_line(n), "ESU year %u follows year %u", year, p->year);
            goto out;
        }
        if (from != NULL && p->to != NULL && strcmp(from, p->to) <= 0) {
            rerr(c, c->file, node_line(n), "ESU year %u begins (%s) before year %u ends (%s)", year,
                 from, p->year, p->to);
            goto out;
        }
    } else if (year != 1) {
        rerr(c, c->file, node_line(n), "the first ESU year is %u, not 1", year);
        goto out;
    }
    y = grow(&o->esu_years, &o->n_esu_years, sizeof *y);
    if (y == NULL) {
        c->oom = 1;
        goto out;
    }
    y->year = year;
    y->from = from;
    y->to = to;
    set_where(c, &y->where, n);
    return;
out:
    free(from);
    free(to);
}

static void load_rule(ld *c, ps_os_rules *o, xmlNodePtr n)
{
    ps_rule *r = grow(&o->rules, &o->n_rules, sizeof *r);

    if (r == NULL) {
        c->oom = 1;
        return;
    }
    r->kind = is_el(n, "require") ? PS_RULE_REQUIRE : is_el(n, "expect") ? PS_RULE_EXPECT
                                                                        : PS_RULE_ORDER;
    if (r->kind == PS_RULE_EXPECT)
        r->finding = attr(c, n, "finding");
    r->barrier = attr_bool(n, "barrier", 0);
    r->reason = attr(c, n, "reason");
    r->source = attr_source(c, n);
    r->unconfirmed = attr_unconfirmed(n);
    set_where(c, &r->where, n);
    for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
        if (is_el(k, "first")) {
            read_first(c, k, r);
        } else if (is_el(k, "then")) {
            read_then(c, k, &r->subject);
        }
    }
}

static void load_rules(ld *c, xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *os = attr(c, root, "os");
    ps_os_rules *o;

    if (os == NULL)
        return;
    for (size_t i = 0; i < c->kb->n_os; i++) {
        if (strcmp(c->kb->os[i].os, os) == 0) {
            rerr(c, c->file, node_line(root), "rules for OS %s are already given in %s:%u", os,
                 c->kb->os[i].where.file, c->kb->os[i].where.line);
            free(os);
            return;
        }
    }
    o = grow(&c->kb->os, &c->kb->n_os, sizeof *o);
    if (o == NULL) {
        c->oom = 1;
        free(os);
        return;
    }
    o->os = os;
    o->name = attr(c, root, "name");
    set_where(c, &o->where, root);
    for (unsigned i = 0; i < PS_ROLE__COUNT; i++)
        o->role_phase[i] = -1;
    read_sources(c, root);
    for (xmlNodePtr n = root->children; n != NULL && !c->oom; n = n->next) {
        char *src = NULL;

        if (is_el(n, "base-build")) {
            o->base_build = attr(c, n, "version");
            src = attr_source(c, n);
        } else if (is_el(n, "sha2-enabler")) {
            o->sha2_enabler = attr(c, n, "kb");
            src = attr_source(c, n);
        } else if (is_el(n, "phases")) {
            src = attr_source(c, n);
            load_phases(c, o, n);
        } else if (is_el(n, "recognizers")) {
            for (xmlNodePtr k = n->children; k != NULL; k = k->next)
                if (is_el(k, "recognize"))
                    load_recognizer(c, o, k);
        } else if (is_el(n, "require") || is_el(n, "order") || is_el(n, "expect")) {
            load_rule(c, o, n);
        } else if (is_el(n, "step")) {
            load_step(c, o, n);
        } else if (is_el(n, "esu-years")) {
            src = attr_source(c, n);
            for (xmlNodePtr k = n->children; k != NULL && !c->oom; k = k->next)
                if (is_el(k, "esu-year"))
                    load_esu_year(c, o, k);
        }
        free(src);
    }
}

/* ------------------------------------------------------------------ */
/* Linking and cross-checks                                             */
/* ------------------------------------------------------------------ */

static int entry_cmp(const void *pa, const void *pb)
{
    const ps_kb_entry *a = pa, *b = pb;
    int r;

    if ((r = str_cmp0(a->os, b->os)) != 0)
        return r;
    if ((r = kb_cmp(a->kb, b->kb)) != 0)
        return r;
    if ((r = str_cmp0(a->where.file, b->where.file)) != 0)
        return r;
    return (a->where.line > b->where.line) - (a->where.line < b->where.line);
}

static void drop_duplicates(ld *c)
{
    ps_kb *kb = c->kb;
    size_t w = 0;

    if (kb->n_entries > 1)
        qsort(kb->entries, kb->n_entries, sizeof *kb->entries, entry_cmp);
    for (size_t i = 0; i < kb->n_entries; i++) {
        ps_kb_entry *e = &kb->entries[i];

        if (w > 0 && str_cmp0(kb->entries[w - 1].os, e->os) == 0 &&
            kb_cmp(kb->entries[w - 1].kb, e->kb) == 0) {
            rerr(c, e->where.file, e->where.line, "duplicate entry %s for OS %s (first at %s:%u)",
                 e->kb, e->os, kb->entries[w - 1].where.file, kb->entries[w - 1].where.line);
            entry_free(e);
            continue;
        }
        if (w != i)
            kb->entries[w] = *e;
        w++;
    }
    kb->n_entries = w;
}

/* The transitive closure of the (checked, direct) supersedes lists, same
 * OS: from each entry a breadth-first walk over the direct lists, held as
 * entry indices; `seen` stamps an entry with the walk that reached it, so
 * one walk costs the size of its closure, never a scan of a list.  A walk
 * that comes back to its start is a loop. */
static void closure_walk(ld *c)
{
    ps_kb *kb = c->kb;
    size_t n = kb->n_entries, total = 0;
    size_t *first = calloc(n + 1, sizeof *first), *edge = NULL, *queue = NULL, *seen = NULL;
    unsigned char *loop = calloc(n ? n : 1, 1);

    if (first == NULL || loop == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        first[i] = total;
        total += kb->entries[i].n_supersedes;
    }
    first[n] = total;
    edge = malloc((total ? total : 1) * sizeof *edge);
    queue = malloc((n ? n : 1) * sizeof *queue);
    seen = malloc((n ? n : 1) * sizeof *seen);
    if (edge == NULL || queue == NULL || seen == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        seen[i] = SIZE_MAX;
        for (size_t k = 0; k < e->n_supersedes; k++) /* found: checked above */
            edge[first[i] + k] = (size_t)(ps_kb_find(kb, e->os, e->supersedes[k]) - kb->entries);
    }
    for (size_t i = 0; i < n && !c->oom; i++) {
        ps_kb_entry *e = &kb->entries[i];
        size_t head = 0, tail = 0, direct;
        int loops = 0;

        seen[i] = i;
        for (size_t k = first[i]; k < first[i + 1]; k++)
            if (seen[edge[k]] != i) {
                seen[edge[k]] = i;
                queue[tail++] = edge[k];
            }
        direct = tail; /* e->supersedes already holds these */
        while (head < tail) {
            size_t q = queue[head++];

            for (size_t k = first[q]; k < first[q + 1]; k++) {
                size_t t = edge[k];

                if (t == i)
                    loops = 1;
                if (seen[t] == i)
                    continue;
                seen[t] = i;
                queue[tail++] = t;
            }
        }
        for (size_t k = direct; k < tail && !c->oom; k++)
            if (ps_strv_push(&e->supersedes, &e->n_supersedes, kb->entries[queue[k]].kb) != 0)
                c->oom = 1;
        if (loops)
            loop[i] = 1;
    }
    /* A loop, named by the first of the closure that supersedes the start
     * (only where a walk came back: the error path). */
    for (size_t i = 0; i < n && !c->oom; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        for (size_t k = 0; loop[i] && k < e->n_supersedes; k++) {
            const ps_kb_entry *t = ps_kb_find(kb, e->os, e->supersedes[k]);

            if (t != NULL && ps_strv_contains(t->supersedes, t->n_supersedes, e->kb)) {
                rerr(c, e->where.file, e->where.line,
                     "supersedence loops: %s and %s supersede each other", e->kb, t->kb);
                break;
            }
        }
    }
    goto out;
oom:
    c->oom = 1;
out:
    free(first);
    free(loop);
    free(edge);
    free(queue);
    free(seen);
}

/* Checks the supersedes lists, then replaces them by their closure. */
static void close_supersedence(ld *c)
{
    ps_kb *kb = c->kb;

    for (size_t i = 0; i < kb->n_entries; i++) {
        ps_kb_entry *e = &kb->entries[i];
        size_t w = 0;

        for (size_t k = 0; k < e->n_supersedes; k++) {
            char *s = e->supersedes[k];

            if (kb_cmp(s, e->kb) == 0) {
                rerr(c, e->where.file, e->where.line, "%s supersedes itself", e->kb);
                free(s);
            } else if (ps_kb_find(kb, e->os, s) == NULL) {
                if (!c->manifests_failed)
                    rerr(c, e->where.file, e->where.line,
                     "%s supersedes %s, which is not in the manifests for %s", e->kb, s, e->os);
                free(s);
            } else {
                e->supersedes[w++] = s;
            }
        }
        e->n_supersedes = w;
    }
    /* The closure: a breadth-first walk from each entry over the direct
     * lists (kept as entry indices), linear in the size of the closure. */
    closure_walk(c);
}

static ps_os_rules *rules_for_mut(ps_kb *kb, const char *os)
{
    for (size_t i = 0; i < kb->n_os; i++)
        if (str_cmp0(kb->os[i].os, os) == 0)
            return &kb->os[i];
    return NULL;
}

static void attach_requirements(ld *c)
{
    for (size_t i = 0; i < c->npend; i++) {
        pending_req *p = &c->pend[i];
        ps_os_rules *o = rules_for_mut(c->kb, p->os);
        ps_rule *r;

        if (o == NULL && c->rules_failed)
            continue;
        if (o == NULL) {
            rerr(c, p->rule.where.file, p->rule.where.line,
                 "requirement of %s for OS %s, which has no rules file", p->rule.subject.kb,
                 p->os);
            continue;
        }
        r = grow(&o->rules, &o->n_rules, sizeof *r);
        if (r == NULL) {
            c->oom = 1;
            return;
        }
        *r = p->rule;
        memset(&p->rule, 0, sizeof p->rule);
    }
}

static const ps_kb_entry *check_ref(ld *c, const ps_os_rules *o, const ps_rule *r,
                                    const char *kbnum)
{
    const ps_kb_entry *e;

    if (kbnum == NULL)
        return NULL;
    e = ps_kb_find(c->kb, o->os, kbnum);
    if (e == NULL && !c->manifests_failed)
        rerr(c, r->where.file, r->where.line, "rule names %s, which is not in the manifests for %s",
             kbnum, o->os);
    return e;
}

/* Unknown KBs, `from` of the wrong role, hard requirements on unconfirmed
 * knowledge (demoted to ORDER once reported). */
static void check_rule_refs(ld *c, ps_os_rules *o)
{
    if (o->sha2_enabler != NULL) {
        const ps_kb_entry *e = ps_kb_find(c->kb, o->os, o->sha2_enabler);

        if (e == NULL) {
            if (!c->manifests_failed)
                rerr(c, o->where.file, o->where.line,
                     "SHA-2 enabler %s is not in the manifests for %s", o->sha2_enabler, o->os);
        } else if (e->role != PS_ROLE_SHA2_SUPPORT)
            rerr(c, o->where.file, o->where.line,
                 "SHA-2 enabler %s is a %s update in %s:%u, not sha2-support", e->kb,
                 ps_role_name(e->role), e->where.file, e->where.line);
    }
    for (size_t i = 0; i < o->n_rules; i++) {
        ps_rule *r = &o->rules[i];
        const ps_kb_entry *refs[3];

        refs[0] = check_ref(c, o, r, r->subject.kb);
        refs[1] = check_ref(c, o, r, r->kb);
        refs[2] = check_ref(c, o, r, r->from);
        if (refs[2] != NULL && r->role != PS_ROLE_UNKNOWN && refs[2]->role != r->role)
            rerr(c, r->where.file, r->where.line, "from %s is a %s update, not %s", r->from,
                 ps_role_name(refs[2]->role), ps_role_name(r->role));
        if (r->kind != PS_RULE_REQUIRE)
            continue;
        if (r->unconfirmed) {
            rerr(c, r->where.file, r->where.line,
                 "a require rule cannot rest on unconfirmed knowledge: confirm it or make it an "
                 "order rule");
            r->kind = PS_RULE_ORDER;
            continue;
        }
        for (size_t k = 0; k < 3; k++) {
            if (refs[k] != NULL && refs[k]->unconfirmed) {
                rerr(c, r->where.file, r->where.line,
                     "require rule rests on %s, whose entry (%s:%u) is unconfirmed", refs[k]->kb,
                     refs[k]->where.file, refs[k]->where.line);
                r->kind = PS_RULE_ORDER;
                break;
            }
        }
    }
}

/* The graph of "first before then" over names (a KB, else a role). */
static const char *first_name(const ps_rule *r)
{
    return r->kb != NULL ? r->kb : r->role != PS_ROLE_UNKNOWN ? ps_role_name(r->role) : NULL;
}

static const char *then_name(const ps_rule *r)
{
    if (r->subject.kb != NULL)
        return r->subject.kb;
    if (r->subject.role != PS_ROLE_UNKNOWN && r->subject.release_type == NULL &&
        r->subject.since == NULL && !r->subject.sha2_only)
        return ps_role_name(r->subject.role);
    return NULL; /* a narrower subject: not a node of its own */
}

static void check_contradictions(ld *c, const ps_os_rules *o)
{
    for (size_t i = 0; i < o->n_rules; i++) {
        const ps_rule *r = &o->rules[i];
        const char *a = first_name(r), *b = then_name(r);

        if (a == NULL || b == NULL)
            continue;
        if (strcmp(a, b) == 0) {
            rerr(c, r->where.file, r->where.line, "rule puts %s before itself", a);
            continue;
        }
        for (size_t k = 0; k < i; k++) {
            const ps_rule *q = &o->rules[k];
            const char *qa = first_name(q), *qb = then_name(q);

            if (qa != NULL && qb != NULL && strcmp(qa, b) == 0 && strcmp(qb, a) == 0) {
                rerr(c, r->where.file, r->where.line,
                     "rule puts %s before %s, but %s:%u puts %s before %s", a, b, q->where.file,
                     q->where.line, b, a);
                break;
            }
        }
    }
}

/* Cycles of three or more rules (two are contradictions, reported above):
 * an iterative depth-first search over the rules as edges. */
static void check_cycles(ld *c, const ps_os_rules *o)
{
    size_t n = o->n_rules;
    unsigned char *state = NULL; /* per rule-edge: 0 new, 1 on the path, 2 done */
    size_t *stack = NULL, *next = NULL;

    if (n == 0)
        return;
    if (n > KB_MAX_RULES_GRAPH) {
        rerr(c, o->where.file, o->where.line, "more than %d rules for OS %s: not checked for cycles",
             KB_MAX_RULES_GRAPH, o->os);
        return;
    }
    state = calloc(n, 1);
    stack = calloc(n, sizeof *stack);
    next = calloc(n, sizeof *next);
    if (state == NULL || stack == NULL || next == NULL) {
        c->oom = 1;
        goto out;
    }
    /* Edge i follows edge j when then(j) == first(i).  A path of edges that
     * comes back to an edge on the path is a cycle. */
    for (size_t s = 0; s < n; s++) {
        size_t depth = 0;

        if (state[s] != 0 || first_name(&o->rules[s]) == NULL || then_name(&o->rules[s]) == NULL)
            continue;
        stack[depth++] = s;
        state[s] = 1;
        next[s] = 0;
        while (depth > 0) {
            size_t cur = stack[depth - 1];
            const char *to = then_name(&o->rules[cur]);
            int pushed = 0;

            while (next[cur] < n) {
                size_t e = next[cur]++;
                const char *fa = first_name(&o->rules[e]);

                if (fa == NULL || then_name(&o->rules[e]) == NULL || strcmp(fa, to) != 0)
                    continue;
                if (state[e] == 1) {
                    size_t from = 0, len;

                    while (stack[from] != e)
                        from++;
                    len = depth - from;
                    if (len >= 3) {
                        ps_buf b = {0};

                        for (size_t k = from; k < depth; k++)
                            ps_buf_printf(&b, "%s -> ", first_name(&o->rules[stack[k]]));
                        ps_buf_printf(&b, "%s", first_name(&o->rules[e]));
                        rerr(c, o->rules[cur].where.file, o->rules[cur].where.line,
                             "rules form a cycle: %s", b.data ? b.data : "");
                        ps_buf_free(&b);
                    }
                    continue;
                }
                if (state[e] == 0) {
                    state[e] = 1;
                    next[e] = 0;
                    stack[depth++] = e;
                    pushed = 1;
                    break;
                }
            }
            if (!pushed) {
                state[cur] = 2;
                depth--;
            }
        }
    }
out:
    free(state);
    free(stack);
    free(next);
}

/* or-later requirements need a chain to follow; steps need what their
 * commands name. */
static void check_new_refs(ld *c, ps_os_rules *o)
{
    for (size_t i = 0; i < o->n_rules; i++) {
        const ps_rule *r = &o->rules[i];
        int superseded = 0;

        if (!r->or_superseding || r->kb == NULL || ps_kb_find(c->kb, o->os, r->kb) == NULL)
            continue;
        for (size_t k = 0; k < c->kb->n_entries && !superseded; k++) {
            const ps_kb_entry *e = &c->kb->entries[k];

            superseded = str_cmp0(e->os, o->os) == 0 &&
                         ps_strv_contains(e->supersedes, e->n_supersedes, r->kb);
        }
        if (!superseded)
            rerr(c, r->where.file, r->where.line,
                 "or-later on %s, but no entry of the manifests for %s supersedes it", r->kb,
                 o->os);
    }
    for (size_t i = 0; i < o->n_steps; i++) {
        const ps_manual_step *m = &o->steps[i];
        int uses_id = 0, has_id = 0;

        for (size_t k = 0; k < m->n_before; k++)
            if (m->before[k].kb != NULL && ps_kb_find(c->kb, o->os, m->before[k].kb) == NULL &&
                !c->manifests_failed)
                rerr(c, m->where.file, m->where.line,
                     "step %s names %s, which is not in the manifests for %s", m->name,
                     m->before[k].kb, o->os);
        for (size_t k = 0; k < m->n_commands; k++)
            uses_id |= strstr(m->commands[k], "{activation-id}") != NULL;
        if (!uses_id)
            continue;
        if (o->n_esu_years == 0)
            rerr(c, m->where.file, m->where.line,
                 "step %s uses {activation-id}, but the rules for %s give no <esu-years>", m->name,
                 o->os);
        for (size_t y = 0; y < o->n_esu_years; y++) {
            has_id = 0;
            for (size_t k = 0; k < c->kb->n_activations; k++)
                has_id |= strcmp(c->kb->activations[k].os, o->os) == 0 &&
                          c->kb->activations[k].year == o->esu_years[y].year;
            if (!has_id && !c->manifests_failed)
                rerr(c, o->esu_years[y].where.file, o->esu_years[y].where.line,
                     "ESU year %u of %s has no activation ID in the manifests", o->esu_years[y].year,
                     o->os);
        }
    }
}

static void link_and_check(ld *c)
{
    drop_duplicates(c);
    if (c->oom)
        return;
    close_supersedence(c);
    attach_requirements(c);
    attach_revisions(c);
    for (size_t i = 0; i < c->kb->n_os && !c->oom; i++) {
        check_rule_refs(c, &c->kb->os[i]);
        check_new_refs(c, &c->kb->os[i]);
        check_contradictions(c, &c->kb->os[i]);
        check_cycles(c, &c->kb->os[i]);
    }
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */
/* ------------------------------------------------------------------ */

static const ps_kb_doc *find_doc(const ps_kb_doc *docs, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (docs[i].path != NULL && strcmp(docs[i].path, path) == 0)
            return &docs[i];
    return NULL;
}

static int is_data_doc(const char *path, const char *folder)
{
    size_t fl = strlen(folder);

    return path != NULL && strncmp(path, folder, fl) == 0 && path[fl] == '/' &&
           strchr(path + fl + 1, '/') == NULL && ps_has_suffix_ci(path, ".xml") &&
           strlen(path + fl + 1) > 4;
}

/* The digests of the shipped files (generated: src/kb_shipped.py). */
extern const unsigned char ps_kb_shipped_digests[][32];
extern const size_t ps_kb_shipped_count;

/* 1 when the bytes of d are those of a shipped file: the kb tests check
 * each against its shipped schema, so the run-time RELAX NG check (most of
 * the cost of loading) is skipped for them. */
static int is_shipped(const ps_kb_doc *d)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    size_t lo = 0, hi = ps_kb_shipped_count;

    if (d == NULL || SHA256(d->data, d->len, md) == NULL)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = memcmp(ps_kb_shipped_digests[mid], md, sizeof md);

        if (r == 0)
            return 1;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static void load_kind(ld *c, const ps_kb_doc *docs, size_t n, const char *folder,
                      const char *schema_path, void (*load)(ld *, xmlDocPtr))
{
    const ps_kb_doc *sd = find_doc(docs, n, schema_path);
    xmlRelaxNGPtr schema = NULL;
    int any = 0, shipped_schema, compiled = 0;

    for (size_t i = 0; i < n; i++)
        any |= is_data_doc(docs[i].path, folder);
    if (sd == NULL) {
        if (any && load == load_manifests)
            c->manifests_failed = 1;
        else if (any)
            c->rules_failed = 1;
        if (any)
            rerr(c, schema_path, 0, "schema missing: the %s files cannot be checked", folder);
        return;
    }
    /* A schema that is not the shipped one is compiled even with no file
     * to check, so that its own errors are found. */
    shipped_schema = is_shipped(sd);
    for (size_t i = 0; i < n && !c->oom; i++) {
        xmlDocPtr doc;

        if (!is_data_doc(docs[i].path, folder))
            continue;
        if (shipped_schema && is_shipped(&docs[i])) {
            ps_err err = {0};

            doc = ps_xml_parse(docs[i].data, docs[i].len, KB_MAX_FILE_BYTES, &err);
            if (doc == NULL)
                rerr(c, docs[i].path, err.line, "%s", err.msg);
        } else {
            if (!compiled) {
                compiled = 1;
                schema = compile_schema(c, sd);
            }
            if (schema == NULL)
                return;
            doc = parse_valid(c, &docs[i], schema);
        }
        if (doc == NULL) {
            if (load == load_manifests)
                c->manifests_failed = 1;
            else
                c->rules_failed = 1;
            continue;
        }
        c->file = docs[i].path;
        load(c, doc);
        c->file = NULL;
        ps_xml_free(doc);
    }
    if (!compiled && !shipped_schema)
        schema = compile_schema(c, sd);
    xmlRelaxNGFree(schema);
}

int ps_kb_load_docs(ps_kb *kb, const char *dir, const ps_kb_doc *docs, size_t ndocs,
                    ps_findings *f)
{
    ld c = {0};

    memset(kb, 0, sizeof *kb);
    c.kb = kb;
    c.f = f;
    if (dir != NULL && (kb->dir = ps_strdup(dir)) == NULL)
        return -1;
    load_kind(&c, docs, ndocs, "manifests", SCHEMA_MANIFESTS, load_manifests);
    load_kind(&c, docs, ndocs, "rules", SCHEMA_RULES, load_rules);
    if (!c.oom)
        link_and_check(&c);
    ps_strv_free(&c.keys, &c.nkeys);
    for (size_t i = 0; i < c.npend; i++) {
        free(c.pend[i].os);
        rule_free(&c.pend[i].rule);
    }
    free(c.pend);
    for (size_t i = 0; i < c.nprev; i++) {
        free(c.prev[i].os);
        free(c.prev[i].kb);
        revision_free(&c.prev[i].rev);
    }
    free(c.prev);
    if (c.oom)
        return -1;
    return c.errors ? 1 : 0;
}

/* Reads a whole file, at most KB_MAX_FILE_BYTES. 0, or -1 with a message. */
static int read_file(const char *path, char **data, size_t *len, char *msg, size_t msglen)
{
    FILE *fp = ps_fopen_regular(path, msg, msglen);
    ps_buf b = {0};
    char chunk[8192];
    size_t n;
    int rc = -1;

    b.max = KB_MAX_FILE_BYTES + 1;
    if (fp == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        int r = ps_buf_append(&b, chunk, n);

        if (r == -2 || (r == 0 && b.len > KB_MAX_FILE_BYTES)) {
            snprintf(msg, msglen, "larger than %u bytes", KB_MAX_FILE_BYTES);
            goto out;
        }
        if (r != 0) {
            snprintf(msg, msglen, "out of memory");
            goto out;
        }
    }
    if (ferror(fp)) {
        snprintf(msg, msglen, "cannot read: %s", strerror(errno));
        goto out;
    }
    *data = ps_buf_steal(&b, len);
    if (*data == NULL) {
        *data = ps_strdup("");
        *len = 0;
    }
    rc = *data ? 0 : -1;
out:
    ps_buf_free(&b);
    fclose(fp);
    return rc;
}

typedef struct docset {
    ps_kb_doc *docs;
    char **paths;   /* owned: docs[i].path */
    char **bufs;    /* owned: docs[i].data */
    size_t n;
} docset;

static void docset_free(docset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->paths[i]);
        free(s->bufs[i]);
    }
    free(s->docs);
    free(s->paths);
    free(s->bufs);
    memset(s, 0, sizeof *s);
}

/* Adds DIR/rel when it can be read; a file that cannot is a finding. */
static int docset_add(docset *s, const char *dir, const char *rel, ps_findings *f, unsigned *errs)
{
    char *full = ps_asprintf("%s/%s", dir, rel);
    char *data = NULL;
    size_t len = 0;
    char msg[256] = "";
    ps_kb_doc *d;
    char **p, **bf;

    if (full == NULL)
        return -1;
    if (read_file(full, &data, &len, msg, sizeof msg) != 0) {
        ps_where w = {0};

        free(full);
        if (strcmp(msg, "out of memory") == 0)
            return -1;
        w.file = rel;
        (*errs)++;
        return ps_findings_add(f, PS_F_RULE_ERROR, &w, "%s", msg);
    }
    free(full);
    d = realloc(s->docs, (s->n + 1) * sizeof *d);
    if (d != NULL)
        s->docs = d;
    p = realloc(s->paths, (s->n + 1) * sizeof *p);
    if (p != NULL)
        s->paths = p;
    bf = realloc(s->bufs, (s->n + 1) * sizeof *bf);
    if (bf != NULL)
        s->bufs = bf;
    if (d == NULL || p == NULL || bf == NULL || (s->paths[s->n] = ps_strdup(rel)) == NULL) {
        free(data);
        return -1;
    }
    s->bufs[s->n] = data;
    s->docs[s->n].path = s->paths[s->n];
    s->docs[s->n].data = data;
    s->docs[s->n].len = len;
    s->n++;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.xml files of DIR/folder in byte order of names, and the schema. */
static int docset_folder(docset *s, const char *dir, const char *folder, const char *schema,
                         ps_findings *f, unsigned *errs, char *err, size_t errlen)
{
    char *path = ps_asprintf("%s/%s", dir, folder);
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t nnames = 0;
    int rc = -1;
    struct stat st;

    if (path == NULL)
        goto oom;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a knowledge dir: no %s/ folder", dir, folder);
        goto out;
    }
    d = opendir(path);
    if (d == NULL) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !ps_has_suffix_ci(de->d_name, ".xml") || strlen(de->d_name) <= 4)
            continue;
        if (nnames >= KB_MAX_FILES) {
            snprintf(err, errlen, "%s holds more than %d .xml files", path, KB_MAX_FILES);
            goto out;
        }
        if (ps_strv_push(&names, &nnames, de->d_name) != 0)
            goto oom;
    }
    if (nnames > 1)
        qsort(names, nnames, sizeof *names, name_cmp);
    {
        char *rel = ps_asprintf("%s/%s", folder, schema);
        char *full = ps_asprintf("%s/%s", dir, rel ? rel : "");
        int r = rel == NULL || full == NULL ? -1
                : access(full, F_OK) == 0 ? docset_add(s, dir, rel, f, errs) : 0;

        free(rel);
        free(full);
        if (r != 0)
            goto oom;
    }
    for (size_t i = 0; i < nnames; i++) {
        char *rel = ps_asprintf("%s/%s", folder, names[i]);
        int r = rel == NULL ? -1 : docset_add(s, dir, rel, f, errs);

        free(rel);
        if (r != 0)
            goto oom;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
    rc = -1;
out:
    if (d != NULL)
        closedir(d);
    ps_strv_free(&names, &nnames);
    free(path);
    return rc;
}

int ps_kb_load(ps_kb *kb, const char *dir, ps_findings *f, char *err, size_t errlen)
{
    docset s = {0};
    struct stat st;
    unsigned errs = 0;
    int rc = -1;

    memset(kb, 0, sizeof *kb);
    if (dir == NULL || stat(dir, &st) != 0) {
        snprintf(err, errlen, "%s: %s", dir ? dir : "(null)", dir ? strerror(errno) : "no dir");
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", dir);
        return -1;
    }
    if (docset_folder(&s, dir, "manifests", "manifests.rng", f, &errs, err, errlen) != 0 ||
        docset_folder(&s, dir, "rules", "rules.rng", f, &errs, err, errlen) != 0)
        goto out;
    rc = ps_kb_load_docs(kb, dir, s.docs, s.n, f);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    else if (errs > 0)
        rc = 1;
out:
    docset_free(&s);
    return rc;
}

int ps_kb_check(const char *dir, ps_findings *f, char *err, size_t errlen)
{
    ps_kb kb;
    int rc = ps_kb_load(&kb, dir, f, err, errlen);

    ps_kb_free(&kb);
    return rc;
}

size_t ps_kb_rule_count(const ps_kb *kb)
{
    size_t n = 0;

    for (size_t i = 0; i < kb->n_os; i++)
        n += kb->os[i].n_rules;
    return n;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

const char *ps_kb_default_dir(void)
{
    const char *env = getenv("PATCHSEQ_DATA_DIR");
    char exe[PATH_MAX];
    ssize_t n;
    size_t bl = strlen(PS_BUILD_DIR);

    if (env != NULL && env[0] != '\0')
        return env;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if ((size_t)n > bl && strncmp(exe, PS_BUILD_DIR, bl) == 0 && exe[bl] == '/')
            return PS_SOURCE_DIR;
    }
    return PS_DATADIR;
}

const ps_kb_entry *ps_kb_find(const ps_kb *kb, const char *os, const char *kbnum)
{
    size_t lo = 0, hi;

    if (kb == NULL || os == NULL || kbnum == NULL)
        return NULL;
    hi = kb->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ps_kb_entry *e = &kb->entries[mid];
        int r = strcmp(e->os, os);

        if (r == 0)
            r = kb_cmp(e->kb, kbnum);
        if (r == 0)
            return e;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const ps_os_rules *ps_kb_rules_for(const ps_kb *kb, const char *os)
{
    if (kb == NULL || os == NULL)
        return NULL;
    for (size_t i = 0; i < kb->n_os; i++)
        if (strcmp(kb->os[i].os, os) == 0)
            return &kb->os[i];
    return NULL;
}

/* The component version a package delivers, for a recognizer's `delivers`. */
static const char *delivered(const ps_package *p, const char *component)
{
    if (ps_streq_ci(component, "Microsoft-Windows-ServicingStack"))
        return p->provides_stack;
    if (ps_streq_ci(component, "Microsoft-Windows-OS-Kernel"))
        return p->kernel_version;
    return NULL;
}

static int recognizer_matches(const ps_recognizer *r, const ps_package *p, ps_buf *why)
{
    if (r->delivers == NULL && r->identity_name == NULL && r->release_type == NULL)
        return 0;
    if (r->delivers != NULL && delivered(p, r->delivers) == NULL)
        return 0;
    if (r->identity_name != NULL && !ps_streq_ci(r->identity_name, p->identity.name))
        return 0;
    if (r->release_type != NULL && !ps_streq_ci(r->release_type, p->release_type))
        return 0;
    if (r->delivers != NULL)
        ps_buf_printf(why, "delivers %s %s", r->delivers, delivered(p, r->delivers));
    if (r->identity_name != NULL)
        ps_buf_printf(why, "%sidentity %s", why->len ? ", " : "", p->identity.name);
    if (r->release_type != NULL)
        ps_buf_printf(why, "%srelease type %s", why->len ? ", " : "", p->release_type);
    return 1;
}

ps_role ps_kb_classify(const ps_kb *kb, const ps_package *p, char *why, size_t whylen)
{
    const ps_kb_entry *e = NULL;
    const ps_os_rules *o;
    ps_role role = PS_ROLE_OTHER;

    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (kb == NULL || p == NULL)
        goto none;
    if (p->kb != NULL && p->os != NULL) {
        e = ps_kb_find(kb, p->os, p->kb);
    } else if (p->kb != NULL) {
        for (size_t i = 0; i < kb->n_entries && e == NULL; i++)
            if (kb_cmp(kb->entries[i].kb, p->kb) == 0)
                e = &kb->entries[i];
    }
    if (e != NULL) {
        if (why != NULL && whylen > 0)
            snprintf(why, whylen, "%s:%u", e->where.file, e->where.line);
        return e->role;
    }
    o = ps_kb_rules_for(kb, p->os);
    for (size_t i = 0; o != NULL && i < o->n_recognizers; i++) {
        ps_buf b = {0};

        if (recognizer_matches(&o->recognizers[i], p, &b)) {
            if (why != NULL && whylen > 0)
                snprintf(why, whylen, "%s", b.data ? b.data : "");
            role = o->recognizers[i].role;
            ps_buf_free(&b);
            return role;
        }
        ps_buf_free(&b);
    }
none:
    if (why != NULL && whylen > 0)
        snprintf(why, whylen, "no rule matched");
    return role;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

const char *ps_track_name(ps_track t)
{
    switch (t) {
    case PS_TRACK_MONTHLY_ROLLUP:
        return "monthly-rollup";
    case PS_TRACK_SECURITY_ONLY:
        return "security-only";
    case PS_TRACK_PREVIEW:
        return "preview";
    default:
        return "none";
    }
}

ps_track ps_kb_track(const ps_kb_entry *e)
{
    if (e == NULL)
        return PS_TRACK_NONE;
    switch (e->role) {
    case PS_ROLE_ROLLUP:
        return PS_TRACK_MONTHLY_ROLLUP;
    case PS_ROLE_SECURITY_ONLY:
        return PS_TRACK_SECURITY_ONLY;
    case PS_ROLE_PREVIEW_ROLLUP:
        return PS_TRACK_PREVIEW;
    default:
        return PS_TRACK_NONE;
    }
}

const char *ps_edition_name(ps_edition e)
{
    return e == PS_EDITION_CLIENT ? "client" : e == PS_EDITION_SERVER ? "server" : "any";
}

ps_edition ps_edition_parse(const char *s)
{
    if (s != NULL && strcmp(s, "client") == 0)
        return PS_EDITION_CLIENT;
    if (s != NULL && strcmp(s, "server") == 0)
        return PS_EDITION_SERVER;
    return PS_EDITION_ANY;
}

int ps_kb_supersedes(const ps_kb *kb, const char *os, const char *newer, const char *older)
{
    const ps_kb_entry *n = ps_kb_find(kb, os, newer);

    if (n == NULL || ps_kb_find(kb, os, older) == NULL)
        return -1;
    return ps_strv_contains(n->supersedes, n->n_supersedes, older) ? 1 : 0;
}

int ps_kb_satisfies(const ps_kb *kb, const char *os, const char *candidate,
                    const char *required, int or_superseding)
{
    if (candidate == NULL || required == NULL)
        return 0;
    if (ps_streq_ci(candidate, required))
        return 1;
    return or_superseding && ps_kb_supersedes(kb, os, candidate, required) == 1;
}

/* Oldest release first: month, date, KB; entries without a month last. */
static int release_cmp(const void *pa, const void *pb)
{
    const ps_kb_entry *a = *(const ps_kb_entry *const *)pa, *b = *(const ps_kb_entry *const *)pb;
    int r;

    if ((a->month == NULL) != (b->month == NULL))
        return a->month == NULL ? 1 : -1;
    if ((r = str_cmp0(a->month, b->month)) != 0)
        return r;
    if ((a->date == NULL) != (b->date == NULL))
        return a->date == NULL ? 1 : -1;
    if ((r = str_cmp0(a->date, b->date)) != 0)
        return r;
    return kb_cmp(a->kb, b->kb);
}

size_t ps_kb_list(const ps_kb *kb, const char *os, ps_role role, ps_arch arch,
                  const ps_kb_entry **out, size_t max)
{
    const ps_kb_entry **all;
    size_t n = 0;

    if (kb == NULL || os == NULL)
        return 0;
    all = calloc(kb->n_entries ? kb->n_entries : 1, sizeof *all);
    if (all == NULL)
        return 0;
    for (size_t i = 0; i < kb->n_entries; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        if (str_cmp0(e->os, os) != 0 || (role != PS_ROLE_UNKNOWN && e->role != role) ||
            (arch != PS_ARCH_NONE && !(e->arches & PS_ARCH_BIT(arch))))
            continue;
        all[n++] = e;
    }
    if (n > 1)
        qsort(all, n, sizeof *all, release_cmp);
    for (size_t i = 0; i < n && i < max && out != NULL; i++)
        out[i] = all[i];
    free(all);
    return n;
}

const char *ps_kb_release_month(const ps_kb *kb, const char *os, const char *kbnum)
{
    const ps_kb_entry *e = ps_kb_find(kb, os, kbnum);

    return e != NULL ? e->month : NULL;
}

unsigned ps_kb_esu_year(const ps_kb *kb, const char *os, const char *month)
{
    const ps_os_rules *o = ps_kb_rules_for(kb, os);

    if (o == NULL || month == NULL || strlen(month) < 7)
        return 0;
    for (size_t i = 0; i < o->n_esu_years; i++) {
        const ps_esu_year *y = &o->esu_years[i];

        if (y->from != NULL && y->to != NULL && strncmp(month, y->from, 7) >= 0 &&
            strncmp(month, y->to, 7) <= 0)
            return y->year;
    }
    return 0;
}

const ps_kb_activation *ps_kb_activation_for(const ps_kb *kb, const char *os, ps_edition ed,
                                             unsigned year)
{
    for (size_t i = 0; kb != NULL && os != NULL && i < kb->n_activations; i++) {
        const ps_kb_activation *a = &kb->activations[i];

        if (strcmp(a->os, os) == 0 && a->year == year &&
            (a->edition == PS_EDITION_ANY || ed == PS_EDITION_ANY || a->edition == ed))
            return a;
    }
    return NULL;
}

const ps_manual_step *ps_kb_step(const ps_kb *kb, const char *os, const char *name)
{
    const ps_os_rules *o = ps_kb_rules_for(kb, os);

    for (size_t i = 0; o != NULL && name != NULL && i < o->n_steps; i++)
        if (o->steps[i].name != NULL && strcmp(o->steps[i].name, name) == 0)
            return &o->steps[i];
    return NULL;
}

int ps_selector_month_ok(const ps_selector *s, const char *month)
{
    if (s == NULL || s->since_month == NULL)
        return 1;
    if (month == NULL || strlen(month) < 7)
        return 0;
    return strncmp(month, s->since_month, 7) >= 0;
}

int ps_kb_for_edition(const ps_kb *kb, const char *os, const char *kbnum, ps_edition ed)
{
    const ps_kb_entry *e = ps_kb_find(kb, os, kbnum);

    if (e == NULL)
        return -1;
    return e->edition == PS_EDITION_ANY || ed == PS_EDITION_ANY || e->edition == ed;
}
