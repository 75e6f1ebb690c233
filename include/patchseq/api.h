/*
 * patchseq/api.h - planning and validating without the command line.
 *
 * The calls a program makes to do what `patchseq plan`, `patchseq
 * explain` and `patchseq validate` do, and get the answer as data instead
 * of a document to parse:
 *
 *     ps_knowledge *k;  ps_packages *p;  ps_install_plan *pl;  ps_error e;
 *     ps_knowledge_open(NULL, &k, &e);              the rules and manifests
 *     ps_packages_open(paths, n, NULL, &p, &e);     read the bundle
 *     ps_install_plan_make(p, k, &opts, &pl, &e);   plan it
 *     ... ps_install_plan_step(pl, t, i, &step) ... walk the steps
 *     ps_install_plan_render(pl, "md", &doc, &len, &e);
 *     ps_install_plan_free(pl); ps_packages_free(p); ps_knowledge_free(k);
 *
 * and for CI (the packages opened with hash, so that every byte is read):
 *
 *     ps_validation *v;
 *     ps_validation_run(p, k, &vopts, &v, &e);      validate it
 *     ... ps_validation_passed(v), ps_validation_check(v, i, &c) ...
 *     ps_validation_render(v, "junit", &doc, &len, &e);
 *     ps_validation_free(v);
 *
 * Handles are opaque; each has one free, which takes NULL.  A plan borrows
 * from its packages and knowledge: free it first.  Every call returns a
 * ps_error_code (PS_E_NONE on success) and, when `err` is not NULL, fills
 * *err with the code and a sentence; problems with the packages are not
 * errors but findings (ps_*_findings), as in every output of patchseq.
 * Every string handed out is owned by its handle, or by the caller where
 * the call says "the caller frees".
 */
#ifndef PATCHSEQ_API_H
#define PATCHSEQ_API_H

#include "patchseq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The knowledge base                                                  */
/* ------------------------------------------------------------------ */

typedef struct ps_knowledge ps_knowledge;

/* Loads the rules and manifests of `dir` (NULL: the installed ones, or
 * $PATCHSEQ_DATA_DIR).  Rule errors that leave it usable are findings of
 * the handle (rule-error); PS_E_FORMAT or PS_E_IO when it cannot be used. */
PS_API ps_error_code ps_knowledge_open(const char *dir, ps_knowledge **out, ps_error *err);
PS_API const ps_findings *ps_knowledge_findings(const ps_knowledge *k);
PS_API void ps_knowledge_free(ps_knowledge *k);

/* ------------------------------------------------------------------ */
/* A bundle                                                            */
/* ------------------------------------------------------------------ */

typedef struct ps_packages ps_packages;

typedef struct ps_open_opts {
    int hash;                 /* hash every file (what a script or ticket needs) */
    const char *cache_dir;    /* metadata cache; NULL: the default */
    int no_cache;             /* read every file again */
} ps_open_opts;

/* Reads every package under the paths (files or folders), like the PATH
 * operands of the command line.  opts may be NULL (no hashing, the default
 * cache).  PS_E_IO when a path cannot be used at all; what is wrong with a
 * package is a finding of the handle. */
PS_API ps_error_code ps_packages_open(const char *const *paths, size_t npaths,
                                      const ps_open_opts *opts, ps_packages **out,
                                      ps_error *err);
PS_API size_t ps_packages_count(const ps_packages *p);
/* The i-th package read (i < ps_packages_count), or NULL. */
PS_API const ps_package *ps_packages_get(const ps_packages *p, size_t i);
PS_API const ps_findings *ps_packages_findings(const ps_packages *p);
PS_API void ps_packages_free(ps_packages *p);

/* ------------------------------------------------------------------ */
/* The plan                                                            */
/* ------------------------------------------------------------------ */

typedef enum ps_release_track {
    PS_RELEASE_TRACK_ROLLUP = 0,  /* monthly rollups (the default) */
    PS_RELEASE_TRACK_SECURITY_ONLY
} ps_release_track;

/* What the options of `patchseq plan` say; ps_plan_options_init gives the
 * defaults (every architecture and OS, nothing installed). */
typedef struct ps_plan_options {
    unsigned arch_mask;          /* PS_ARCH_BIT() set; 0 = every architecture */
    const char *os;              /* "6.0" or "6.1": only that OS family; NULL = all */
    ps_release_track track;
    const char *inventory;       /* path of the machine's inventory, or NULL */
    int keep_superseded;
    int include_previews;
    unsigned window_minutes;     /* > 0: maintenance windows of at most this */
    const char *until;           /* "YYYY-MM" or a KB: plan up to that month; NULL = all */
    const char *const *exclude;  /* KBs left out */
    size_t n_exclude;
} ps_plan_options;

PS_API void ps_plan_options_init(ps_plan_options *o);

typedef struct ps_install_plan ps_install_plan;

/*
 * Plans the packages with the knowledge base.  The findings of the plan
 * are those of the knowledge base, of the bundle and of the planner, for
 * the architectures asked, sorted (what `patchseq plan` reports).
 * PS_E_FORMAT/PS_E_IO for an inventory that cannot be read, PS_E_USAGE
 * for options that cannot be (an --exclude that is no KB, an inventory of
 * another architecture than asked), PS_E_OOM.
 */
PS_API ps_error_code ps_install_plan_make(const ps_packages *p, const ps_knowledge *k,
                                          const ps_plan_options *opts, ps_install_plan **out,
                                          ps_error *err);
PS_API const ps_findings *ps_install_plan_findings(const ps_install_plan *pl);
/* The plans: one per (OS, architecture), ordered by OS then architecture. */
PS_API size_t ps_install_plan_targets(const ps_install_plan *pl);
/* The OS ("6.0") and architecture of target t; -1 when t is out of range. */
PS_API int ps_install_plan_target(const ps_install_plan *pl, size_t t, const char **os,
                                  ps_arch *arch);
PS_API size_t ps_install_plan_steps(const ps_install_plan *pl, size_t t);

typedef struct ps_step_info {
    int reboot;                  /* 1: a restart; kb, file and package are NULL */
    const char *kb;              /* "KB4474419" */
    const char *file;            /* display path of the package */
    const ps_package *package;   /* the package installed */
    const char *reason;          /* the first reason of its place, or NULL */
} ps_step_info;

/* Step i (0-based) of target t; -1 when out of range. */
PS_API int ps_install_plan_step(const ps_install_plan *pl, size_t t, size_t i,
                                ps_step_info *out);

/* The plan as a document: "text", "json", "md", "dot", "html", "cmd",
 * "ps1" (the formats of `patchseq plan --format`; a script needs one
 * target and the packages opened with hash).  The caller frees *doc.
 * PS_E_USAGE for an unknown format or a plan a script cannot be made of. */
PS_API ps_error_code ps_install_plan_render(const ps_install_plan *pl, const char *format,
                                            char **doc, size_t *len, ps_error *err);

/* `patchseq explain KB`: why the KB is where it is in each plan, or why
 * it was left out.  *found is the number of its packages in the plans (0:
 * not planned; *doc is then still the empty answer).  The caller frees
 * *doc.  PS_E_USAGE when kb is not a KB number. */
PS_API ps_error_code ps_install_plan_explain(const ps_install_plan *pl, const char *kb,
                                             char **doc, size_t *len, size_t *found,
                                             ps_error *err);
PS_API void ps_install_plan_free(ps_install_plan *pl);

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* What the options of `patchseq validate` say; ps_validate_options_init
 * gives the defaults (every architecture, nothing installed, not strict,
 * no waiver). */
typedef struct ps_validate_options {
    unsigned arch_mask;          /* PS_ARCH_BIT() set; 0 = every architecture */
    const char *inventory;       /* path of the machine's inventory, or NULL; only its
                                  * architecture is checked when it names one */
    int strict;                  /* warnings fail too */
    const char *const *waive;    /* "CODE" or "CODE:KB": those findings are waived
                                  * (shown, never failing) */
    size_t n_waive;
} ps_validate_options;

PS_API void ps_validate_options_init(ps_validate_options *o);

typedef struct ps_validation ps_validation;

/*
 * Validates the packages with the knowledge base, as `patchseq validate`
 * does: everything the planner finds, plus Update Catalog file names whose
 * SHA-1 is not the file's (hash-mismatch), the same bytes under two names
 * (duplicate), updates the knowledge base does not know (unknown-update)
 * and file names that name another KB (name-mismatch).  The packages
 * should be opened with hash (and no_cache) for the checks of every byte.
 * PS_E_FORMAT/PS_E_IO for an inventory that cannot be read, PS_E_USAGE
 * for a waiver that cannot be (an unknown code, a bad KB), PS_E_OOM.
 * The validation borrows from its packages: free it first.
 */
PS_API ps_error_code ps_validation_run(const ps_packages *p, const ps_knowledge *k,
                                       const ps_validate_options *opts, ps_validation **out,
                                       ps_error *err);
/* 1 when nothing fails (no error finding; with strict, no warning either)
 * that is not waived: what exit status 0 of `patchseq validate` says. */
PS_API int ps_validation_passed(const ps_validation *v);
/* Every finding, sorted; a waived one has `waived` set. */
PS_API const ps_findings *ps_validation_findings(const ps_validation *v);

/* One check of the validation: a package, an (OS, architecture) plan, or
 * a file or the bundle as a whole, with the findings on it (the
 * testcases of the JUnit report). */
typedef struct ps_validation_check_info {
    const char *kind;            /* "package", "plan", "file" or "bundle" */
    const char *name;            /* the package's display path, or "6.0 x64" */
    const char *file;            /* the file it is about, or NULL */
    size_t failures;             /* its failing findings (0: the check passed) */
    size_t notes;                /* its other findings */
    const char *first_code;      /* the code of its first failure, or NULL */
    const char *first_message;   /* the message of its first failure, or NULL */
} ps_validation_check_info;

PS_API size_t ps_validation_checks(const ps_validation *v);
/* Check i (0-based); -1 when out of range. */
PS_API int ps_validation_check(const ps_validation *v, size_t i, ps_validation_check_info *out);

/* The validation as a document: "text" (one line per finding, then a
 * summary), "json" (schema patchseq.validate/1) or "junit" (JUnit XML).
 * The caller frees *doc.  PS_E_USAGE for an unknown format. */
PS_API ps_error_code ps_validation_render(const ps_validation *v, const char *format,
                                          char **doc, size_t *len, ps_error *err);
PS_API void ps_validation_free(ps_validation *v);

#ifdef __cplusplus
}
#endif

#endif /* PATCHSEQ_API_H */
