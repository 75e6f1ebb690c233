/* main.c - the patchseq binary: everything happens in the library. */
#include "patchseq.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    return ps_cli_run(argc, argv, stdout, stderr);
}
