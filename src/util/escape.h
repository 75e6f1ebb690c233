/*
 * escape.h - one escaper per output format.
 *
 * Every value that came from a package or an inventory is printed through
 * the escaper of the format it is printed in, and only through it.  Each
 * function appends to a ps_buf (util.h) and returns 0, or -1 on allocation
 * failure / over the buffer's max.  The cmd and PowerShell renderers do
 * not try to quote what they cannot make inert: they refuse it with
 * PS_ESC_REFUSED and append nothing, and the caller leaves the value out
 * (or fails the output).
 *
 * Input is treated as UTF-8; a byte that is not part of a valid UTF-8
 * sequence (overlong forms and surrogates included) is never copied raw.
 */
#ifndef PS_ESCAPE_H
#define PS_ESCAPE_H

#include "util.h"

#include <stdarg.h>

/* Returned by the cmd / PowerShell renderers for a value they refuse. */
#define PS_ESC_REFUSED (-2)

/* The longest line cmd.exe reads (characters, without the line break). */
#define PS_CMD_LINE_MAX 8191

/* Terminal text: C0 controls, DEL, C1 controls, U+2028/2029, bidirectional
 * overrides/isolates, U+FEFF, U+FFFE/FFFF and invalid bytes as visible
 * escapes (\n \r \t \xHH \uHHHH); never a raw line break. */
int ps_esc_text(ps_buf *b, const char *s);

/* Markdown inline text, safe inside a table cell: Markdown punctuation,
 * '|', backticks, '<' '>' '&' backslash-escaped (no raw HTML, no entity),
 * a leading '#' or list marker escaped, line breaks and other controls as
 * visible text escapes. */
int ps_esc_md(ps_buf *b, const char *s);

/* Content of a DOT "..." string: '"' and '\' escaped, controls and
 * invalid bytes as visible text (never a DOT escape such as \n or \l). */
int ps_esc_dot(ps_buf *b, const char *s);

/* XML 1.0 text or attribute value: & < > " ' as entities, TAB/LF/CR as
 * character references, characters XML 1.0 does not allow (C0 controls,
 * U+FFFE, U+FFFF, surrogates, invalid bytes) as U+FFFD. */
int ps_esc_xml(ps_buf *b, const char *s);

/* HTML text or quoted attribute value: & < > " ' as references, controls
 * and invalid bytes as U+FFFD. */
int ps_esc_html(ps_buf *b, const char *s);

/* Content of a YAML double-quoted scalar: '"' and '\' escaped, every
 * character outside YAML's printable set as \xHH / \uHHHH, U+2028/2029 and
 * NEL escaped, invalid bytes as \uFFFD. */
int ps_esc_yaml(ps_buf *b, const char *s);

/* A whole YAML scalar for Ansible: `!unsafe "..."`, the content escaped
 * by ps_esc_yaml.  The !unsafe tag makes Ansible take the value as text,
 * never as a template: "{{ }}", "{% %}" and "{#" stay inert in variables
 * read from host_vars or group_vars. */
int ps_esc_ansible(ps_buf *b, const char *s);

/*
 * cmd.exe.  A value enters a batch file only as a literal this renderer
 * accepts; it never escapes with carets (a caret's meaning depends on the
 * phase and on delayed expansion), it refuses.
 *
 * ps_esc_cmd_word: an unquoted word.  Accepts only [A-Za-z0-9._+-]: no
 *   separator, no metacharacter, no expansion.
 * ps_esc_cmd_quoted: the content of a "..." argument.  Accepts printable
 *   ASCII except '"', '%', '!', '^' (no expansion, no escape) and refuses
 *   CR, LF, any control and any non-ASCII byte.
 * Both refuse an empty value and one longer than PS_CMD_LINE_MAX / 2.
 */
int ps_esc_cmd_word(ps_buf *b, const char *s);
int ps_esc_cmd_quoted(ps_buf *b, const char *s);

/* True when every line of the len bytes (split at CR LF or LF) has at most
 * PS_CMD_LINE_MAX characters and none contains a lone CR or a NUL. */
bool ps_cmd_lines_ok(const char *text, size_t len);

/*
 * PowerShell 2.0: the content of a '...' single-quoted literal.  Every
 * single-quote character (' and U+2018..U+201B, which PowerShell also reads
 * as quotes) is written as ''.  Refuses CR, LF, NEL, U+2028/2029, any
 * other control, invalid UTF-8, "$(" and an empty or over-long value.
 */
int ps_esc_ps1_sq(ps_buf *b, const char *s);

/*
 * printf into b where the format is the back-end's own template (copied
 * as is) and every %s argument is a value, appended through esc (the
 * escaper of the format).  Width and precision of %s count bytes of the
 * value before escaping; the other conversions are printf's.  0, or -1.
 */
int ps_esc_printf(ps_buf *b, int (*esc)(ps_buf *, const char *), const char *fmt, ...)
    PS_PRINTF(3, 4);
int ps_esc_vprintf(ps_buf *b, int (*esc)(ps_buf *, const char *), const char *fmt, va_list ap)
    PS_PRINTF(3, 0);

/* Decodes one UTF-8 character at s (at most n bytes): returns its length
 * and sets *cp, or returns 0 for an invalid / overlong / surrogate /
 * truncated sequence (then *cp is the byte). */
size_t ps_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);

#endif /* PS_ESCAPE_H */
