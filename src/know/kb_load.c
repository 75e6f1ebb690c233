/*
 * kb_load.c - loading the knowledge base: reading the files of manifests/
 * and rules/, validating each document against its RELAX NG schema, and
 * the entry points ps_kb_load, ps_kb_load_docs and ps_kb_check.
 *
 * Loading runs in three steps: read the files (ps_kb_load), validate each
 * document against its schema and turn it into structs (ps_kb_load_manifests,
 * ps_kb_load_rules, kb_parse.c), then link and cross-check the whole
 * (ps_kb_link_and_check, kb_check.c).  Every problem is a rule-error finding
 * naming the file, relative to the knowledge dir, and the line.
 */
#include "kb.h"
#include "kb_int.h"

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
#define KB_MAX_ERRORS_PER_DOC 50      /* schema errors reported per document */

#define SCHEMA_MANIFESTS "manifests/manifests.rng"
#define SCHEMA_RULES "rules/rules.rng"

#if LIBXML_VERSION >= 21200
typedef const xmlError *ps_xml_error_ptr;
#else
typedef xmlErrorPtr ps_xml_error_ptr;
#endif

/* ------------------------------------------------------------------ */
/* Schemas                                                              */
/* ------------------------------------------------------------------ */

typedef struct rng_sink {
    ld *c;
    const char *file;
    unsigned n;          /* errors reported with a line */
    char first[400];     /* the first error libxml2 gave without a line */
} rng_sink;

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
        line = ps_node_line((xmlNodePtr)e->node);
    ps_msg_line(msg, sizeof msg, e->message, "invalid", false);
    if (line == 0) {
        if (s->first[0] == '\0')
            snprintf(s->first, sizeof s->first, "%s", msg);
        return;
    }
    if (s->n >= KB_MAX_ERRORS_PER_DOC)
        return;
    s->n++;
    ps_kb_rerr(s->c, s->file, line, "%s", msg);
}

static void rng_flush(rng_sink *s, const char *fallback)
{
    if (s->n == 0)
        ps_kb_rerr(s->c, s->file, 0, "%s", s->first[0] ? s->first : fallback);
}

/* Schemas are plain grammars: no include or externalRef, which would make
 * libxml2 read other files on its own. */
static xmlNodePtr find_external(xmlNodePtr n, unsigned depth)
{
    if (depth > 64)
        return n;
    for (; n != NULL; n = n->next) {
        xmlNodePtr r;

        if (ps_kb_is_el(n, "include") || ps_kb_is_el(n, "externalRef"))
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
        ps_kb_rerr(c, d->path, err.line, "%s", err.msg);
        goto out;
    }
    if ((ext = find_external(xmlDocGetRootElement(doc), 0)) != NULL) {
        ps_kb_rerr(c, d->path, ps_node_line(ext), "schema refers to another file (%s): not supported",
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
        ps_kb_rerr(c, d->path, err.line, "%s", err.msg);
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
        if (any && load == ps_kb_load_manifests)
            c->manifests_failed = 1;
        else if (any)
            c->rules_failed = 1;
        if (any)
            ps_kb_rerr(c, schema_path, 0, "schema missing: the %s files cannot be checked", folder);
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
                ps_kb_rerr(c, docs[i].path, err.line, "%s", err.msg);
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
            if (load == ps_kb_load_manifests)
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
    load_kind(&c, docs, ndocs, "manifests", SCHEMA_MANIFESTS, ps_kb_load_manifests);
    load_kind(&c, docs, ndocs, "rules", SCHEMA_RULES, ps_kb_load_rules);
    if (!c.oom)
        ps_kb_link_and_check(&c);
    ps_kb_ld_free(&c);
    if (c.oom)
        return -1;
    return c.errors ? 1 : 0;
}

/* Reads a whole file, at most KB_MAX_FILE_BYTES. 0, or -1 with a message. */
static int read_file(const char *path, char **data, size_t *len, char *msg, size_t msglen)
{
    ps_read_fail r = ps_read_file(path, KB_MAX_FILE_BYTES, 0, data, len, msg, msglen, NULL);

    if (r == PS_READ_TOO_LARGE)
        snprintf(msg, msglen, "larger than %u bytes", KB_MAX_FILE_BYTES);
    return r == PS_READ_OK ? 0 : -1;
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
    d = ps_realloc(s->docs, (s->n + 1) * sizeof *d);
    if (d != NULL)
        s->docs = d;
    p = ps_realloc(s->paths, (s->n + 1) * sizeof *p);
    if (p != NULL)
        s->paths = p;
    bf = ps_realloc(s->bufs, (s->n + 1) * sizeof *bf);
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

/* Where the knowledge files are: $PATCHSEQ_DATA_DIR, the source tree for
 * a binary run from the build tree, else the installed data dir. */
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
