/* test-preferences-window.c: the application's preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-gui-test.h"
#include "dpx-preferences-window.h"

static GtkWidget *
find_spin_with_upper (GtkWidget *widget,
                      double     upper)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_SPIN_BUTTON (child))
        {
          GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (child));

          if (gtk_adjustment_get_upper (adjustment) == upper)
            return child;
        }
      if ((found = find_spin_with_upper (child, upper)))
        return found;
    }
  return NULL;
}

/* The local server's message limit is set in KiB in the preferences and
 * reaches the relay in bytes. */
static void
test_message_size (DpxWindowFixture *fixture,
                   gconstpointer     data)
{
  GSettings *settings = dpx_gui_test_get_settings ();
  GtkWidget *preferences = dpx_preferences_window_new (settings);
  DpxRelay *relay = dpx_gui_test_get (fixture->window, "relay");
  GtkWidget *spin;

  g_object_ref (preferences);
  dpx_preferences_window_present (DPX_PREFERENCES_WINDOW (preferences), GTK_WINDOW (fixture->window));
  dpx_gui_test_wait_frames (preferences, 2);

  /* The one spin button that goes up to 1 GiB in KiB. */
  spin = find_spin_with_upper (preferences, 1048576);
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 1024);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 4096);
  g_assert_cmpuint (g_settings_get_uint64 (settings, "server-max-message-size"), ==,
                    4 * 1024 * 1024);
  dpx_window_set_server_enabled (fixture->window, TRUE);
  dpx_test_wait_until (dpx_relay_get_running (relay), 5000);
  g_assert_cmpuint (dpx_relay_get_max_message_size (relay), ==, 4 * 1024 * 1024);
  dpx_window_set_server_enabled (fixture->window, FALSE);

  dpx_preferences_window_close (DPX_PREFERENCES_WINDOW (preferences));
  dpx_test_wait_until (G_OBJECT (preferences)->ref_count == 1, 5000);
  g_assert_finalize_object (preferences);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  DPX_WINDOW_TEST_ADD ("/preferences-window/message-size", test_message_size);

  return g_test_run ();
}
