/* test-connection-dialog.c: the connection settings, saved as they change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-connection-dialog.h"
#include "dpx-gui-test.h"

/* The entry showing @text, anywhere in @widget. */
static GtkWidget *
find_entry (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_ENTRY (widget) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)),
                                          text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry (child, text);

      if (found)
        return found;
    }
  return NULL;
}

static void
test_loads_and_saves (void)
{
  GSettings *settings = dpx_gui_test_get_settings ();
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_autoptr(DpxConnectionOptions) defaults = NULL;
  GtkWidget *parent;
  GtkWidget *button;
  GtkWidget *dialog;
  GtkWidget *protocols;
  GtkWidget *warning;
  g_auto(GStrv) saved = NULL;
  g_autoptr(GVariant) headers = NULL;

  dpx_gui_test_reset_settings ();
  g_settings_set_value (settings, "request-headers",
                        g_variant_new_parsed ("[('Authorization', 'Bearer x'), "
                                              "('X-Client', 'c3')]"));
  g_settings_set_strv (settings, "subprotocols", (const char * const[]) { "chat.v2", "chat.v1",
                                                                         NULL });

  /* Shown over a window, as the window shows it. */
  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  options = dpx_connection_options_new_from_settings (settings);
  dialog = dpx_connection_dialog_new (options, settings);
  g_object_ref (dialog);
  dpx_connection_dialog_present (DPX_CONNECTION_DIALOG (dialog), GTK_WINDOW (parent));
  dpx_gui_test_wait_frames (dialog, 2);

  /* Loading changes nothing. */
  g_assert_cmpuint (g_variant_n_children (dpx_connection_options_get_request_headers (options)), ==, 2);

  protocols = dpx_gui_test_find (dialog, ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_nonnull (protocols);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (protocols)), ==, "chat.v2, chat.v1");
  gtk_editable_set_text (GTK_EDITABLE (protocols), " mqtt ,, wamp.2.json ");
  saved = g_strdupv ((char **) dpx_connection_options_get_subprotocols (options));
  g_assert_cmpuint (g_strv_length (saved), ==, 2);
  g_assert_cmpstr (saved[0], ==, "mqtt");
  g_assert_cmpstr (saved[1], ==, "wamp.2.json");

  /* A header's value, edited in place, is kept at once, in the tab's
   * options and not in the defaults. */
  g_assert_nonnull (find_entry (dialog, "Authorization"));
  gtk_editable_set_text (GTK_EDITABLE (find_entry (dialog, "Bearer x")), "Bearer y");
  headers = g_variant_ref (dpx_connection_options_get_request_headers (options));
  {
    const char *name, *value;

    g_variant_get_child (headers, 0, "(&s&s)", &name, &value);
    g_assert_cmpstr (name, ==, "Authorization");
    g_assert_cmpstr (value, ==, "Bearer y");
  }
  defaults = dpx_connection_options_new_from_settings (settings);
  g_assert_cmpstr (dpx_connection_options_lookup_header (defaults, "Authorization"), ==, "Bearer x");
  g_clear_object (&defaults);

  /* The spin buttons and switches edit the options too. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (dpx_gui_test_find (dialog, GTK_TYPE_SPIN_BUTTON, NULL)), 25);
  g_assert_cmpuint (dpx_connection_options_get_handshake_timeout (options), ==, 25);

  /* Until made the defaults for new tabs. */
  button = dpx_gui_test_find (dialog, GTK_TYPE_BUTTON, "save-defaults");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  defaults = dpx_connection_options_new_from_settings (settings);
  /* But never a secret value: the settings are a plain file. */
  g_assert_null (dpx_connection_options_lookup_header (defaults, "Authorization"));
  g_assert_cmpuint (g_settings_get_uint (settings, "handshake-timeout"), ==, 25);

  /* The warning under the TLS switch follows the setting. */
  warning = dpx_gui_test_find (dialog, GTK_TYPE_BOX, "tls-warning");
  g_assert_nonnull (warning);
  g_assert_false (gtk_widget_get_visible (warning));
  dpx_connection_options_set_accept_invalid_certificates (options, TRUE);
  g_assert_true (gtk_widget_get_visible (warning));
  dpx_connection_options_set_accept_invalid_certificates (options, FALSE);
  g_assert_false (gtk_widget_get_visible (warning));

  dpx_connection_dialog_close (DPX_CONNECTION_DIALOG (dialog));
  dpx_test_wait_until (G_OBJECT (dialog)->ref_count == 1, 5000);
  g_assert_finalize_object (dialog);
  dpx_gui_test_destroy_toplevel (parent);
  dpx_gui_test_reset_settings ();
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/connection-dialog/loads-and-saves", test_loads_and_saves);

  return g_test_run ();
}
