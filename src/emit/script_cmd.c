/*
 * script_cmd.c - the body of the cmd install script: the blocks of
 * templates/install.cmd.in (HEADER, ARCH_CHECK, STEPS, PARTIAL), each
 * value through the cmd escaper (escape.h), which refuses what it cannot
 * make inert.
 */
#include "plan.h"

#include "escape.h"
#include "script_int.h"

#include <string.h>

/* How a value enters a script: the script's own escaper of its language,
 * which refuses (and fails the script) what it cannot make inert.  The
 * values are validated before (ps_plan_script_check_opts); this is the
 * last guard. */
static void cmd_val(ps_buf *b, const char *v, int *bad)
{
    if (ps_esc_cmd_quoted(b, v) != 0)
        *bad = 1;
}

static void cmd_arch_check(ps_buf *b, const script *sc)
{
    if (sc->ap->arch == PS_ARCH_X86) {
        ps_buf_puts(b, "if defined PROCESSOR_ARCHITEW6432 goto :wrong_arch\n"
                       "if /i not \"%PROCESSOR_ARCHITECTURE%\"==\"x86\" goto :wrong_arch\n");
        return;
    }
    ps_buf_printf(b, "if /i \"%%PROCESSOR_ARCHITEW6432%%\"==\"%s\" goto :wow64\n", sc->env_arch);
    ps_buf_puts(b, "if defined PROCESSOR_ARCHITEW6432 goto :wrong_arch\n");
    ps_buf_printf(b, "if /i not \"%%PROCESSOR_ARCHITECTURE%%\"==\"%s\" goto :wrong_arch\n",
                  sc->env_arch);
}

static int cmd_steps(ps_buf *b, const script *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        const script_step *s = &sc->steps[i];
        int mode = i + 1 == sc->n ? 2 : s->window_end ? 1 : 0;

        ps_buf_printf(b, "\n:step%zu\n", i + 1);
        if (s->n) {
            int bad = 0;

            ps_buf_printf(b, "call :install %zu ", i + 1);
            cmd_val(b, s->n->kb, &bad);
            ps_buf_puts(b, " ");
            cmd_val(b, s->file, &bad);
            ps_buf_puts(b, " ");
            cmd_val(b, s->n->pkg->sha256, &bad);
            ps_buf_printf(b, " %s\n", s->tool);
            if (bad)
                return -1;
            ps_buf_puts(b, "if \"%PS_RESULT%\"==\"stop\" goto :stopped\n"
                           "if \"%PS_RESULT%\"==\"retry\" goto :retry\n");
            ps_buf_printf(b, "call :save %zu\n", i + 2);
            ps_buf_puts(b, "if \"%PS_RESULT%\"==\"halt\" goto :halted\n");
            if (s->window_end)
                ps_buf_printf(b, "call :log \"window %zu is done: run the script again in the "
                                 "next window, from step %zu\"\n"
                                 "if \"%%PS_DRY%%%%PS_NOREBOOT%%\"==\"00\" goto :window_done\n",
                              s->window, i + 2);
        } else if (s->st->action == PS_STEP_MANUAL) {
            ps_buf_printf(b, "call :esu %zu %u %s %s\n", i + 1, s->st->esu_year,
                          s->st->activations[0]->id,
                          s->st->activations[s->st->n_activations > 1]->id);
            ps_buf_printf(b, "if \"%%PS_RESULT%%\"==\"stop\" goto :stopped\n"
                             "if not \"%%PS_RESULT%%\"==\"key\" goto :step%zu_done\n"
                             "call :save %zu\n"
                             "goto :need_key\n"
                             ":step%zu_done\n"
                             "call :save %zu\n",
                          i + 1, i + 1, i + 1, i + 2);
        } else {
            ps_buf_printf(b, "call :restart %zu %zu %d\n", i + 1, i + 2, mode);
            ps_buf_puts(b, "if \"%PS_RESULT%\"==\"halt\" goto :halted\n"
                           "if \"%PS_RESULT%\"==\"window\" goto :window_done\n");
        }
    }
    ps_buf_puts(b, "goto :complete\n");
    return 0;
}

static int cmd_block(ps_buf *b, const script *sc, const char *name)
{
    if (strcmp(name, "HEADER") == 0)
        ps_script_header(b, sc, "REM");
    else if (strcmp(name, "ARCH_CHECK") == 0)
        cmd_arch_check(b, sc);
    else if (strcmp(name, "STEPS") == 0) {
        if (cmd_steps(b, sc) != 0)
            return -1;
    }
    else if (strcmp(name, "PARTIAL") == 0) {
        if (ps_script_errors(sc) == 0)
            return 0;
        ps_buf_printf(b, "call :log \"partial plan: %zu error finding(s) of patchseq plan; "
                         "left out:\"\n", ps_script_errors(sc));
        for (size_t i = 0; i < sc->f->count; i++) {
            if (sc->f->items[i].severity != PS_SEV_ERROR)
                continue;
            ps_buf_puts(b, "call :log \"partial plan: left out ");
            ps_script_partial_item(b, &sc->f->items[i]);
            ps_buf_puts(b, "\"\n");
        }
    } else
        return -1;
    return 0;
}

int ps_script_cmd(ps_buf *b, const script *sc)
{
    static const tpl_kind k = {"REM", cmd_block};

    return ps_script_expand(b, ps_tpl_cmd, &k, sc);
}
