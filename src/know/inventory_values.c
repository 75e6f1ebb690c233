/*
 * inventory_values.c - the values of one machine in an inventory, each
 * checked where it is read: systeminfo's OS Version, OS Name, Host Name
 * (or a CSName), System Type and its Hotfix(s) list.
 */
#include "inventory.h"
#include "inventory_int.h"

#include "csv.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "6.0.6003 Service Pack 2 Build 6003": the leading version number. */
int ps_inv_os_version(const char *v, unsigned line, ps_inventory *inv, ps_err *err)
{
    size_t n = strlen(v), len = 0, parts = 0;
    char ex[EXCERPT_MAX + 4];

    v = ps_csv_trim(v, &n);
    if (n == 0 || ps_csv_field_is(v, "N/A"))
        return 0;
    for (;;) {
        size_t d = 0;

        while (len + d < n && is_digit(v[len + d]))
            d++;
        if (d == 0 || d > 5)
            goto bad;
        len += d;
        parts++;
        if (len < n && v[len] == '.' && parts < 4) {
            len++;
            continue;
        }
        break;
    }
    if (parts < 2 || (len < n && !is_blank(v[len])))
        goto bad;
    inv->os_version = ps_strndup(v, len);
    if (inv->os_version == NULL)
        return ps_inv_oom(err);
    if (parts >= 3) {
        inv->os_build = ps_strndup(v, len);
        if (inv->os_build == NULL)
            return ps_inv_oom(err);
    }
    return 0;
bad:
    ps_inv_excerpt(v, n, ex, sizeof ex);
    ps_err_fail(err, PS_E_FORMAT, line,
               "OS Version '%s' does not start with a version number", ex);
    return -1;
}

/* "Microsoft(R) Windows Server(R) 2008 Standard ": printable ASCII kept,
 * blanks folded, trimmed, at most 160 characters. */
int ps_inv_os_name(const char *v, ps_inventory *inv, ps_err *err)
{
    char out[161];
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)v; *p && o < sizeof out - 1; p++) {
        if (*p < 0x20 || *p > 0x7e)
            continue;
        if (*p == ' ' && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = (char)*p;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    if (o == 0 || ps_csv_field_is(out, "N/A"))
        return 0;
    free(inv->os_name);
    inv->os_name = ps_strdup(out);
    return inv->os_name ? 0 : ps_inv_oom(err);
}

int ps_host_name_valid(const char *s, size_t n)
{
    size_t label = 0;

    if (s == NULL || n == 0 || n > 253)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
              c == '_'))
            return 0;
        if (c == '-' && label == 0)
            return 0;
        if (++label > 63)
            return 0;
    }
    return label > 0 && s[n - 1] != '-';
}

/* systeminfo's "Host Name" or a CSName: trimmed, checked, kept.  "" keeps
 * none; a second, different name is an error. */
int ps_inv_host_name(const char *v, unsigned line, const char *column, ps_inventory *inv,
                     ps_err *err)
{
    size_t n = strlen(v);
    char ex[EXCERPT_MAX + 4];

    v = ps_csv_trim(v, &n);
    if (n == 0)
        return 0;
    if (!ps_host_name_valid(v, n)) {
        ps_inv_excerpt(v, n, ex, sizeof ex);
        ps_err_fail(err, PS_E_FORMAT, line,
                   "%s '%s' is not a host name (letters, digits, '-' and '_' in labels of at "
                   "most 63 characters separated by dots)", column, ex);
        return -1;
    }
    if (inv->host_name)
        return 0;
    inv->host_name = ps_strndup(v, n);
    return inv->host_name ? 0 : ps_inv_oom(err);
}

ps_arch ps_inv_system_type(const char *s)
{
    size_t n = strlen(s);

    s = ps_csv_trim(s, &n);
    if (ps_has_prefix_ci(s, "x64"))
        return PS_ARCH_X64;
    if (ps_has_prefix_ci(s, "x86"))
        return PS_ARCH_X86;
    if (ps_has_prefix_ci(s, "itanium") || ps_has_prefix_ci(s, "ia64"))
        return PS_ARCH_IA64;
    return PS_ARCH_NONE;
}

/* One entry "[01]: KB4474419" of the Hotfix(s) column; 0 when s has
 * another shape. */
static int hotfix_entry(const char *s, size_t n, const char **value, size_t *vlen)
{
    size_t i = 1;

    if (n < 4 || s[0] != '[')
        return 0;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == 1 || i + 1 >= n || s[i] != ']' || s[i + 1] != ':')
        return 0;
    *value = s + i + 2;
    *vlen = n - i - 2;
    *value = ps_csv_trim(*value, vlen);
    return 1;
}

/* "3 Hotfix(s) Installed.,[01]: KB4493730,[02]: KB4474419,[03]: File 1":
 * the count sentence (localised), then numbered entries; entries that are
 * not KB numbers are skipped. */
int ps_inv_hotfixes(const char *s, unsigned line, ps_inv_kbs *k, ps_err *err)
{
    const char *end = s + strlen(s);
    int first = 1;

    while (s <= end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *e = comma != NULL ? comma : end;
        size_t n = (size_t)(e - s), vlen;
        const char *item = ps_csv_trim(s, &n), *value;

        if (hotfix_entry(item, n, &value, &vlen)) {
            char buf[32];

            if (vlen < sizeof buf) {
                memcpy(buf, value, vlen);
                buf[vlen] = '\0';
                if (ps_inv_kb_add_if_kb(k, buf, line, err) < 0)
                    return -1;
            }
        } else if (!first && n > 0) {
            char ex[EXCERPT_MAX + 4];

            ps_inv_excerpt(item, n, ex, sizeof ex);
            ps_err_fail(err, PS_E_FORMAT, line,
                       "unexpected entry in the Hotfix(s) column: '%s'", ex);
            return -1;
        }
        first = 0;
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    return 0;
}
