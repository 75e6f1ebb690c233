/*
 * cli.h - the command-line front end: the commands the table of cli.c
 * dispatches to.  main.c only calls ps_cli_run().
 */
#ifndef PS_CLI_H
#define PS_CLI_H

#include "cli_common.h"

/* Each command: argv[0] is the command name; returns the exit code. */
int ps_cmd_inspect(ps_cli *cli, int argc, char **argv);
int ps_cmd_plan(ps_cli *cli, int argc, char **argv);
int ps_cmd_explain(ps_cli *cli, int argc, char **argv);
int ps_cmd_validate(ps_cli *cli, int argc, char **argv);
int ps_cmd_lock(ps_cli *cli, int argc, char **argv);
int ps_cmd_rules(ps_cli *cli, int argc, char **argv);
int ps_cmd_diff(ps_cli *cli, int argc, char **argv);

#endif /* PS_CLI_H */
