/*
 * xml_node.c - walking a document of ps_xml_parse (util.h): elements by
 * local name and namespace URI, attributes, lines, the root check, and an
 * element of ps_xml_stream as a node of its own.
 */
#include "util.h"

#include <limits.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

int ps_node_is(const struct _xmlNode *node, const char *ns, const char *local)
{
    const char *href;

    if (node == NULL || node->type != XML_ELEMENT_NODE || node->name == NULL)
        return 0;
    if (strcmp((const char *)node->name, local) != 0)
        return 0;
    href = node->ns != NULL ? (const char *)node->ns->href : NULL;
    if (ns == NULL)
        return href == NULL;
    return href != NULL && strcmp(href, ns) == 0;
}

static xmlNode *first_match(const xmlNode *n, const char *ns, const char *local)
{
    for (; n != NULL; n = n->next)
        if (ps_node_is(n, ns, local))
            return (xmlNode *)n;
    return NULL;
}

struct _xmlNode *ps_node_child(const struct _xmlNode *parent, const char *ns, const char *local)
{
    return parent != NULL ? first_match(parent->children, ns, local) : NULL;
}

struct _xmlNode *ps_node_next(const struct _xmlNode *node, const char *ns, const char *local)
{
    return node != NULL ? first_match(node->next, ns, local) : NULL;
}

char *ps_node_attr(const struct _xmlNode *node, const char *name)
{
    xmlChar *v;
    char *copy;

    if (node == NULL || node->type != XML_ELEMENT_NODE)
        return NULL;
    v = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (v == NULL)
        return NULL;
    copy = ps_strdup((const char *)v);
    xmlFree(v);
    return copy;
}

struct _xmlNode *ps_node_root(void *doc, const char *ns, const char *local, ps_err *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *href;

    if (ps_node_is(root, ns, local))
        return root;
    href = root != NULL && root->ns != NULL ? (const char *)root->ns->href : NULL;
    ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(root),
               "root element is <%s>%s%s%s, expected <%s> in namespace \"%s\"",
               root != NULL ? (const char *)root->name : "",
               href ? " in namespace \"" : " without namespace", href ? href : "",
               href ? "\"" : "", local, ns);
    return NULL;
}

unsigned ps_node_line(const struct _xmlNode *node)
{
    long l = node != NULL ? xmlGetLineNo(node) : -1;

    return l > 0 && (unsigned long)l <= UINT_MAX ? (unsigned)l : 0;
}

struct _xmlNode *ps_node_shallow(const char *local, const char *ns, unsigned line,
                                 const char *const *attrs, size_t n)
{
    xmlNode *node = xmlNewNode(NULL, (const xmlChar *)local);

    if (node == NULL)
        return NULL;
    if (ns != NULL) {
        xmlNs *x = xmlNewNs(node, (const xmlChar *)ns, NULL);

        if (x == NULL) {
            xmlFreeNode(node);
            return NULL;
        }
        node->ns = x;
    }
    node->line = line < 65535 ? (unsigned short)line : 65535; /* as the tree has it */
    for (size_t i = 0; i < n; i++) {
        const char *const *a = attrs + 5 * i;
        xmlChar *value;
        xmlAttr *prop;

        if (a[2] != NULL) /* namespaced */
            continue;
        value = xmlStrndup((const xmlChar *)a[3], (int)(a[4] - a[3]));
        /* the value as the tree builder decodes it (character references) */
        prop = value != NULL ? xmlNewDocProp(NULL, (const xmlChar *)a[0], value) : NULL;
        xmlFree(value);
        if (prop == NULL) {
            xmlFreeNode(node);
            return NULL;
        }
        prop->parent = node;
        if (node->properties == NULL) {
            node->properties = prop;
        } else {
            xmlAttr *last = node->properties;

            while (last->next != NULL)
                last = last->next;
            last->next = prop;
            prop->prev = last;
        }
    }
    return node;
}
