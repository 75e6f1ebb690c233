/*
 * cli_rules.c - `patchseq rules check [DIR]`: validates the knowledge base
 * (the shipped one, or DIR) against its schemas and cross-checks it.
 */
#include "cli.h"
#include "kb.h"

#include <getopt.h>
#include <string.h>

static const char rules_usage[] =
    "usage: patchseq rules check [DIR]\n"
    "\n"
    "Validates the knowledge base: DIR/manifests/*.xml against\n"
    "DIR/manifests/manifests.rng and DIR/rules/*.xml against DIR/rules/rules.rng,\n"
    "then cross-checks them (unknown KB references, duplicate entries,\n"
    "undeclared sources, contradictory or cyclic rules, hard requirements\n"
    "resting on unconfirmed knowledge).  Without DIR, checks the knowledge\n"
    "base patchseq uses ($PATCHSEQ_DATA_DIR, else the installed one).\n"
    "\n"
    "Prints 'rules check: N manifests entries, M rules, OK', or one line per\n"
    "problem: FILE:LINE: error: rule-error: MESSAGE\n"
    "\n"
    "exit status: 0 clean, 1 rule errors, 2 usage error or DIR unusable.\n";

static void print_findings(FILE *out, const ps_findings *f)
{
    for (size_t i = 0; i < f->count; i++) {
        const ps_finding *it = &f->items[i];
        const char *file = it->file ? it->file : "(knowledge base)";

        if (it->line)
            fprintf(out, "%s:%u: %s: %s: %s\n", file, it->line, ps_severity_name(it->severity),
                    ps_finding_code_name(it->code), it->message);
        else
            fprintf(out, "%s: %s: %s: %s\n", file, ps_severity_name(it->severity),
                    ps_finding_code_name(it->code), it->message);
    }
}

static int rules_check(ps_cli *cli, const char *dir)
{
    ps_kb kb;
    ps_findings f = {0};
    char err[1024] = "";
    int rc;

    rc = ps_kb_load(&kb, dir, &f, err, sizeof err);
    if (rc < 0) {
        fprintf(cli->err, "patchseq: rules check: %s\n", err[0] ? err : "cannot load");
        rc = 2;
    } else if (f.count > 0 || rc > 0) {
        print_findings(cli->out, &f);
        rc = 1;
    } else {
        fprintf(cli->out, "rules check: %zu manifests entries, %zu rules, OK\n", kb.n_entries,
                ps_kb_rule_count(&kb));
        rc = 0;
    }
    fflush(cli->out);
    ps_kb_free(&kb);
    ps_findings_free(&f);
    return rc;
}

int ps_cmd_rules(ps_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(rules_usage, cli->out);
            return 0;
        }
        fprintf(cli->err, "patchseq: rules: unknown option '%s'\n", argv[optind - 1]);
        fputs(rules_usage, cli->err);
        return 2;
    }
    if (optind >= argc) {
        fputs(rules_usage, cli->err);
        return 2;
    }
    if (strcmp(argv[optind], "check") != 0) {
        fprintf(cli->err, "patchseq: rules: unknown subcommand '%s'\n", argv[optind]);
        fputs(rules_usage, cli->err);
        return 2;
    }
    optind++;
    /* options after "check": only --help */
    {
        int sub_argc = argc - optind + 1;
        char **sub_argv = argv + optind - 1;

        optind = 0;
        while ((opt = getopt_long(sub_argc, sub_argv, "+h", longopts, NULL)) != -1) {
            if (opt == 'h') {
                fputs(rules_usage, cli->out);
                return 0;
            }
            fprintf(cli->err, "patchseq: rules check: unknown option '%s'\n",
                    sub_argv[optind - 1]);
            return 2;
        }
        if (sub_argc - optind > 1) {
            fprintf(cli->err, "patchseq: rules check: more than one DIR given\n");
            return 2;
        }
        return rules_check(cli, optind < sub_argc ? sub_argv[optind] : ps_kb_default_dir());
    }
}
