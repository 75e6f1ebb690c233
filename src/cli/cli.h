/*
 * cli.h - the command-line front end: its entry point and the commands the
 * table of cli.c dispatches to.  The front end is not part of libpatchseq:
 * it is the patchseq executable (main.c only calls ps_cli_run()), and the
 * test programs link it to drive it in-process.
 */
#ifndef PS_CLI_H
#define PS_CLI_H

#include "cli_common.h"

/*
 * Runs one patchseq command line.  Normal output goes to `out`, messages
 * to `err`.  Returns the process exit code (0, 1, 2).
 */
int ps_cli_run(int argc, char **argv, FILE *out, FILE *err);
/* The same, with the stream the paths of "-" are read from (stdin for ps_cli_run). */
int ps_cli_run_io(int argc, char **argv, FILE *in, FILE *out, FILE *err);

/* Each command: argv[0] is the command name; returns the exit code. */
int ps_cmd_inspect(ps_cli *cli, int argc, char **argv);
int ps_cmd_plan(ps_cli *cli, int argc, char **argv);
int ps_cmd_explain(ps_cli *cli, int argc, char **argv);
int ps_cmd_validate(ps_cli *cli, int argc, char **argv);
int ps_cmd_lock(ps_cli *cli, int argc, char **argv);
int ps_cmd_rules(ps_cli *cli, int argc, char **argv);
int ps_cmd_diff(ps_cli *cli, int argc, char **argv);

#endif /* PS_CLI_H */
