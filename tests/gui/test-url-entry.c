/* test-url-entry.c: the WebSocket URL, checked as it is typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-gui-test.h"
#include "dpx-url-entry.h"

static DpxUrlEntry *
new_entry (void)
{
  return g_object_ref_sink (g_object_new (DPX_TYPE_URL_ENTRY, NULL));
}

static void
test_check (void)
{
  DpxUrlEntry *entry = new_entry ();
  g_autofree char *error = NULL;
  g_autofree char *url = NULL;

  {
    g_autoptr(DpxNotifyCounter) counter = dpx_test_count_notify (entry, "url-error");

    dpx_url_entry_set_url (entry, "http://example.com/");
    g_assert_cmpuint (dpx_notify_counter_take (counter), ==, 1);
    error = dpx_gui_test_dup_string (entry, "url-error");
    g_assert_nonnull (strstr (error, "ws://"));
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));

    /* The same complaint about another wrong URL is no change. */
    dpx_url_entry_set_url (entry, "http://example.com/other");
    g_assert_cmpuint (dpx_notify_counter_take (counter), ==, 0);

    /* Spaces around a good URL are not part of it. */
    dpx_url_entry_set_url (entry, "  ws://127.0.0.1:4000/  ");
    g_assert_cmpuint (dpx_notify_counter_take (counter), ==, 1);
    g_clear_pointer (&error, g_free);
    error = dpx_gui_test_dup_string (entry, "url-error");
    g_assert_null (error);
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
    url = dpx_url_entry_dup_url (entry);
    g_assert_cmpstr (url, ==, "ws://127.0.0.1:4000/");

    /* Typing checks too. */
    gtk_editable_set_text (GTK_EDITABLE (entry), "localhost:4000");
    g_assert_cmpuint (dpx_notify_counter_take (counter), >=, 1);
    g_clear_pointer (&error, g_free);
    error = dpx_gui_test_dup_string (entry, "url-error");
    g_assert_nonnull (error);

    /* Nothing written is nothing wrong. */
    dpx_url_entry_set_url (entry, NULL);
    g_clear_pointer (&error, g_free);
    error = dpx_gui_test_dup_string (entry, "url-error");
    g_assert_null (error);
  }

  g_assert_finalize_object (entry);
}

static void
test_recent (void)
{
  DpxUrlEntry *entry = new_entry ();
  GSettings *settings = dpx_gui_test_get_settings ();
  g_auto(GValue) none = G_VALUE_INIT;
  g_auto(GValue) some = G_VALUE_INIT;
  g_auto(GStrv) recent = NULL;
  GtkEntryCompletion *completion;
  GtkTreeModel *model;

  dpx_gui_test_reset_settings ();
  g_value_init (&none, G_TYPE_SETTINGS);
  g_value_init (&some, G_TYPE_SETTINGS);
  g_value_set_object (&some, settings);
  dpx_test_assert_property_notify (entry, "settings", &none, &some);
  dpx_url_entry_set_settings (entry, settings);

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", 4000 + i);

      dpx_url_entry_remember (entry, url);
    }
  /* Again: it moves to the front, once. */
  dpx_url_entry_remember (entry, "ws://127.0.0.1:4005/");
  recent = g_settings_get_strv (settings, "recent-urls");
  g_assert_cmpuint (g_strv_length (recent), ==, 10);
  g_assert_cmpstr (recent[0], ==, "ws://127.0.0.1:4005/");
  g_assert_cmpstr (recent[1], ==, "ws://127.0.0.1:4011/");

  /* The completion offers them. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  completion = gtk_entry_get_completion (GTK_ENTRY (entry));
  model = gtk_entry_completion_get_model (completion);
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, 10);
  G_GNUC_END_IGNORE_DEPRECATIONS

  g_assert_finalize_object (entry);
  dpx_gui_test_reset_settings ();
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/url-entry/check", test_check);
  g_test_add_func ("/url-entry/recent", test_recent);

  return g_test_run ();
}
