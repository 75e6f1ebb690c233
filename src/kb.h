/*
 * kb.h - the knowledge base: manifests/ (known updates) and rules/
 * (phases, requirement and ordering rules, role recognition), one XML file
 * per OS family each, validated against RELAX NG schemas.
 */
#ifndef PS_KB_H
#define PS_KB_H

#include "util.h"

typedef enum ps_role {
    PS_ROLE_UNKNOWN = 0,
    PS_ROLE_SERVICING_STACK,
    PS_ROLE_SHA2_SUPPORT,
    PS_ROLE_LICENSING,
    PS_ROLE_ROLLUP,
    PS_ROLE_PREVIEW_ROLLUP,
    PS_ROLE_SECURITY_ONLY,
    PS_ROLE_OTHER,
    PS_ROLE__COUNT
} ps_role;

/* "servicing-stack", "sha2-support", "licensing", "rollup", "preview-rollup",
 * "security-only", "other"; "unknown" for PS_ROLE_UNKNOWN. */
const char *ps_role_name(ps_role r);
ps_role ps_role_parse(const char *s); /* PS_ROLE_UNKNOWN when not a role name */

/* Where a piece of knowledge was written: "manifests/6.0.xml", line 12. */
typedef struct ps_kb_src {
    char *file;   /* path relative to the knowledge dir, e.g. "manifests/6.0.xml" */
    unsigned line;
} ps_kb_src;

/* What a rule or requirement is about.  Unset fields match anything; a
 * selector with every field unset matches nothing.  `role` matches that role
 * exactly: preview-rollup is not rollup (the rules name both). */
typedef struct ps_selector {
    char *kb;            /* "KB4474419" */
    ps_role role;        /* PS_ROLE_UNKNOWN = unset */
    char *release_type;  /* compared case-insensitively */
    int sha2_only;       /* 1 = only SHA-2-only packages; 0 = unset */
    char *since;         /* "YYYY-MM-DD": only packages released on or after it
                            (the manifests' date, else the package's build date) */
} ps_selector;

/* "B requires A" or "A is ordered before B". */
typedef enum ps_rule_kind {
    PS_RULE_REQUIRE,  /* A must be present (bundle or inventory), else missing-prerequisite */
    PS_RULE_ORDER     /* when both are present, A goes first */
} ps_rule_kind;

typedef struct ps_rule {
    ps_rule_kind kind;
    ps_selector subject;   /* B: the packages the rule applies to */
    /* A: what must come before.  Either a KB, or a role; for a role, `from`
     * (optional) names the oldest KB of that role that satisfies it
     * ("a servicing stack from KB4493730 or later": a package of that role
     * whose release date is >= the date of `from`, or that is `from`). */
    char *kb;
    ps_role role;
    char *from;
    int barrier;           /* a reboot must separate A and B */
    char *reason;          /* human text for explain / plan reasons */
    char *source;          /* citation (KB article, doc) */
    ps_kb_src where;
    int unconfirmed;       /* confidence="unconfirmed": never a hard requirement
                              (a REQUIRE rule so marked, or resting on an
                              unconfirmed entry, is a rule-error and is loaded
                              as an ORDER rule) */
} ps_rule;

typedef struct ps_kb_entry {
    char *kb;              /* "KB4474419" */
    char *os;              /* "6.0" */
    unsigned arches;       /* PS_ARCH_BIT() set */
    ps_role role;
    char *date;            /* release date "YYYY-MM-DD" */
    char *title;           /* short description */
    char **supersedes;     /* KBs it supersedes, directly or through the KBs it
                              supersedes (the closure, same OS) */
    size_t n_supersedes;
    char *kernel_build;    /* "6.0.6003.20489" when known, else NULL */
    char *provides_stack;  /* servicing stack version when known, else NULL */
    int sha2_only;         /* 1 / 0 / -1 unknown (the signing generation) */
    char *source;          /* citation */
    ps_kb_src where;
    int unconfirmed;       /* confidence="unconfirmed" */
    char *note;            /* free text (what is inferred), or NULL */
} ps_kb_entry;

/* How a role is recognised from a package's own metadata. */
typedef struct ps_recognizer {
    ps_role role;
    char *delivers;        /* component name delivered, e.g. Microsoft-Windows-ServicingStack */
    char *identity_name;   /* identity name, e.g. Package_for_RollupFix */
    char *release_type;    /* package/@releaseType */
    ps_kb_src where;
} ps_recognizer;

typedef struct ps_os_rules {
    char *os;                   /* "6.0" */
    char *name;                 /* "Windows Vista / Server 2008 SP2" */
    char *base_build;           /* build of an unpatched system: "6.0.6002.18005" */
    char *sha2_enabler;         /* "KB4474419" */
    char **phases;              /* phase names in order */
    size_t n_phases;
    int role_phase[PS_ROLE__COUNT]; /* role -> index into phases; a role no phase
                                       names goes to the phase named "other", or
                                       is -1 when there is none */
    ps_recognizer *recognizers; /* in file order: first match wins */
    size_t n_recognizers;
    ps_rule *rules;             /* rules of this file in file order, then the
                                   manifests' <requires> (REQUIRE rules whose
                                   subject is the entry's KB) */
    size_t n_rules;
    ps_kb_src where;
} ps_os_rules;

typedef struct ps_kb {
    char *dir;                  /* the knowledge dir it was loaded from */
    ps_kb_entry *entries;       /* sorted by os, then KB number */
    size_t n_entries;
    ps_os_rules *os;            /* one per rules file */
    size_t n_os;
} ps_kb;

/*
 * Loads DIR/manifests/ and DIR/rules/ (every .xml file), validating each against
 * DIR/manifests/manifests.rng and DIR/rules/rules.rng.  Every problem is a rule-error finding
 * with file and line.  Returns 0 when loaded without error, 1 when there
 * were rule errors (the kb is still usable for what loaded), -1 when DIR is
 * not a knowledge dir at all (err says why).
 */
int ps_kb_load(ps_kb *kb, const char *dir, ps_findings *f, char *err, size_t errlen);

/* One knowledge file held in memory: its path relative to the knowledge dir
 * ("rules/6.0.xml", "manifests/manifests.rng") and its bytes. */
typedef struct ps_kb_doc {
    const char *path;
    const void *data;
    size_t len;
} ps_kb_doc;

/* What ps_kb_load does once the files are read: the schemas are the docs
 * named "rules/rules.rng" and "manifests/manifests.rng"; every other
 * "manifests/NAME.xml" and "rules/NAME.xml" doc is loaded, in the order
 * given.  Runs the schema checks and the cross-checks.  Returns 0, or 1 when
 * there were rule errors (a missing schema is one), or -1 on allocation
 * failure.  `dir` (may be NULL) is recorded as kb->dir. */
int ps_kb_load_docs(ps_kb *kb, const char *dir, const ps_kb_doc *docs, size_t ndocs,
                    ps_findings *f);

/* Number of rules over all OS families. */
size_t ps_kb_rule_count(const ps_kb *kb);
/* ps_kb_load, then ps_kb_free: the checks of `patchseq rules check`.
 * ps_kb_load itself makes the cross-checks (unknown KB references,
 * duplicate entries, undeclared source keys, contradictory or cyclic rules,
 * a REQUIRE rule resting on an unconfirmed entry). */
int ps_kb_check(const char *dir, ps_findings *f, char *err, size_t errlen);
void ps_kb_free(ps_kb *kb);

/* The knowledge dir to use when none is given: $PATCHSEQ_DATA_DIR, the
 * source tree when run from the build dir, else the installed datadir. */
const char *ps_kb_default_dir(void);

const ps_kb_entry *ps_kb_find(const ps_kb *kb, const char *os, const char *kbnum);
const ps_os_rules *ps_kb_rules_for(const ps_kb *kb, const char *os);

/*
 * The role of a package: from the manifests when they know its KB, else from
 * the recognisers of its OS's rules, else PS_ROLE_OTHER.  `why` (may be NULL)
 * receives a provenance text such as "manifests/6.0.xml:12" or "delivers
 * Microsoft-Windows-ServicingStack 6.0.6003.20484".
 */
ps_role ps_kb_classify(const ps_kb *kb, const ps_package *p, char *why, size_t whylen);

#endif /* PS_KB_H */
