/* test-close-popover.c: closing with a chosen code and reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-close-popover.h"
#include "dpx-gui-test.h"

static DpxClosePopover *
new_popover (void)
{
  return g_object_ref_sink (g_object_new (DPX_TYPE_CLOSE_POPOVER, NULL));
}

static char *
dup_error (DpxClosePopover *popover)
{
  return dpx_gui_test_dup_string (popover, "error");
}

static gboolean
log_has (DpxLog     *log,
         const char *text)
{
  dpx_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);
      gsize size;
      const char *data = g_bytes_get_data (dpx_log_entry_get_payload (entry), &size);
      g_autofree char *copy = g_strndup (data ? data : "", size);

      if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_CLOSE && strstr (copy, text))
        return TRUE;
    }
  return FALSE;
}

/* The core's check runs as the fields change and again when closing. */
static void
test_checks (void)
{
  DpxClosePopover *popover = new_popover ();
  g_autofree char *long_reason = g_strnfill (124, 'x');
  g_autofree char *error = NULL;

  error = dup_error (popover);
  g_assert_null (error);

  g_assert_false (dpx_close_popover_close (popover, 1005, NULL));
  g_free (error);
  error = dup_error (popover);
  g_assert_nonnull (strstr (error, "1005"));

  g_assert_false (dpx_close_popover_close (popover, 1000, long_reason));
  g_free (error);
  error = dup_error (popover);
  g_assert_nonnull (strstr (error, "123"));

  /* Right code and reason, but nothing to close. */
  g_assert_false (dpx_close_popover_close (popover, 1000, "bye"));
  g_free (error);
  error = dup_error (popover);
  g_assert_cmpstr (error, ==, "Not connected");

  g_assert_finalize_object (popover);
}

static void
test_properties (void)
{
  DpxClosePopover *popover = new_popover ();
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxSession) session = dpx_session_new (log, NULL);
  g_auto(GValue) none = G_VALUE_INIT;
  g_auto(GValue) some = G_VALUE_INIT;

  g_value_init (&none, DPX_TYPE_SESSION);
  g_value_init (&some, DPX_TYPE_SESSION);
  g_value_set_object (&some, session);
  dpx_test_assert_property_notify (popover, "session", &none, &some);

  {
    g_autoptr(DpxNotifyCounter) error = dpx_test_count_notify (popover, "error");

    dpx_close_popover_close (popover, 1005, NULL);
    g_assert_cmpuint (dpx_notify_counter_take (error), ==, 1);
    dpx_close_popover_close (popover, 1005, NULL);
    g_assert_cmpuint (dpx_notify_counter_take (error), ==, 0);
    dpx_close_popover_close (popover, 1006, NULL);
    g_assert_cmpuint (dpx_notify_counter_take (error), ==, 1);
  }

  g_value_unset (&some);
  g_assert_finalize_object (popover);
  g_assert_finalize_object (g_steal_pointer (&session));
  g_assert_finalize_object (g_steal_pointer (&log));
}

/* A good code and reason close the session's connection with them. */
static void
test_close (void)
{
  DpxClosePopover *popover = new_popover ();
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;

  dpx_gui_test_reset_settings ();
  session = dpx_session_new (log, NULL);
  dpx_close_popover_set_session (popover, session);
  g_assert_true (dpx_session_connect (session, url, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN, 10000);

  g_assert_false (dpx_close_popover_close (popover, 1005, NULL));
  g_assert_cmpint (dpx_session_get_state (session), ==, DPX_CONNECTION_STATE_OPEN);

  g_assert_true (dpx_close_popover_close (popover, 4001, "lesson over"));
  problem = dup_error (popover);
  g_assert_null (problem);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 5000);
  dpx_test_wait_until (log_has (log, "4001"), 5000);
  g_assert_true (log_has (log, "lesson over"));

  g_assert_finalize_object (popover);
  g_assert_finalize_object (g_steal_pointer (&session));
  g_assert_finalize_object (g_steal_pointer (&log));
  dpx_relay_stop (relay);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 5000);
  dpx_test_wait_until (G_OBJECT (relay)->ref_count == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&relay));
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/close-popover/checks", test_checks);
  g_test_add_func ("/close-popover/properties", test_properties);
  g_test_add_func ("/close-popover/close", test_close);

  return g_test_run ();
}
