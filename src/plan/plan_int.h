/*
 * plan_int.h - what the files of src/plan/ share and nobody else sees: the
 * working state of one (OS, architecture) plan and the steps of the
 * pipeline that build.c drives:
 *
 *   node.c       the nodes, their ordering key, leaving the plan
 *   supersede.c  what leaves before resolution: revisions, unsafe names,
 *                supersedence (bundle and machine), the track
 *   stack.c      the machine and its servicing stack, SHA-2 support
 *   rules.c      the knowledge base's rules as the planner reads them
 *   resolve.c    requirements into typed edges, the rounds
 *   graph.c      edges, reachability, the one topological walk, cycles
 *   steps.c      reboot levels, steps, builds, manual steps
 *   why.c        the sentences: edge reasons, gaps, supersedence, cycles
 *   why_steps.c  the sentences of the steps and restarts, the ESU step
 *   why_state.c  the sentences of roles, the machine, leaving before resolution
 *   why_checks.c the findings: package checks, the findings of a finished plan
 *   window.c     maintenance windows
 *   model.c      the names and frees of the plan model (plan.h)
 */
#ifndef PS_PLAN_INT_H
#define PS_PLAN_INT_H

#include "plan.h"

#include <stdbool.h>
#include <stddef.h>

/* How one package supersedes another. */
typedef enum ps_supersede_kind {
    PS_SUPERSEDE_FAMILY, /* a newer version of the same package identity */
    PS_SUPERSEDE_KB,     /* the knowledge base says so */
    PS_SUPERSEDE_STACK,  /* a newer servicing stack */
} ps_supersede_kind;

/* One requirement of a node, with the packages that could satisfy it. */
typedef struct req {
    size_t node;             /* the package that has the requirement */
    ps_edge_kind kind;
    const ps_rule *rule;     /* PS_EDGE_RULE */
    size_t *cand;
    size_t n_cand;
} req;

/* The working state of one (OS, architecture) plan. */
typedef struct planner {
    ps_arch_plan *ap;
    const ps_kb *kb;
    const ps_plan_opts *opts;
    unsigned char *inplan;
    size_t *work;
    size_t n_work;
    req *q;
    size_t n_q, cap_q;
    size_t *cand;            /* requirement(): the usable candidates; the order
                                rules: the superseded ones that could go first */
    size_t *gone;            /* requirement(): the candidates that left the plan */
    size_t *stack;           /* reaches(): the DFS stack */
    unsigned char *seen;     /* reaches(): visited */
    size_t *indeg;           /* the walk: edges into each node from nodes not taken */
    unsigned char *left;     /* the walk: the nodes still to take */
    size_t *path;            /* record_cycle(): the walk back along predecessors */
    size_t *pos;             /* record_cycle(): a node's place in path, + 1 */
    unsigned char *sup;      /* supersedence: superseded by something */
    size_t *out_head;        /* per node: its first edge out (graph.c) */
    size_t *in_head;         /* per node: its first edge in */
    size_t *out_next;        /* per edge: the next edge out of the same node */
    size_t *in_next;         /* per edge: the next edge into the same node */
    size_t cap_next;         /* room in out_next and in_next */
    int excluded;            /* a node left the plan in this round */
    const char *wsus_want;   /* the UpdateId a WSUS requirement names */
    const char *reach;       /* stack requirement: the stack reachable without the dependant */
} planner;

/* ---- node.c: the nodes -------------------------------------------- */

/* Sets node n for package p: role, phase, release date, stack, kernel,
 * SHA-2.  -1 on OOM. */
int ps_plan_node_init(ps_plan_node *n, const ps_package *p, const ps_kb *kb,
                      const ps_os_rules *r);
/* The ordering key: phase, release date, KB number, file name; and the
 * same for qsort. */
int ps_plan_node_key_cmp(const ps_plan_node *a, const ps_plan_node *b);
int ps_plan_node_qsort_cmp(const void *a, const void *b);
/* Is node n out of the plan (for any reason but supersedence by the bundle)? */
bool ps_plan_node_excluded(const ps_plan_node *n);
/* Gives node n the state st and the sentence why (owned) in place of its old
 * one; -1 when why is NULL (OOM). */
int ps_plan_node_set(ps_plan_node *n, ps_node_state st, char *why);
/* Leaves node n out of the plan with the given state and sentence (owned). */
int ps_plan_exclude(planner *pl, size_t n, ps_node_state st, char *why);

/* ---- rules.c: the rules as the planner reads them ------------------- */

/* Does selector s match node n? */
bool ps_plan_selector_matches(const ps_selector *s, const ps_plan_node *n);
/* Does node n satisfy the "before" side of rule r? */
bool ps_plan_rule_before_matches(const planner *pl, const ps_rule *r, const ps_plan_node *n);
/* Does the inventory satisfy the "before" side of rule r? */
bool ps_plan_rule_satisfied_by_inventory(const planner *pl, const ps_rule *r);

/* ---- stack.c: the machine and its servicing stack -------------------- */

/* The machine state of this plan, and the stack credited to bundle SSUs
 * that do not say what they deliver.  -1 on OOM. */
int ps_plan_machine_state(planner *pl);
/* Is n a servicing stack update? */
bool ps_plan_is_ssu(const ps_plan_node *n);
/* The SHA-2 support update the rules name, or NULL. */
const char *ps_plan_enabler_of(const planner *pl);
/* Is the enabler a package this plan can install? */
bool ps_plan_enabler_plannable(const planner *pl);
/* Can SHA-2-only SSU s be installed before b? */
bool ps_plan_sha2_ok_before(const planner *pl, const ps_plan_node *s, const ps_plan_node *b);
/* Is the minimum stack of s met by `stack`, or by the chain order? */
bool ps_plan_ssu_installable(const planner *pl, const ps_plan_node *s, const char *stack);
/* The oldest known SSU that delivers `need` (a SHA-1-signed one when sha1). */
const ps_kb_entry *ps_plan_suggest_ssu(const planner *pl, const char *need, bool sha1,
                                       const char *date);
/* Does the SSU chain order say the machine's stack meets b's need? */
bool ps_plan_machine_chain_meets(const planner *pl, const ps_plan_node *b);
/* The stack reachable before node b. */
const char *ps_plan_reach_before(const planner *pl, size_t b);

/* ---- graph.c: edges, reachability, the walk ------------------------ */

/* Adds an edge unless the same one (ends, kind, provenance) is there;
 * takes ownership of reason and provenance.  -1 on OOM. */
int ps_plan_edge_add(planner *pl, size_t from, size_t to, ps_edge_kind kind, int barrier,
                     char *reason, char *prov);
/* Frees the edges of the plan and empties each node's lists of edges. */
void ps_plan_edges_reset(planner *pl);
/* Does `from` reach `to` through the edges? */
bool ps_plan_reaches(planner *pl, size_t from, size_t to);
/* Frees the edges of ap and empties the list. */
void ps_plan_edges_clear(ps_arch_plan *ap);
/* A visit of the walk; non-zero stops it as failed. */
typedef int (*ps_plan_visit)(planner *pl, size_t n, void *ctx);
/* Starts a walk: every node of the plan left, the in-degrees counted afresh. */
void ps_plan_walk_init(planner *pl);
/* Takes the ready nodes of pl->left, smallest key first, calling visit on
 * each; the number taken, or -1 when visit failed. */
long ps_plan_walk(planner *pl, ps_plan_visit visit, void *ctx);
/* The cycle check: on a cycle, records it and takes its members out of the
 * plan (pl->excluded).  -1 on OOM. */
int ps_plan_check_acyclic(planner *pl);

/* ---- supersede.c: what leaves the plan before resolution ----------- */

/* Among the revisions of one KB, the newest wins; the others are duplicates. */
void ps_plan_choose_revisions(ps_arch_plan *ap);
/* Packages whose file name no script may carry leave the plan.  -1 on OOM. */
int ps_plan_mark_unsafe_names(ps_arch_plan *ap);
/* Supersedence inside the bundle, and by what the machine has.  -1 on OOM. */
int ps_plan_compute_supersedence(planner *pl);
int ps_plan_superseded_by_machine(planner *pl);
/* The release track, --until, --exclude and previews.  -1 on OOM. */
int ps_plan_apply_track(planner *pl);
/* Is a newer than b: release date, then KB number, then file name. */
bool ps_plan_newer(const ps_plan_node *a, const ps_plan_node *b);

/* ---- resolve.c: requirements into edges ------------------------------ */

/* One round of resolution: supersedence, requirements, choices, order
 * rules.  0 (pl->excluded tells whether a node left the plan), -1 on OOM. */
int ps_plan_resolve_round(planner *pl);
/* Frees the queued requirements and empties the queue. */
void ps_plan_queue_clear(planner *pl);

/* ---- steps.c: the steps of a resolved plan ------------------------- */

/* Reboot levels, install and restart steps, reasons, builds, skipped.
 * -1 on OOM. */
int ps_plan_make_steps(planner *pl);
/* The manual steps of the knowledge base, each before the first install
 * it concerns.  -1 on OOM. */
int ps_plan_manual_steps(planner *pl);

/* ---- why_state.c: roles, the machine, leaving before resolution ----- */

char *ps_plan_why_role_unknown(void);
char *ps_plan_why_role_kernel_security(void);
char *ps_plan_why_role_title(const char *title);
int ps_plan_why_odd_role(ps_buf *odd, ps_role role, const char *why);
int ps_plan_why_odd_class(ps_buf *odd, bool preview);
int ps_plan_why_odd_build_date(ps_buf *odd, const char *build_date, const char *month);
char *ps_plan_why_title_mismatch(const char *kb, ps_role role, const char *title, const char *odd);
const char *ps_plan_why_sha2_src(bool from_catalog, const char *kb_file);
const char *ps_plan_why_src_file(const char *file);
const char *ps_plan_why_src_bundle(void);
char *ps_plan_why_credited_stack(const char *from);
char *ps_plan_why_base_stack(const char *os);
char *ps_plan_why_provides_stack(const char *stack, const char *src);
char *ps_plan_why_stack_installed(const char *kb, const char *src);
char *ps_plan_why_provides_unknown_stack(void);
char *ps_plan_why_stack_unknown(const char *stack_src, const char *kb);
char *ps_plan_why_provides_kernel(const char *kernel, bool from_bundle, const char *kb_file);
char *ps_plan_why_provides_role(ps_role role);
char *ps_plan_why_server_only(const char *os_name, const char *kb);
char *ps_plan_why_installed_supersedes(char *text, const char *kb);
char *ps_plan_why_installed_kb_says(const char *kb, const ps_kb_entry *e);
char *ps_plan_why_installed_newer(const char *kb, ps_role role, const char *date, const char *own);
char *ps_plan_why_below_build(unsigned long kernel_build, const char *machine_build);
char *ps_plan_why_unsafe_name(ps_arch arch);
char *ps_plan_why_after_target(const char *date, const char *until, const char *option);
char *ps_plan_why_excluded(const char *kb);
char *ps_plan_why_preview(void);
char *ps_plan_why_other_track(void);
char *ps_plan_why_included(const char *kb, const char *date, bool installed);

/* ---- why_steps.c: the reasons of the steps ------------------------- */

char *ps_plan_why_step_phase(const ps_plan_node *n);
char *ps_plan_why_step_after(const char *from_kb, const ps_plan_edge *e);
char *ps_plan_why_reboot_edge(const char *from_kb, const char *to_kb, const ps_plan_edge *e);
char *ps_plan_why_reboot_more(size_t more);
char *ps_plan_why_final_reboot_count(size_t total);
char *ps_plan_why_may_restart(const char *kb);
char *ps_plan_why_manual_step(const ps_manual_step *ms, unsigned year);
char *ps_plan_why_activation(const ps_kb_activation *a, unsigned year);
const char *ps_plan_why_activation_placeholder(void);
char *ps_plan_why_no_activation(unsigned year);
char *ps_plan_why_esu_key_unknown(bool from_inventory);

/* ---- why.c: the sentences ----------------------------------------- */

/* Adds the edge that satisfies requirement rq with node a, with its reason
 * and provenance.  -1 on OOM. */
int ps_plan_edge_for(planner *pl, const req *rq, size_t a);
/* Why rq cannot be met; gone lists the candidates that left the plan. */
char *ps_plan_missing_message(const planner *pl, const req *rq, const size_t *gone,
                              size_t n_gone);
/* "superseded by B: ..." for A, `how` as supersedes() said. */
char *ps_plan_supersede_text(const planner *pl, const ps_plan_node *B, const ps_plan_node *A,
                             ps_supersede_kind how);
/* Why superseded node `pick` is kept for b. */
char *ps_plan_needed_text(planner *pl, size_t pick, size_t b);
/* The texts of a dependency cycle and of each of its members. */
char *ps_plan_cycle_text(const ps_arch_plan *ap, const ps_plan_cycle *cy);
char *ps_plan_cycle_member_why(const ps_arch_plan *ap, const ps_plan_cycle *cy, size_t number);
/* The why of every duplicate revision.  -1 on OOM. */
int ps_plan_duplicate_texts(ps_arch_plan *ap);

/* ---- why_checks.c: the findings ------------------------------------ */

int ps_plan_why_no_rules(ps_findings *f, const ps_where *w, const char *os);
int ps_plan_why_name_os(ps_findings *f, const ps_where *w, const char *name_os, const char *os);
int ps_plan_why_name_arch(ps_findings *f, const ps_where *w, const ps_package *p);
int ps_plan_why_inventory_os(ps_findings *f, const ps_where *w, const char *os_build);
int ps_plan_why_already_installed(ps_findings *f, const ps_where *w, const char *kb);
int ps_plan_why_nothing_for_machine(ps_findings *f, const ps_inventory *inv, size_t n_machine);
char *ps_plan_why_inventory_lists(const char *kb);
int ps_plan_why_window_overrun(ps_findings *f, const ps_where *w, size_t window, size_t first,
                               size_t last, unsigned long minutes, unsigned window_minutes);
char *ps_plan_why_fleet_unreadable(const char *msg);
char *ps_plan_why_fleet_wrong_arch(ps_arch arch);
char *ps_plan_why_fleet_errors(const char *kb, const char *message, size_t errors);
int ps_plan_why_fleet_not_planned(ps_findings *f, const ps_where *w, const char *why);
/* The findings of a finished plan, and the esu-licensing warning.  -1 on OOM. */
int ps_plan_findings(const ps_arch_plan *ap, ps_findings *f);
int ps_plan_esu_finding(const ps_arch_plan *ap, const ps_kb *kb, ps_findings *f);

/* ---- window.c ------------------------------------------------------ */

/*
 * Cuts the steps of ap into maintenance windows of at most
 * opts->window_minutes (window.c): the steps between restarts are segments
 * that stay together; a segment longer than a window gets one of its own
 * and a window-overrun warning in f.  0, or -1 on allocation failure.
 */
int ps_plan_make_windows(ps_arch_plan *ap, const ps_plan_opts *opts, ps_findings *f);

#endif /* PS_PLAN_INT_H */
