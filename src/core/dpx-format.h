/* dpx-format.h: log entries and payloads in words for a person
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dpx-log-entry.h"
#include "dpx-types.h"

G_BEGIN_DECLS

/* How much of one payload the detail view shows before cutting it. */
#define DPX_FORMAT_DETAIL_MAX_TEXT (512 * 1024)
#define DPX_FORMAT_DETAIL_MAX_HEX  (64 * 1024)
#define DPX_FORMAT_DETAIL_MAX_JSON (2 * 1024 * 1024)

/* The largest text pretty-printed by dpx_format_entry_detail_capped(),
 * which runs off the main thread. */
#define DPX_FORMAT_DETAIL_CAPPED_MAX_JSON (32 * 1024 * 1024)

const char *dpx_direction_label        (DpxDirection   direction);
const char *dpx_entry_kind_label       (DpxEntryKind   kind);
char       *dpx_format_time            (gint64         time_us);
char       *dpx_format_size            (guint64        bytes);
char       *dpx_format_round_trip      (gint64         rtt_us);
char       *dpx_format_control_facts   (DpxLogEntry   *entry);
char       *dpx_format_hex             (const guint8  *data,
                                        gsize          length);
char       *dpx_format_hex_dump_row    (const guint8  *data,
                                        gsize          length,
                                        gsize          offset);
char       *dpx_format_hex_spaced      (const guint8  *data,
                                        gsize          length);
char       *dpx_format_hex_dump        (const guint8  *data,
                                        gsize          length,
                                        gsize          max_length);
char       *dpx_format_pretty_json     (const char    *text,
                                        gsize          length);
gboolean    dpx_format_entry_is_hex    (DpxLogEntry   *entry);
char       *dpx_format_entry_preview   (DpxLogEntry   *entry,
                                        gsize          max_chars);
char       *dpx_format_entry_detail    (DpxLogEntry   *entry,
                                        gboolean      *is_json);
char       *dpx_format_break_long_lines (const char  *text,
                                         gsize        max_line);
char       *dpx_format_entry_detail_capped (DpxLogEntry *entry,
                                            gsize        max_length,
                                            gboolean    *is_json,
                                            guint64     *not_shown);

G_END_DECLS
