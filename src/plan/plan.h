/*
 * plan.h - the plan model: per (OS, architecture), the packages of a bundle
 * as graph nodes, typed hard edges with their reasons, and the ordered steps
 * (installs and reboots) with what was skipped and why.
 *
 * The pipeline is: nodes (after the choice among revisions) -> supersedence
 * -> requirements resolved into edges (choosing, among the packages that
 * could satisfy a requirement, one that creates no cycle) -> deterministic
 * order by reboot level, phase, date, KB and file name -> reboot steps.
 * Problems become findings; the packages concerned leave the plan of that
 * architecture (a partial plan, never a wrong one).
 *
 * The renderers (src/emit/) read this model only; they are declared there
 * (emit/render.h, emit/script.h), not here.
 */
#ifndef PS_PLAN_H
#define PS_PLAN_H

#include "inventory.h"
#include "kb.h"
#include "util.h"

/*
 * The time model of maintenance windows (--window): an estimate, in
 * seconds, of how long each step takes.  An install takes the time of its
 * phase plus the time of its size (per_mib seconds per MiB of the package
 * file); a reboot takes `reboot`.  Defaults (ps_time_model_default), in
 * minutes: servicing-stack 5, sha2-support 5, licensing 3, rollup 20,
 * security-only 15, other 8 (and any phase not named here), optional 8;
 * 0.05 per MiB (3 s); reboot 4.  A phase's time is the whole install of
 * such a package, the servicing its restart completes ("configuring
 * updates") included; a reboot is the restart itself, so that work is not
 * counted twice.  Steps that are not installs or reboots (the manual ESU
 * activation) and skipped packages cost nothing.  Every value can be
 * overridden from a file of "name = minutes" lines (ps_time_model_parse).
 */
typedef struct ps_time_model {
    unsigned servicing_stack, sha2_support, licensing, rollup, security_only, other, optional;
    unsigned per_mib;        /* seconds per MiB of package file */
    unsigned reboot;
} ps_time_model;

void ps_time_model_default(ps_time_model *m);
/*
 * Reads "name = minutes" lines (minutes: digits with an optional fraction
 * of up to two digits; '#' starts a comment; names: servicing-stack,
 * sha2-support, licensing, rollup, security-only, other, optional,
 * per-mib, reboot) over the values already in *m.  Returns 0, or -1 with
 * "line N: message" in err.
 */
int ps_time_model_parse(ps_time_model *m, const char *text, size_t len, char *err, size_t errlen);
/* The largest time model file ps_time_model_load reads. */
#define PS_TIME_MODEL_MAX_BYTES (64u * 1024u)
/* Reads the time model file at path (a regular file of at most
 * PS_TIME_MODEL_MAX_BYTES) over the values already in *m.  0, or -1 with
 * the message in err ("PATH: cannot open the time model: ...", "PATH:
 * larger than N bytes", "PATH: read error", "PATH: line N: ...", "out of
 * memory"). */
int ps_time_model_load(ps_time_model *m, const char *path, char *err, size_t errlen);
/* Estimated seconds of an install of a package of phase `phase` and
 * `size` bytes. */
unsigned long ps_time_model_install(const ps_time_model *m, const char *phase, uint64_t size);

/* The release track a plan follows (--track). */
typedef enum ps_plan_track {
    PS_PLAN_TRACK_ROLLUP = 0,     /* monthly rollups; security-only updates they contain are skipped */
    PS_PLAN_TRACK_SECURITY_ONLY   /* security-only updates in release order; rollups are skipped */
} ps_plan_track;

typedef struct ps_plan_opts {
    unsigned arch_mask;              /* PS_ARCH_BIT() set; 0 = every architecture */
    int keep_superseded;             /* keep superseded packages in the plan */
    const ps_inventory *inventory;   /* borrowed; NULL = nothing installed.  Its KBs
                                        leave the plan and satisfy requirements (and
                                        what they supersede leaves it); its os_build
                                        is the start build, packages of another OS
                                        are wrong-os */
    unsigned window_minutes;         /* > 0: cut each plan into windows of at most this */
    const ps_time_model *time_model; /* borrowed; NULL = the defaults */
    ps_plan_track track;                 /* the release track (default: rollup) */
    int include_previews;            /* plan preview rollups (else: optional, skipped) */
    const char *os;                  /* borrowed: plan only this OS family ("6.0"), or NULL */
    const char *until;               /* borrowed: "YYYY-MM" or a KB: plan up to that release
                                        month; later packages are after-target.  NULL: all */
    char **exclude;                  /* borrowed: KBs left out (--exclude), normalised */
    size_t n_exclude;
} ps_plan_opts;

void ps_plan_opts_default(ps_plan_opts *o);

/* Hard edge kinds, from the package's own bits to the knowledge base. */
typedef enum ps_edge_kind {
    PS_EDGE_STACK = 0,  /* servicing stack: an SSU before what needs its stack */
    PS_EDGE_SHA2,       /* the SHA-2 support update before a SHA-2-only package */
    PS_EDGE_RULE,       /* a rule of the knowledge base */
    PS_EDGE_WSUS        /* a WSUS prerequisite naming another package of the bundle */
} ps_edge_kind;

const char *ps_edge_kind_name(ps_edge_kind k); /* "stack", "sha2", "rule", "wsus" */

typedef enum ps_node_state {
    PS_NODE_PLANNED = 0,   /* a step of the plan */
    PS_NODE_DUPLICATE,     /* an older revision of a KB that is in the plan */
    PS_NODE_SUPERSEDED,    /* superseded and not needed */
    PS_NODE_MISSING,       /* a requirement is not met: missing-prerequisite */
    PS_NODE_CYCLE,         /* member of a dependency cycle */
    PS_NODE_UNSAFE,        /* its file name has a character outside [A-Za-z0-9._()+-]:
                              no script may name it (unsafe-file-name) */
    PS_NODE_INSTALLED,     /* already on the machine (the inventory): no step; it
                              satisfies requirements and supersedes */
    PS_NODE_WRONG_MACHINE, /* not for the machine of the inventory (wrong-machine) */
    PS_NODE_INCLUDED,      /* a security-only update a monthly rollup of its month or
                              later contains (included-in-rollup) */
    PS_NODE_OTHER_TRACK,   /* of the release track not followed (other-track) */
    PS_NODE_OPTIONAL,      /* a preview rollup, without --include-previews (optional) */
    PS_NODE_EXCLUDED,      /* named by --exclude (excluded) */
    PS_NODE_AFTER_TARGET   /* released after the --until target (after-target) */
} ps_node_state;

/* "planned", "duplicate", "superseded", "missing-prerequisite",
 * "dependency-cycle", "unsafe-file-name", "installed", "wrong-machine",
 * "included-in-rollup", "other-track", "optional", "excluded", "after-target" */
const char *ps_node_state_name(ps_node_state s);

#define PS_NO_NODE ((size_t)-1)

typedef struct ps_plan_node {
    const ps_package *pkg;   /* borrowed from the bundle */
    const ps_kb_entry *entry;/* what the knowledge base knows of it, or NULL */
    const char *kb;          /* pkg->kb */
    ps_role role;
    char *role_why;          /* provenance of the role */
    unsigned phase;          /* rank of the phase (lower goes first) */
    const char *phase_name;  /* borrowed from the rules */
    const char *date;        /* release date: the knowledge base's, else the package's build
                                date moved to the Patch Tuesday on or after it; may be NULL */
    char *date_own;          /* owned storage of a date computed from the build date */
    char *mismatch;          /* what disagrees with the WSUS title the role came from
                                (a metadata-mismatch finding), or NULL */
    const char *stack;       /* servicing stack it delivers, or NULL */
    const char *kernel;      /* kernel version it delivers, or NULL */
    int sha2_only;           /* 1 / 0 (unknown counts as 0) */
    const char *sha2_src;    /* where sha2_only came from */
    ps_node_state state;
    size_t by;               /* superseder / newer revision; PS_NO_NODE */
    const char *by_installed;/* an installed KB that supersedes it (borrowed), or NULL */
    char *why;               /* why skipped (a sentence), or NULL */
    char **gaps;             /* missing-prerequisite: one sentence per unmet requirement */
    size_t n_gaps;
    const char *stack_src;   /* where `stack` comes from: "its components", "the knowledge
                              base", or "at least what KBn delivers" (inferred) */
    char *stack_why;         /* owned text when the stack is inferred, else NULL */
    int needed;              /* superseded, yet kept because the plan needs it */
    char *needed_why;        /* explanation when needed */
    unsigned depth;          /* reboot level: barrier edges on the longest path to it */
    size_t step;             /* 1-based step number when planned, else 0 */
} ps_plan_node;

typedef struct ps_plan_edge {
    size_t from, to;         /* node indexes: `from` is installed before `to` */
    ps_edge_kind kind;
    int barrier;             /* a reboot must separate them */
    char *reason;            /* sentence */
    char *provenance;        /* where the fact comes from: "rules/6.0.xml:14", "update.mum" */
} ps_plan_edge;

typedef enum ps_step_action {
    PS_STEP_INSTALL = 0,
    PS_STEP_REBOOT,
    PS_STEP_MANUAL           /* what the administrator does (the ESU activation) */
} ps_step_action;

/* "install", "reboot", "manual" */
const char *ps_step_action_name(ps_step_action a);

typedef struct ps_plan_step {
    ps_step_action action;
    size_t node;             /* install: the node; reboot, manual: PS_NO_NODE */
    char **reasons;
    size_t n_reasons;
    const char *build_after; /* kernel build after this step when it changes, else NULL */
    /* PS_STEP_MANUAL only (else zero): the knowledge base's step (rules/<os>.xml
     * <step>, borrowed), the ESU year it activates, the activation IDs that
     * fit the machine (one when its edition is known, else one per edition
     * the manifests name; none when the manifests know none), and the
     * commands with {mak} as "<your ESU MAK>" and {activation-id} filled in
     * when there is exactly one ID (else "<activation ID of your edition>").
     * The key itself is never in a plan: scripts take it at run time. */
    const ps_manual_step *manual;
    unsigned esu_year;
    const ps_kb_activation *activations[2];
    size_t n_activations;
    char **commands;
    size_t n_commands;
} ps_plan_step;

/* The placeholder of the ESU key in the commands of a manual step. */
#define PS_MAK_PLACEHOLDER "<your ESU MAK>"

/* A cycle found while ordering: its members in order, and the text that
 * names each edge with its reason. */
typedef struct ps_plan_cycle {
    size_t *members;
    size_t n;
    char *text;              /* "KB1 -> KB2 (rule: reason) -> KB1 (rule: reason)" */
} ps_plan_cycle;

/* A maintenance window: consecutive steps first..last (0-based indexes into
 * steps), ending after a reboot step or at the end of the plan. */
typedef struct ps_plan_window {
    size_t first, last;
    unsigned long seconds;   /* estimate from the time model */
    int overrun;             /* a single segment longer than the window */
} ps_plan_window;

/* One KB the machine already has, and what it provides. */
typedef struct ps_machine_kb {
    const char *kb;          /* borrowed from the inventory */
    size_t node;             /* its package in this plan (state installed), or PS_NO_NODE */
    ps_role role;            /* from its package, else the knowledge base; unknown */
    const char *stack;       /* an SSU: the stack credited to it, or NULL when unknown */
    const char *date;        /* its release date when known (package, else knowledge base) */
    char *provides;          /* "servicing stack 6.0.6003.20484 (its package in the
                                bundle)", "kernel 6.0.6003.20654", or NULL */
} ps_machine_kb;

/*
 * What a machine already is, per (OS, architecture), computed once from the
 * inventory, the bundle's packages (an installed KB whose package is in the
 * bundle provides what that package delivers) and the knowledge base; with
 * no inventory, the base of the OS family.
 */
typedef struct ps_machine {
    int from_inventory;      /* 1 when an inventory was given */
    const char *os_name;     /* the inventory's OS Name, or NULL (borrowed) */
    const char *edition;     /* "server", "client" or NULL when unknown (static) */
    const char *build;       /* borrowed: the inventory's build, else the base build */
    const char *stack;       /* servicing stack level (borrowed) */
    char *stack_src;         /* where the level comes from (a sentence) */
    int sha2_active;         /* the SHA-2 support update is installed */
    int esu_licensing;       /* an ESU licensing package is installed */
    ps_machine_kb *kbs;      /* the installed KBs, in the inventory's order */
    size_t n_kbs;
} ps_machine;

typedef struct ps_arch_plan {
    char *os;                /* "6.0" */
    ps_arch arch;
    const ps_os_rules *rules;/* borrowed from the kb */
    const char *start_build; /* borrowed: the inventory's build when of this OS, else
                                the rules' base build */
    const char *end_build;   /* borrowed */
    unsigned reboots;
    ps_plan_node *nodes;
    size_t n_nodes;
    ps_plan_edge *edges;     /* among planned nodes */
    size_t n_edges, cap_edges;
    ps_plan_step *steps;
    size_t n_steps;
    size_t *skipped;         /* node indexes of skipped nodes, in plan order */
    size_t n_skipped;
    ps_plan_cycle *cycles;
    size_t n_cycles;
    ps_plan_window *windows; /* with opts->window_minutes, else NULL */
    size_t n_windows;
    unsigned window_minutes; /* the length asked for, or 0 */
    ps_machine machine;      /* the machine the plan starts from */
} ps_arch_plan;

typedef struct ps_plan {
    ps_arch_plan *plans;     /* ordered by OS, then architecture */
    size_t count;
} ps_plan;

/*
 * Plans a bundle.  Problems are added to `f` (missing-prerequisite,
 * dependency-cycle, duplicate, superseded, arch-mismatch, wrong-os,
 * already-installed), only for the architectures of opts->arch_mask.  The
 * plan borrows from `b`, `kb` and the inventory: they must outlive it.
 * opts may be NULL (every architecture, nothing installed).  Returns 0, or
 * -1 on allocation failure.
 */
int ps_plan_build(ps_plan *plan, const ps_bundle *b, const ps_kb *kb, const ps_plan_opts *opts,
                  ps_findings *f);
void ps_plan_free(ps_plan *plan);

/*
 * A group of machines of a fleet that share one plan: the hook for fleet
 * planning.  Given groups, the md, html, dot and text documents show each
 * group's plan once, with its machines, and a fleet summary first; the
 * `plan` argument of ps_plan_render_with is then not used.
 */
typedef struct ps_render_group {
    const char *label;             /* e.g. "prepared", or NULL */
    const char *const *machines;   /* machine names (borrowed) */
    size_t n_machines;
    const ps_plan *plan;           /* the group's plan (borrowed) */
    const char *status;            /* "needs-updates", "cannot-update", "current",
                                      "wrong-architecture" (fleet.h), or NULL */
    const char *why;               /* cannot-update, wrong-architecture: why, or NULL */
    const ps_findings *findings;   /* the findings of the group's plan (text), or NULL */
} ps_render_group;

/* One machine of a fleet, for the json document's "machines". */
typedef struct ps_render_machine {
    const char *name;
    const char *inventory;          /* the file it came from */
    const char *os;                 /* the inventory's OS Name, or NULL */
    const char *build;              /* the inventory's build, or NULL */
    ps_arch arch;                   /* PS_ARCH_NONE when the inventory does not say */
    const char *status;             /* fleet.h's status name */
    const char *why;                /* or NULL */
    size_t group;                   /* 0-based index into ps_render_opts.groups */
    const ps_plan *plan;
    const ps_findings *own;         /* its inventory's findings, or NULL */
    const ps_findings *plan_findings; /* its plan's, or NULL */
} ps_render_machine;

/* How a document is rendered; all zero (or NULL) gives the defaults. */
typedef struct ps_render_opts {
    int verbose;                   /* text: each step's reasons with their provenance */
    const ps_time_model *time_model; /* estimates; NULL = the defaults */
    const char *machine;           /* the one machine planned (inventory), or NULL */
    const char *inventory;         /* the inventory file it came from, or NULL */
    const char *graph_svg;         /* html: the graph as SVG (`dot -Tsvg` of the dot
                                      document), or NULL: omitted with graph_note */
    const char *graph_note;        /* html: why there is no graph, or NULL */
    const ps_render_group *groups; /* a fleet; NULL = the single plan */
    size_t n_groups;
    const ps_render_machine *machines; /* a fleet's machines (json); NULL = none */
    size_t n_machines;
} ps_render_opts;

/* 1 when the base name of `path` (after the last '/' or '\') is not empty
 * and only has characters of [A-Za-z0-9._()+-]. */
int ps_file_name_safe(const char *path);

/* 1 when a package of `kb` is left out of a plan for an error (missing
 * prerequisite, dependency cycle, unsafe file name, wrong machine), else 0. */
int ps_plan_kb_has_error(const ps_plan *plan, const char *kb);

#endif /* PS_PLAN_H */
