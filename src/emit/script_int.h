/*
 * script_int.h - the script model the cmd and PowerShell bodies read
 * (private to src/emit): the steps of the one plan with their file, tool
 * and window, the plan id, and the parts both bodies write the same way.
 */
#ifndef PS_SCRIPT_INT_H
#define PS_SCRIPT_INT_H

#include "script.h"

typedef struct script_step {
    const ps_plan_step *st;
    const ps_plan_node *n;   /* install: the package, else NULL */
    char file[1024];         /* path below the root, '\\' between components */
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

typedef struct tpl_kind {
    const char *comment;     /* "REM" or "#": the prefix of a block line */
    int (*block)(ps_buf *b, const script *sc, const char *name);
} tpl_kind;

/* The template bodies, embedded at build time (templates/embed.py). */
extern const char ps_tpl_cmd[];
extern const char ps_tpl_ps1[];

/* How many error findings the plan has. */
size_t ps_script_errors(const script *sc);
/* One error finding as the scripts name it: its code and, when it has a
 * well-formed one, its KB ("KB4474419 (unsafe-file-name)"). */
void ps_script_partial_item(ps_buf *b, const ps_finding *it);
/* The header comment, each line after `c` ("REM" or "#"): plan, steps,
 * windows, what was left out. */
void ps_script_header(ps_buf *b, const script *sc, const char *c);
/* `tpl` with its "@NAME@" values and its block lines written by k->block;
 * 0, or -1 for an unknown name, a refused value or out of memory. */
int ps_script_expand(ps_buf *b, const char *tpl, const tpl_kind *k, const script *sc);

/* The bodies, with LF line ends (script.c makes them CRLF). */
int ps_script_cmd(ps_buf *b, const script *sc);
int ps_script_ps1(ps_buf *b, const script *sc);

#endif /* PS_SCRIPT_INT_H */
