/*
 * wsus.c - WSUSSCAN.cab -> package.cab -> package.xml (OfflineSyncPackage):
 * the update id of the package, its classification, what supersedes it and
 * the updates it requires; and localized/<lang>/<RevisionId>: its title.
 */
#include "parse.h"

#include "facts.h"

#include <ctype.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OFFLINE_NS "http://schemas.microsoft.com/msus/2004/02/OfflineSync"
/* Entries of one list (a real bundle has a handful). */
#define WSUS_MAX_LIST 1024

void ps_wsus_info_free(ps_wsus_info *w)
{
    if (w == NULL)
        return;
    ps_free_ptr(&w->update_id);
    ps_free_ptr(&w->classification);
    ps_strv_free(&w->superseded_by, &w->n_superseded_by);
    ps_strv_free(&w->prerequisites, &w->n_prerequisites);
    ps_free_ptr(&w->revision_id);
    ps_free_ptr(&w->title);
}

static int oom(ps_err *err)
{
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return -1;
}

/* 8-4-4-4-12 hex digits. */
static int is_guid(const char *s)
{
    static const size_t groups[] = {8, 4, 4, 4, 12};

    for (size_t g = 0; g < PS_ARRAY_LEN(groups); g++) {
        for (size_t i = 0; i < groups[g]; i++, s++)
            if (!isxdigit((unsigned char)*s))
                return 0;
        if (*s != (g + 1 < PS_ARRAY_LEN(groups) ? '-' : '\0'))
            return 0;
        s++;
    }
    return 1;
}

static int is_number(const char *s)
{
    size_t n = strspn(s, "0123456789");

    return n > 0 && n <= 10 && s[n] == '\0';
}

/* The attribute `attr` of node as a GUID in lower case; -1 with err set
 * when it is absent or not a GUID. */
static int guid_attr(const xmlNode *node, const char *attr, char **out, ps_err *err)
{
    char *v = ps_node_attr(node, attr);

    *out = NULL;
    if (v == NULL && xmlHasNsProp(node, (const xmlChar *)attr, NULL) != NULL)
        return oom(err);
    if (v == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(node),
                   "<%s> %s \"(missing)\" is not a GUID", (const char *)node->name, attr);
        return -1;
    }
    if (!is_guid(v)) {
        char field[64];

        snprintf(field, sizeof field, "%.40s/@%.16s", (const char *)node->name, attr);
        ps_fact_check(PS_FACT_GUID, field, v, ps_node_line(node), err);
        free(v);
        return -1;
    }
    for (char *c = v; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    *out = v;
    return 0;
}

/* Adds s to the list once; `list` names the element that holds it. */
static int push_unique(char ***v, size_t *n, const char *s, const char *list, unsigned line,
                       ps_err *err)
{
    if (ps_strv_contains(*v, *n, s))
        return 0;
    if (*n >= WSUS_MAX_LIST) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, line, "more than %d entries in <%s>", WSUS_MAX_LIST,
                   list);
        return -1;
    }
    return ps_strv_push(v, n, s) < 0 ? oom(err) : 0;
}

static int attr_is_true(const xmlNode *node, const char *attr)
{
    char *v = ps_node_attr(node, attr);
    int t = ps_streq_ci(v, "true");

    free(v);
    return t;
}

/* A leaf that is software (IsSoftware not "false": not a detectoid). */
static int is_software_leaf(const xmlNode *u)
{
    char *sw;
    int yes;

    if (!attr_is_true(u, "IsLeaf"))
        return 0;
    sw = ps_node_attr(u, "IsSoftware");
    yes = !ps_streq_ci(sw, "false");
    free(sw);
    return yes;
}

/*
 * package.xml is read with ps_xml_stream: the parser of ps_xml_parse
 * without the tree, so that a huge (hostile) document costs its size in
 * time and nothing in memory beyond what is kept (the facts of one update,
 * WSUS_MAX_LIST entries of each list).  The elements that matter are known
 * from their path, each handed to the checks as a shallow node:
 *
 *   OfflineSyncPackage
 *     Updates (the first)
 *       Update                         the bundle (the first with IsBundle
 *                                      "true"), else the first software
 *                                      leaf: UpdateId
 *         Categories (the first)
 *           Category (the first of Type UpdateClassification)   Id
 *         SupersededBy / Revision      Id: the revisions superseding it
 *         Prerequisites / UpdateId     Id: the updates it requires
 *
 * A bundle may come after the leaf that is taken until then: the leaf's
 * facts (and errors) are dropped when it does.  The checks are those of
 * the tree walk this replaces, and so is the order in which a first error
 * wins: UpdateId, classification, SupersededBy, Prerequisites, each in
 * document order.  A document that is not well-formed is that error,
 * whatever the callbacks found.
 */
enum wsus_kind { W_IGNORED, W_ROOT, W_UPDATES, W_UPDATE, W_CATEGORIES, W_SUPERSEDED, W_PREREQS };

enum wsus_phase { WP_ID, WP_CLASS, WP_SUP, WP_PRE, WP_N };

/* Levels whose kind is kept: Category, Revision and UpdateId lie at 4. */
#define WSUS_DEPTH 4

struct wsus_stream {
    ps_wsus_info w; /* the update taken so far */
    xmlNode *root;  /* shallow, no attributes */
    int root_ok, have_updates, have_bundle, have_leaf, have_categories, have_class;
    unsigned updates_line;
    int failed[WP_N];
    ps_err err[WP_N];
    int oom;
};

static int in_offline(const char *ns, const char *local, const char *want)
{
    return ns != NULL && strcmp(ns, OFFLINE_NS) == 0 && strcmp(local, want) == 0;
}

/* The Update element takes over: what an earlier leaf gave is dropped. */
static void take_update(struct wsus_stream *st, const xmlNode *u)
{
    ps_wsus_info_free(&st->w);
    memset(st->failed, 0, sizeof st->failed);
    st->have_categories = 0;
    st->have_class = 0;
    if (guid_attr(u, "UpdateId", &st->w.update_id, &st->err[WP_ID]) < 0)
        st->failed[WP_ID] = 1;
    st->w.revision_id = ps_node_attr(u, "RevisionId");
    if (st->w.revision_id != NULL && !is_number(st->w.revision_id))
        ps_free_ptr(&st->w.revision_id); /* only a key for the title: none is no title */
}

static int read_classification(struct wsus_stream *st, const xmlNode *c, ps_err *err)
{
    char *type = ps_node_attr(c, "Type");
    int hit = ps_streq_ci(type, "UpdateClassification");

    free(type);
    if (!hit)
        return 0;
    st->have_class = 1; /* the first one counts */
    return guid_attr(c, "Id", &st->w.classification, err);
}

static int read_superseded_by(struct wsus_stream *st, const xmlNode *r, ps_err *err)
{
    char *id = ps_node_attr(r, "Id");
    int rc;

    if (id == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(r),
                   "<Revision> Id \"(missing)\" is not a revision number");
        return -1;
    }
    if (!is_number(id)) {
        ps_fact_check(PS_FACT_DECIMAL, "Revision/@Id", id, ps_node_line(r), err);
        free(id);
        return -1;
    }
    rc = push_unique(&st->w.superseded_by, &st->w.n_superseded_by, id, "SupersededBy",
                     ps_node_line(r), err);
    free(id);
    return rc;
}

static int read_prerequisite(struct wsus_stream *st, const xmlNode *u, ps_err *err)
{
    char *id = NULL;
    int rc;

    if (guid_attr(u, "Id", &id, err) < 0)
        return -1;
    rc = push_unique(&st->w.prerequisites, &st->w.n_prerequisites, id, "Prerequisites",
                     ps_node_line(u), err);
    free(id);
    return rc;
}

/* An element of a list of the update taken: checked unless its list
 * already failed (the first error of a list is the one reported). */
static void read_entry(struct wsus_stream *st, enum wsus_phase ph,
                       int (*fn)(struct wsus_stream *, const xmlNode *, ps_err *),
                       const char *local, const char *ns, unsigned line,
                       const char *const *attrs, size_t n)
{
    xmlNode *node;

    if (st->failed[ph])
        return;
    node = ps_node_shallow(local, ns, line, attrs, n);
    if (node == NULL)
        st->oom = 1;
    else if (fn(st, node, &st->err[ph]) < 0)
        st->failed[ph] = 1;
    xmlFreeNode(node);
}

/* An Update of <Updates>: W_UPDATE when it is the one taken (so far). */
static enum wsus_kind on_update(struct wsus_stream *st, const char *local, const char *ns,
                                unsigned line, const char *const *attrs, size_t n)
{
    enum wsus_kind k = W_IGNORED;
    xmlNode *u;

    if (st->have_bundle)
        return W_IGNORED; /* the first bundle is final */
    u = ps_node_shallow(local, ns, line, attrs, n);
    if (u == NULL) {
        st->oom = 1;
        return W_IGNORED;
    }
    if (attr_is_true(u, "IsBundle")) {
        st->have_bundle = 1;
        k = W_UPDATE;
    } else if (!st->have_leaf && is_software_leaf(u)) {
        st->have_leaf = 1;
        k = W_UPDATE;
    }
    if (k == W_UPDATE)
        take_update(st, u);
    xmlFreeNode(u);
    return k;
}

/* What an element is, from its parent's kind; and the work it brings. */
static enum wsus_kind classify(struct wsus_stream *st, enum wsus_kind parent, const char *local,
                               const char *ns, unsigned line, const char *const *attrs,
                               size_t n)
{
    switch (parent) {
    case W_ROOT:
        if (in_offline(ns, local, "Updates") && !st->have_updates) {
            st->have_updates = 1;
            st->updates_line = line < 65535 ? line : 65535; /* as the tree has it */
            return W_UPDATES;
        }
        break;
    case W_UPDATES:
        if (in_offline(ns, local, "Update"))
            return on_update(st, local, ns, line, attrs, n);
        break;
    case W_UPDATE:
        if (in_offline(ns, local, "Categories") && !st->have_categories) {
            st->have_categories = 1;
            return W_CATEGORIES;
        }
        if (in_offline(ns, local, "SupersededBy"))
            return W_SUPERSEDED;
        if (in_offline(ns, local, "Prerequisites"))
            return W_PREREQS;
        break;
    case W_CATEGORIES:
        if (in_offline(ns, local, "Category") && !st->have_class)
            read_entry(st, WP_CLASS, read_classification, local, ns, line, attrs, n);
        break;
    case W_SUPERSEDED:
        if (in_offline(ns, local, "Revision"))
            read_entry(st, WP_SUP, read_superseded_by, local, ns, line, attrs, n);
        break;
    case W_PREREQS:
        if (in_offline(ns, local, "UpdateId"))
            read_entry(st, WP_PRE, read_prerequisite, local, ns, line, attrs, n);
        break;
    case W_IGNORED:
        break;
    }
    return W_IGNORED;
}

static int on_start(void *user, int parent, const char *local, const char *ns, unsigned line,
                    const char *const *attrs, size_t n)
{
    struct wsus_stream *st = user;
    enum wsus_kind k = W_IGNORED;

    if (parent < 0 && st->root == NULL && !st->oom) {
        /* no attributes: only its name, namespace and line are told */
        st->root = ps_node_shallow(local, ns, line, NULL, 0);
        if (st->root == NULL)
            st->oom = 1;
        else if (ps_node_is(st->root, OFFLINE_NS, "OfflineSyncPackage"))
            k = W_ROOT;
    } else if (parent >= 0) {
        k = classify(st, (enum wsus_kind)parent, local, ns, line, attrs, n);
    }
    return (int)k;
}

/* The root is the right one; else err set as ps_node_root sets it. */
static int check_root(struct wsus_stream *st, ps_err *err)
{
    xmlDoc *doc;
    int rc;

    if (st->root != NULL && ps_node_is(st->root, OFFLINE_NS, "OfflineSyncPackage"))
        return 0;
    doc = xmlNewDoc(NULL);
    if (doc == NULL)
        return oom(err);
    if (st->root != NULL)
        xmlDocSetRootElement(doc, st->root);
    st->root = NULL; /* the document's now */
    rc = ps_node_root(doc, OFFLINE_NS, "OfflineSyncPackage", err) != NULL ? 0 : -1;
    xmlFreeDoc(doc);
    return rc;
}

int ps_wsus_parse(const void *data, size_t len, size_t max_bytes, ps_wsus_info *out,
                  ps_err *err)
{
    static const ps_xml_path_sax sax = {on_start, WSUS_DEPTH};
    struct wsus_stream *st = ps_calloc(1, sizeof *st);
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return oom(err);
    if (ps_xml_stream_path(data, len, max_bytes, &sax, st, err) < 0)
        goto out;
    if (st->oom) {
        oom(err);
        goto out;
    }
    if (check_root(st, err) < 0)
        goto out;
    if (!st->have_bundle && !st->have_leaf) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE,
                   st->have_updates ? st->updates_line : ps_node_line(st->root),
                   "no bundle (IsBundle=\"true\") or software leaf update in <Updates>");
        goto out;
    }
    for (int ph = 0; ph < WP_N; ph++)
        if (st->failed[ph]) {
            *err = st->err[ph];
            goto out;
        }
    *out = st->w;
    memset(&st->w, 0, sizeof st->w);
    rc = 0;
out:
    ps_wsus_info_free(&st->w);
    xmlFreeNode(st->root);
    free(st);
    return rc;
}

/* ------------------------------------------------------------------ */
/* localized/<lang>/<RevisionId>                                        */
/* ------------------------------------------------------------------ */

int ps_wsus_title_parse(const void *data, size_t len, size_t max_bytes, char **title,
                        ps_err *err)
{
    xmlDoc *doc = NULL;
    xmlNode *root, *t;
    char *v = NULL;
    int rc = -1;

    *title = NULL;
    doc = ps_xml_parse(data, len, max_bytes, err);
    if (doc == NULL)
        goto out;
    root = ps_node_root(doc, NULL, "LocalizedProperties", err);
    if (root == NULL)
        goto out;
    t = ps_node_child(root, NULL, "Title");
    if (t == NULL) {
        rc = 0;
        goto out;
    }
    v = (char *)xmlNodeGetContent(t);
    if (v == NULL) {
        rc = oom(err);
        goto out;
    }
    if (ps_fact_check(PS_FACT_TITLE, "LocalizedProperties/Title", v, ps_node_line(t), err) < 0)
        goto out;
    *title = ps_strdup(v);
    rc = *title ? 0 : oom(err);
out:
    xmlFree(v);
    ps_xml_free(doc);
    return rc;
}

/* 1 when word occurs in s, in any case. */
static int has_ci(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return 1;
    return 0;
}

ps_title_kind ps_wsus_title_kind(const char *title, char month[8])
{
    month[0] = '\0';
    if (title == NULL)
        return PS_TITLE_NONE;
    if (strlen(title) >= 8 && title[0] == '2' && title[1] == '0' && isdigit((unsigned char)title[2]) &&
        isdigit((unsigned char)title[3]) && title[4] == '-' && isdigit((unsigned char)title[5]) &&
        isdigit((unsigned char)title[6]) && title[7] == ' ') {
        int m = (title[5] - '0') * 10 + (title[6] - '0');

        if (m >= 1 && m <= 12) {
            memcpy(month, title, 7);
            month[7] = '\0';
        }
    }
    if (has_ci(title, "Preview") && has_ci(title, "Rollup"))
        return PS_TITLE_PREVIEW;
    if (has_ci(title, "Security Only") || has_ci(title, "Security-only"))
        return PS_TITLE_SECURITY_ONLY;
    if (has_ci(title, "Monthly Quality Rollup") || has_ci(title, "Monthly Rollup"))
        return PS_TITLE_ROLLUP;
    return PS_TITLE_NONE;
}
