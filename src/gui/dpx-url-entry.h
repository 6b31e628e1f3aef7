/* dpx-url-entry.h: the WebSocket URL, checked as it is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DPX_TYPE_URL_ENTRY (dpx_url_entry_get_type ())

G_DECLARE_FINAL_TYPE (DpxUrlEntry, dpx_url_entry, DPX, URL_ENTRY, GtkEntry)

void  dpx_url_entry_set_settings (DpxUrlEntry *self,
                                  GSettings   *settings);
void  dpx_url_entry_set_url      (DpxUrlEntry *self,
                                  const char  *url);
char *dpx_url_entry_dup_url      (DpxUrlEntry *self);
void  dpx_url_entry_remember     (DpxUrlEntry *self,
                                  const char  *url);

G_END_DECLS
