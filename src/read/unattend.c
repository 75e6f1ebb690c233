/*
 * unattend.c - the unattend <name>.xml of an .msu: the package identity
 * and the inner cab it installs.
 */
#include "parse.h"

#include "facts.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define UNATTEND_NS "urn:schemas-microsoft-com:unattend"
#define CONFIGSETROOT "%configsetroot%\\"

void ps_unattend_free(ps_unattend *u)
{
    if (u == NULL)
        return;
    ps_identity_free(&u->identity);
    ps_free_ptr(&u->source);
}

/* servicing/package with action="install" (case-insensitive), or NULL. */
static xmlNode *install_package(const xmlNode *root)
{
    for (xmlNode *s = ps_node_child(root, UNATTEND_NS, "servicing"); s != NULL;
         s = ps_node_next(s, UNATTEND_NS, "servicing")) {
        for (xmlNode *p = ps_node_child(s, UNATTEND_NS, "package"); p != NULL;
             p = ps_node_next(p, UNATTEND_NS, "package")) {
            char *action = ps_node_attr(p, "action");
            int hit = ps_streq_ci(action, "install");

            free(action);
            if (hit)
                return p;
        }
    }
    return NULL;
}

int ps_unattend_parse(const void *data, size_t len, size_t max_bytes, ps_unattend *out,
                      ps_err *err)
{
    xmlDoc *doc = NULL;
    xmlNode *root, *pkg, *n;
    ps_unattend u = {{0}, 0};
    char *loc = NULL;
    int rc = -1;

    memset(out, 0, sizeof *out);
    doc = ps_xml_parse(data, len, max_bytes, err);
    if (doc == NULL)
        goto out;
    root = ps_node_root(doc, UNATTEND_NS, "unattend", err);
    if (root == NULL)
        goto out;
    pkg = install_package(root);
    if (pkg == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(root),
                   "no <servicing>/<package action=\"install\"> in the unattend file");
        goto out;
    }
    n = ps_node_child(pkg, UNATTEND_NS, "assemblyIdentity");
    if (n == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(pkg),
                   "<package action=\"install\"> has no <assemblyIdentity>");
        goto out;
    }
    if (ps_identity_from_node(&u.identity, n, err) < 0)
        goto out;
    n = ps_node_child(pkg, UNATTEND_NS, "source");
    loc = ps_node_attr(n, "location");
    if (loc != NULL) {
        const char *s = loc;

        if (ps_has_prefix_ci(s, CONFIGSETROOT))
            s += strlen(CONFIGSETROOT);
        if (ps_fact_check(PS_FACT_SOURCE, "source/@location", s, ps_node_line(n), err) < 0)
            goto out;
        u.source = ps_strdup(s);
        if (u.source == NULL) {
            ps_err_fail(err, PS_E_OOM, 0, "out of memory");
            goto out;
        }
    }
    *out = u;
    memset(&u, 0, sizeof u);
    rc = 0;
out:
    free(loc);
    ps_unattend_free(&u);
    ps_xml_free(doc);
    return rc;
}
