/*
 * cli.h - the command-line front end, inside the library so that tests can
 * drive it in-process.  main.c only calls ps_cli_run().
 */
#ifndef PS_CLI_H
#define PS_CLI_H

#include "inventory.h"
#include "kb.h"
#include "util.h"

#include <jansson.h>

typedef struct ps_cli {
    FILE *out;          /* normal output (stdout) */
    FILE *err;          /* messages (stderr) */
} ps_cli;

/* Each command: argv[0] is the command name; returns the exit code. */
int ps_cmd_inspect(ps_cli *cli, int argc, char **argv);
int ps_cmd_plan(ps_cli *cli, int argc, char **argv);
int ps_cmd_explain(ps_cli *cli, int argc, char **argv);
int ps_cmd_validate(ps_cli *cli, int argc, char **argv);
int ps_cmd_lock(ps_cli *cli, int argc, char **argv);
int ps_cmd_rules(ps_cli *cli, int argc, char **argv);

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
/* "file: member:line: severity: code: message" lines, one per finding. */
void ps_findings_render_text(ps_buf *b, const ps_findings *f);
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

/* JSON (json.c) */
json_t *ps_package_to_json(const ps_package *p, int with_hash);
json_t *ps_finding_to_json(const ps_finding *fd);
json_t *ps_findings_to_json(const ps_findings *f);
/* Serialises with 2-space indent and sorted-as-inserted keys, newline-terminated;
 * steals the reference to root. NULL on OOM. */
char *ps_json_dump(json_t *root, size_t *len);
char *ps_json_dump_compact(json_t *root, size_t *len); /* the same, on one line */

#endif /* PS_CLI_H */
