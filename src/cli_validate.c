/* cli_validate.c - placeholder until `validate` lands */
#include "cli.h"
int ps_cmd_validate(ps_cli *cli, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("patchseq: validate: not available yet\n", cli->err);
    return 2;
}
