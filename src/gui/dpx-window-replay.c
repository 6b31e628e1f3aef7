/* dpx-window-replay.c: the window's log played again, or served as a mock
 *
 * Replay sends the sent messages of what the log shows now (an imported
 * log, say) into the current connection, with their recorded timing, the
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

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-mock-rules-dialog.h"
#include "dpx-recording.h"
#include "dpx-window-private.h"

/* What the log holds now, as a recording: later entries (the replay's own
 * sends and their answers) are not part of it. */
static DpxRecording *
snapshot_recording (DpxWindow *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  dpx_log_flush (self->log);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (entries, g_list_model_get_item (G_LIST_MODEL (self->log), i));
  return dpx_recording_new (entries);
}

void
dpx_window_update_replay_actions (DpxWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.serve-mock", self->mock == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.stop-mock", self->mock != NULL);
}

/* Replay ------------------------------------------------------------------ */

static gboolean
replay_send (DpxLogEntry  *entry,
             gpointer      user_data,
             GError      **error)
{
  DpxWindow *self = user_data;
  GBytes *payload = dpx_log_entry_get_payload (entry);
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  g_autofree char *text = NULL;

  if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_BINARY)
    return dpx_session_send_binary (self->session, payload, error);
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate_len (data, size, NULL))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("A text message in the log is not valid UTF-8 and cannot be sent as text"));
      return FALSE;
    }
  text = g_strndup (data, size);
  return dpx_session_send_text (self->session, text, error);
}

static void
on_replay_finished (DpxReplay  *replay,
                    const char *error_message,
                    DpxWindow  *self)
{
  g_autofree char *text = NULL;

  if (error_message)
    /* Translators: %s says why, such as “Not connected” */
    text = g_strdup_printf (_("Replay stopped: %s"), error_message);
  else
    text = g_strdup_printf (_("Replay finished: %u of %u messages sent"),
                            dpx_replay_get_position (replay), dpx_replay_get_total (replay));
  dpx_session_log_event (self->session, error_message ? DPX_ENTRY_KIND_ERROR : DPX_ENTRY_KIND_INFO, text);
  dpx_window_show_toast (self, text);
}

static void
stop_replay (DpxWindow *self)
{
  if (self->replay == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->replay, self);
  dpx_replay_stop (self->replay);
  dpx_replay_bar_set_replay (self->replay_bar, NULL);
  g_clear_object (&self->replay);
}

/* Replays the log's messages of @direction: what it sent, or what it
 * received (a classroom conversation played to the relay as a script). */
static void
start_replay (DpxWindow    *self,
              DpxDirection  direction)
{
  g_autoptr(DpxRecording) recording = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  if (self->replay && dpx_replay_get_state (self->replay) != DPX_REPLAY_STATE_FINISHED)
    {
      dpx_window_show_toast (self, _("A replay is already running: stop it first"));
      return;
    }
  if (dpx_session_get_state (self->session) != DPX_CONNECTION_STATE_OPEN)
    {
      dpx_window_show_toast (self, _("Connect first: the replay sends into the current connection"));
      return;
    }
  recording = snapshot_recording (self);
  messages = dpx_recording_dup_messages (recording, direction);
  if (messages->len == 0)
    {
      dpx_window_show_toast (self, direction == DPX_DIRECTION_SENT
                                   ? _("The log holds no sent messages to replay")
                                   : _("The log holds no received messages to replay"));
      return;
    }

  stop_replay (self);
  self->replay = dpx_replay_new (messages, dpx_recording_get_start (recording), replay_send, self);
  g_signal_connect (self->replay, "finished", G_CALLBACK (on_replay_finished), self);
  dpx_replay_bar_set_replay (self->replay_bar, self->replay);
  dpx_replay_start (self->replay);
}

static void
replay_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  start_replay (DPX_WINDOW (widget), DPX_DIRECTION_SENT);
}

static void
replay_received_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  start_replay (DPX_WINDOW (widget), DPX_DIRECTION_RECEIVED);
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

  dpx_session_log_event (self->session, DPX_ENTRY_KIND_INFO, line);
}

static void
on_mock_rules_changed (DpxMockRules *rules,
                       GParamSpec   *pspec,
                       DpxWindow    *self)
{
  g_autofree char *json = NULL;

  /* Kept as they are typed, but only once they are whole: an unfinished
   * pattern must not replace the last good rules for the next start. */
  if (!dpx_mock_rules_check (rules, NULL))
    return;
  json = dpx_mock_rules_to_json (rules);
  g_settings_set_string (self->settings, "mock-rules", json);
}

/* The rules the window's mocks use, as last edited (a bad saved value
 * gives the default: wait for the same bytes). */
static DpxMockRules *
window_mock_rules (DpxWindow *self)
{
  if (self->mock_rules == NULL)
    {
      g_autofree char *json = g_settings_get_string (self->settings, "mock-rules");
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&json), strlen (json));
      g_autoptr(GError) error = NULL;

      self->mock_rules = dpx_mock_rules_new_from_bytes (bytes, &error);
      if (self->mock_rules == NULL)
        {
          g_warning ("The saved mock rules are not valid, using the defaults: %s", error->message);
          self->mock_rules = dpx_mock_rules_new ();
        }
      g_signal_connect (self->mock_rules, "notify", G_CALLBACK (on_mock_rules_changed), self);
    }
  return self->mock_rules;
}

static void
mock_rules_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);
  DpxMockRulesDialog *dialog = dpx_mock_rules_dialog_new (window_mock_rules (self));

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
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
  recording = snapshot_recording (self);
  replies = dpx_recording_dup_messages (recording, DPX_DIRECTION_RECEIVED);
  if (replies->len == 0)
    {
      dpx_window_show_toast (self, _("The log holds no received messages to serve"));
      return;
    }

  self->mock = dpx_mock_new (recording);
  if (!dpx_mock_set_rules (self->mock, window_mock_rules (self), &error))
    {
      /* Translators: %s says what is missing from the rules */
      g_autofree char *problem = g_strdup_printf (_("The mock’s rules are not complete: %s"), error->message);

      g_clear_object (&self->mock);
      dpx_window_show_toast (self, problem);
      gtk_widget_activate_action (GTK_WIDGET (self), "window.mock-rules", NULL);
      return;
    }
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
  dpx_session_log_event (self->session, DPX_ENTRY_KIND_INFO, text);
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
  stop_mock (self);
  dpx_session_log_event (self->session, DPX_ENTRY_KIND_INFO, _("The mock stopped"));
  dpx_window_update_replay_actions (self);
}

void
dpx_window_replay_dispose (DpxWindow *self)
{
  stop_replay (self);
  stop_mock (self);
  if (self->mock_rules)
    g_signal_handlers_disconnect_by_data (self->mock_rules, self);
  g_clear_object (&self->mock_rules);
}

void
dpx_window_class_add_replay_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "window.replay", NULL, replay_action);
  gtk_widget_class_install_action (widget_class, "window.replay-received", NULL, replay_received_action);
  gtk_widget_class_install_action (widget_class, "window.serve-mock", NULL, serve_mock_action);
  gtk_widget_class_install_action (widget_class, "window.stop-mock", NULL, stop_mock_action);
  gtk_widget_class_install_action (widget_class, "window.mock-rules", NULL, mock_rules_action);
}
