/*
 * render.c - the one table of output formats: each format's name, its
 * renderer, the flags the CLI and the library act on (hashing, scripts,
 * one plan per document, a folder, findings inline, the embedded graph);
 * ps_plan_render looks the renderer up here.
 */
#include "plan.h"

#include "render.h"
#include "script.h"

#include <string.h>

/* The scripts without script options (ps_plan_render_script has them). */
static int render_cmd(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o)
{
    (void)o;
    return ps_plan_render_cmd(b, plan, f);
}

static int render_ps1(ps_buf *b, const ps_plan *plan, const ps_findings *f, const ps_render_opts *o)
{
    (void)o;
    return ps_plan_render_ps1(b, plan, f);
}

static const ps_format formats[] = {
    {"text", ps_render_text, PS_FMT_FINDINGS_INLINE},
    {"json", ps_render_json, PS_FMT_FINDINGS_INLINE},
    {"md", ps_render_md, PS_FMT_HASHES | PS_FMT_FINDINGS_INLINE},
    {"dot", ps_render_dot, 0},
    {"html", ps_render_html, PS_FMT_HASHES | PS_FMT_FINDINGS_INLINE | PS_FMT_GRAPH_SVG},
    {"cmd", render_cmd, PS_FMT_HASHES | PS_FMT_SCRIPT | PS_FMT_ONE_PLAN},
    {"ps1", render_ps1, PS_FMT_HASHES | PS_FMT_SCRIPT | PS_FMT_ONE_PLAN},
    {"ansible", NULL, PS_FMT_HASHES | PS_FMT_FOLDER},
};

const ps_format *ps_format_find(const char *name)
{
    for (size_t i = 0; name && i < PS_ARRAY_LEN(formats); i++)
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return NULL;
}

int ps_format_has(const char *name, unsigned flag)
{
    const ps_format *fmt = ps_format_find(name);

    return fmt && (fmt->flags & flag) != 0;
}

int ps_plan_format_known(const char *format)
{
    const ps_format *fmt = ps_format_find(format);

    return fmt && fmt->render;
}

int ps_plan_format_is_script(const char *format)
{
    return ps_format_has(format, PS_FMT_SCRIPT);
}

char *ps_plan_render_with(const char *format, const ps_plan *plan, const ps_findings *findings,
                          const ps_render_opts *opts, size_t *len)
{
    static const ps_render_opts defaults = {0};
    const ps_format *fmt = ps_format_find(format);
    ps_buf b = {0};

    if (fmt == NULL || fmt->render == NULL)
        return NULL;
    if (fmt->render(&b, plan, findings, opts ? opts : &defaults) != 0 || b.data == NULL) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, len);
}

char *ps_plan_render(const char *format, const ps_plan *plan, const ps_findings *findings,
                     size_t *len)
{
    return ps_plan_render_with(format, plan, findings, NULL, len);
}
