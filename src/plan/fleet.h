/*
 * fleet.h - many machines at once: one inventory per machine, each planned
 * against the same bundle (read once), machines grouped by identical plans.
 *
 * A machine's name is its inventory's Host Name (systeminfo) or CSName
 * (wmic, Get-HotFix), else the inventory's file name without its extension;
 * either must be a host name (ps_host_name_valid).  Two inventories naming
 * the same machine (compared case-insensitively, as Windows does) are an
 * error naming both files.  An inventory that cannot be read is not an
 * error of the run: its machine gets the error finding (file and line) and
 * the status cannot-update.
 *
 * Planning is per distinct machine state, not per machine.  The state key
 * is what the planner reads of an inventory: architecture, OS version and
 * build, OS name (edition), and the installed KBs that matter to this
 * bundle and knowledge base (the KB of a package of the bundle, or one the
 * knowledge base names: an entry, a KB an entry supersedes, a rule's KB or
 * `from`, an OS's SHA-2 enabler).  Other KBs change nothing in a plan: the
 * state's inventory leaves them out, so machines of one state share one
 * plan (and its machine model lists only the KBs that matter).
 *
 * Plan identity (the grouping): two machines are in one group when their
 * status (and, for cannot-update, its reason) is the same and their plans
 * have, per (OS, architecture) in order, the same ordered steps: the same
 * installs (KB and file) and restarts at the same places, and the same
 * maintenance windows (first and last step of each).  The start build and
 * the installed KBs may differ within a group.
 */
#ifndef PS_FLEET_H
#define PS_FLEET_H

#include "plan.h"

#define PS_FLEET_MAX_MACHINES 100000u

typedef enum ps_fleet_status {
    PS_FLEET_NEEDS_UPDATES = 0, /* a plan with steps and no error */
    PS_FLEET_CANNOT_UPDATE,     /* the plan has an error (or the inventory cannot be read):
                                   the bundle cannot bring it up to date; `why` says why */
    PS_FLEET_CURRENT,           /* nothing of the bundle left to install, no error */
    PS_FLEET_WRONG_ARCH,        /* the bundle has nothing for its architecture */
    PS_FLEET_STATUS__COUNT
} ps_fleet_status;

/* "needs-updates", "cannot-update", "current", "wrong-architecture" */
const char *ps_fleet_status_name(ps_fleet_status s);

typedef struct ps_fleet_machine {
    char *name;             /* the machine's name */
    char *inventory;        /* the inventory file, as given */
    ps_inventory inv;       /* as read (all zero when it could not be read) */
    int readable;
    ps_findings findings;   /* its own: the inventory's problem (its plan's findings are
                               its state's) */
    size_t state;           /* index into ps_fleet.states, or PS_NO_NODE */
    size_t group;           /* index into ps_fleet.groups */
    ps_fleet_status status;
    char *why;              /* cannot-update, wrong-architecture: the reason; else NULL */
} ps_fleet_machine;

/* One distinct machine state and its plan. */
typedef struct ps_fleet_state {
    char *key;
    ps_inventory inv;       /* the inventory the plan was made from (KBs that matter) */
    ps_plan plan;
    ps_findings findings;   /* what planning it found */
    char *identity;         /* the plan identity (see above), canonical text */
} ps_fleet_state;

typedef struct ps_fleet_group {
    size_t *machines;       /* indexes into ps_fleet.machines, by name */
    const char **names;     /* their names (borrowed from the machines) */
    size_t n_machines;
    size_t state;           /* the state whose plan the group shows, or PS_NO_NODE */
    ps_fleet_status status;
    const char *why;        /* borrowed from its first machine */
} ps_fleet_group;

typedef struct ps_fleet {
    ps_fleet_machine *machines; /* sorted by name (case-insensitively) */
    size_t n_machines;
    ps_fleet_state *states;
    size_t n_states;
    ps_fleet_group *groups;     /* by status, then first machine name */
    size_t n_groups;
    ps_plan none;               /* the empty plan of a machine with no state */
} ps_fleet;

/*
 * The inventory files of `args` (files, or folders: every regular file
 * directly in it whose name does not start with '.', in name order), into
 * *files (free with ps_strv_free).  -1 with the message in err.
 */
int ps_fleet_files(const char *const *args, size_t nargs, char ***files, size_t *nfiles,
                   char *err, size_t errlen);

/*
 * Reads each inventory and names its machine.  Returns 0, or -1 with the
 * message in err: a file that cannot be named, two files naming the same
 * machine ("a.csv and b.csv both name the machine SRV1"), out of memory.
 * A file that cannot be parsed is not -1 (see above).
 */
int ps_fleet_load(ps_fleet *fl, char *const *files, size_t n, char *err, size_t errlen);

/*
 * Plans every machine against `b` with `opts` (its inventory and, when the
 * machine's architecture is known, its arch_mask are set per state; an
 * opts->arch_mask that excludes the machine's architecture makes it
 * wrong-architecture).  `global` holds the findings made before planning
 * (knowledge base, bundle): the planner sees them, as for one machine, and
 * they are not copied into the machines.  Then statuses and groups.
 * Returns 0, or -1 on allocation failure.
 */
int ps_fleet_plan(ps_fleet *fl, const ps_bundle *b, const ps_kb *kb, const ps_plan_opts *opts,
                  const ps_findings *global);

/* The plan of machine i (its state's, or an empty plan). */
const ps_plan *ps_fleet_machine_plan(const ps_fleet *fl, size_t i);

/* The groups for the renderers (ps_render_opts.groups): *out is an array of
 * fl->n_groups (free with free()); -1 on allocation failure. */
int ps_fleet_render_groups(const ps_fleet *fl, ps_render_group **out);

/* The machines for the json document (ps_render_opts.machines): *out is an
 * array of fl->n_machines (free with free()); -1 on allocation failure. */
int ps_fleet_render_machines(const ps_fleet *fl, ps_render_machine **out);

/* Per machine, what an orchestration back-end runs: its name, its plan and,
 * when its plan has an error or it cannot be planned, why it is skipped
 * (else NULL).  Everything is borrowed from the fleet. */
typedef struct ps_fleet_host {
    const char *name;
    const ps_plan *plan;
    const char *skip_reason;
} ps_fleet_host;

/* Fills *out with fl->n_machines hosts in name order (free with free());
 * -1 on allocation failure. */
int ps_fleet_hosts(const ps_fleet *fl, ps_fleet_host **out);

/* 1 when every machine has the same plan identity (one script fits all). */
int ps_fleet_one_plan(const ps_fleet *fl);

/* Machines with an error finding (or an unreadable inventory). */
size_t ps_fleet_errors(const ps_fleet *fl);

void ps_fleet_free(ps_fleet *fl);

#endif /* PS_FLEET_H */
