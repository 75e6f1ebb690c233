/*
 * kb_int.h - what the files of know/ that load the knowledge base share:
 * the load context and its error reporting (kb.c), the documents turned
 * into structs (kb_parse.c), linking and checks (kb_check.c).
 */
#ifndef PS_KB_INT_H
#define PS_KB_INT_H

#include "kb.h"

#include <libxml/tree.h>

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

/* A rule-error finding at file:line; counts it, and notes OOM. */
void ps_kb_rerr(ld *c, const char *file, unsigned line, const char *fmt, ...) PS_PRINTF(4, 5);
/* Grows *arr (of elements of size sz) by one zeroed element; NULL on OOM. */
void *ps_kb_grow(void *arrp, size_t *n, size_t sz);
/* Moves the element src (of size sz) to the end of *arr and zeroes src;
 * NULL on OOM (noted in c, src kept). */
void *ps_kb_take(ld *c, void *arrp, size_t *n, void *src, size_t sz);
void ps_kb_entry_free(ps_kb_entry *e);
/* Frees what the load context holds (not the kb). */
void ps_kb_ld_free(ld *c);
/* An element named name, in any namespace (kb_parse.c). */
int ps_kb_is_el(xmlNodePtr n, const char *name);
/* A valid manifests or rules document turned into structs (kb_parse.c). */
void ps_kb_load_manifests(ld *c, xmlDocPtr doc);
void ps_kb_load_rules(ld *c, xmlDocPtr doc);
/* Attaches the revisions to their entries, in file order. */
void ps_kb_attach_revisions(ld *c);
/* Links what was loaded and runs the cross-checks (kb_check.c). */
void ps_kb_link_and_check(ld *c);

#endif /* PS_KB_INT_H */
