/* dpx-file-chooser.h: asking for a file to open or save, on every GTK version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void    dpx_file_chooser_open_async  (GtkWidget           *widget,
                                      const char          *title,
                                      const char          *accept_label,
                                      GtkFileFilter       *filter,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
void    dpx_file_chooser_save_async  (GtkWidget           *widget,
                                      const char          *title,
                                      const char          *accept_label,
                                      const char          *initial_name,
                                      GtkFileFilter       *filter,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GFile  *dpx_file_chooser_finish      (GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
