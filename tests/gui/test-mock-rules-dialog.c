/* test-mock-rules-dialog.c: the mock's rules edited in the window, read
 * from and written to a rules file, and used by the next mock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-gui-test.h"
#include "dpx-mock-rules-dialog.h"

static GtkWidget *
find_entry_row (GtkWidget  *dialog,
                const char *title_start)
{
  for (GtkWidget *row = dpx_gui_test_find (dialog, ADW_TYPE_ENTRY_ROW, NULL); row != NULL; )
    {
      /* Entry rows are siblings in the group's list. */
      if (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title_start))
        return row;
      row = gtk_widget_get_next_sibling (row);
    }
  g_assert_not_reached ();
}

static void
test_edit_check_and_files (void)
{
  g_autoptr(DpxMockRules) rules = dpx_mock_rules_new ();
  DpxMockRulesDialog *dialog = dpx_mock_rules_dialog_new (rules);
  g_autofree char *dir = g_dir_make_tmp ("duplex-rules-dialog-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rules.json", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) damaged_file = g_file_new_for_path (damaged);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  AdwComboRow *match_row;
  GtkWidget *member_row, *pattern_row;

  gtk_window_present (GTK_WINDOW (dialog));
  dpx_gui_test_wait_frames (GTK_WIDGET (dialog), 2);
  match_row = ADW_COMBO_ROW (dpx_gui_test_find (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, NULL));
  member_row = find_entry_row (GTK_WIDGET (dialog), "JSON");
  pattern_row = find_entry_row (GTK_WIDGET (dialog), "_Pattern");

  /* Starts as the rules are: the same bytes, no member or pattern asked. */
  g_assert_cmpuint (adw_combo_row_get_selected (match_row), ==, DPX_MOCK_MATCH_EXACT);
  g_assert_false (gtk_widget_get_visible (member_row));
  g_assert_false (gtk_widget_get_visible (pattern_row));
  g_assert_null (dpx_mock_rules_dialog_get_problem (dialog));

  /* By member: the name is asked for, and what is missing is said. */
  adw_combo_row_set_selected (match_row, DPX_MOCK_MATCH_MEMBER);
  g_assert_cmpint (dpx_mock_rules_get_match (rules), ==, DPX_MOCK_MATCH_MEMBER);
  g_assert_true (gtk_widget_get_visible (member_row));
  g_assert_nonnull (strstr (dpx_mock_rules_dialog_get_problem (dialog), "needs the member’s name"));
  gtk_editable_set_text (GTK_EDITABLE (member_row), "id");
  g_assert_cmpstr (dpx_mock_rules_get_member (rules), ==, "id");
  g_assert_null (dpx_mock_rules_dialog_get_problem (dialog));

  /* By pattern: one that does not compile is refused as it is typed. */
  adw_combo_row_set_selected (match_row, DPX_MOCK_MATCH_REGEX);
  g_assert_true (gtk_widget_get_visible (pattern_row));
  g_assert_false (gtk_widget_get_visible (member_row));
  gtk_editable_set_text (GTK_EDITABLE (pattern_row), "\"op\": \"(\\w+");
  g_assert_nonnull (strstr (dpx_mock_rules_dialog_get_problem (dialog), "does not compile"));
  dpx_gui_test_save_screenshot (GTK_WIDGET (dialog), "mock-rules.png");
  g_assert_false (dpx_mock_rules_dialog_save_file (dialog, file, &error));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_editable_set_text (GTK_EDITABLE (pattern_row), "\"op\": \"(\\w+)\"");
  g_assert_null (dpx_mock_rules_dialog_get_problem (dialog));

  /* Saved as the rules file duplex mock --rules reads. */
  g_assert_true (dpx_mock_rules_dialog_save_file (dialog, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "\"match\" : \"regex\""));
  g_assert_nonnull (strstr (saved, "\"pattern\" : \"\\\"op\\\": \\\"(\\\\w+)\\\"\""));

  /* A damaged file changes nothing and says which file and why. */
  g_assert_true (g_file_set_contents (damaged, "{ \"match\": \"member\", \"member\": 3 }", -1, NULL));
  g_assert_false (dpx_mock_rules_dialog_open_file (dialog, damaged_file, &error));
  g_clear_error (&error);
  g_assert_nonnull (strstr (dpx_mock_rules_dialog_get_problem (dialog), damaged));
  g_assert_nonnull (strstr (dpx_mock_rules_dialog_get_problem (dialog), "“member” is a string"));
  g_assert_cmpint (dpx_mock_rules_get_match (rules), ==, DPX_MOCK_MATCH_REGEX);

  /* A good one replaces the rules, and the fields follow. */
  g_assert_true (g_file_set_contents (damaged, "{ \"match\": \"member\", \"member\": \"seq\", \"timeout\": 5 }", -1, NULL));
  g_assert_true (dpx_mock_rules_dialog_open_file (dialog, damaged_file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (adw_combo_row_get_selected (match_row), ==, DPX_MOCK_MATCH_MEMBER);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (member_row)), ==, "seq");
  g_assert_cmpuint (dpx_mock_rules_get_timeout (rules), ==, 5);
  g_assert_null (dpx_mock_rules_dialog_get_problem (dialog));

  /* Destroyed and finalized: the dialog holds nothing of the rules' owner. */
  dpx_gui_test_destroy_toplevel (GTK_WIDGET (dialog));
  g_unlink (path);
  g_unlink (damaged);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/mock-rules-dialog/edit-check-and-files", test_edit_check_and_files);

  return g_test_run ();
}
