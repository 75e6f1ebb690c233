/*
 * api_int.h - private to src/api: the handles of include/patchseq/api.h
 * that more than one file of the API opens (the knowledge base, the
 * bundle).
 */
#ifndef PS_API_INT_H
#define PS_API_INT_H

#include "patchseq/api.h"

#include "findings.h"
#include "kb.h"

struct ps_knowledge {
    ps_kb kb;
    ps_findings f;     /* rule errors that left it usable */
};

struct ps_packages {
    ps_bundle b;
    ps_findings f;
    char **roots;      /* the paths given: where a script names its files from */
    size_t n_roots;
};

#endif /* PS_API_INT_H */
