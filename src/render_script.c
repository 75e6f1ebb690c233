/*
 * render_script.c - the plan of one (OS, architecture) as a script for the
 * maintenance window: `cmd` (the baseline: every Windows Server 2008 SP2
 * has it) and `ps1` (Windows PowerShell 2.0: no cmdlet or syntax of 3.0 or
 * later).
 *
 * Both scripts do the same, in plan order:
 *   - refuse a machine of another architecture (PROCESSOR_ARCHITECTURE,
 *     and PROCESSOR_ARCHITEW6432 under WOW64: a 32-bit host on a 64-bit
 *     machine is refused, since servicing must run from the native host)
 *     or of another Windows version, and a session without elevation;
 *   - check each file's SHA-256 against the plan before installing it
 *     (cmd: `certutil -hashfile FILE SHA256`, whose output has spaces
 *     between the bytes on 6.0/6.1 and none later: spaces are removed;
 *     ps1: System.Security.Cryptography.SHA256 over a FileStream);
 *   - install .msu with wusa.exe /quiet /norestart, .cab with
 *     pkgmgr /ip /m: on 6.0 and DISM /Online /Add-Package on 6.1 and later;
 *   - read the exit code: 0 done; 3010, 3011, 2359301 done, restart
 *     needed; 1641 done, the installer restarts the machine (the run ends);
 *     2359302 already installed, counted done only when no restart is
 *     pending (CBS RebootPending / PackagesPending), else the machine
 *     restarts and the step runs again; -2145124329 (0x80240017) not
 *     applicable, logged and skipped; anything else stops the run with the
 *     code in the log;
 *   - log every step with a timestamp and keep a state file (the next
 *     step, the restarts), both under %ProgramData%\patchseq, so that a
 *     rerun resumes at the next step; before a restart in the middle of a
 *     window it registers itself under HKLM\...\RunOnce (Windows runs it
 *     at the next logon of an administrator); a step that asks for a
 *     restart again after two restarts stops the run (no reboot loop);
 *   - stop at the end of each maintenance window (after its restart): the
 *     next run, in the next window, goes on from there;
 *   - with /dryrun (cmd) or -DryRun (ps1): check the machine and the
 *     hashes and say what would be done, changing nothing.
 * The state file is read as data only (digits), never executed.
 *
 * No text from a package reaches a script but the KB number (KB + digits)
 * and the base file name, which the planner guarantees to be made of
 * [A-Za-z0-9._()+-] (unsafe-file-name otherwise); comments are filtered
 * to a harmless set of characters.  Files are named relative to the
 * script's own folder (%~dp0; in PowerShell 2.0 the folder of
 * $MyInvocation.MyCommand.Path).  Both have CRLF line endings (cmd misreads
 * labels in a LF file; the Notepad of 2008 shows it as one line).
 */
#include "plan.h"

#include "escape.h"
#include "facts.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Shared                                                              */
/* ------------------------------------------------------------------ */

typedef struct script_step {
    const ps_plan_step *st;
    const ps_plan_node *n;   /* install: the package, else NULL */
    const char *file;        /* base name of the package file */
    const char *tool;        /* "wusa", "pkgmgr", "dism" */
    size_t window;           /* 1-based, or 0 without windows */
    int window_end;          /* the run stops after this step (not the last) */
} script_step;

typedef struct script {
    const ps_arch_plan *ap;
    script_step *steps;
    size_t n;
    char id[64];             /* "patchseq-6.0-x64-0123456789abcdef" */
    const char *env_arch;    /* PROCESSOR_ARCHITECTURE value */
    const ps_findings *f;
} script;

int ps_plan_format_is_script(const char *format)
{
    return format && (strcmp(format, "cmd") == 0 || strcmp(format, "ps1") == 0);
}

static const char *base_name(const char *path)
{
    const char *b = path;

    for (const char *p = path; p && *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && ps_streq_ci(s + n - m, suffix);
}

static int kb_safe(const char *kb)
{
    if (kb == NULL || (kb[0] != 'K' && kb[0] != 'k') || (kb[1] != 'B' && kb[1] != 'b') ||
        kb[2] == '\0')
        return 0;
    for (const char *p = kb + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return strlen(kb) < 16;
}

/* A SHA-256 digest as the reader writes it: 64 lower-case hex digits. */
static int sha256_safe(const char *h)
{
    return h != NULL && strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64;
}

/* How a value enters a script: the script's own escaper of its language,
 * which refuses (and fails the script) what it cannot make inert.  The
 * values are validated before (ps_plan_script_check); this is the last
 * guard. */
static void cmd_val(ps_buf *b, const char *v, int *bad)
{
    if (ps_esc_cmd_quoted(b, v) != 0)
        *bad = 1;
}

static void ps1_val(ps_buf *b, const char *v, int *bad)
{
    if (ps_esc_ps1_sq(b, v) != 0)
        *bad = 1;
}

int ps_plan_script_check(const ps_plan *plan, char *msg, size_t msglen)
{
    const ps_arch_plan *ap;

    if (plan->count != 1) {
        ps_buf names = {0};

        for (size_t i = 0; i < plan->count; i++)
            ps_buf_printf(&names, "%sWindows %s %s", i ? ", " : "", plan->plans[i].os,
                          ps_arch_name(plan->plans[i].arch));
        if (plan->count == 0)
            snprintf(msg, msglen, "there is no plan to write as a script (no package of the "
                     "architectures asked is left to install)");
        else
            snprintf(msg, msglen, "a script is for one machine, and the bundle has %zu plans "
                     "(%s): choose one with --arch (and --installed for the OS)", plan->count,
                     names.data ? names.data : "");
        ps_buf_free(&names);
        return -1;
    }
    ap = &plan->plans[0];
    /* only validated values go into a script */
    if (!ps_fact_ok(PS_FACT_VERSION, ap->os)) {
        snprintf(msg, msglen, "the Windows version of the plan cannot go into a script");
        return -1;
    }
    if ((ap->start_build && !ps_fact_ok(PS_FACT_VERSION, ap->start_build)) ||
        (ap->end_build && !ps_fact_ok(PS_FACT_VERSION, ap->end_build))) {
        snprintf(msg, msglen, "a build of the plan is not a version and cannot go into a script");
        return -1;
    }
    for (size_t i = 0; i < ap->n_steps; i++) {
        const ps_plan_node *n;

        if (ap->steps[i].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[i].node];
        if (!n->pkg->hashed) {
            snprintf(msg, msglen, "%s: no SHA-256 (the bundle was read without hashing)",
                     n->pkg->file);
            return -1;
        }
        if (!ps_file_name_safe(n->pkg->file) || !kb_safe(n->kb) ||
            !ps_fact_ok(PS_FACT_KB, n->kb) || n->kb[0] != 'K' || n->kb[1] != 'B' ||
            !sha256_safe(n->pkg->sha256)) {
            snprintf(msg, msglen, "%s: the name cannot go into a script", n->pkg->file);
            return -1;
        }
        if (!ends_with_ci(n->pkg->file, ".msu") && !ends_with_ci(n->pkg->file, ".cab")) {
            snprintf(msg, msglen, "%s: neither .msu nor .cab, no installer for it",
                     n->pkg->file);
            return -1;
        }
    }
    return 0;
}

/* A comment: only characters harmless in a cmd REM line and a ps1 comment. */
static void comment_text(ps_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr(" ._()+-,:;/[]=", c) != NULL)
            ps_buf_append(b, s, 1);
        else
            ps_buf_puts(b, "?");
    }
}

/* FNV-1a over the plan's actions, KBs and file names: a stable name for
 * the log, the state file and the RunOnce value of this plan. */
static void script_id(script *sc)
{
    const ps_arch_plan *ap = sc->ap;
    unsigned long long h = 1469598103934665603ull;
    ps_buf b = {0};

    ps_buf_printf(&b, "%s %s\n", ap->os, ps_arch_name(ap->arch));
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->steps[i].n)
            ps_buf_printf(&b, "install %s %s\n", sc->steps[i].n->kb, sc->steps[i].file);
        else
            ps_buf_puts(&b, "reboot\n");
    }
    for (size_t i = 0; b.data && i < b.len; i++) {
        h ^= (unsigned char)b.data[i];
        h *= 1099511628211ull;
    }
    ps_buf_free(&b);
    snprintf(sc->id, sizeof sc->id, "patchseq-%s-%s-%016llx", ap->os, ps_arch_name(ap->arch), h);
}

static int script_init(script *sc, const ps_plan *plan, const ps_findings *f)
{
    const ps_arch_plan *ap;
    char msg[256];
    int six_zero;

    memset(sc, 0, sizeof *sc);
    if (ps_plan_script_check(plan, msg, sizeof msg) != 0)
        return -1;
    ap = &plan->plans[0];
    sc->ap = ap;
    sc->f = f;
    six_zero = strcmp(ap->os, "6.0") == 0;
    sc->env_arch = ap->arch == PS_ARCH_X86 ? "x86" : ap->arch == PS_ARCH_X64 ? "AMD64" : "IA64";
    sc->steps = calloc(ap->n_steps ? ap->n_steps : 1, sizeof *sc->steps);
    if (sc->steps == NULL)
        return -1;
    sc->n = ap->n_steps;
    for (size_t i = 0; i < ap->n_steps; i++) {
        script_step *s = &sc->steps[i];

        s->st = &ap->steps[i];
        if (s->st->action == PS_STEP_INSTALL) {
            s->n = &ap->nodes[s->st->node];
            s->file = base_name(s->n->pkg->file);
            if (ends_with_ci(s->file, ".msu"))
                s->tool = "wusa";
            else
                s->tool = six_zero ? "pkgmgr" : "dism";
        }
    }
    for (size_t w = 0; w < ap->n_windows; w++) {
        for (size_t i = ap->windows[w].first; i <= ap->windows[w].last && i < sc->n; i++)
            sc->steps[i].window = w + 1;
        if (ap->windows[w].last + 1 < sc->n)
            sc->steps[ap->windows[w].last].window_end = 1;
    }
    script_id(sc);
    return 0;
}

static void script_free(script *sc)
{
    free(sc->steps);
    sc->steps = NULL;
}

static size_t count_installs(const script *sc)
{
    size_t k = 0;

    for (size_t i = 0; i < sc->n; i++)
        k += sc->steps[i].n != NULL;
    return k;
}

/* The header comment: plan, steps, windows, what was left out. */
static void header(ps_buf *b, const script *sc, const char *c)
{
    const ps_arch_plan *ap = sc->ap;
    size_t errors = 0;

    ps_buf_printf(b, "%s patchseq install script: Windows %s", c, ap->os);
    if (ap->rules && ap->rules->name) {
        ps_buf_puts(b, " (");
        comment_text(b, ap->rules->name);
        ps_buf_puts(b, ")");
    }
    ps_buf_printf(b, ", %s\n", ps_arch_name(ap->arch));
    ps_buf_printf(b, "%s build %s -> %s; %zu installs, %u reboots\n", c,
                  ap->start_build ? ap->start_build : "unknown",
                  ap->end_build ? ap->end_build : "unknown", count_installs(sc), ap->reboots);
    ps_buf_printf(b, "%s plan id: %s\n%s\n%s steps:\n", c, sc->id, c, c);
    for (size_t i = 0; i < sc->n; i++) {
        const script_step *s = &sc->steps[i];

        if (s->n)
            ps_buf_printf(b, "%s  %2zu. install %s %s (%s)", c, i + 1, s->n->kb, s->file,
                          s->tool);
        else
            ps_buf_printf(b, "%s  %2zu. reboot", c, i + 1);
        if (s->window)
            ps_buf_printf(b, " [window %zu]", s->window);
        ps_buf_puts(b, "\n");
    }
    for (size_t w = 0; w < ap->n_windows; w++)
        ps_buf_printf(b, "%s window %zu: steps %zu-%zu, about %lu minutes%s\n", c, w + 1,
                      ap->windows[w].first + 1, ap->windows[w].last + 1,
                      (ap->windows[w].seconds + 59) / 60,
                      ap->windows[w].overrun ? " (longer than the window)" : "");
    for (size_t i = 0; i < ap->n_skipped; i++) {
        const ps_plan_node *n = &ap->nodes[ap->skipped[i]];

        ps_buf_printf(b, "%s left out: ", c);
        comment_text(b, n->kb);
        ps_buf_printf(b, " (%s)\n", ps_node_state_name(n->state));
    }
    for (size_t i = 0; sc->f && i < sc->f->count; i++)
        errors += sc->f->items[i].severity == PS_SEV_ERROR;
    if (errors)
        ps_buf_printf(b, "%s WARNING: the plan has %zu error finding%s (see patchseq plan "
                         "--format text): it is partial\n", c, errors, errors == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ */
/* cmd                                                                 */
/* ------------------------------------------------------------------ */

static const char cmd_subs[] =
    "REM ------------------------------------------------------------------\n"
    "REM Subroutines\n"
    "REM ------------------------------------------------------------------\n"
    "\n"
    "REM call :install STEP KB FILE SHA256 TOOL -> PS_RESULT = done, retry, halt or stop\n"
    ":install\n"
    "set \"PS_RESULT=stop\"\n"
    "set \"PS_F=%PS_DIR%%~3\"\n"
    "if exist \"%PS_F%\" goto :install_hash\n"
    "call :log \"step %~1: %~2: %~3 is not in the folder of the script: stop\"\n"
    "goto :eof\n"
    ":install_hash\n"
    "set \"PS_GOT=\"\n"
    "for /f \"skip=1 delims=\" %%H in ('certutil -hashfile \"%PS_F%\" SHA256') do if not "
    "defined PS_GOT set \"PS_GOT=%%H\"\n"
    "if not defined PS_GOT set \"PS_GOT=none\"\n"
    "set \"PS_GOT=%PS_GOT: =%\"\n"
    "if /i \"%PS_GOT%\"==\"%~4\" goto :install_run\n"
    "call :log \"step %~1: %~2: the SHA-256 of %~3 is not the one of the plan: stop\"\n"
    "goto :eof\n"
    ":install_run\n"
    "if \"%PS_DRY%\"==\"0\" goto :install_go\n"
    "call :log \"dry run: step %~1: %~3 matches its SHA-256; would install %~2 with %~5\"\n"
    "set \"PS_RESULT=done\"\n"
    "goto :eof\n"
    ":install_go\n"
    "call :log \"step %~1: installing %~2 from %~3 with %~5\"\n"
    "set \"PS_INSTALLED=1\"\n"
    "call :run_%~5\n"
    "if \"%PS_RC%\"==\"0\" goto :r_done\n"
    "if \"%PS_RC%\"==\"3010\" goto :r_reboot\n"
    "if \"%PS_RC%\"==\"3011\" goto :r_reboot\n"
    "if \"%PS_RC%\"==\"2359301\" goto :r_reboot\n"
    "if \"%PS_RC%\"==\"1641\" goto :r_restarting\n"
    "if \"%PS_RC%\"==\"2359302\" goto :r_already\n"
    "if \"%PS_RC%\"==\"-2145124329\" goto :r_not_applicable\n"
    "call :log \"step %~1: %~2: %~5 returned exit code %PS_RC%: stop (see "
    "%%SystemRoot%%\\Logs\\CBS\\CBS.log)\"\n"
    "goto :eof\n"
    ":r_done\n"
    "call :log \"step %~1: %~2: installed (exit code 0)\"\n"
    "set \"PS_RESULT=done\"\n"
    "goto :eof\n"
    ":r_reboot\n"
    "call :log \"step %~1: %~2: installed, a restart is needed (exit code %PS_RC%)\"\n"
    "set \"PS_NEEDREBOOT=1\"\n"
    "set \"PS_RESULT=done\"\n"
    "goto :eof\n"
    ":r_restarting\n"
    "call :log \"step %~1: %~2: installed, the installer restarts the machine (exit code "
    "1641); the script runs again at the next logon of an administrator\"\n"
    "set /a PS_REBOOTS+=1\n"
    "call :runonce\n"
    "set \"PS_RESULT=halt\"\n"
    "goto :eof\n"
    ":r_already\n"
    "call :pending\n"
    "if \"%PS_PENDING%\"==\"1\" goto :r_already_pending\n"
    "call :log \"step %~1: %~2: already installed (exit code 2359302), no restart pending\"\n"
    "set \"PS_RESULT=done\"\n"
    "goto :eof\n"
    ":r_already_pending\n"
    "call :log \"step %~1: %~2: exit code 2359302 while a restart is pending: it may be "
    "install-pending; restart, then run the step again\"\n"
    "set \"PS_RESULT=retry\"\n"
    "goto :eof\n"
    ":r_not_applicable\n"
    "call :log \"step %~1: %~2: not applicable to this machine (exit code -2145124329, "
    "0x80240017): skipped\"\n"
    "set \"PS_RESULT=done\"\n"
    "goto :eof\n"
    "\n"
    ":run_wusa\n"
    "\"%SystemRoot%\\System32\\wusa.exe\" \"%PS_F%\" /quiet /norestart\n"
    "set \"PS_RC=%ERRORLEVEL%\"\n"
    "goto :eof\n"
    "\n"
    ":run_pkgmgr\n"
    "start \"\" /w \"%SystemRoot%\\System32\\pkgmgr.exe\" /ip /m:\"%PS_F%\" /quiet /norestart\n"
    "set \"PS_RC=%ERRORLEVEL%\"\n"
    "goto :eof\n"
    "\n"
    ":run_dism\n"
    "\"%SystemRoot%\\System32\\dism.exe\" /Online /Add-Package /PackagePath:\"%PS_F%\" /Quiet "
    "/NoRestart\n"
    "set \"PS_RC=%ERRORLEVEL%\"\n"
    "goto :eof\n"
    "\n"
    "REM call :restart STEP NEXT MODE -> PS_RESULT = continue or halt\n"
    "REM MODE: 0 in a window (runs again after the restart, through RunOnce),\n"
    "REM 1 at the end of a window, 2 at the end of the plan\n"
    ":restart\n"
    "call :save %~2\n"
    "set \"PS_RESULT=continue\"\n"
    "if \"%PS_DRY%\"==\"0\" goto :restart_real\n"
    "call :log \"dry run: step %~1: would restart the machine\"\n"
    "if \"%~3\"==\"1\" call :log \"dry run: the window ends here; the next run starts at step "
    "%~2\"\n"
    "goto :eof\n"
    ":restart_real\n"
    "call :pending\n"
    "if \"%PS_INSTALLED%%PS_PENDING%\"==\"00\" goto :restart_none\n"
    "set \"PS_TRYSTEP=0\"\n"
    "set \"PS_TRIES=0\"\n"
    "set /a PS_REBOOTS+=1\n"
    "call :save %~2\n"
    "if \"%~3\"==\"1\" goto :restart_window\n"
    "if \"%~3\"==\"2\" goto :restart_last\n"
    "call :runonce\n"
    "call :log \"step %~1: restart %PS_REBOOTS%; the script runs again at the next logon of an "
    "administrator, from step %~2\"\n"
    "call :reboot\n"
    "set \"PS_RESULT=halt\"\n"
    "goto :eof\n"
    ":restart_window\n"
    "call :log \"step %~1: restart %PS_REBOOTS%; the window ends here: run the script again in "
    "the next window, from step %~2\"\n"
    "call :reboot\n"
    "set \"PS_RESULT=halt\"\n"
    "goto :eof\n"
    ":restart_last\n"
    "call :unrunonce\n"
    "call :log \"step %~1: restart %PS_REBOOTS%; the plan is complete after it\"\n"
    "if \"%PS_NEEDREBOOT%\"==\"1\" set \"PS_NEEDREBOOT=0\"\n"
    "call :reboot\n"
    "set \"PS_RESULT=halt\"\n"
    "goto :eof\n"
    ":restart_none\n"
    "call :log \"step %~1: nothing was installed since the last restart and none is pending: "
    "no restart needed\"\n"
    "if not \"%~3\"==\"1\" goto :eof\n"
    "call :log \"the window ends here: run the script again in the next window, from step "
    "%~2\"\n"
    "set \"PS_RESULT=halt\"\n"
    "goto :eof\n"
    "\n"
    "REM a step that must run again after a restart (at most two restarts)\n"
    ":retry\n"
    "if not \"%PS_TRYSTEP%\"==\"%PS_NEXT%\" set \"PS_TRIES=0\"\n"
    "set \"PS_TRYSTEP=%PS_NEXT%\"\n"
    "set /a PS_TRIES+=1\n"
    "if %PS_TRIES% GTR 2 goto :loop_stop\n"
    "set /a PS_REBOOTS+=1\n"
    "call :save %PS_NEXT%\n"
    "call :runonce\n"
    "call :log \"restart %PS_REBOOTS% (%PS_TRIES% of at most 2 for step %PS_NEXT%); the script "
    "runs again at the next logon of an administrator\"\n"
    "call :reboot\n"
    "exit /b 0\n"
    ":loop_stop\n"
    "call :log \"step %PS_NEXT% still asks for a restart after two restarts: stop (see "
    "%%SystemRoot%%\\Logs\\CBS\\CBS.log)\"\n"
    "call :unrunonce\n"
    "exit /b 1\n"
    "\n"
    ":pending\n"
    "set \"PS_PENDING=0\"\n"
    "\"%SystemRoot%\\System32\\reg.exe\" query \"HKLM\\SOFTWARE\\Microsoft\\Windows\\"
    "CurrentVersion\\Component Based Servicing\\RebootPending\" >nul 2>&1 && set "
    "\"PS_PENDING=1\"\n"
    "\"%SystemRoot%\\System32\\reg.exe\" query \"HKLM\\SOFTWARE\\Microsoft\\Windows\\"
    "CurrentVersion\\Component Based Servicing\\PackagesPending\" >nul 2>&1 && set "
    "\"PS_PENDING=1\"\n"
    "goto :eof\n"
    "\n"
    ":save\n"
    "set \"PS_NEXT=%~1\"\n"
    "if \"%PS_DRY%\"==\"1\" goto :eof\n"
    ">\"%PS_STATE%\" echo next=%PS_NEXT%\n"
    ">>\"%PS_STATE%\" echo trystep=%PS_TRYSTEP%\n"
    ">>\"%PS_STATE%\" echo tries=%PS_TRIES%\n"
    ">>\"%PS_STATE%\" echo reboots=%PS_REBOOTS%\n"
    "goto :eof\n"
    "\n"
    ":runonce\n"
    "\"%SystemRoot%\\System32\\reg.exe\" add "
    "\"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce\" /v \"%PS_ID%\" /t REG_SZ "
    "/d \"\\\"%SystemRoot%\\System32\\cmd.exe\\\" /c \\\"\\\"%PS_SELF%\\\"\\\"\" /f >nul\n"
    "if errorlevel 1 call :log \"could not register the script under RunOnce: run it again "
    "after the restart\"\n"
    "goto :eof\n"
    "\n"
    ":unrunonce\n"
    "\"%SystemRoot%\\System32\\reg.exe\" delete "
    "\"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce\" /v \"%PS_ID%\" /f >nul "
    "2>&1\n"
    "goto :eof\n"
    "\n"
    ":reboot\n"
    "\"%SystemRoot%\\System32\\shutdown.exe\" /r /t 60 /d p:2:17 /c \"patchseq: restart for "
    "the update plan\"\n"
    "if errorlevel 1 call :log \"shutdown.exe failed: restart the machine yourself\"\n"
    "goto :eof\n"
    "\n"
    "REM call :log \"MESSAGE\": to the console and, unless dry run, to the log\n"
    ":log\n"
    "echo %DATE% %TIME% %~1\n"
    "if \"%PS_DRY%\"==\"0\" >>\"%PS_LOG%\" echo %DATE% %TIME% %~1\n"
    "goto :eof\n";

static void cmd_arch_check(ps_buf *b, const script *sc)
{
    if (sc->ap->arch == PS_ARCH_X86) {
        ps_buf_puts(b, "if defined PROCESSOR_ARCHITEW6432 goto :wrong_arch\n"
                       "if /i not \"%PROCESSOR_ARCHITECTURE%\"==\"x86\" goto :wrong_arch\n");
        return;
    }
    ps_buf_printf(b, "if /i \"%%PROCESSOR_ARCHITEW6432%%\"==\"%s\" goto :wow64\n", sc->env_arch);
    ps_buf_printf(b, "if /i not \"%%PROCESSOR_ARCHITECTURE%%\"==\"%s\" goto :wrong_arch\n",
                  sc->env_arch);
}

/* "6.0" -> the findstr pattern " 6\.0\." of `ver` output ("[Version 6.0.6003]") */
static void cmd_os_pattern(ps_buf *b, const char *os)
{
    ps_buf_puts(b, " ");
    for (const char *p = os; *p; p++) {
        if (*p == '.')
            ps_buf_puts(b, "\\.");
        else if (*p >= '0' && *p <= '9')
            ps_buf_append(b, p, 1);
    }
    ps_buf_puts(b, "\\.");
}

static int render_cmd(ps_buf *b, const script *sc)
{
    const ps_arch_plan *ap = sc->ap;

    ps_buf_puts(b, "@echo off\n");
    header(b, sc, "REM");
    ps_buf_puts(b,
                "REM\n"
                "REM usage: run from an elevated cmd.exe, with the packages in the folder of\n"
                "REM this script:  SCRIPT.cmd [/dryrun]\n"
                "REM Log and state: %ProgramData%\\patchseq\\<plan id>.log and .state; a rerun\n"
                "REM resumes at the next step.  Exit status: 0 plan complete, window done or\n"
                "REM restarting; 1 stopped (see the log); 2 wrong machine or usage.\n"
                "\n"
                "setlocal EnableExtensions DisableDelayedExpansion\n");
    ps_buf_printf(b, "set \"PS_ID=%s\"\n", sc->id);
    ps_buf_printf(b, "set \"PS_STEPS=%zu\"\n", sc->n);
    ps_buf_puts(b,
                "set \"PS_DIR=%~dp0\"\n"
                "set \"PS_SELF=%~f0\"\n"
                "set \"PS_DRY=0\"\n"
                "if /i \"%~1\"==\"/dryrun\" set \"PS_DRY=1\"\n"
                "if \"%PS_DRY%\"==\"0\" if not \"%~1\"==\"\" goto :usage\n"
                "pushd \"%SystemRoot%\\System32\"\n"
                "if not defined ProgramData set \"ProgramData=%SystemDrive%\\ProgramData\"\n"
                "set \"PS_STATEDIR=%ProgramData%\\patchseq\"\n"
                "set \"PS_LOG=%PS_STATEDIR%\\%PS_ID%.log\"\n"
                "set \"PS_STATE=%PS_STATEDIR%\\%PS_ID%.state\"\n"
                "\n"
                "REM the machine: architecture (not under WOW64), Windows version, elevation\n");
    cmd_arch_check(b, sc);
    ps_buf_puts(b, "ver | findstr /r /c:\"");
    cmd_os_pattern(b, ap->os);
    ps_buf_puts(b, "\" >nul || goto :wrong_os\n"
                   "\"%SystemRoot%\\System32\\fsutil.exe\" dirty query %SystemDrive% >nul 2>&1 "
                   "|| goto :not_admin\n"
                   "if \"%PS_DRY%\"==\"0\" if not exist \"%PS_STATEDIR%\\\" mkdir "
                   "\"%PS_STATEDIR%\"\n"
                   "\n"
                   "REM the state: digits only, read as data\n"
                   "set \"PS_NEXT=1\"\n"
                   "set \"PS_TRYSTEP=0\"\n"
                   "set \"PS_TRIES=0\"\n"
                   "set \"PS_REBOOTS=0\"\n"
                   "set \"PS_INSTALLED=0\"\n"
                   "set \"PS_NEEDREBOOT=0\"\n"
                   "if not exist \"%PS_STATE%\" goto :state_read\n"
                   "for /f \"usebackq tokens=1,2 delims==\" %%A in (\"%PS_STATE%\") do (\n"
                   "  set \"PS_V=%%B\"\n"
                   "  for /f \"delims=0123456789\" %%X in (\"%%B\") do set \"PS_V=\"\n"
                   "  if defined PS_V if \"%%A\"==\"next\" set \"PS_NEXT=%%B\"\n"
                   "  if defined PS_V if \"%%A\"==\"trystep\" set \"PS_TRYSTEP=%%B\"\n"
                   "  if defined PS_V if \"%%A\"==\"tries\" set \"PS_TRIES=%%B\"\n"
                   "  if defined PS_V if \"%%A\"==\"reboots\" set \"PS_REBOOTS=%%B\"\n"
                   ")\n"
                   ":state_read\n"
                   "if %PS_NEXT% LSS 1 set \"PS_NEXT=1\"\n"
                   "if \"%PS_DRY%\"==\"1\" call :log \"dry run: nothing is installed, "
                   "restarted or written\"\n"
                   "call :log \"%PS_ID%: step %PS_NEXT% of %PS_STEPS%, %PS_REBOOTS% restarts "
                   "so far\"\n"
                   "if %PS_NEXT% GTR %PS_STEPS% goto :complete\n"
                   "if \"%PS_DRY%\"==\"1\" goto :dispatch\n"
                   "if not \"%PS_NEXT%\"==\"1\" goto :dispatch\n"
                   "call :pending\n"
                   "if \"%PS_PENDING%\"==\"0\" goto :dispatch\n"
                   "call :log \"a restart is pending from before the plan: restart first\"\n"
                   "goto :retry\n"
                   ":dispatch\n"
                   "goto :step%PS_NEXT%\n"
                   "\n"
                   "REM ------------------------------------------------------------------\n"
                   "REM The plan\n"
                   "REM ------------------------------------------------------------------\n");
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
                                 "if \"%%PS_DRY%%\"==\"0\" goto :halted\n", s->window, i + 2);
        } else {
            ps_buf_printf(b, "call :restart %zu %zu %d\n", i + 1, i + 2, mode);
            ps_buf_puts(b, "if \"%PS_RESULT%\"==\"halt\" goto :halted\n");
        }
    }
    ps_buf_puts(b, "\n:complete\n"
                   "call :log \"the plan is complete\"\n"
                   "if \"%PS_NEEDREBOOT%\"==\"1\" call :log \"an install asked for a restart: "
                   "restart the machine to finish\"\n"
                   "if \"%PS_DRY%\"==\"0\" call :unrunonce\n"
                   "popd\n"
                   "exit /b 0\n"
                   "\n"
                   ":halted\n"
                   "popd\n"
                   "exit /b 0\n"
                   "\n"
                   ":stopped\n"
                   "if \"%PS_DRY%\"==\"0\" call :unrunonce\n"
                   "popd\n"
                   "exit /b 1\n"
                   "\n"
                   ":usage\n"
                   "echo usage: %~nx0 [/dryrun]\n"
                   "exit /b 2\n"
                   "\n");
    ps_buf_printf(b, ":wow64\n"
                     "echo This script must run from the 64-bit cmd.exe "
                     "(%%SystemRoot%%\\System32\\cmd.exe), not under WOW64.\n"
                     "popd\n"
                     "exit /b 2\n"
                     "\n"
                     ":wrong_arch\n"
                     "echo This script is for %s machines; this one reports "
                     "PROCESSOR_ARCHITECTURE=%%PROCESSOR_ARCHITECTURE%% "
                     "%%PROCESSOR_ARCHITEW6432%%.\n"
                     "popd\n"
                     "exit /b 2\n"
                     "\n"
                     ":wrong_os\n"
                     "echo This script is for Windows %s; see the output of ver.\n"
                     "popd\n"
                     "exit /b 2\n"
                     "\n"
                     ":not_admin\n"
                     "echo Run this script from an elevated command prompt (Run as "
                     "administrator).\n"
                     "popd\n"
                     "exit /b 2\n"
                     "\n",
                  ps_arch_name(ap->arch), ap->os);
    ps_buf_puts(b, cmd_subs);
    return 0;
}

/* LF -> CRLF (a cmd script with bare LF is misparsed around labels). */
static int to_crlf(ps_buf *out, const ps_buf *in)
{
    for (size_t i = 0; in->data && i < in->len; i++) {
        if (in->data[i] == '\n' && ps_buf_append(out, "\r\n", 2) != 0)
            return -1;
        if (in->data[i] != '\n' && ps_buf_append(out, in->data + i, 1) != 0)
            return -1;
    }
    return 0;
}

/* Renders a script with `body` and writes it with CRLF line ends: a cmd
 * script with bare LF is misparsed around labels, and the Notepad of
 * Windows Server 2008 shows a LF file as one line. */
static int render_crlf(ps_buf *b, const ps_plan *plan, const ps_findings *f,
                       int (*body)(ps_buf *, const script *))
{
    script sc;
    ps_buf lf = {0};
    int rc = -1;

    if (script_init(&sc, plan, f) != 0)
        goto out;
    if (body(&lf, &sc) != 0 || lf.data == NULL || !ps_cmd_lines_ok(lf.data, lf.len) ||
        to_crlf(b, &lf) != 0)
        goto out;
    rc = 0;
out:
    ps_buf_free(&lf);
    script_free(&sc);
    return rc;
}

int ps_plan_render_cmd(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    return render_crlf(b, plan, f, render_cmd);
}

/* ------------------------------------------------------------------ */
/* PowerShell 2.0                                                      */
/* ------------------------------------------------------------------ */

static const char ps1_body[] =
    "$ErrorActionPreference = 'Stop'\n"
    "Set-StrictMode -Version 2.0\n"
    "\n"
    "$ScriptPath = $MyInvocation.MyCommand.Path\n"
    "$ScriptDir = Split-Path -Parent $ScriptPath\n"
    "$StateDir = Join-Path $env:ProgramData 'patchseq'\n"
    "$LogFile = Join-Path $StateDir ($PlanId + '.log')\n"
    "$StateFile = Join-Path $StateDir ($PlanId + '.state')\n"
    "$CbsKey = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based "
    "Servicing'\n"
    "$RunOnceKey = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce'\n"
    "$System32 = Join-Path $env:SystemRoot 'System32'\n"
    "\n"
    "function Write-Log([string]$Message) {\n"
    "    $line = (Get-Date -Format 'yyyy-MM-dd HH:mm:ss') + ' ' + $Message\n"
    "    Write-Host $line\n"
    "    if (-not $DryRun) { Add-Content -Path $LogFile -Value $line -Encoding ASCII }\n"
    "}\n"
    "\n"
    "function Get-Sha256([string]$Path) {\n"
    "    $stream = New-Object System.IO.FileStream($Path, [System.IO.FileMode]::Open, "
    "[System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)\n"
    "    try {\n"
    "        $sha = [System.Security.Cryptography.SHA256]::Create()\n"
    "        $bytes = $sha.ComputeHash($stream)\n"
    "    } finally {\n"
    "        $stream.Close()\n"
    "    }\n"
    "    $sb = New-Object System.Text.StringBuilder\n"
    "    foreach ($byte in $bytes) { [void]$sb.Append($byte.ToString('x2')) }\n"
    "    return $sb.ToString()\n"
    "}\n"
    "\n"
    "function Test-RestartPending {\n"
    "    return (Test-Path (Join-Path $CbsKey 'RebootPending')) -or "
    "(Test-Path (Join-Path $CbsKey 'PackagesPending'))\n"
    "}\n"
    "\n"
    "function Save-State {\n"
    "    if ($DryRun) { return }\n"
    "    $text = 'next=' + $State.next + \"`r`n\" + 'trystep=' + $State.trystep + \"`r`n\" + "
    "'tries=' + $State.tries + \"`r`n\" + 'reboots=' + $State.reboots + \"`r`n\"\n"
    "    Set-Content -Path $StateFile -Value $text -Encoding ASCII\n"
    "}\n"
    "\n"
    "function Register-RunOnce {\n"
    "    $command = '\"' + (Join-Path $System32 'WindowsPowerShell\\v1.0\\powershell.exe') + "
    "'\" -NoProfile -ExecutionPolicy Bypass -File \"' + $ScriptPath + '\"'\n"
    "    try {\n"
    "        Set-ItemProperty -Path $RunOnceKey -Name $PlanId -Value $command\n"
    "    } catch {\n"
    "        Write-Log 'could not register the script under RunOnce: run it again after the "
    "restart'\n"
    "    }\n"
    "}\n"
    "\n"
    "function Unregister-RunOnce {\n"
    "    if ($DryRun) { return }\n"
    "    Remove-ItemProperty -Path $RunOnceKey -Name $PlanId -ErrorAction SilentlyContinue\n"
    "}\n"
    "\n"
    "function Restart-Machine {\n"
    "    & (Join-Path $System32 'shutdown.exe') /r /t 60 /d p:2:17 /c 'patchseq: restart for "
    "the update plan'\n"
    "    if ($LASTEXITCODE -ne 0) { Write-Log 'shutdown.exe failed: restart the machine "
    "yourself' }\n"
    "}\n"
    "\n"
    "function Invoke-Installer([string]$Tool, [string]$Path) {\n"
    "    $info = New-Object System.Diagnostics.ProcessStartInfo\n"
    "    if ($Tool -eq 'wusa') {\n"
    "        $info.FileName = Join-Path $System32 'wusa.exe'\n"
    "        $info.Arguments = '\"' + $Path + '\" /quiet /norestart'\n"
    "    } elseif ($Tool -eq 'pkgmgr') {\n"
    "        $info.FileName = Join-Path $System32 'pkgmgr.exe'\n"
    "        $info.Arguments = '/ip /m:\"' + $Path + '\" /quiet /norestart'\n"
    "    } else {\n"
    "        $info.FileName = Join-Path $System32 'dism.exe'\n"
    "        $info.Arguments = '/Online /Add-Package /PackagePath:\"' + $Path + '\" /Quiet "
    "/NoRestart'\n"
    "    }\n"
    "    $info.UseShellExecute = $false\n"
    "    $process = [System.Diagnostics.Process]::Start($info)\n"
    "    $process.WaitForExit()\n"
    "    return [int]$process.ExitCode\n"
    "}\n"
    "\n"
    "# One install: 'done', 'retry' (restart, then the same step), 'halt' or 'stop'.\n"
    "function Install-Step([int]$Number, $Step) {\n"
    "    $path = Join-Path $ScriptDir $Step.File\n"
    "    $label = 'step ' + $Number + ': ' + $Step.Kb\n"
    "    if (-not (Test-Path -LiteralPath $path)) {\n"
    "        Write-Log ($label + ': ' + $Step.File + ' is not in the folder of the script: "
    "stop')\n"
    "        return 'stop'\n"
    "    }\n"
    "    $hash = Get-Sha256 $path\n"
    "    if ($hash -ne $Step.Sha256) {\n"
    "        Write-Log ($label + ': the SHA-256 of ' + $Step.File + ' is not the one of the "
    "plan: stop')\n"
    "        return 'stop'\n"
    "    }\n"
    "    if ($DryRun) {\n"
    "        Write-Log ('dry run: ' + $label + ': ' + $Step.File + ' matches its SHA-256; would "
    "install it with ' + $Step.Tool)\n"
    "        return 'done'\n"
    "    }\n"
    "    Write-Log ($label + ': installing ' + $Step.File + ' with ' + $Step.Tool)\n"
    "    $script:Installed = $true\n"
    "    $code = Invoke-Installer $Step.Tool $path\n"
    "    switch ($code) {\n"
    "        0 { Write-Log ($label + ': installed (exit code 0)'); return 'done' }\n"
    "        3010 { Write-Log ($label + ': installed, a restart is needed (exit code 3010)'); "
    "$script:NeedRestart = $true; return 'done' }\n"
    "        3011 { Write-Log ($label + ': installed, a restart is needed (exit code 3011)'); "
    "$script:NeedRestart = $true; return 'done' }\n"
    "        2359301 { Write-Log ($label + ': installed, a restart is needed (exit code "
    "2359301)'); $script:NeedRestart = $true; return 'done' }\n"
    "        1641 { Write-Log ($label + ': installed, the installer restarts the machine (exit "
    "code 1641); the script runs again at the next logon of an administrator'); return 'halt' }\n"
    "        2359302 {\n"
    "            if (Test-RestartPending) {\n"
    "                Write-Log ($label + ': exit code 2359302 while a restart is pending: it may "
    "be install-pending; restart, then run the step again')\n"
    "                return 'retry'\n"
    "            }\n"
    "            Write-Log ($label + ': already installed (exit code 2359302), no restart "
    "pending')\n"
    "            return 'done'\n"
    "        }\n"
    "        { $_ -eq -2145124329 } { Write-Log ($label + ': not applicable to this machine (exit code "
    "-2145124329, 0x80240017): skipped'); return 'done' }\n"
    "    }\n"
    "    Write-Log ($label + ': ' + $Step.Tool + ' returned exit code ' + $code + ': stop (see "
    "%SystemRoot%\\Logs\\CBS\\CBS.log)')\n"
    "    return 'stop'\n"
    "}\n"
    "\n"
    "# A step that must run again after a restart: at most two restarts.\n"
    "function Restart-ForRetry([int]$Number) {\n"
    "    if ($State.trystep -ne $Number) { $State.tries = 0 }\n"
    "    $State.trystep = $Number\n"
    "    $State.tries = $State.tries + 1\n"
    "    if ($State.tries -gt 2) {\n"
    "        Write-Log ('step ' + $Number + ' still asks for a restart after two restarts: stop "
    "(see %SystemRoot%\\Logs\\CBS\\CBS.log)')\n"
    "        Unregister-RunOnce\n"
    "        exit 1\n"
    "    }\n"
    "    $State.reboots = $State.reboots + 1\n"
    "    $State.next = $Number\n"
    "    Save-State\n"
    "    Register-RunOnce\n"
    "    Write-Log ('restart ' + $State.reboots + ' (' + $State.tries + ' of at most 2 for step "
    "' + $Number + '); the script runs again at the next logon of an administrator')\n"
    "    Restart-Machine\n"
    "    exit 0\n"
    "}\n"
    "\n"
    "# The machine: architecture (not under WOW64), Windows version, elevation.\n"
    "$Wow64Arch = [System.Environment]::GetEnvironmentVariable('PROCESSOR_ARCHITEW6432')\n"
    "$ProcessArch = [System.Environment]::GetEnvironmentVariable('PROCESSOR_ARCHITECTURE')\n"
    "if ($Wow64Arch) {\n"
    "    if ($Wow64Arch -eq $PlanEnvArch) {\n"
    "        Write-Host 'This script must run in the 64-bit PowerShell "
    "(%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe), not under WOW64.'\n"
    "        exit 2\n"
    "    }\n"
    "    Write-Host ('This script is for ' + $PlanArch + ' machines; this one reports "
    "PROCESSOR_ARCHITEW6432=' + $Wow64Arch + '.')\n"
    "    exit 2\n"
    "}\n"
    "if ($ProcessArch -ne $PlanEnvArch) {\n"
    "    Write-Host ('This script is for ' + $PlanArch + ' machines; this one reports "
    "PROCESSOR_ARCHITECTURE=' + $ProcessArch + '.')\n"
    "    exit 2\n"
    "}\n"
    "$version = [System.Environment]::OSVersion.Version\n"
    "if (($version.Major.ToString() + '.' + $version.Minor.ToString()) -ne $PlanOs) {\n"
    "    Write-Host ('This script is for Windows ' + $PlanOs + '; this machine runs ' + "
    "$version.ToString() + '.')\n"
    "    exit 2\n"
    "}\n"
    "$principal = New-Object System.Security.Principal.WindowsPrincipal("
    "[System.Security.Principal.WindowsIdentity]::GetCurrent())\n"
    "if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) "
    "{\n"
    "    Write-Host 'Run this script from an elevated PowerShell (Run as administrator).'\n"
    "    exit 2\n"
    "}\n"
    "if (-not $DryRun -and -not (Test-Path -LiteralPath $StateDir)) {\n"
    "    [void](New-Item -ItemType Directory -Path $StateDir)\n"
    "}\n"
    "\n"
    "# The state: digits only, read as data.\n"
    "$State = @{ next = 1; trystep = 0; tries = 0; reboots = 0 }\n"
    "if (Test-Path -LiteralPath $StateFile) {\n"
    "    foreach ($line in (Get-Content -LiteralPath $StateFile)) {\n"
    "        if ($line -match '^(next|trystep|tries|reboots)=([0-9]{1,6})$') {\n"
    "            $State[$matches[1]] = [int]$matches[2]\n"
    "        }\n"
    "    }\n"
    "}\n"
    "if ($State.next -lt 1) { $State.next = 1 }\n"
    "$Installed = $false\n"
    "$NeedRestart = $false\n"
    "if ($DryRun) { Write-Log 'dry run: nothing is installed, restarted or written' }\n"
    "Write-Log ($PlanId + ': step ' + $State.next + ' of ' + $Steps.Count + ', ' + "
    "$State.reboots + ' restarts so far')\n"
    "if (-not $DryRun -and $State.next -eq 1 -and $Steps.Count -gt 0 -and "
    "(Test-RestartPending)) {\n"
    "    Write-Log 'a restart is pending from before the plan: restart first'\n"
    "    Restart-ForRetry 1\n"
    "}\n"
    "\n"
    "for ($i = $State.next; $i -le $Steps.Count; $i++) {\n"
    "    $step = $Steps[$i - 1]\n"
    "    if ($step.Action -eq 'install') {\n"
    "        $State.next = $i\n"
    "        $result = Install-Step $i $step\n"
    "        if ($result -eq 'stop') { Unregister-RunOnce; exit 1 }\n"
    "        if ($result -eq 'retry') { Restart-ForRetry $i }\n"
    "        $State.next = $i + 1\n"
    "        Save-State\n"
    "        if ($result -eq 'halt') {\n"
    "            $State.reboots = $State.reboots + 1\n"
    "            Save-State\n"
    "            Register-RunOnce\n"
    "            exit 0\n"
    "        }\n"
    "        if ($step.WindowEnd) {\n"
    "            Write-Log ('window ' + $step.Window + ' is done: run the script again in the "
    "next window, from step ' + ($i + 1))\n"
    "            if (-not $DryRun) { exit 0 }\n"
    "        }\n"
    "        continue\n"
    "    }\n"
    "    # a restart of the plan\n"
    "    $State.next = $i + 1\n"
    "    Save-State\n"
    "    if ($DryRun) {\n"
    "        Write-Log ('dry run: step ' + $i + ': would restart the machine')\n"
    "        if ($step.WindowEnd -and -not $step.Last) { Write-Log ('dry run: the window ends "
    "here; the next run starts at step ' + ($i + 1)) }\n"
    "        continue\n"
    "    }\n"
    "    if (-not $Installed -and -not (Test-RestartPending)) {\n"
    "        Write-Log ('step ' + $i + ': nothing was installed since the last restart and "
    "none is pending: no restart needed')\n"
    "        if ($step.WindowEnd -and -not $step.Last) {\n"
    "            Write-Log ('the window ends here: run the script again in the next window, "
    "from step ' + ($i + 1))\n"
    "            exit 0\n"
    "        }\n"
    "        continue\n"
    "    }\n"
    "    $State.trystep = 0\n"
    "    $State.tries = 0\n"
    "    $State.reboots = $State.reboots + 1\n"
    "    Save-State\n"
    "    if ($step.Last) {\n"
    "        Unregister-RunOnce\n"
    "        Write-Log ('step ' + $i + ': restart ' + $State.reboots + '; the plan is complete "
    "after it')\n"
    "    } elseif ($step.WindowEnd) {\n"
    "        Write-Log ('step ' + $i + ': restart ' + $State.reboots + '; the window ends here: "
    "run the script again in the next window, from step ' + ($i + 1))\n"
    "    } else {\n"
    "        Register-RunOnce\n"
    "        Write-Log ('step ' + $i + ': restart ' + $State.reboots + '; the script runs again "
    "at the next logon of an administrator, from step ' + ($i + 1))\n"
    "    }\n"
    "    Restart-Machine\n"
    "    exit 0\n"
    "}\n"
    "Write-Log 'the plan is complete'\n"
    "if ($NeedRestart) { Write-Log 'an install asked for a restart: restart the machine to "
    "finish' }\n"
    "Unregister-RunOnce\n"
    "exit 0\n";

static int render_ps1(ps_buf *b, const script *sc)
{
    const ps_arch_plan *ap = sc->ap;

    header(b, sc, "#");
    ps_buf_puts(b, "#\n"
                   "# usage: from an elevated Windows PowerShell 2.0 or later, with the packages\n"
                   "# in the folder of this script:  .\\SCRIPT.ps1 [-DryRun]\n"
                   "# Log and state: %ProgramData%\\patchseq\\<plan id>.log and .state; a rerun\n"
                   "# resumes at the next step.  Exit status: 0 plan complete, window done or\n"
                   "# restarting; 1 stopped (see the log); 2 wrong machine.\n"
                   "param([switch]$DryRun)\n"
                   "\n");
    ps_buf_printf(b, "$PlanId = '%s'\n", sc->id);
    ps_buf_printf(b, "$PlanOs = '%s'\n", ap->os);
    ps_buf_printf(b, "$PlanArch = '%s'\n", ps_arch_name(ap->arch));
    ps_buf_printf(b, "$PlanEnvArch = '%s'\n", sc->env_arch);
    ps_buf_puts(b, "$Steps = @(\n");
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
        } else
            ps_buf_printf(b, "    @{ Action = 'reboot'; Window = %zu; WindowEnd = $%s; Last = $%s }",
                          s->window, mode ? "true" : "false", mode == 2 ? "true" : "false");
        ps_buf_puts(b, i + 1 < sc->n ? ",\n" : "\n");
    }
    ps_buf_puts(b, ")\n\n");
    ps_buf_puts(b, ps1_body);
    return 0;
}

int ps_plan_render_ps1(ps_buf *b, const ps_plan *plan, const ps_findings *f)
{
    return render_crlf(b, plan, f, render_ps1);
}
