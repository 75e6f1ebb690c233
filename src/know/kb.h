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
    char *since_month;   /* "YYYY-MM", the month of `since` (set whenever since is):
                            date rules compare release months, so a package whose
                            build date precedes its Patch Tuesday still matches */
} ps_selector;

/* "B requires A" or "A is ordered before B". */
typedef enum ps_rule_kind {
    PS_RULE_REQUIRE,  /* A must be present (bundle or inventory), else missing-prerequisite */
    PS_RULE_ORDER,    /* when both are present, A goes first */
    PS_RULE_EXPECT    /* <expect>: A should be present for B; a missing one is the
                         warning finding named by ps_rule.finding (not an error:
                         e.g. Azure machines get ESU without the licensing package) */
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
    int or_superseding;    /* or-later="true" on a KB requirement: A is also met
                              by any update the manifests say supersedes `kb`
                              (see ps_kb_satisfies) */
    char *finding;         /* PS_RULE_EXPECT: the finding code of a missing A,
                              e.g. "esu-licensing"; NULL for the other kinds */
} ps_rule;

/* Windows edition an entry or an ESU activation ID is for. */
typedef enum ps_edition {
    PS_EDITION_ANY = 0,
    PS_EDITION_CLIENT,     /* Vista, Windows 7 */
    PS_EDITION_SERVER      /* Server 2008, Server 2008 R2 */
} ps_edition;

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
    char *month;           /* release month "YYYY-MM": the month="" attribute, else
                              the month of `date`; NULL when neither is given */
    struct ps_kb_revision *revisions; /* <revision>s of this KB, in file order */
    size_t n_revisions;
    ps_edition edition;    /* edition="server": Server only (KB4474419 and the ESU
                              chain of 6.0 are not for Vista); PS_EDITION_ANY when
                              the manifests do not restrict it */
} ps_kb_entry;

/* One re-release of a package under the same KB (KB4474419 v1..v4). */
typedef struct ps_kb_revision {
    unsigned n;            /* the -vN of the file name; 1 = the first release */
    char *date;            /* "YYYY-MM-DD" or NULL when not known */
    char *month;           /* "YYYY-MM" (date's, or the catalog folder's) or NULL */
    char *file;            /* file name stem, e.g. "windows6.1-kb4474419-v3" */
    char *source;
    ps_kb_src where;
} ps_kb_revision;

/* The release track of an entry, from its role. */
typedef enum ps_track {
    PS_TRACK_NONE = 0,     /* not a monthly package (SSU, SHA-2, licensing, other) */
    PS_TRACK_MONTHLY_ROLLUP,
    PS_TRACK_SECURITY_ONLY,
    PS_TRACK_PREVIEW
} ps_track;

/* "monthly-rollup", "security-only", "preview"; "none" for PS_TRACK_NONE. */
const char *ps_track_name(ps_track t);
ps_track ps_kb_track(const ps_kb_entry *e); /* PS_TRACK_NONE for NULL */

/* An ESU activation ID (`slmgr /ato <id>`) of one OS family, edition and
 * ESU year, from manifests/<os>.xml <activation>. */
typedef struct ps_kb_activation {
    char *os;              /* "6.1" */
    ps_edition edition;
    unsigned year;         /* 1..3 */
    char *id;              /* "553673ed-6ddf-419c-a153-b760283472fd" */
    char *source;
    ps_kb_src where;
} ps_kb_activation;

/* An ESU year of an OS family: packages released in months [from, to]
 * need the ESU key of that year activated (rules/<os>.xml <esu-year>). */
typedef struct ps_esu_year {
    unsigned year;         /* 1..3 */
    char *from;            /* "2020-02" */
    char *to;              /* "2021-01" */
    ps_kb_src where;
} ps_esu_year;

/* A manual step of a plan (rules/<os>.xml <step>): what the administrator
 * does between a restart after `first` and the first package `then`
 * matches.  For ESU: activate the ESU key after the licensing package's
 * restart, before the first ESU update. */
typedef struct ps_manual_step {
    char *name;            /* "esu-activation" */
    ps_role after;         /* the role whose restart comes first ("licensing") */
    ps_selector *before;   /* the packages it must precede (any of them) */
    size_t n_before;
    char **commands;       /* in order, with the placeholders {mak} (the key the
                              administrator passes at run time, never stored) and
                              {activation-id} (of the ESU year, ps_kb_activation_for) */
    size_t n_commands;
    char *reason;
    char *source;
    ps_kb_src where;
} ps_manual_step;

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
    ps_manual_step *steps;      /* <step> elements, in file order */
    size_t n_steps;
    ps_esu_year *esu_years;     /* <esu-year> elements, by year */
    size_t n_esu_years;
} ps_os_rules;

typedef struct ps_kb {
    char *dir;                  /* the knowledge dir it was loaded from */
    ps_kb_entry *entries;       /* sorted by os, then KB number */
    size_t n_entries;
    ps_os_rules *os;            /* one per rules file */
    size_t n_os;
    ps_kb_activation *activations; /* every <activation> of the manifests */
    size_t n_activations;
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

/* ------------------------------------------------------------------ */
/* Queries for the planner                                              */
/* ------------------------------------------------------------------ */

/*
 * Supersedence as the manifests record it: 1 when `newer` supersedes
 * `older` (directly or through the KBs it supersedes), 0 when the manifests
 * know both KBs for `os` and `newer` does not supersede `older` (the
 * manifests' word wins over any generic rule such as "a newer SSU
 * supersedes an older one": KB3138612 is not superseded by KB4490628),
 * -1 when the manifests do not know one of them (a generic rule may decide).
 */
int ps_kb_supersedes(const ps_kb *kb, const char *os, const char *newer, const char *older);

/*
 * Whether installing `candidate` meets a requirement naming `required` by
 * KB: 1 when they are the same KB or, with `or_superseding` (the rule's
 * or_superseding), when the manifests say `candidate` supersedes `required`
 * (KB3125574 needs KB3020369 or any later SSU of its chain: KB4490628 meets
 * it); 0 otherwise.
 */
int ps_kb_satisfies(const ps_kb *kb, const char *os, const char *candidate,
                    const char *required, int or_superseding);

/*
 * The entries of `os` with role `role` (PS_ROLE_UNKNOWN: any) for an
 * architecture (PS_ARCH_NONE: any), oldest release first (by release month,
 * then date, then KB; entries without a month last).  Fills up to `max`
 * pointers into `out` and returns how many there are in all (which may be
 * more than max).  For naming what to download: "add KB4493730 (2019-04)".
 */
size_t ps_kb_list(const ps_kb *kb, const char *os, ps_role role, ps_arch arch,
                  const ps_kb_entry **out, size_t max);

/*
 * The release month ("YYYY-MM") of a KB of `os` according to the manifests,
 * or NULL when they do not know it or its month.
 */
const char *ps_kb_release_month(const ps_kb *kb, const char *os, const char *kbnum);

/*
 * The ESU year (1..3) a package released in `month` ("YYYY-MM", or a full
 * date) falls in on `os`, from the rules' <esu-year> list; 0 when the month
 * is before or after the ESU years, or the OS has none.
 */
unsigned ps_kb_esu_year(const ps_kb *kb, const char *os, const char *month);

/*
 * The ESU activation ID for `os`, an edition and an ESU year; an entry with
 * edition PS_EDITION_ANY matches every edition.  NULL when none is known
 * (Vista, for instance, has none).
 */
const ps_kb_activation *ps_kb_activation_for(const ps_kb *kb, const char *os, ps_edition ed,
                                             unsigned year);

/* "client", "server", "any"; and back (PS_EDITION_ANY when not a name). */
const char *ps_edition_name(ps_edition e);
ps_edition ps_edition_parse(const char *s);

/*
 * Whether KB `kbnum` of `os` is for machines of edition `ed`: 1 when it is
 * (or either side is PS_EDITION_ANY), 0 when the manifests restrict it to the
 * other edition (a Vista machine and the Server 2008 ESU chain), -1 when the
 * manifests do not know the KB.
 */
int ps_kb_for_edition(const ps_kb *kb, const char *os, const char *kbnum, ps_edition ed);

/* The manual step named `name` ("esu-activation") of `os`, or NULL. */
const ps_manual_step *ps_kb_step(const ps_kb *kb, const char *os, const char *name);

/*
 * Whether package release month `month` ("YYYY-MM" or a full date) is on or
 * after the selector's since_month (1), before it (0); 1 when the selector
 * has no since.  The month rule of every date-based selector.
 */
int ps_selector_month_ok(const ps_selector *s, const char *month);

#endif /* PS_KB_H */
