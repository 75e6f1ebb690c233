/*
 * mum.c - update.mum and sub-package .mum files (asm.v3), component
 * manifest member names.
 */
#include "parse.h"

#include "facts.h"

#include <ctype.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define ASM_V3_NS "urn:schemas-microsoft-com:asm.v3"
#define SERVICING_STACK "Microsoft-Windows-ServicingStack"
/* Child packages and components of one manifest (real ones: a few dozen). */
#define MUM_MAX_ITEMS 4096

/* ---- identities --------------------------------------------------- */

void ps_identity_free(ps_identity *id)
{
    if (id == NULL)
        return;
    ps_free_ptr(&id->name);
    ps_free_ptr(&id->version);
    ps_free_ptr(&id->arch);
    ps_free_ptr(&id->language);
    ps_free_ptr(&id->public_key_token);
}

int ps_identity_copy(ps_identity *dst, const ps_identity *src)
{
    ps_identity t = {0};

    if ((src->name && !(t.name = ps_strdup(src->name))) ||
        (src->version && !(t.version = ps_strdup(src->version))) ||
        (src->arch && !(t.arch = ps_strdup(src->arch))) ||
        (src->language && !(t.language = ps_strdup(src->language))) ||
        (src->public_key_token && !(t.public_key_token = ps_strdup(src->public_key_token)))) {
        ps_identity_free(&t);
        return -1;
    }
    *dst = t;
    return 0;
}

static int oom(ps_err *err)
{
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return -1;
}

/* Reads an attribute into *dst; -1 only on allocation failure. */
static int get_attr(const xmlNode *node, const char *name, char **dst)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);

    if (v == NULL)
        return 0;
    *dst = ps_strdup((const char *)v);
    xmlFree(v);
    return *dst != NULL ? 0 : -1;
}

int ps_identity_from_node(ps_identity *id, const struct _xmlNode *node, ps_err *err)
{
    ps_identity t = {0};
    int rc = -1;

    if (get_attr(node, "name", &t.name) < 0 || get_attr(node, "version", &t.version) < 0 ||
        get_attr(node, "processorArchitecture", &t.arch) < 0 ||
        get_attr(node, "language", &t.language) < 0 ||
        get_attr(node, "publicKeyToken", &t.public_key_token) < 0) {
        oom(err);
        goto out;
    }
    if (t.name == NULL || t.name[0] == '\0') {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(node),
                   "<assemblyIdentity> has no name attribute");
        goto out;
    }
    if (t.version == NULL || t.version[0] == '\0') {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, ps_node_line(node),
                   "<assemblyIdentity name=\"%s\"> has no version attribute", t.name);
        goto out;
    }
    /* every attribute kept is checked against its grammar */
    if (ps_fact_check(PS_FACT_NAME, "assemblyIdentity/@name", t.name, ps_node_line(node), err) < 0 ||
        ps_fact_check(PS_FACT_VERSION, "assemblyIdentity/@version", t.version, ps_node_line(node),
                      err) < 0 ||
        ps_fact_check(PS_FACT_ARCH, "assemblyIdentity/@processorArchitecture", t.arch,
                      ps_node_line(node), err) < 0 ||
        ps_fact_check(PS_FACT_LANGUAGE, "assemblyIdentity/@language", t.language,
                      ps_node_line(node), err) < 0 ||
        ps_fact_check(PS_FACT_TOKEN, "assemblyIdentity/@publicKeyToken", t.public_key_token,
                      ps_node_line(node), err) < 0)
        goto out;
    *id = t;
    memset(&t, 0, sizeof t);
    rc = 0;
out:
    ps_identity_free(&t);
    return rc;
}

/* ---- update.mum --------------------------------------------------- */

static void lower_ascii(char *s)
{
    for (; s != NULL && *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

/* "2020-05-01T22:03:26Z" -> "2020-05-01"; *date stays NULL for other
 * shapes (not an error).  -1 only on allocation failure. */
static int date_of(const char *ts, char **date)
{
    if (ts == NULL || strlen(ts) < 10 || !all_digits(ts, 4) || ts[4] != '-' ||
        !all_digits(ts + 5, 2) || ts[7] != '-' || !all_digits(ts + 8, 2) ||
        (ts[10] != '\0' && ts[10] != 'T' && ts[10] != ' '))
        return 0;
    *date = ps_strndup(ts, 10);
    return *date != NULL ? 0 : -1;
}

/* "6.1.7601.17514" -> "6.1"; *os stays NULL when the version does not
 * start with two numbers.  -1 only on allocation failure. */
static int os_of(const char *version, char **os)
{
    size_t a, b;

    if (version == NULL)
        return 0;
    a = strspn(version, "0123456789");
    if (a == 0 || a > 5 || version[a] != '.')
        return 0;
    b = strspn(version + a + 1, "0123456789");
    if (b == 0 || b > 5 || (version[a + 1 + b] != '.' && version[a + 1 + b] != '\0'))
        return 0;
    *os = ps_strndup(version, a + 1 + b);
    return *os != NULL ? 0 : -1;
}

/* "KB4538483" -> "KB4538483"; "KB2999226_BF" -> "KB2999226"; NULL otherwise. */
static int kb_of(const char *identifier, char **kb)
{
    const char *us;
    char *head;

    *kb = NULL;
    if (identifier == NULL)
        return 0;
    *kb = ps_kb_normalize(identifier);
    if (*kb != NULL)
        return 0;
    us = strchr(identifier, '_');
    if (us == NULL)
        return 0;
    head = ps_strndup(identifier, (size_t)(us - identifier));
    if (head == NULL)
        return -1;
    *kb = ps_kb_normalize(head);
    free(head);
    return 0;
}

void ps_mum_free(ps_mum *m)
{
    if (m == NULL)
        return;
    ps_identity_free(&m->identity);
    ps_free_ptr(&m->kb);
    ps_free_ptr(&m->identifier);
    ps_free_ptr(&m->release_type);
    ps_free_ptr(&m->restart);
    ps_free_ptr(&m->creation_date);
    ps_free_ptr(&m->installer_version);
    ps_free_ptr(&m->os);
    ps_free_ptr(&m->parent_version);
    ps_strv_free(&m->children, &m->n_children);
    for (size_t i = 0; i < m->n_components; i++) {
        free(m->components[i].name);
        free(m->components[i].version);
    }
    ps_free_ptr(&m->components);
    m->n_components = 0;
}

const char *ps_mum_component_version(const ps_mum *m, const char *name)
{
    for (size_t i = 0; m != NULL && name != NULL && i < m->n_components; i++)
        if (ps_streq_ci(m->components[i].name, name))
            return m->components[i].version;
    return NULL;
}

/* update/package/assemblyIdentity -> "name~token~arch~lang~version.mum" */
static int add_child(ps_mum *m, const xmlNode *idnode, ps_err *err)
{
    ps_identity id = {0};
    char *member = NULL;
    const char *lang;
    int rc = -1;

    if (m->n_children >= MUM_MAX_ITEMS) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, ps_node_line(idnode),
                   "more than %d child packages", MUM_MAX_ITEMS);
        goto out;
    }
    if (ps_identity_from_node(&id, idnode, err) < 0)
        goto out;
    lang = id.language != NULL && !ps_streq_ci(id.language, "neutral") ? id.language : "";
    member = ps_asprintf("%s~%s~%s~%s~%s.mum", id.name,
                         id.public_key_token ? id.public_key_token : "", id.arch ? id.arch : "",
                         lang, id.version);
    if (member == NULL) {
        oom(err);
        goto out;
    }
    lower_ascii(member);
    if (ps_strv_push(&m->children, &m->n_children, member) < 0) {
        oom(err);
        goto out;
    }
    rc = 0;
out:
    free(member);
    ps_identity_free(&id);
    return rc;
}

static int add_component(ps_mum *m, const xmlNode *idnode, ps_err *err)
{
    ps_identity id = {0};
    ps_mum_component *grown;
    int rc = -1;

    if (m->n_components >= MUM_MAX_ITEMS) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, ps_node_line(idnode),
                   "more than %d component identities", MUM_MAX_ITEMS);
        goto out;
    }
    if (ps_identity_from_node(&id, idnode, err) < 0)
        goto out;
    grown = ps_realloc(m->components, (m->n_components + 1) * sizeof *grown);
    if (grown == NULL) {
        oom(err);
        goto out;
    }
    m->components = grown;
    m->components[m->n_components].name = id.name;
    m->components[m->n_components].version = id.version;
    m->n_components++;
    id.name = NULL;
    id.version = NULL;
    rc = 0;
out:
    ps_identity_free(&id);
    return rc;
}

/*
 * update.mum is read with ps_xml_stream: the parser of ps_xml_parse without
 * the tree, so that a huge (hostile) manifest costs its size in time and
 * nothing in memory beyond what is kept (MUM_MAX_ITEMS of each list).  Each
 * element that matters is handed to the helpers above as a shallow node
 * (its name, namespace, line and attributes; no children), and the elements
 * that matter are known from their path:
 *
 *   assembly                                 creationTimeStamp
 *     assemblyIdentity (the first)           the identity
 *     package (the first)                    identifier, releaseType, restart
 *       parent (the first)
 *         assemblyIdentity (the first)       the parent version: the OS
 *       installerAssembly                    the servicing stack version
 *       update
 *         package / assemblyIdentity         the child packages
 *         component / assemblyIdentity       the components
 *         applicable / updateComponent / assemblyIdentity
 *
 * The checks are those of the tree walk it replaces, and so is the order in
 * which a first error wins: identity, time stamp, package attributes,
 * parent, installer, then the updates in document order.  A document that
 * is not well-formed is that error, whatever the callbacks found.
 */
enum node_kind {
    K_IGNORED,
    K_ROOT,
    K_PACKAGE,
    K_PARENT,
    K_UPDATE,
    K_UPD_PACKAGE,
    K_UPD_COMPONENT,
    K_APPLICABLE,
    K_UPD_COMPONENT2,
};

enum phase { PH_ID, PH_TS, PH_PKG, PH_PARENT, PH_INSTALLER, PH_UPDATES, PH_N };

#define MUM_DEPTH 8

struct mum_stream {
    ps_mum m;
    int root_seen, root_bad, have_id, have_pkg, have_parent, have_parent_id, have_ss;
    unsigned root_line;
    char *root_name, *root_ns;
    char *ts;
    int failed[PH_N];
    ps_err err[PH_N];
    int oom;
};

static int in_asm(const char *ns, const char *local, const char *want)
{
    return ns != NULL && strcmp(ns, ASM_V3_NS) == 0 && strcmp(local, want) == 0;
}

/* Runs fn on the shallow node, keeping the first error of the phase. */
static void run(struct mum_stream *st, enum phase ph, const xmlNode *node,
                int (*fn)(struct mum_stream *, const xmlNode *, ps_err *))
{
    if (st->failed[ph])
        return;
    if (fn(st, node, &st->err[ph]) < 0)
        st->failed[ph] = 1;
}

static int on_identity(struct mum_stream *st, const xmlNode *n, ps_err *err)
{
    return ps_identity_from_node(&st->m.identity, n, err);
}

static int on_package(struct mum_stream *st, const xmlNode *pkg, ps_err *err)
{
    ps_mum *m = &st->m;

    if (get_attr(pkg, "identifier", &m->identifier) < 0 ||
        get_attr(pkg, "releaseType", &m->release_type) < 0 ||
        get_attr(pkg, "restart", &m->restart) < 0 || kb_of(m->identifier, &m->kb) < 0)
        return oom(err);
    if (ps_fact_check(PS_FACT_IDENTIFIER, "package/@identifier", m->identifier,
                      ps_node_line(pkg), err) < 0 ||
        ps_fact_check(PS_FACT_LABEL, "package/@releaseType", m->release_type, ps_node_line(pkg),
                      err) < 0 ||
        ps_fact_check(PS_FACT_LABEL, "package/@restart", m->restart, ps_node_line(pkg), err) < 0)
        return -1;
    return 0;
}

static int on_parent_identity(struct mum_stream *st, const xmlNode *n, ps_err *err)
{
    ps_mum *m = &st->m;

    if (get_attr(n, "version", &m->parent_version) < 0)
        return oom(err);
    if (ps_fact_check(PS_FACT_VERSION, "parent/assemblyIdentity/@version", m->parent_version,
                      ps_node_line(n), err) < 0)
        return -1;
    if (os_of(m->parent_version, &m->os) < 0)
        return oom(err);
    return 0;
}

static int on_installer(struct mum_stream *st, const xmlNode *n, ps_err *err)
{
    char *name = NULL;

    if (get_attr(n, "name", &name) < 0)
        return oom(err);
    if (ps_streq_ci(name, SERVICING_STACK)) {
        free(name);
        st->have_ss = 1; /* the first one counts: the later ones are not looked at */
        if (get_attr(n, "version", &st->m.installer_version) < 0)
            return oom(err);
        return ps_fact_check(PS_FACT_VERSION, "installerAssembly/@version",
                             st->m.installer_version, ps_node_line(n), err);
    }
    free(name);
    return 0;
}

static int on_child(struct mum_stream *st, const xmlNode *n, ps_err *err)
{
    return add_child(&st->m, n, err);
}

static int on_component(struct mum_stream *st, const xmlNode *n, ps_err *err)
{
    return add_component(&st->m, n, err);
}

static char *dup_or_null(const char *s, int *oom_flag)
{
    char *c;

    if (s == NULL)
        return NULL;
    c = ps_strdup(s);
    if (c == NULL)
        *oom_flag = 1;
    return c;
}

/* What an element is, from its parent's kind; and the work it brings. */
static enum node_kind classify(struct mum_stream *st, enum node_kind parent, const char *local,
                               const char *ns, unsigned line, const char *const *attrs,
                               size_t n)
{
    enum node_kind k = K_IGNORED;
    enum phase ph = PH_N;
    int (*fn)(struct mum_stream *, const xmlNode *, ps_err *) = NULL;
    xmlNode *node;

    switch (parent) {
    case K_ROOT:
        if (in_asm(ns, local, "assemblyIdentity") && !st->have_id) {
            st->have_id = 1;
            ph = PH_ID;
            fn = on_identity;
        } else if (in_asm(ns, local, "package") && !st->have_pkg) {
            st->have_pkg = 1;
            k = K_PACKAGE;
            ph = PH_PKG;
            fn = on_package;
        }
        break;
    case K_PACKAGE:
        if (in_asm(ns, local, "parent") && !st->have_parent) {
            st->have_parent = 1;
            k = K_PARENT;
        } else if (in_asm(ns, local, "installerAssembly") && !st->have_ss) {
            ph = PH_INSTALLER;
            fn = on_installer;
        } else if (in_asm(ns, local, "update")) {
            k = K_UPDATE;
        }
        break;
    case K_PARENT:
        if (in_asm(ns, local, "assemblyIdentity") && !st->have_parent_id) {
            st->have_parent_id = 1;
            ph = PH_PARENT;
            fn = on_parent_identity;
        }
        break;
    case K_UPDATE:
        if (in_asm(ns, local, "package"))
            k = K_UPD_PACKAGE;
        else if (in_asm(ns, local, "component"))
            k = K_UPD_COMPONENT;
        else if (in_asm(ns, local, "applicable"))
            k = K_APPLICABLE;
        break;
    case K_UPD_PACKAGE:
        if (in_asm(ns, local, "assemblyIdentity")) {
            ph = PH_UPDATES;
            fn = on_child;
        }
        break;
    case K_APPLICABLE:
        if (in_asm(ns, local, "updateComponent"))
            k = K_UPD_COMPONENT2;
        break;
    case K_UPD_COMPONENT:
    case K_UPD_COMPONENT2:
        if (in_asm(ns, local, "assemblyIdentity")) {
            ph = PH_UPDATES;
            fn = on_component;
        }
        break;
    case K_IGNORED:
        break;
    }
    if (fn != NULL && !st->failed[ph]) {
        node = ps_node_shallow(local, ns, line, attrs, n);
        if (node == NULL)
            st->oom = 1;
        else
            run(st, ph, node, fn);
        xmlFreeNode(node);
    }
    return k;
}

static int on_start(void *user, int parent, const char *local, const char *ns, unsigned line,
                    const char *const *attrs, size_t n)
{
    struct mum_stream *st = user;
    enum node_kind k = K_IGNORED;

    if (parent < 0 && !st->root_seen) {
        st->root_seen = 1;
        st->root_line = line < 65535 ? line : 65535;
        if (!in_asm(ns, local, "assembly")) {
            st->root_bad = 1;
            st->root_name = dup_or_null(local, &st->oom);
            st->root_ns = dup_or_null(ns, &st->oom);
        } else {
            k = K_ROOT;
            for (size_t i = 0; i < n; i++) {
                const char *const *a = attrs + 5 * i;

                if (a[2] == NULL && strcmp(a[0], "creationTimeStamp") == 0 && st->ts == NULL) {
                    xmlNode *node = ps_node_shallow(local, ns, line, attrs, n);

                    if (node == NULL || get_attr(node, "creationTimeStamp", &st->ts) < 0)
                        st->oom = 1;
                    xmlFreeNode(node);
                }
            }
        }
    } else if (parent >= 0) {
        k = classify(st, (enum node_kind)parent, local, ns, line, attrs, n);
    }
    return (int)k;
}

int ps_mum_parse(const void *data, size_t len, size_t max_bytes, ps_mum *out, ps_err *err)
{
    static const ps_xml_path_sax sax = {on_start, MUM_DEPTH};
    struct mum_stream *st = ps_calloc(1, sizeof *st);
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
    if (!st->root_seen || st->root_bad) {
        const char *href = st->root_ns;

        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, st->root_line,
                   "root element is <%s>%s%s%s, expected <%s> in namespace \"%s\"",
                   st->root_name != NULL ? st->root_name : "",
                   href ? " in namespace \"" : " without namespace", href ? href : "",
                   href ? "\"" : "", "assembly", ASM_V3_NS);
        goto out;
    }
    if (!st->have_id) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, st->root_line,
                   "<assembly> has no <assemblyIdentity>");
        goto out;
    }
    if (st->failed[PH_ID]) {
        *err = st->err[PH_ID];
        goto out;
    }
    /* a time stamp, with a real date (the date is what is kept) */
    if (ps_fact_check(PS_FACT_TIMESTAMP, "assembly/@creationTimeStamp", st->ts, st->root_line,
                      err) < 0)
        goto out;
    if (date_of(st->ts, &st->m.creation_date) < 0) {
        oom(err);
        goto out;
    }
    for (int ph = PH_PKG; ph < PH_N; ph++)
        if (st->failed[ph]) {
            *err = st->err[ph];
            goto out;
        }
    *out = st->m;
    memset(&st->m, 0, sizeof st->m);
    rc = 0;
out:
    ps_mum_free(&st->m);
    free(st->ts);
    free(st->root_name);
    free(st->root_ns);
    free(st);
    return rc;
}

/* ---- component manifest member names ------------------------------ */

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

static int is_version(const char *s, size_t n)
{
    int digits = 0;

    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            digits = 1;
        else if (s[i] == '.' && digits && i + 1 < n)
            digits = 0;
        else
            return 0;
    }
    return digits;
}

/* Position of the last '_' in s[0..n), or -1. */
static long last_us(const char *s, size_t n)
{
    while (n > 0)
        if (s[--n] == '_')
            return (long)n;
    return -1;
}

int ps_manifest_name_parse(const char *member, char **name, char **version)
{
    const char *s;
    size_t n;
    long hash, lang, ver, tok, arch;
    char *nm = NULL, *vs = NULL;

    *name = NULL;
    *version = NULL;
    if (member == NULL)
        return -1;
    s = ps_basename(member);
    n = strlen(s);
    if (n > 1024 || !ps_has_suffix_ci(s, ".manifest"))
        return -1;
    n -= strlen(".manifest");
    /* arch _ name _ token _ version _ language _ hash, split from the right */
    hash = last_us(s, n);
    lang = hash > 0 ? last_us(s, (size_t)hash) : -1;
    ver = lang > 0 ? last_us(s, (size_t)lang) : -1;
    tok = ver > 0 ? last_us(s, (size_t)ver) : -1;
    if (tok <= 0)
        return -1;
    arch = (long)strcspn(s, "_");
    if (arch == 0 || arch + 1 >= tok)
        return -1;
    if (!is_hex(s + hash + 1, n - (size_t)hash - 1) || lang + 1 == hash ||
        !is_version(s + ver + 1, (size_t)(lang - ver - 1)) ||
        !is_hex(s + tok + 1, (size_t)(ver - tok - 1)) || ver - tok - 1 != 16)
        return -1;
    nm = ps_strndup(s + arch + 1, (size_t)(tok - arch - 1));
    vs = ps_strndup(s + ver + 1, (size_t)(lang - ver - 1));
    if (nm == NULL || vs == NULL) {
        free(nm);
        free(vs);
        return -1;
    }
    *name = nm;
    *version = vs;
    return 0;
}
