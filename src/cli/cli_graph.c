/*
 * cli_graph.c - the graph of `patchseq plan --format html`: the dot
 * document through Graphviz in a child process, with a time limit and a
 * cap on the SVG read back.
 */
#include "cli_plan_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define GRAPH_SVG_MAX_BYTES (32u * 1024u * 1024u)
#define GRAPH_SECONDS 60 /* Graphviz gets this long, then it is stopped */

/*
 * The graph of the html report: the dot document through Graphviz
 * (`dot -Tsvg`, or $PATCHSEQ_DOT; an empty $PATCHSEQ_DOT turns it off),
 * read from a temporary file, its SVG from a pipe, for at most
 * GRAPH_SECONDS.  Returns the SVG (the caller frees it), or NULL with the
 * reason in note.
 */
char *ps_plan_graph_svg(const ps_plan *plan, const ps_render_opts *ro, char *note,
                        size_t notelen)
{
    const char *prog = getenv("PATCHSEQ_DOT");
    const char *tmpdir = getenv("TMPDIR");
    char *doc = NULL, *path = NULL, *argv[3];
    size_t len = 0;
    ps_buf out = {0};
    posix_spawn_file_actions_t fa;
    int fd = -1, pipefd[2] = {-1, -1}, status = 0, fa_init = 0, stopped = 0;
    time_t deadline;
    pid_t pid = -1;

    if (prog && prog[0] == '\0') {
        snprintf(note, notelen, "drawing it was turned off (PATCHSEQ_DOT is empty)");
        return NULL;
    }
    if (prog == NULL)
        prog = "dot";
    snprintf(note, notelen, "out of memory");
    doc = ps_plan_render_with("dot", plan, NULL, ro, &len);
    path = ps_asprintf("%s/patchseq-graph-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (doc == NULL || path == NULL)
        goto out;
    fd = mkstemp(path);
    if (fd < 0) {
        snprintf(note, notelen, "no temporary file for Graphviz: %s", strerror(errno));
        goto out;
    }
    if (write(fd, doc, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
        snprintf(note, notelen, "cannot write the temporary file for Graphviz");
        goto out;
    }
    if (pipe(pipefd) != 0 || posix_spawn_file_actions_init(&fa) != 0) {
        snprintf(note, notelen, "cannot run Graphviz: %s", strerror(errno));
        goto out;
    }
    fa_init = 1;
    argv[0] = (char *)prog;
    argv[1] = (char *)"-Tsvg";
    argv[2] = NULL;
    if (posix_spawn_file_actions_adddup2(&fa, fd, 0) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1) != 0 ||
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0 ||
        posix_spawn_file_actions_addclose(&fa, pipefd[0]) != 0)
        goto out;
    errno = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    if (errno != 0) {
        pid = -1;
        snprintf(note, notelen, errno == ENOENT ? "Graphviz (%s) is not installed here"
                                                : "cannot run Graphviz (%s)", prog);
        goto out;
    }
    close(pipefd[1]);
    pipefd[1] = -1;
    out.max = GRAPH_SVG_MAX_BYTES;
    deadline = time(NULL) + GRAPH_SECONDS;
    for (;;) {
        char chunk[8192];
        struct pollfd pfd = {pipefd[0], POLLIN, 0};
        time_t left = deadline - time(NULL);
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left * 1000) == 0) {
            kill(pid, SIGKILL);
            snprintf(note, notelen, "Graphviz (%s) took longer than %d seconds", prog,
                     GRAPH_SECONDS);
            ps_buf_free(&out);
            stopped = 1;
            break;
        }
        n = read(pipefd[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (ps_buf_append(&out, chunk, (size_t)n) != 0) {
            kill(pid, SIGKILL);
            snprintf(note, notelen, "the SVG of Graphviz is larger than %u bytes",
                     GRAPH_SVG_MAX_BYTES);
            ps_buf_free(&out);
            stopped = 1;
            break;
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    pid = -1;
    if (out.data && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        snprintf(note, notelen, "Graphviz (%s) failed", prog);
        ps_buf_free(&out);
    } else if (out.data == NULL && !stopped) {
        snprintf(note, notelen, "Graphviz (%s) gave no SVG", prog);
    }
out:
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(path);
    free(doc);
    return out.data ? ps_buf_steal(&out, NULL) : NULL;
}
