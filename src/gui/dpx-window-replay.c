/* dpx-window-replay.c: the window's log played again, or served as a mock
 *
 * Replay sends the sent messages of what the selected tab's log shows now
 * (an imported log, say) into its connection (the page does it), with their recorded timing, the
 * replay bar showing progress with pause and stop. Replay Received sends
 * what the log received instead: a classroom session recorded from the
 * relay plays back to it as a demo script. The messages go through
 * the session, so the log shows them as sent, with what comes back.
 *
 * Serve as a mock plays the log's received messages to whoever connects,
 * on the local server's port (so the local server must be off); what each
 * mock client waits for is logged as an event.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Window"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-recording.h"
#include "dpx-window-private.h"

void
dpx_window_update_replay_actions (DpxWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.serve-mock", self->mock == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.stop-mock", self->mock != NULL);
}

/* Replay, into the selected tab's connection (see dpx-connection-page.c) */

static void
replay_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  dpx_connection_page_start_replay (DPX_WINDOW (widget)->current, DPX_DIRECTION_SENT);
}

static void
replay_received_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  dpx_connection_page_start_replay (DPX_WINDOW (widget)->current, DPX_DIRECTION_RECEIVED);
}

/* Mock ----------------------------------------------------------------------- */

static void
on_mock_event (DpxMock    *mock,
               guint       client,
               const char *text,
               DpxWindow  *self)
{
  /* Translators: the first %u counts the mock's clients from 1 */
  g_autofree char *line = g_strdup_printf (_("Mock, client %u: %s"), client, text);

  dpx_session_log_event (self->mock_session, DPX_ENTRY_KIND_INFO, line);
}

static void
stop_mock (DpxWindow *self)
{
  if (self->mock == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->mock, self);
  dpx_mock_stop (self->mock);
  g_clear_object (&self->mock);
}

static void
serve_mock_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);
  g_autoptr(DpxRecording) recording = NULL;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->mock)
    return;
  if (dpx_relay_get_running (self->relay))
    {
      dpx_window_show_toast (self, _("Turn the local server off first: the mock uses its port"));
      return;
    }
  recording = dpx_connection_page_snapshot (self->current);
  replies = dpx_recording_dup_messages (recording, DPX_DIRECTION_RECEIVED);
  if (replies->len == 0)
    {
      dpx_window_show_toast (self, _("The log holds no received messages to serve"));
      return;
    }

  self->mock = dpx_mock_new (recording);
  /* Its events go to the tab it was served from. */
  g_set_object (&self->mock_session, dpx_window_get_session (self));
  /* Each reply waits for its request, as a server would. */
  dpx_mock_set_rules (self->mock, DPX_MOCK_MATCH_EXACT, NULL, DPX_MOCK_DEFAULT_WAIT_TIMEOUT, NULL);
  dpx_mock_set_port (self->mock, g_settings_get_uint (self->settings, "server-port"));
  g_signal_connect (self->mock, "event", G_CALLBACK (on_mock_event), self);
  if (!dpx_mock_start (self->mock, &error))
    {
      stop_mock (self);
      dpx_window_show_toast (self, error->message);
      return;
    }
  /* Translators: %u is a port number */
  text = g_strdup_printf (_("Serving this log as a mock on ws://127.0.0.1:%u/"),
                          dpx_mock_get_port (self->mock));
  dpx_session_log_event (self->mock_session, DPX_ENTRY_KIND_INFO, text);
  dpx_window_show_toast (self, text);
  dpx_window_update_replay_actions (self);
}

static void
stop_mock_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);

  if (self->mock == NULL)
    return;
  dpx_session_log_event (self->mock_session, DPX_ENTRY_KIND_INFO, _("The mock stopped"));
  stop_mock (self);
  dpx_window_update_replay_actions (self);
}

void
dpx_window_replay_dispose (DpxWindow *self)
{
  stop_mock (self);
  g_clear_object (&self->mock_session);
}

void
dpx_window_class_add_replay_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "window.replay", NULL, replay_action);
  gtk_widget_class_install_action (widget_class, "window.replay-received", NULL, replay_received_action);
  gtk_widget_class_install_action (widget_class, "window.serve-mock", NULL, serve_mock_action);
  gtk_widget_class_install_action (widget_class, "window.stop-mock", NULL, stop_mock_action);
}
