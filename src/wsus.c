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
    ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "out of memory");
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

/* Adds s to the list once. */
static int push_unique(char ***v, size_t *n, const char *s, const xmlNode *at, ps_err *err)
{
    if (ps_strv_contains(*v, *n, s))
        return 0;
    if (*n >= WSUS_MAX_LIST) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, ps_node_line(at), "more than %d entries in <%s>",
                   WSUS_MAX_LIST, (const char *)at->parent->name);
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

/* The bundle (IsBundle="true"), else the first software leaf. */
static xmlNode *pick_update(const xmlNode *updates)
{
    xmlNode *leaf = NULL;

    for (xmlNode *u = ps_node_child(updates, OFFLINE_NS, "Update"); u != NULL;
         u = ps_node_next(u, OFFLINE_NS, "Update")) {
        if (attr_is_true(u, "IsBundle"))
            return u;
        if (leaf == NULL && attr_is_true(u, "IsLeaf")) {
            char *sw = ps_node_attr(u, "IsSoftware");

            if (!ps_streq_ci(sw, "false"))
                leaf = u;
            free(sw);
        }
    }
    return leaf;
}

static int read_classification(ps_wsus_info *w, const xmlNode *upd, ps_err *err)
{
    xmlNode *cats = ps_node_child(upd, OFFLINE_NS, "Categories");

    for (xmlNode *c = ps_node_child(cats, OFFLINE_NS, "Category"); c != NULL;
         c = ps_node_next(c, OFFLINE_NS, "Category")) {
        char *type = ps_node_attr(c, "Type");
        int hit = ps_streq_ci(type, "UpdateClassification");

        free(type);
        if (hit)
            return guid_attr(c, "Id", &w->classification, err);
    }
    return 0;
}

static int read_superseded_by(ps_wsus_info *w, const xmlNode *upd, ps_err *err)
{
    for (xmlNode *s = ps_node_child(upd, OFFLINE_NS, "SupersededBy"); s != NULL;
         s = ps_node_next(s, OFFLINE_NS, "SupersededBy")) {
        for (xmlNode *r = ps_node_child(s, OFFLINE_NS, "Revision"); r != NULL;
             r = ps_node_next(r, OFFLINE_NS, "Revision")) {
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
            rc = push_unique(&w->superseded_by, &w->n_superseded_by, id, r, err);
            free(id);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

static int read_prerequisites(ps_wsus_info *w, const xmlNode *upd, ps_err *err)
{
    for (xmlNode *p = ps_node_child(upd, OFFLINE_NS, "Prerequisites"); p != NULL;
         p = ps_node_next(p, OFFLINE_NS, "Prerequisites")) {
        for (xmlNode *u = ps_node_child(p, OFFLINE_NS, "UpdateId"); u != NULL;
             u = ps_node_next(u, OFFLINE_NS, "UpdateId")) {
            char *id = NULL;
            int rc;

            if (guid_attr(u, "Id", &id, err) < 0)
                return -1;
            rc = push_unique(&w->prerequisites, &w->n_prerequisites, id, u, err);
            free(id);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

int ps_wsus_parse(const void *data, size_t len, size_t max_bytes, ps_wsus_info *out,
                  ps_err *err)
{
    xmlDoc *doc = NULL;
    xmlNode *root, *updates, *upd;
    ps_wsus_info w = {0};
    int rc = -1;

    memset(out, 0, sizeof *out);
    doc = ps_xml_parse(data, len, max_bytes, err);
    if (doc == NULL)
        goto out;
    root = ps_node_root(doc, OFFLINE_NS, "OfflineSyncPackage", err);
    if (root == NULL)
        goto out;
    updates = ps_node_child(root, OFFLINE_NS, "Updates");
    upd = pick_update(updates);
    if (upd == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(updates ? updates : root),
                   "no bundle (IsBundle=\"true\") or software leaf update in <Updates>");
        goto out;
    }
    if (guid_attr(upd, "UpdateId", &w.update_id, err) < 0 ||
        read_classification(&w, upd, err) < 0 || read_superseded_by(&w, upd, err) < 0 ||
        read_prerequisites(&w, upd, err) < 0)
        goto out;
    w.revision_id = ps_node_attr(upd, "RevisionId");
    if (w.revision_id != NULL && !is_number(w.revision_id))
        ps_free_ptr(&w.revision_id); /* only a key for the title: none is no title */
    *out = w;
    memset(&w, 0, sizeof w);
    rc = 0;
out:
    ps_wsus_info_free(&w);
    ps_xml_free(doc);
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
