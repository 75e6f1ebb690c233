/*
 * cli_common.h - what the commands of the command-line front end share:
 * the run context, the shared option table (cli_opts.c) and the helpers
 * of cli_common.c.
 */
#ifndef PS_CLI_COMMON_H
#define PS_CLI_COMMON_H

#include "findings.h"
#include "fleet.h"
#include "inventory.h"
#include "json.h"
#include "kb.h"
#include "plan.h"
#include "util.h"

#include <jansson.h>

typedef struct ps_cli {
    FILE *out;          /* normal output (stdout) */
    FILE *err;          /* messages (stderr) */
    FILE *in;           /* the paths of "-" and --files-from - (stdin) */
    int quiet;          /* --quiet: findings only, no progress */
    int verbose;        /* --verbose: what was read, from where, how long */
    int no_progress;    /* --no-progress */
} ps_cli;

/* A command line rewritten by ps_cli_prepare (cli_opts.c): the shared
 * options taken out, "-" and --files-from replaced by the paths read. */
typedef struct ps_argv {
    int argc;
    char **argv;
    char **own_opts, **own_ops, **own_listed;
    size_t n_opts, n_ops, n_listed;
} ps_argv;

/* Takes the shared options (--quiet, --verbose, --no-progress,
 * --files-from) out of argv into cli, reads the paths of "-" and
 * --files-from, and refuses an unknown option with "did you mean".
 * Returns 0, or the exit code (2) after a message. */
int ps_cli_prepare(ps_cli *cli, int argc, char **argv, ps_argv *out);
void ps_argv_free(ps_argv *a, char **orig);
/* Parses an --arch value (x86, x64, amd64, ia64; any case); 0, or 2 after
 * "unknown architecture ...; did you mean ...". */
int ps_cli_parse_arch(ps_cli *cli, const char *cmd, const char *name, ps_arch *out);
int ps_cli_unknown_command(ps_cli *cli, const char *cmd);
/* The message for a bad --arch list (its first bad name); returns 2. */
int ps_cli_arch_error(ps_cli *cli, const char *cmd, const char *list);
/* 2 after a message when a PATH is an archive: a script needs files on disk. */
int ps_cli_refuse_archives(ps_cli *cli, const char *format, char **paths, int npaths);
/* 1 when output to f may be coloured: a terminal, TERM is not dumb, NO_COLOR unset. */
int ps_cli_color(const ps_cli *cli, FILE *f);
/* 0 when --no-progress, --quiet or TERM=dumb forbid the progress bar. */
int ps_cli_progress_wanted(const ps_cli *cli);
/* The bash completion script, generated from the option table. */
char *ps_cli_completion_bash(size_t *len);
/* Appends "--name" of every option the table gives cmd (for the tests). */
int ps_cli_options_of(const char *cmd, char ***names, size_t *n);

/* Shared helpers for the commands. */

/* Writes data to stdout, or atomically to `path` when non-NULL.  Returns 0,
 * or 2 (the exit code) after printing the reason to cli->err. */
int ps_cli_emit(ps_cli *cli, const char *path, const char *data, size_t len);
/* A path of the command line and the option that named it ("-o",
 * "--junit", "--installed", "PATH"). */
typedef struct ps_cli_io {
    const char *what;
    const char *path;
} ps_cli_io;

/* The options plan, explain, validate and lock parse alike (cli_opts.c). */
typedef struct ps_cli_shared {
    const char *installed;  /* --installed FILE (the last one given) */
    char **installed_v;     /* every --installed, in order */
    size_t n_installed;
    const char *rules;      /* --rules DIR */
    const char *outpath;    /* -o FILE */
} ps_cli_shared;

/* The message for a bad option (or one the command does not take); 2. */
int ps_cli_bad_option(ps_cli *cli, const char *cmd, const char *bad, const char *usage);
/* After getopt_long returned ch, none of the command's own options: the
 * shared ones (--installed 'i', --rules 'r', -o, -h), a missing value
 * (':'), or else a bad option.  -1 to go on, or the exit code. */
int ps_cli_shared_option(ps_cli *cli, const char *cmd, int ch, char **argv, const char *usage,
                         ps_cli_shared *s);
/* Appends an input {"--installed", FILE} per --installed to ins (*n of
 * them there already); 1 when they are a fleet (several, or a folder). */
int ps_cli_shared_inputs(const ps_cli_shared *s, ps_cli_io *ins, size_t *n);
/* What --installed names: the fleet (is_fleet), or one machine's inventory
 * into *inv, handed to the planner (opts->inventory) with its architecture
 * only (with arch_given, an --arch without it is an error).  0, or 2 after
 * a message. */
int ps_cli_load_installed(ps_cli *cli, const char *cmd, const ps_cli_shared *s, int is_fleet,
                          int arch_given, ps_fleet *fleet, ps_inventory *inv, ps_plan_opts *opts);
void ps_cli_shared_free(ps_cli_shared *s);

/*
 * Before anything is read: refuses an output that is one of the inputs
 * (the same file, or an existing file inside an input folder) or the same
 * file as another output.  "-" and NULL are skipped; a device, FIFO or
 * socket output is never refused (writing it replaces nothing).  Returns
 * 0, or 2 after a message naming both paths.
 */
int ps_cli_check_paths(ps_cli *cli, const char *cmd, const ps_cli_io *outs, size_t nout,
                       const ps_cli_io *ins, size_t nin);

/* ps_cli_check_paths with the inputs named by options (ins) and the
 * PATH operands.  0, or 2 (message printed, or out of memory). */
int ps_cli_check_run(ps_cli *cli, const char *cmd, const ps_cli_io *outs, size_t nout,
                     const ps_cli_io *ins, size_t nin, char **paths, int npaths);

/* Exit code for a finished command: 1 when any finding is an error (or a
 * warning when strict), else 0. */
int ps_cli_exit_code(const ps_findings *f, int strict);
/* Loads the knowledge base from `rules` (NULL: ps_kb_default_dir()), its
 * rule errors added to f.  Returns 0, or 2 after printing why it cannot be
 * used at all. */
int ps_cli_load_kb(ps_cli *cli, const char *cmd, const char *rules, ps_kb *kb, ps_findings *f);
/* Loads the inventory of `--installed FILE`.  Returns 0, or 2 after
 * printing why (file and line). */
int ps_cli_load_inventory(ps_cli *cli, const char *cmd, const char *path, ps_inventory *inv);
/* Reads packages, printing the fatal error (exit 2) itself. Returns 0 or 2. */
int ps_cli_read_bundle(ps_cli *cli, ps_bundle *b, char **paths, int npaths,
                       const ps_read_opts *opts, ps_findings *f);

/* diff (cli_diff.c): the patchseq.diff/1 document of two plan documents
 * (any JSON: what is not the documented shape counts as absent), and its
 * rendering as text, json or md.  NULL on OOM. */
json_t *ps_diff_plans(json_t *a, json_t *b, const char *old, const char *new_);
char *ps_diff_render(const char *format, json_t *d, size_t *len);

#endif /* PS_CLI_COMMON_H */
