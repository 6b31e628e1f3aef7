/* test-file-chooser.c: one way to ask for a file on every GTK version
 *
 * On GTK 4.8 the chooser is a GtkFileChooserNative, on 4.10 and later a
 * GtkFileDialog; without a portal (the test bus starts none) both show a
 * GtkFileChooserDialog, which the tests answer as a user would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "dpx-file-chooser.h"
#include "dpx-gui-test.h"

typedef struct {
  gboolean  done;
  GFile    *file;
  GError   *error;
} Answer;

static void
on_chosen (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Answer *answer = user_data;

  answer->file = dpx_file_chooser_finish (result, &answer->error);
  answer->done = TRUE;
}

static GtkWidget *
wait_for_chooser (void)
{
  GtkWidget *chooser = NULL;

  dpx_test_wait_until ((chooser = dpx_gui_test_find_file_chooser ()) != NULL, 5000);
  dpx_gui_test_wait_frames (chooser, 2);
  return chooser;
}

static GtkFileFilter *
json_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "JSON");
  gtk_file_filter_add_suffix (filter, "json");
  return filter;
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS  /* GtkFileChooser: how a test answers the dialog */

/* Saving: the title, the proposed name and the filters are what the caller
 * gave, "All Files" after its own; accepting gives the file in the folder
 * the user went to. */
static void
test_save_accepted (void)
{
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (gtk_label_new ("owner"));
  g_autoptr(GtkFileFilter) filter = json_filter ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("duplex-chooser-XXXXXX", NULL);
  g_autofree char *expected = g_build_filename (dir, "rules.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GListModel) filters = NULL;
  g_autoptr(GtkFileFilter) first = NULL;
  g_autoptr(GtkFileFilter) second = NULL;
  Answer answer = { 0 };
  GtkWidget *chooser;

  dpx_file_chooser_save_async (toplevel, "Save the Rules", "_Save", "rules.json", filter,
                               cancellable, on_chosen, &answer);
  chooser = wait_for_chooser ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (chooser)), ==, "Save the Rules");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (chooser)) == GTK_WINDOW (toplevel));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (chooser)));
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpstr (name, ==, "rules.json");
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 2);
  first = g_list_model_get_item (filters, 0);
  second = g_list_model_get_item (filters, 1);
  g_assert_cmpstr (gtk_file_filter_get_name (first), ==, "JSON");
  g_assert_cmpstr (gtk_file_filter_get_name (second), ==, "All Files");

  /* As a person would, change folders once the first one is shown: GTK
   * 4.18's path bar, asked for a second folder while it fills in the first,
   * removes a button twice (a critical). */
  dpx_gui_test_wait_quiet (300, 10000);
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
  dpx_gui_test_wait_quiet (300, 10000);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  dpx_test_wait_until (answer.done, 5000);
  g_assert_no_error (answer.error);
  g_assert_nonnull (answer.file);
  path = g_file_get_path (answer.file);
  g_assert_cmpstr (path, ==, expected);
  dpx_test_wait_until (dpx_gui_test_find_file_chooser () == NULL, 5000);

  g_object_unref (answer.file);
  g_rmdir (dir);
  dpx_gui_test_destroy_toplevel (toplevel);
}

/* Closing the chooser is not an error to show: G_IO_ERROR_CANCELLED, no
 * file. */
static void
test_open_dismissed (void)
{
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (gtk_label_new ("owner"));
  Answer answer = { 0 };
  GtkWidget *chooser;

  dpx_file_chooser_open_async (toplevel, "Open a File", "_Open", NULL, NULL, on_chosen, &answer);
  chooser = wait_for_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==, GTK_FILE_CHOOSER_ACTION_OPEN);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  dpx_test_wait_until (answer.done, 5000);
  g_assert_null (answer.file);
  g_assert_error (answer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&answer.error);
  dpx_test_wait_until (dpx_gui_test_find_file_chooser () == NULL, 5000);
  dpx_gui_test_destroy_toplevel (toplevel);
}

G_GNUC_END_IGNORE_DEPRECATIONS

/* The owner going away cancels: the chooser closes by itself and the
 * caller hears it once. Cancelled before it opened, it never shows. */
static void
test_cancelled (void)
{
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (gtk_label_new ("owner"));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) early = g_cancellable_new ();
  Answer answer = { 0 };
  Answer never = { 0 };

  dpx_file_chooser_open_async (toplevel, "Open a File", "_Open", NULL, cancellable, on_chosen, &answer);
  wait_for_chooser ();
  g_cancellable_cancel (cancellable);
  dpx_test_wait_until (answer.done, 5000);
  g_assert_null (answer.file);
  g_assert_error (answer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&answer.error);
  dpx_test_wait_until (dpx_gui_test_find_file_chooser () == NULL, 5000);

  g_cancellable_cancel (early);
  dpx_file_chooser_save_async (toplevel, "Save", "_Save", "x.txt", NULL, early, on_chosen, &never);
  dpx_test_wait_until (never.done, 5000);
  g_assert_error (never.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&never.error);
  dpx_gui_test_wait_frames (toplevel, 3);
  g_assert_null (dpx_gui_test_find_file_chooser ());
  dpx_gui_test_destroy_toplevel (toplevel);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/file-chooser/save-accepted", test_save_accepted);
  g_test_add_func ("/file-chooser/open-dismissed", test_open_dismissed);
  g_test_add_func ("/file-chooser/cancelled", test_cancelled);

  return g_test_run ();
}
