/*
 * inventory.h - what a machine already has (`--installed FILE`).
 *
 * Accepted as they come off a machine, recognised by their content (never
 * by the file name):
 *   - `systeminfo /fo csv`: the "OS Version", "System Type" and "Hotfix(s)"
 *     columns ("3 Hotfix(s) Installed.,[01]: KB4493730,[02]: ...");
 *   - `wmic qfe list full /format:csv`: header starting with "Node", a
 *     "HotFixID" column;
 *   - `Get-HotFix | Export-Csv`: optional "#TYPE ..." line, a "HotFixID"
 *     column;
 *   - a plain list of KB numbers, one a line ("KB4474419" or "4474419"),
 *     with blank lines and '#' comments.
 * CSV is read as RFC 4180 (quoted fields, doubled quotes, commas and line
 * breaks inside quotes, CRLF or LF).  Text is UTF-8 with or without a BOM,
 * or UTF-16LE/BE with a BOM; without a BOM, bytes above 0x7F are accepted
 * as they are (legacy code pages), since only ASCII values are used.
 * Column names must be the English ones: a localised header is an error.
 */
#ifndef PS_INVENTORY_H
#define PS_INVENTORY_H

#include "util.h"

#define PS_INVENTORY_MAX_BYTES (16u * 1024u * 1024u) /* file size */
#define PS_INVENTORY_MAX_LINE (64u * 1024u)          /* bytes per line, after decoding */
#define PS_INVENTORY_MAX_FIELDS 256u                 /* fields per CSV record */
#define PS_INVENTORY_MAX_KBS 100000u                 /* KB numbers listed (before merging) */

typedef struct ps_inventory {
    char **kbs;        /* normalised "KB4474419", sorted by number, unique */
    size_t n_kbs;
    char *os_version;  /* "6.0.6003" from systeminfo's OS Version, or NULL */
    char *os_build;    /* major.minor.build when known ("6.0.6003"), or NULL */
    char *os_name;     /* systeminfo's OS Name, printable ASCII only (other bytes such
                          as the legacy-code-page "(R)" signs dropped, runs of blanks
                          made one), at most 160 characters, or NULL */
    ps_arch arch;      /* from systeminfo's System Type, or PS_ARCH_NONE */
    char *host_name;   /* systeminfo's Host Name (or the CSName of a wmic or Get-HotFix
                          export), checked by ps_host_name_valid, or NULL when absent */
    const char *format; /* static: "systeminfo", "wmic-qfe", "get-hotfix", "kb-list" */
} ps_inventory;

/*
 * Parses an inventory held in memory.  Returns 0 and fills out (owned by
 * the caller, released with ps_inventory_free), or -1 with err set: the
 * 1-based line of the text (0 when about the whole file) and a message
 * without file name.  err.error is PS_E_LIMIT for a limit, PS_E_OOM when
 * memory ran out, PS_E_FORMAT otherwise; err.finding is PS_ERR_NO_FINDING
 * (an inventory is no package).
 */
int ps_inventory_parse(const void *data, size_t len, ps_inventory *out, ps_err *err);

/*
 * Reads path (at most PS_INVENTORY_MAX_BYTES) and parses it.  On failure
 * returns -1 with "PATH:LINE: message" (or "PATH: message") in err.
 */
int ps_inventory_load(const char *path, ps_inventory *out, char *err, size_t errlen);

/*
 * 1 when `s` can name a machine: a host name of 1 to 253 characters, labels
 * of 1 to 63 characters of [A-Za-z0-9_-] separated by single dots, no label
 * starting or ending with '-'.  (NetBIOS names with other punctuation are
 * refused: the name becomes a file name and goes into documents.)
 */
int ps_host_name_valid(const char *s, size_t n);

/* 1 when kb ("KB4474419", "kb4474419" or "4474419") is installed, else 0. */
int ps_inventory_has(const ps_inventory *inv, const char *kb);

void ps_inventory_free(ps_inventory *inv);

#endif /* PS_INVENTORY_H */
