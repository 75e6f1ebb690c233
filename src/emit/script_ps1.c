/*
 * script_ps1.c - the body of the Windows PowerShell 2.0 install script:
 * the blocks of templates/install.ps1.in (HEADER, the $Steps data of
 * STEPS, PARTIAL), each value through the single-quote escaper (escape.h),
 * which refuses what it cannot make inert.
 */
#include "plan.h"

#include "escape.h"
#include "script_int.h"

#include <string.h>

/* How a value enters a script: the script's own escaper of its language,
 * which refuses (and fails the script) what it cannot make inert.  The
 * values are validated before (ps_plan_script_check_opts); this is the
 * last guard. */
static void ps1_val(ps_buf *b, const char *v, int *bad)
{
    if (ps_esc_ps1_sq(b, v) != 0)
        *bad = 1;
}

static int ps1_block(ps_buf *b, const script *sc, const char *name)
{
    if (strcmp(name, "HEADER") == 0) {
        ps_script_header(b, sc, "#");
        return 0;
    }
    if (strcmp(name, "STEPS") == 0) {
        for (size_t i = 0; i < sc->n; i++) {
            const script_step *s = &sc->steps[i];
            int mode = i + 1 == sc->n ? 2 : s->window_end ? 1 : 0;

            if (s->n) {
                int bad = 0;

                ps_buf_puts(b, "    @{ Action = 'install'; Kb = '");
                ps1_val(b, s->n->kb, &bad);
                ps_buf_puts(b, "'; File = '");
                ps1_val(b, s->file, &bad);
                ps_buf_puts(b, "'; Sha256 = '");
                ps1_val(b, s->n->pkg->sha256, &bad);
                ps_buf_printf(b, "'; Tool = '%s'; Window = %zu; WindowEnd = $%s; Last = $false }",
                              s->tool, s->window, s->window_end ? "true" : "false");
                if (bad)
                    return -1;
            } else if (s->st->action == PS_STEP_MANUAL) {
                ps_buf_printf(b, "    @{ Action = 'manual'; Name = 'esu-activation'; Year = %u; "
                                 "ClientId = '%s'; ServerId = '%s'; Window = %zu; "
                                 "WindowEnd = $false; Last = $false }",
                              s->st->esu_year, s->st->activations[0]->id,
                              s->st->activations[s->st->n_activations > 1]->id, s->window);
            } else
                ps_buf_printf(b, "    @{ Action = 'reboot'; Window = %zu; WindowEnd = $%s; "
                                 "Last = $%s }",
                              s->window, mode ? "true" : "false", mode == 2 ? "true" : "false");
            ps_buf_puts(b, i + 1 < sc->n ? ",\n" : "\n");
        }
        return 0;
    }
    if (strcmp(name, "PARTIAL") == 0) {
        size_t k = 0, n = ps_script_errors(sc);

        for (size_t i = 0; n && i < sc->f->count; i++) {
            if (sc->f->items[i].severity != PS_SEV_ERROR)
                continue;
            ps_buf_puts(b, "    '");
            ps_script_partial_item(b, &sc->f->items[i]);
            ps_buf_puts(b, ++k < n ? "',\n" : "'\n");
        }
        return 0;
    }
    return -1;
}

int ps_script_ps1(ps_buf *b, const script *sc)
{
    static const tpl_kind k = {"#", ps1_block};

    return ps_script_expand(b, ps_tpl_ps1, &k, sc);
}
