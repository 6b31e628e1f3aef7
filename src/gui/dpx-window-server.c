/* dpx-window-server.c: the window's local broadcast server
 *
 * Part of DpxWindow (see dpx-window-private.h): the header bar's Server
 * switch starts and stops the window's DpxRelay with the settings of the
 * preferences; start_server() is the start policy (the configured port,
 * then the next ones, then any). What the server does goes to the server
 * panel's activity, not to the connection's log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Window"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-presenter-view.h"
#include "dpx-relay-policy.h"
#include "dpx-window-private.h"

/* The server's events kept for its panel; the oldest go first. */
#define SERVER_LOG_MAX 1000

/* The server's own events go to its panel, not to the connection's log:
 * a class coming and going would bury the conversation. */
static void
log_server_event (DpxWindow    *self,
                  DpxEntryKind  kind,
                  const char   *text)
{
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *url = dpx_relay_dup_url (self->relay);

  entry = dpx_log_entry_new_event (url, kind, text);
  dpx_log_append (self->server_log, entry);
}

static gboolean
start_server (DpxWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  guint wanted = g_settings_get_uint (self->settings, "server-port");

  dpx_relay_apply_settings (self->relay, self->settings);
  if (!dpx_relay_start_policy (self->relay, DPX_RELAY_PORT_NEXT_FREE, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The local server could not start: %s"), error->message);

      dpx_window_show_toast (self, message);
      log_server_event (self, DPX_ENTRY_KIND_ERROR, message);
      return FALSE;
    }

  url = dpx_relay_dup_url (self->relay);
  if (wanted != 0 && dpx_relay_get_port (self->relay) != wanted)
    {
      g_autofree char *moved = g_strdup_printf (_("Port %u was in use, so the local server listens on port %u"),
                                                wanted, dpx_relay_get_port (self->relay));

      dpx_window_show_toast (self, moved);
      log_server_event (self, DPX_ENTRY_KIND_INFO, moved);
    }
  if (dpx_relay_get_loopback_only (self->relay))
    text = g_strdup_printf (_("Local broadcast server listening on %s (this computer only)"), url);
  else
    text = g_strdup_printf (_("Local broadcast server listening on port %u of every network interface: "
                              "other computers can connect"), dpx_relay_get_port (self->relay));
  log_server_event (self, DPX_ENTRY_KIND_INFO, text);
  return TRUE;
}

static void
stop_server (DpxWindow *self)
{
  guint n = dpx_relay_get_n_peers (self->relay);
  g_autofree char *text = NULL;

  if (!dpx_relay_get_running (self->relay))
    return;
  dpx_relay_stop (self->relay);
  text = g_strdup_printf (ngettext ("Local broadcast server stopped; %u client was closed with 1001 (going away)",
                                    "Local broadcast server stopped; %u clients were closed with 1001 (going away)",
                                    n), n);
  log_server_event (self, DPX_ENTRY_KIND_INFO, text);
}

void
dpx_window_on_server_switch (DpxWindow *self)
{
  GtkSwitch *sw = self->server_switch;
  gboolean active = gtk_switch_get_active (sw);

  if (self->switching_server)
    return;

  if (active && !dpx_relay_get_running (self->relay))
    {
      if (!start_server (self))
        {
          self->switching_server = TRUE;
          gtk_switch_set_active (sw, FALSE);
          self->switching_server = FALSE;
        }
    }
  else if (!active)
    stop_server (self);

  gtk_revealer_set_reveal_child (self->server_revealer, dpx_relay_get_running (self->relay));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.connect-to-server",
                                 dpx_relay_get_running (self->relay));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.presenter",
                                 dpx_relay_get_running (self->relay));
  g_object_notify (G_OBJECT (self), "server-enabled");
}

static void
on_peer_connected (DpxRelay     *relay,
                   DpxRelayPeer *peer,
                   DpxWindow    *self)
{
  const char *agent = dpx_relay_peer_get_user_agent (peer);
  g_autofree char *text = g_strdup_printf (_("Client %s connected to the local server (%s)"),
                                           dpx_relay_peer_get_remote_address (peer),
                                           agent && *agent ? agent : _("no user agent"));

  log_server_event (self, DPX_ENTRY_KIND_INFO, text);
}

static void
on_peer_disconnected (DpxRelay     *relay,
                      DpxRelayPeer *peer,
                      DpxWindow    *self)
{
  g_autofree char *text = g_strdup_printf (_("Client %s left the local server"),
                                           dpx_relay_peer_get_remote_address (peer));

  log_server_event (self, DPX_ENTRY_KIND_INFO, text);
}


/**
 * dpx_window_open_presenter:
 *
 * Opens the presenter view of the local server full screen, for a
 * projector; Escape closes it.
 *
 * Returns: (transfer none): the presenter's window
 */
GtkWindow *
dpx_window_open_presenter (DpxWindow *self)
{
  GtkWindow *presenter = GTK_WINDOW (gtk_window_new ());
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_window_set_title (presenter, _("Duplex Presenter View"));
  gtk_window_set_transient_for (presenter, GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (presenter, TRUE);
  gtk_window_set_default_size (presenter, 1280, 800);
  gtk_window_set_child (presenter, dpx_presenter_view_new (self->relay));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Escape|F11"),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (presenter), shortcuts);
  gtk_window_fullscreen (presenter);
  gtk_window_present (presenter);
  return presenter;
}

void
dpx_window_set_server_enabled (DpxWindow *self,
                               gboolean   enabled)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  gtk_switch_set_active (self->server_switch, enabled);
}

/* Listen again on a new address; clients reconnect by themselves. */
void
dpx_window_restart_server (DpxWindow *self)
{
  if (!dpx_relay_get_running (self->relay))
    return;
  stop_server (self);
  if (!start_server (self))
    gtk_switch_set_active (self->server_switch, FALSE);
}

void
dpx_window_watch_server (DpxWindow *self)
{
  self->server_log = dpx_log_new ();
  dpx_log_set_max_entries (self->server_log, SERVER_LOG_MAX);
  dpx_server_panel_set_activity (self->server_panel, G_LIST_MODEL (self->server_log));
  g_signal_connect (self->relay, "peer-connected", G_CALLBACK (on_peer_connected), self);
  g_signal_connect (self->relay, "peer-disconnected", G_CALLBACK (on_peer_disconnected), self);
}
