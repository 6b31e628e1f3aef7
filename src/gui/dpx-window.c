/* dpx-window.c: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Window"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-connection-dialog.h"
#include "dpx-stall-probe.h"
#include "dpx-util.h"
#include "dpx-window.h"

#define RECENT_URLS_MAX 10
/* When the configured port is taken, the next ones are tried first. */
#define SERVER_PORT_TRIES 20

struct _DpxWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkSwitch            *server_switch;
  GtkEntry             *url_entry;
  GtkLabel             *state_label;
  GtkButton            *connect_button;
  GtkSpinner           *connect_spinner;
  GtkLabel             *connect_label;
  GtkRevealer          *tls_revealer;
  GtkRevealer          *server_revealer;
  DpxServerPanel       *server_panel;
  GtkPaned             *main_paned;
  DpxLogView           *log_view;
  DpxCompose           *compose;

  /* owned */
  GSettings            *settings;
  DpxLog               *log;
  DpxSession           *session;
  DpxRelay             *relay;
  GtkEntryCompletion   *completion;
  GtkListStore         *recent_store;
  GtkFileChooserNative *chooser;
  char                 *url_error;
  char                 *last_toast;

  guint                 rate_source;
  guint                 n_toasts;
  guint64               last_in;
  guint64               last_out;
  gboolean              switching_server;
};

G_DEFINE_FINAL_TYPE (DpxWindow, dpx_window, ADW_TYPE_APPLICATION_WINDOW)

void
dpx_window_show_toast (DpxWindow  *self,
                       const char *text)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (DPX_IS_WINDOW (self));

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  self->n_toasts++;
  /* Toast titles are markup in libadwaita 1.2. */
  escaped = g_markup_escape_text (text, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 6);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
dpx_window_get_last_toast (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->last_toast;
}

guint
dpx_window_get_n_toasts (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), 0);
  return self->n_toasts;
}

/* URL entry --------------------------------------------------------------- */

static void
load_recent (DpxWindow *self)
{
  g_auto(GStrv) urls = g_settings_get_strv (self->settings, "recent-urls");

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_list_store_clear (self->recent_store);
  for (guint i = 0; urls[i]; i++)
    gtk_list_store_insert_with_values (self->recent_store, NULL, -1, 0, urls[i], -1);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
remember_url (DpxWindow  *self,
              const char *url)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-urls");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) urls = NULL;
  guint n = 1;

  g_strv_builder_add (builder, url);
  for (guint i = 0; old[i] && n < RECENT_URLS_MAX; i++)
    if (g_strcmp0 (old[i], url) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  urls = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-urls", (const char * const *) urls);
}

static void
on_url_changed (GtkEditable *editable,
                DpxWindow   *self)
{
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->url_error, g_free);

  if (*stripped != '\0' && !dpx_client_check_url (stripped, &error))
    self->url_error = g_strdup (error->message);

  if (self->url_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->url_entry), "error");
      gtk_entry_set_icon_from_icon_name (self->url_entry, GTK_ENTRY_ICON_SECONDARY, "dialog-warning-symbolic");
      gtk_entry_set_icon_tooltip_text (self->url_entry, GTK_ENTRY_ICON_SECONDARY, self->url_error);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_entry), self->url_error);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->url_entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->url_error, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->url_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_entry), "error");
      gtk_entry_set_icon_from_icon_name (self->url_entry, GTK_ENTRY_ICON_SECONDARY, NULL);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_entry),
                                   _("The WebSocket URL, ws:// or wss:// (Ctrl+L)"));
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->url_entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->url_entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

const char *
dpx_window_get_url_error (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->url_error;
}

void
dpx_window_set_url (DpxWindow  *self,
                    const char *url)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->url_entry), url ? url : "");
}

/* Connection -------------------------------------------------------------- */

static void
connect_to_entry (DpxWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_entry))));
  g_autoptr(GError) error = NULL;

  if (!dpx_session_connect (self->session, url, &error))
    {
      dpx_window_show_toast (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
    }
}

static void
toggle_connection (DpxWindow *self)
{
  DpxConnectionState state = dpx_session_get_state (self->session);
  g_autoptr(GError) error = NULL;

  if (dpx_session_get_reconnect_pending (self->session) ||
      state == DPX_CONNECTION_STATE_CONNECTING ||
      state == DPX_CONNECTION_STATE_OPEN)
    {
      if (!dpx_session_disconnect (self->session, 1000, NULL, &error))
        dpx_window_show_toast (self, error->message);
    }
  else if (state != DPX_CONNECTION_STATE_CLOSING)
    connect_to_entry (self);
}

void
dpx_window_open_url (DpxWindow  *self,
                     const char *url)
{
  g_return_if_fail (DPX_IS_WINDOW (self));

  dpx_window_set_url (self, url);
  if (dpx_session_get_state (self->session) != DPX_CONNECTION_STATE_OPEN &&
      dpx_session_get_state (self->session) != DPX_CONNECTION_STATE_CONNECTING)
    connect_to_entry (self);
}

static void
set_state_pill (DpxWindow  *self,
                const char *text,
                const char *style)
{
  static const char * const styles[] = { "connecting", "open", "closed", "failed" };

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), styles[i]);
  gtk_label_set_text (self->state_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), text != NULL);
  if (style)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), style);
}

static void
update_state (DpxWindow *self)
{
  DpxConnectionState state = dpx_session_get_state (self->session);
  DpxClient *client = dpx_session_get_client (self->session);
  gboolean reconnecting = dpx_session_get_reconnect_pending (self->session);
  g_autofree char *status = dpx_session_dup_status (self->session);
  g_autofree char *tooltip = NULL;
  const char *label;
  gboolean busy = FALSE;
  gboolean suggested = FALSE;

  if (reconnecting)
    {
      label = _("_Cancel");
      tooltip = g_strdup (_("Stop reconnecting"));
      set_state_pill (self, status, "connecting");
    }
  else switch (state)
    {
    case DPX_CONNECTION_STATE_CONNECTING:
      label = _("_Cancel");
      busy = TRUE;
      tooltip = g_strdup (_("Cancel the connection attempt"));
      set_state_pill (self, status, "connecting");
      break;
    case DPX_CONNECTION_STATE_OPEN:
      {
        const char *protocol = dpx_client_get_protocol (client);
        const char *extensions = dpx_client_get_extensions (client);

        label = _("_Disconnect");
        tooltip = g_strdup_printf (_("Connected to %s\nSubprotocol: %s\nExtensions: %s"),
                                   dpx_session_get_url (self->session),
                                   protocol ? protocol : _("none"),
                                   extensions ? extensions : _("none"));
        set_state_pill (self, status, "open");
      }
      break;
    case DPX_CONNECTION_STATE_CLOSING:
      label = _("Closing…");
      busy = TRUE;
      set_state_pill (self, status, "connecting");
      break;
    case DPX_CONNECTION_STATE_CLOSED:
      {
        gushort code = dpx_client_get_close_code (client);
        const char *error = dpx_client_get_error_message (client);

        label = _("_Connect");
        suggested = TRUE;
        if (error)
          tooltip = g_strdup (error);
        else if (code)
          tooltip = g_strdup_printf (_("Closed with %u: %s"), code, dpx_close_code_describe (code));
        set_state_pill (self, status, (error || (code != 1000 && code != 1001)) ? "failed" : "closed");
      }
      break;
    case DPX_CONNECTION_STATE_DISCONNECTED:
    default:
      label = _("_Connect");
      suggested = TRUE;
      set_state_pill (self, NULL, NULL);
      break;
    }

  gtk_label_set_text_with_mnemonic (self->connect_label, label);
  /* The label is a child next to a spinner: name the button itself. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, gtk_label_get_text (self->connect_label),
                                  -1);
  gtk_widget_set_visible (GTK_WIDGET (self->connect_spinner), busy);
  gtk_spinner_set_spinning (self->connect_spinner, busy);
  if (suggested)
    gtk_widget_add_css_class (GTK_WIDGET (self->connect_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->connect_button), "suggested-action");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), tooltip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connect_button), tooltip ? tooltip : _("Connect to the URL"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.toggle-connection",
                                 state != DPX_CONNECTION_STATE_CLOSING);

  if (state == DPX_CONNECTION_STATE_OPEN)
    remember_url (self, dpx_session_get_url (self->session));
}

static void
on_session_notify (DpxSession *session,
                   GParamSpec *pspec,
                   DpxWindow  *self)
{
  update_state (self);
}

static void
on_session_error (DpxSession *session,
                  const char *text,
                  DpxWindow  *self)
{
  dpx_window_show_toast (self, text);
}

const char *
dpx_window_get_connect_label (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->connect_label);
}

const char *
dpx_window_get_state_text (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->state_label)) ? gtk_label_get_text (self->state_label) : "";
}

/* Rates ------------------------------------------------------------------- */

static gboolean
rate_cb (gpointer data)
{
  DpxWindow *self = data;
  guint64 in = dpx_session_get_messages_in (self->session);
  guint64 out = dpx_session_get_messages_out (self->session);

  dpx_log_view_set_rates (self->log_view, in - self->last_in, out - self->last_out);
  self->last_in = in;
  self->last_out = out;
  return G_SOURCE_CONTINUE;
}

/* Local server ------------------------------------------------------------ */

static void
log_server_event (DpxWindow  *self,
                  const char *text)
{
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *url = dpx_relay_dup_url (self->relay);

  entry = dpx_log_entry_new_event (url, DPX_ENTRY_KIND_INFO, text);
  dpx_log_append (self->log, entry);
}

static gboolean
start_server (DpxWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  gboolean lan = g_settings_get_boolean (self->settings, "server-lan");
  guint wanted = g_settings_get_uint (self->settings, "server-port");
  guint port = wanted;
  gboolean started = FALSE;

  dpx_relay_set_host (self->relay, lan ? "0.0.0.0" : "127.0.0.1");
  dpx_relay_set_echo (self->relay, g_settings_get_boolean (self->settings, "server-echo"));
  dpx_relay_set_max_clients (self->relay, g_settings_get_uint (self->settings, "server-max-clients"));
  dpx_relay_set_max_message_size (self->relay, g_settings_get_uint64 (self->settings, "server-max-message-size"));

  for (guint i = 0; !started; i++)
    {
      g_clear_error (&error);
      /* The configured port, then the next few, then any free one. */
      port = (wanted == 0 || i > SERVER_PORT_TRIES || wanted + i > G_MAXUINT16) ? 0 : wanted + i;
      dpx_relay_set_port (self->relay, port);
      started = dpx_relay_start (self->relay, &error);
      if (!started && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        break;
      if (!started && port == 0)
        break;
    }

  if (!started)
    {
      g_autofree char *message = g_strdup_printf (_("The local server could not start: %s"), error->message);

      dpx_window_show_toast (self, message);
      dpx_session_log_event (self->session, DPX_ENTRY_KIND_ERROR, message);
      return FALSE;
    }

  url = dpx_relay_dup_url (self->relay);
  if (wanted != 0 && dpx_relay_get_port (self->relay) != wanted)
    {
      g_autofree char *moved = g_strdup_printf (_("Port %u was in use, so the local server listens on port %u"),
                                                wanted, dpx_relay_get_port (self->relay));

      dpx_window_show_toast (self, moved);
      log_server_event (self, moved);
    }
  if (dpx_relay_get_loopback_only (self->relay))
    text = g_strdup_printf (_("Local broadcast server listening on %s (this computer only)"), url);
  else
    text = g_strdup_printf (_("Local broadcast server listening on port %u of every network interface: "
                              "other computers can connect"), dpx_relay_get_port (self->relay));
  log_server_event (self, text);
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
  log_server_event (self, text);
}

static void
on_server_switch (GtkSwitch  *sw,
                  GParamSpec *pspec,
                  DpxWindow  *self)
{
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

  log_server_event (self, text);
}

static void
on_peer_disconnected (DpxRelay     *relay,
                      DpxRelayPeer *peer,
                      DpxWindow    *self)
{
  g_autofree char *text = g_strdup_printf (_("Client %s left the local server"),
                                           dpx_relay_peer_get_remote_address (peer));

  log_server_event (self, text);
}

void
dpx_window_set_server_enabled (DpxWindow *self,
                               gboolean   enabled)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  gtk_switch_set_active (self->server_switch, enabled);
}

gboolean
dpx_window_get_server_enabled (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), FALSE);
  return gtk_switch_get_active (self->server_switch);
}

/* Import and export ------------------------------------------------------- */

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dpx_log_export_finish (DPX_LOG (source), result, &error))
    dpx_window_show_toast (self, error->message);
  else
    dpx_window_show_toast (self, _("Log exported"));
}

void
dpx_window_export_to_file (DpxWindow *self,
                           GFile     *file)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  dpx_log_export_async (self->log, file, NULL, on_exported, g_object_ref (self));
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dpx_log_import_finish (DPX_LOG (source), result, &error))
    dpx_window_show_toast (self, error->message);
  else
    dpx_window_show_toast (self, _("Log imported"));
}

void
dpx_window_import_from_file (DpxWindow *self,
                             GFile     *file)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  dpx_log_import_async (self->log, file, NULL, on_imported, g_object_ref (self));
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     DpxWindow       *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean saving = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))))
    {
      if (saving)
        dpx_window_export_to_file (self, file);
      else
        dpx_window_import_from_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
show_chooser (DpxWindow            *self,
              GtkFileChooserAction  action)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  gboolean saving = action == GTK_FILE_CHOOSER_ACTION_SAVE;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (saving ? _("Export Log") : _("Import Log"),
                                               GTK_WINDOW (self), action,
                                               saving ? _("_Export") : _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("JSON Lines"));
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_filter_add_pattern (filter, "*.ndjson");
  gtk_file_filter_add_mime_type (filter, "application/jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  if (saving)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *name = g_date_time_format (now, "duplex-%Y%m%d-%H%M%S.jsonl");

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Actions ----------------------------------------------------------------- */

static void
toggle_connection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  toggle_connection (DPX_WINDOW (widget));
}

static void
connect_to_server_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);
  g_autofree char *url = NULL;
  DpxConnectionState state = dpx_session_get_state (self->session);

  if (!dpx_relay_get_running (self->relay))
    return;
  url = dpx_relay_dup_url (self->relay);
  if (state == DPX_CONNECTION_STATE_OPEN || state == DPX_CONNECTION_STATE_CONNECTING)
    {
      if (g_strcmp0 (dpx_session_get_url (self->session), url) == 0)
        return;
      dpx_window_show_toast (self, _("Disconnect first to connect to the local server"));
      return;
    }
  dpx_window_open_url (self, url);
}

static void
focus_url_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  dpx_compose_send (DPX_WINDOW (widget)->compose);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  dpx_log_view_focus_search (DPX_WINDOW (widget)->log_view);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  gtk_widget_activate_action (GTK_WIDGET (DPX_WINDOW (widget)->log_view), "logview.clear", NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  show_chooser (DPX_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SAVE);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  show_chooser (DPX_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

GtkWidget *
dpx_window_show_connection_settings (DpxWindow *self)
{
  GtkWidget *dialog;

  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);

  dialog = dpx_connection_dialog_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
connection_settings_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  dpx_window_show_connection_settings (DPX_WINDOW (widget));
}

/* Settings ---------------------------------------------------------------- */

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     DpxWindow  *self)
{
  if (g_str_equal (key, "log-max-entries"))
    dpx_log_set_max_entries (self->log, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "recent-urls"))
    load_recent (self);
  else if (g_str_equal (key, "accept-invalid-certificates"))
    gtk_revealer_set_reveal_child (self->tls_revealer, g_settings_get_boolean (settings, key));
  else if (g_str_equal (key, "server-lan") && dpx_relay_get_running (self->relay))
    {
      /* Listen again on the new address; clients reconnect by themselves. */
      stop_server (self);
      if (!start_server (self))
        gtk_switch_set_active (self->server_switch, FALSE);
    }
  else if (g_str_equal (key, "server-echo"))
    dpx_relay_set_echo (self->relay, g_settings_get_boolean (settings, key));
  else if (g_str_equal (key, "server-max-rate"))
    dpx_relay_set_max_rate (self->relay, g_settings_get_uint (settings, key));
}

static gboolean
dpx_window_close_request (GtkWindow *window)
{
  DpxWindow *self = DPX_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (dpx_window_parent_class)->close_request (window);
}

/* Accessors --------------------------------------------------------------- */

DpxSession *
dpx_window_get_session (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->session;
}

DpxLog *
dpx_window_get_log (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->log;
}

DpxRelay *
dpx_window_get_relay (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->relay;
}

DpxLogView *
dpx_window_get_log_view (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->log_view;
}

DpxCompose *
dpx_window_get_compose (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->compose;
}

DpxServerPanel *
dpx_window_get_server_panel (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->server_panel;
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_window_dispose (GObject *object)
{
  DpxWindow *self = DPX_WINDOW (object);

  g_clear_handle_id (&self->rate_source, g_source_remove);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->relay)
    {
      g_signal_handlers_disconnect_by_data (self->relay, self);
      dpx_relay_stop (self->relay);
    }
  if (self->session)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      /* A handshake in flight must not outlive the window and open a
       * connection nobody sees; an open one says goodbye. */
      if (dpx_session_get_state (self->session) == DPX_CONNECTION_STATE_CONNECTING ||
          dpx_session_get_state (self->session) == DPX_CONNECTION_STATE_OPEN ||
          dpx_session_get_reconnect_pending (self->session))
        dpx_session_disconnect (self->session, 1001, NULL, NULL);
    }
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_WINDOW);

  g_clear_object (&self->session);
  g_clear_object (&self->relay);
  g_clear_object (&self->log);
  g_clear_object (&self->completion);
  g_clear_object (&self->recent_store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dpx_window_parent_class)->dispose (object);
}

static void
dpx_window_finalize (GObject *object)
{
  DpxWindow *self = DPX_WINDOW (object);

  g_clear_pointer (&self->url_error, g_free);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (dpx_window_parent_class)->finalize (object);
}

static void
add_shortcut (GtkShortcutController *controller,
              const char            *trigger,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                          gtk_named_action_new (action)));
}

static void
dpx_window_class_init (DpxWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dpx_window_dispose;
  object_class->finalize = dpx_window_finalize;
  window_class->close_request = dpx_window_close_request;

  g_type_ensure (DPX_TYPE_LOG_VIEW);
  g_type_ensure (DPX_TYPE_COMPOSE);
  g_type_ensure (DPX_TYPE_SERVER_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/duplexws/Duplex/dpx-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, server_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, url_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, connect_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, connect_label);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, tls_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, server_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, server_panel);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, compose);

  gtk_widget_class_install_action (widget_class, "window.toggle-connection", NULL, toggle_connection_action);
  gtk_widget_class_install_action (widget_class, "window.connect-to-server", NULL, connect_to_server_action);
  gtk_widget_class_install_action (widget_class, "window.focus-url", NULL, focus_url_action);
  gtk_widget_class_install_action (widget_class, "window.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "window.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "window.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "window.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "window.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "window.connection-settings", NULL,
                                   connection_settings_action);
}

static void
dpx_window_init (DpxWindow *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (APP_ID);
  self->log = dpx_log_new ();
  dpx_log_set_max_entries (self->log, g_settings_get_uint (self->settings, "log-max-entries"));
  self->session = dpx_session_new (self->log, self->settings);
  self->relay = dpx_relay_new ();

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  dpx_log_view_set_log (self->log_view, self->log);
  dpx_compose_set_session (self->compose, self->session);
  dpx_server_panel_set_relay (self->server_panel, self->relay);
  dpx_server_panel_bind_settings (self->server_panel, self->settings);
  dpx_relay_set_max_rate (self->relay, g_settings_get_uint (self->settings, "server-max-rate"));

  /* Recent URLs complete the entry. GtkEntryCompletion is deprecated after
   * 4.8 but is the only completion 4.8 has. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  self->recent_store = gtk_list_store_new (1, G_TYPE_STRING);
  self->completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (self->completion, GTK_TREE_MODEL (self->recent_store));
  gtk_entry_completion_set_text_column (self->completion, 0);
  gtk_entry_completion_set_minimum_key_length (self->completion, 1);
  gtk_entry_completion_set_popup_completion (self->completion, TRUE);
  gtk_entry_completion_set_inline_completion (self->completion, FALSE);
  gtk_entry_set_completion (self->url_entry, self->completion);
  G_GNUC_END_IGNORE_DEPRECATIONS
  load_recent (self);

  g_signal_connect (self->url_entry, "changed", G_CALLBACK (on_url_changed), self);
  g_signal_connect_swapped (self->url_entry, "activate", G_CALLBACK (toggle_connection), self);
  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_notify), self);
  g_signal_connect (self->session, "notify::reconnect-pending", G_CALLBACK (on_session_notify), self);
  g_signal_connect (self->session, "error", G_CALLBACK (on_session_error), self);
  g_signal_connect (self->server_switch, "notify::active", G_CALLBACK (on_server_switch), self);
  g_signal_connect (self->relay, "peer-connected", G_CALLBACK (on_peer_connected), self);
  g_signal_connect (self->relay, "peer-disconnected", G_CALLBACK (on_peer_disconnected), self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);

  /* Capture phase, so the shortcuts work wherever the focus is. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_LOCAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>l", "window.focus-url");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>f", "window.search");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>k", "window.clear");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>s", "window.export");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>o", "window.import");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>Return", "window.send");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_Enter", "window.send");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>comma", "window.connection-settings");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  gtk_revealer_set_reveal_child (self->tls_revealer,
                                 g_settings_get_boolean (self->settings, "accept-invalid-certificates"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.connect-to-server", FALSE);
  on_url_changed (GTK_EDITABLE (self->url_entry), self);
  update_state (self);

  self->rate_source = g_timeout_add_seconds (1, rate_cb, self);
  g_source_set_name_by_id (self->rate_source, "[duplex] rates");

  dpx_stall_probe_watch_widget (GTK_WIDGET (self));
}

DpxWindow *
dpx_window_new (GtkApplication *application)
{
  return g_object_new (DPX_TYPE_WINDOW, "application", application, NULL);
}
