/* dpx-file-chooser.c: asking for a file to open or save, on every GTK version
 *
 * GtkFileDialog where GTK has it (4.10 and later: GtkFileChooserNative is
 * deprecated there), GtkFileChooserNative on GTK 4.8. Both go through the
 * FileChooser portal inside Flatpak. Every caller gets the same shape: an
 * async call with a GCancellable (cancelling closes the chooser, as when
 * its owner goes away) and a finish that gives the file, or
 * G_IO_ERROR_CANCELLED when the user closed the chooser.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dpx-file-chooser.h"

static GtkWindow *
parent_window (GtkWidget *widget)
{
  GtkRoot *root = widget ? gtk_widget_get_root (widget) : NULL;

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The filter first, then every file: a file named otherwise is still one
 * click away. */
static GtkFileFilter *
all_files_filter (void)
{
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  return all;
}

#if GTK_CHECK_VERSION (4, 10, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS  /* newer than GDK_VERSION_MAX_ALLOWED: guarded */

static void
on_dialog_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean saving = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;
  GFile *file;

  file = saving ? gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error)
                : gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, &error);
  if (file)
    g_task_return_pointer (task, file, g_object_unref);
  else if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) ||
           g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
run_chooser (GtkWidget     *widget,
             gboolean       saving,
             const char    *title,
             const char    *accept_label,
             const char    *initial_name,
             GtkFileFilter *filter,
             GTask         *task)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, accept_label);
  if (filter)
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
      g_autoptr(GtkFileFilter) all = all_files_filter ();

      g_list_store_append (filters, filter);
      g_list_store_append (filters, all);
      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_set_default_filter (dialog, filter);
    }
  if (saving)
    {
      if (initial_name)
        gtk_file_dialog_set_initial_name (dialog, initial_name);
      gtk_file_dialog_save (dialog, parent_window (widget), g_task_get_cancellable (task),
                            on_dialog_done, task);
    }
  else
    gtk_file_dialog_open (dialog, parent_window (widget), g_task_get_cancellable (task),
                          on_dialog_done, task);
}

G_GNUC_END_IGNORE_DEPRECATIONS
#else

/* GtkFileChooserNative takes no GCancellable: the task's is followed by hand,
 * and whichever comes first, the answer or the cancel, returns. */
typedef struct {
  GtkFileChooserNative *chooser;
  gulong                cancelled_id;
} NativeChoice;

static void
native_choice_free (NativeChoice *choice)
{
  g_clear_object (&choice->chooser);
  g_free (choice);
}

static void
finish_native (GTask  *task,
               GFile  *file)
{
  NativeChoice *choice = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (choice->cancelled_id)
    g_signal_handler_disconnect (cancellable, choice->cancelled_id);
  choice->cancelled_id = 0;
  g_signal_handlers_disconnect_by_data (choice->chooser, task);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (choice->chooser));
  if (file)
    g_task_return_pointer (task, file, g_object_unref);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("No file was chosen"));
  g_object_unref (task);
}

static void
on_native_response (GtkNativeDialog *dialog,
                    int              response,
                    GTask           *task)
{
  GFile *file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  finish_native (task, file);
}

static void
on_native_cancelled (GCancellable *cancellable,
                     GTask        *task)
{
  finish_native (task, NULL);
}

static void
run_chooser (GtkWidget     *widget,
             gboolean       saving,
             const char    *title,
             const char    *accept_label,
             const char    *initial_name,
             GtkFileFilter *filter,
             GTask         *task)
{
  NativeChoice *choice = g_new0 (NativeChoice, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_task_set_task_data (task, choice, (GDestroyNotify) native_choice_free);
  choice->chooser = gtk_file_chooser_native_new (title, parent_window (widget),
                                                 saving ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                        : GTK_FILE_CHOOSER_ACTION_OPEN,
                                                 accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (choice->chooser), TRUE);
  if (filter)
    {
      g_autoptr(GtkFileFilter) all = all_files_filter ();

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (choice->chooser), filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (choice->chooser), all);
    }
  if (saving && initial_name)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (choice->chooser), initial_name);
  g_signal_connect (choice->chooser, "response", G_CALLBACK (on_native_response), task);
  if (cancellable)
    choice->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                             G_CALLBACK (on_native_cancelled), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (choice->chooser));
}

#endif

static void
start (GtkWidget           *widget,
       gboolean             saving,
       const char          *title,
       const char          *accept_label,
       const char          *initial_name,
       GtkFileFilter       *filter,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));
  g_return_if_fail (title != NULL && accept_label != NULL);
  g_return_if_fail (filter == NULL || GTK_IS_FILE_FILTER (filter));

  task = g_task_new (widget, cancellable, callback, user_data);
  g_task_set_source_tag (task, start);
  /* Cancelled already: GtkFileDialog would wait for a cancel that has
   * come and gone, and never answer (GTK 4.18). */
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
#if GTK_CHECK_VERSION (4, 10, 0)
  g_task_set_task_data (task, GINT_TO_POINTER (saving), NULL);
#endif
  /* The task is the chooser's until it answers. */
  run_chooser (widget, saving, title, accept_label, initial_name, filter, task);
}

/**
 * dpx_file_chooser_open_async:
 * @widget: (nullable): the chooser is modal to its window
 * @filter: (nullable): offered first, beside "All Files"
 *
 * Asks for a file to open. Cancelling @cancellable closes the chooser.
 */
void
dpx_file_chooser_open_async (GtkWidget           *widget,
                             const char          *title,
                             const char          *accept_label,
                             GtkFileFilter       *filter,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  start (widget, FALSE, title, accept_label, NULL, filter, cancellable, callback, user_data);
}

/**
 * dpx_file_chooser_save_async:
 * @initial_name: (nullable): the name proposed
 *
 * Asks where to save a file; the chooser asks before replacing one.
 */
void
dpx_file_chooser_save_async (GtkWidget           *widget,
                             const char          *title,
                             const char          *accept_label,
                             const char          *initial_name,
                             GtkFileFilter       *filter,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  start (widget, TRUE, title, accept_label, initial_name, filter, cancellable, callback, user_data);
}

/**
 * dpx_file_chooser_finish:
 *
 * Returns: (transfer full) (nullable): the file chosen, or %NULL with
 *   G_IO_ERROR_CANCELLED when the chooser was closed or cancelled
 */
GFile *
dpx_file_chooser_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == start, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
