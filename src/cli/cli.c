/*
 * cli.c - the command table, the usage text and the entry point.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: patchseq COMMAND [OPTIONS] ...\n"
    "\n"
    "Turns a folder of Windows update packages (.msu, .cab) into a safe,\n"
    "explained install order per architecture, from the packages' own metadata.\n"
    "\n"
    "commands:\n"
    "  inspect   [--format text|json] [--hash] PATH...\n"
    "            show what each package says of itself\n"
    "  plan      [--arch x86|x64|ia64]... [--format text|json|md|dot|cmd|ps1]\n"
    "            [--installed FILE] [--rules DIR] [--keep-superseded]\n"
    "            [--window MINUTES] [-o FILE] PATH...\n"
    "            the install order, per OS and architecture, with reboots\n"
    "  validate  [--format text|json] [--junit FILE] [--installed FILE] [--strict]\n"
    "            [--rules DIR] [--lock FILE] [--waive CODE[:KB]] [--waivers FILE]\n"
    "            [-o FILE] PATH...\n"
    "            check a bundle for CI\n"
    "  lock      [--rules DIR] [-o FILE] PATH...\n"
    "            record the files and plan of an approved bundle\n"
    "  explain   KB PATH...\n"
    "            why a KB is where it is in the plan, or why it was skipped\n"
    "  diff      [--format text|json|md] [--rules DIR] [-o FILE] OLD NEW\n"
    "            what a bundle change does to the plans (bundles, locks or\n"
    "            plan --format json outputs)\n"
    "  rules check [DIR]\n"
    "            validate and cross-check the knowledge base\n"
    "\n"
    "  patchseq --help | --version;  patchseq COMMAND --help (or help COMMAND)\n"
    "\n"
    "every command that reads a bundle also takes:\n"
    "  -q, --quiet         only the findings (no summary, no progress bar)\n"
    "  -v, --verbose       also what was read, from where, and how long it took\n"
    "  --no-progress       no progress bar (there is one only on a terminal whose\n"
    "                      TERM is not dumb)\n"
    "  --files-from FILE   read the PATHs from FILE, one a line ('-': stdin);\n"
    "                      a PATH '-' reads them from standard input\n"
    "  -o -                standard output (the default)\n"
    "colour only on a terminal, never with NO_COLOR set.\n"
    "\n"
    "exit status: 0 done, no error finding; 1 done, with error findings;\n"
    "2 usage error or a path that cannot be used.\n";

static int dispatch(ps_cli *cli, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(ps_cli *cli, int argc, char **argv);
    } commands[] = {
        {"inspect", ps_cmd_inspect},   {"plan", ps_cmd_plan}, {"explain", ps_cmd_explain},
        {"validate", ps_cmd_validate}, {"lock", ps_cmd_lock}, {"diff", ps_cmd_diff},
        {"rules", ps_cmd_rules},
    };
    const char *cmd = argv[1];

    for (size_t i = 0; i < PS_ARRAY_LEN(commands); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(cli, argc - 1, argv + 1);
    return ps_cli_unknown_command(cli, cmd);
}

int ps_cli_run_io(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    ps_cli cli = {out, err, in, 0, 0, 0};
    ps_argv a;
    const char *cmd;
    int rc;

    if (argc < 2) {
        fputs(usage_text, err);
        return 2;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        (strcmp(cmd, "help") == 0 && argc == 2)) {
        fputs(usage_text, out);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        /* help CMD is CMD --help */
        char *hv[4] = {argv[0], argv[2], (char *)"--help", NULL};

        if (argc > 3) {
            fprintf(err, "patchseq help: give one command\n");
            return 2;
        }
        return dispatch(&cli, 3, hv);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        fprintf(out, "patchseq %s\n", PS_VERSION_STRING);
        return 0;
    }
    if (strcmp(cmd, "completion") == 0) {
        size_t len = 0;
        char *doc;

        if (argc != 3 || strcmp(argv[2], "bash") != 0) {
            fprintf(err, "usage: patchseq completion bash\n");
            return 2;
        }
        doc = ps_cli_completion_bash(&len);
        if (doc == NULL) {
            fprintf(err, "patchseq: out of memory\n");
            return 2;
        }
        rc = ps_cli_emit(&cli, NULL, doc, len);
        free(doc);
        return rc;
    }
    if ((rc = ps_cli_prepare(&cli, argc, argv, &a)) != 0)
        return rc;
    rc = dispatch(&cli, a.argc, a.argv);
    ps_argv_free(&a, argv);
    return rc;
}

int ps_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
    return ps_cli_run_io(argc, argv, stdin, out, err);
}
