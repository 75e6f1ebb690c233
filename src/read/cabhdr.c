/*
 * cabhdr.c - streaming, bounds-checked parser of CFHEADER, CFFOLDER and
 * CFFILE (see cabhdr.h).  Field offsets: [MS-CAB] 2.1 (CFHEADER, 36 bytes
 * fixed), 2.2 (CFFOLDER, 8 bytes + reserve), 2.3 (CFFILE, 16 bytes + name).
 */
#include "cabhdr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
    S_FIXED,      /* the 36 fixed bytes of CFHEADER */
    S_RES_SIZES,  /* cbCFHeader, cbCFFolder, cbCFData (flag RESERVE_PRESENT) */
    S_RES_SKIP,   /* abReserve */
    S_STRING,     /* szCabinetPrev/szDiskPrev/szCabinetNext/szDiskNext */
    S_FOLDER,     /* one CFFOLDER */
    S_TO_FILES,   /* up to coffFiles */
    S_FILE,       /* the fixed part of one CFFILE */
    S_NAME,       /* its szName */
    S_DONE,
    S_FAILED
};

#define F_PREV 0x0001
#define F_NEXT 0x0002
#define F_RESERVE 0x0004
#define FOLDER_MAX 0x7FFF8000u /* most uncompressed bytes in one folder */
#define FIXED_LEN 36

static uint16_t u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int fail(ps_cabhdr *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(ps_cabhdr *h, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(h->err, sizeof h->err, fmt, ap);
    va_end(ap);
    h->state = S_FAILED;
    h->result = -1;
    return -1;
}

void ps_cabhdr_init(ps_cabhdr *h, size_t max_files, ps_cab_file_cb *cb, void *user)
{
    memset(h, 0, sizeof *h);
    h->state = S_FIXED;
    h->need = FIXED_LEN;
    h->max_files = max_files ? max_files : 65535;
    h->cb = cb;
    h->user = user;
}

/* The step after the strings of CFHEADER: the folders. */
static void start_folders(ps_cabhdr *h)
{
    h->state = S_FOLDER;
    h->need = 8u + h->cb_folder_res;
    h->rec_len = 0;
}

static void start_strings(ps_cabhdr *h)
{
    h->strings_left = ((h->flags & F_PREV) ? 2u : 0u) + ((h->flags & F_NEXT) ? 2u : 0u);
    if (h->strings_left) {
        h->state = S_STRING;
        h->name_len = 0;
    } else {
        start_folders(h);
    }
}

static int start_files(ps_cabhdr *h)
{
    if (h->pos > h->coff_files)
        return fail(h, "the CFFILE table (at byte %lu) overlaps the CFFOLDER records (up to byte %llu)",
                    (unsigned long)h->coff_files, (unsigned long long)h->pos);
    h->state = S_TO_FILES;
    h->need = (uint32_t)(h->coff_files - h->pos);
    return 0;
}

static int fixed_done(ps_cabhdr *h)
{
    const unsigned char *b = h->rec;

    if (memcmp(b, "MSCF", 4) != 0)
        return fail(h, "no MSCF signature");
    h->cb_cabinet = u32(b + 8);
    h->coff_files = u32(b + 16);
    h->n_folders = u16(b + 26);
    h->n_files = u16(b + 28);
    h->flags = u16(b + 30);
    /* versionMajor/Minor (1.3) are not checked: libarchive reads any */
    if (h->n_folders == 0)
        return fail(h, "no CFFOLDER record");
    if (h->n_files == 0)
        return fail(h, "no CFFILE record");
    if (h->n_files > h->max_files)
        return fail(h, "%u members, over the limit of %zu", h->n_files, h->max_files);
    if (h->coff_files < FIXED_LEN)
        return fail(h, "coffFiles %lu points into CFHEADER", (unsigned long)h->coff_files);
    /* every CFFILE record takes at least 17 bytes */
    if (h->cb_cabinet < (uint64_t)h->coff_files + 17u * h->n_files)
        return fail(h, "cbCabinet %lu is too small for %u CFFILE records at byte %lu",
                    (unsigned long)h->cb_cabinet, h->n_files, (unsigned long)h->coff_files);
    if (h->flags & F_RESERVE) {
        h->state = S_RES_SIZES;
        h->need = 4;
        h->rec_len = 0;
    } else {
        start_strings(h);
    }
    return 0;
}

static int file_done(ps_cabhdr *h)
{
    ps_cab_file f;
    uint16_t folder = u16(h->rec + 8);

    f.size = u32(h->rec);
    f.folder_offset = u32(h->rec + 4);
    f.folder = folder;
    f.attribs = u16(h->rec + 14);
    f.index = h->files_seen;
    f.name = h->name;
    if (h->name_len == 0)
        return fail(h, "CFFILE %zu has an empty name", h->files_seen);
    if (folder < 0xFFFD && folder >= h->n_folders)
        return fail(h, "CFFILE %zu names folder %u of %u", h->files_seen, folder, h->n_folders);
    if ((uint64_t)f.folder_offset + f.size > FOLDER_MAX)
        return fail(h, "CFFILE %zu ends past the largest folder (offset %lu, %lu bytes)",
                    h->files_seen, (unsigned long)f.folder_offset, (unsigned long)f.size);
    if (h->cb != NULL)
        h->cb(h->user, &f);
    h->files_seen++;
    if (h->files_seen == h->n_files) {
        h->state = S_DONE;
        h->result = 1;
    } else {
        h->state = S_FILE;
        h->need = 16;
        h->rec_len = 0;
    }
    return 0;
}

/* Copies up to h->need bytes into rec; 1 when the record is complete. */
static int collect(ps_cabhdr *h, const unsigned char **p, size_t *n, size_t keep)
{
    size_t take = h->need < *n ? h->need : *n;
    size_t room = h->rec_len < keep ? keep - h->rec_len : 0;
    size_t copy = take < room ? take : room;

    memcpy(h->rec + h->rec_len, *p, copy);
    h->rec_len += copy;
    h->need -= (uint32_t)take;
    h->pos += take;
    *p += take;
    *n -= take;
    return h->need == 0;
}

int ps_cabhdr_feed(ps_cabhdr *h, const void *data, size_t n)
{
    const unsigned char *p = data;

    while (n > 0 && h->state != S_DONE && h->state != S_FAILED) {
        switch (h->state) {
        case S_FIXED:
            if (collect(h, &p, &n, FIXED_LEN)) {
                h->rec_len = 0;
                if (fixed_done(h) < 0)
                    return -1;
            }
            break;
        case S_RES_SIZES:
            if (collect(h, &p, &n, 4)) {
                h->cb_header_res = u16(h->rec);
                h->cb_folder_res = h->rec[2];
                h->cb_data_res = h->rec[3];
                if (h->cb_header_res > 60000)
                    return fail(h, "cbCFHeader %u is over 60000", h->cb_header_res);
                h->state = S_RES_SKIP;
                h->need = h->cb_header_res;
                if (h->need == 0)
                    start_strings(h);
            }
            break;
        case S_RES_SKIP:
            if (collect(h, &p, &n, 0))
                start_strings(h);
            break;
        case S_STRING:
            while (n > 0) {
                unsigned char c = *p++;

                n--;
                h->pos++;
                if (c == 0) {
                    h->name_len = 0;
                    if (--h->strings_left == 0)
                        start_folders(h);
                    break;
                }
                if (++h->name_len >= PS_CAB_NAME_MAX)
                    return fail(h, "a cabinet or disk name in CFHEADER is over 255 bytes");
            }
            break;
        case S_FOLDER:
            if (collect(h, &p, &n, 8)) {
                if (h->folders_seen < 4)
                    h->folder_compress[h->folders_seen] = u16(h->rec + 6);
                h->folders_seen++;
                if (h->folders_seen == h->n_folders) {
                    if (start_files(h) < 0)
                        return -1;
                    if (h->need == 0) {
                        h->state = S_FILE;
                        h->need = 16;
                        h->rec_len = 0;
                    }
                } else {
                    start_folders(h);
                }
            }
            break;
        case S_TO_FILES:
            if (collect(h, &p, &n, 0)) {
                h->state = S_FILE;
                h->need = 16;
                h->rec_len = 0;
            }
            break;
        case S_FILE:
            if (collect(h, &p, &n, 16)) {
                h->state = S_NAME;
                h->name_len = 0;
            }
            break;
        case S_NAME:
            while (n > 0) {
                unsigned char c = *p++;

                n--;
                h->pos++;
                if (c == 0) {
                    h->name[h->name_len] = '\0';
                    if (file_done(h) < 0)
                        return -1;
                    break;
                }
                if (h->name_len + 1 >= PS_CAB_NAME_MAX)
                    return fail(h, "the name of CFFILE %zu is over 255 bytes", h->files_seen);
                h->name[h->name_len++] = c == '\\' ? '/' : (char)c;
            }
            break;
        default:
            break;
        }
    }
    return h->result;
}
