/* main.c - the patchseq binary: the command line of src/cli/ over libpatchseq. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int rc;

    /* A closed pipe is a write error (EPIPE) handled by the command, never
     * a death by signal. */
    signal(SIGPIPE, SIG_IGN);
    rc = ps_cli_run(argc, argv, stdout, stderr);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno == EPIPE)
            return rc; /* the reader took what it wanted: quietly */
        if (rc == 2)
            return 2; /* the command has said why */
        fprintf(stderr, "patchseq: cannot write output: %s\n", strerror(errno));
        return 2;
    }
    return rc;
}
