/* dpx-window.c: the main window
 *
 * The connection's state in the header bar, the URL to connect to (a
 * DpxUrlEntry), the message rates, the settings the window follows, and the
 * properties. The actions, shortcuts, import and export are in
 * dpx-window-actions.c, the local broadcast server in dpx-window-server.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Window"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-close-code.h"
#include "dpx-probe.h"
#include "dpx-window-private.h"

G_DEFINE_FINAL_TYPE (DpxWindow, dpx_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_LOG,
  PROP_RELAY,
  PROP_LOG_VIEW,
  PROP_COMPOSE,
  PROP_SERVER_PANEL,
  PROP_URL_ERROR,
  PROP_CONNECT_LABEL,
  PROP_STATE_TEXT,
  PROP_LAST_TOAST,
  PROP_N_TOASTS,
  PROP_SERVER_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A toast says all it has to say: its title wraps instead of being cut,
 * and a fix, when there is one, is its button (@action_name with
 * @target). The text is never markup. */
static AdwToast *
add_toast (DpxWindow  *self,
           const char *text,
           guint       timeout,
           const char *button_label,
           const char *action_name,
           GVariant   *target)
{
  g_autoptr(GVariant) owned_target = target ? g_variant_ref_sink (target) : NULL;
  AdwToast *toast;
  GtkWidget *title;

  self->n_toasts++;
  if (g_strcmp0 (self->last_toast, text) != 0)
    {
      g_free (self->last_toast);
      self->last_toast = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TOAST]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOASTS]);

  title = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  /* A short text on one line, a long one wrapped at a readable width. */
  gtk_label_set_width_chars (GTK_LABEL (title), MIN ((int) g_utf8_strlen (text, -1), 48));
  gtk_label_set_max_width_chars (GTK_LABEL (title), 72);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "toast-text");
  toast = adw_toast_new ("");
  adw_toast_set_custom_title (toast, title);
  adw_toast_set_timeout (toast, timeout);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (button_label && action_name)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action_name);
      if (owned_target)
        adw_toast_set_action_target_value (toast, owned_target);
    }
  g_set_object (&self->last_toast_object, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  return toast;
}

void
dpx_window_show_toast (DpxWindow  *self,
                       const char *text)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  add_toast (self, text, 6, NULL, NULL, NULL);
}

/**
 * dpx_window_show_toast_with_action:
 * @button_label: the fix, in a word or two, with a mnemonic
 * @action_name: the window action that makes it
 * @target: (nullable): the action's parameter
 *
 * A toast that offers a fix: it stays a little longer, to be read.
 */
AdwToast *
dpx_window_show_toast_with_action (DpxWindow  *self,
                                   const char *text,
                                   const char *button_label,
                                   const char *action_name,
                                   GVariant   *target)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  return add_toast (self, text, 10, button_label, action_name, target);
}

/* The toast shown last, for the tests: what it says and offers. */
AdwToast *
dpx_window_get_last_toast (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->last_toast_object;
}

/* A toast that stays until it is closed: what went wrong with a file the
 * window was opened for. */
void
dpx_window_show_lasting_toast (DpxWindow  *self,
                               const char *text)
{
  add_toast (self, text, 0, NULL, NULL, NULL);
}

/* URL entry --------------------------------------------------------------- */

static void
on_url_error (DpxWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL_ERROR]);
}

void
dpx_window_set_url (DpxWindow  *self,
                    const char *url)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  dpx_url_entry_set_url (self->url_entry, url);
}

/* Connection -------------------------------------------------------------- */

static void
connect_to_entry (DpxWindow *self)
{
  g_autofree char *url = dpx_url_entry_dup_url (self->url_entry);
  g_autoptr(GError) error = NULL;

  if (!dpx_session_connect (self->session, url, &error))
    {
      dpx_window_show_toast (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
    }
}

void
dpx_window_toggle_connection (DpxWindow *self)
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
  /* The pill's text, "" when it is hidden. */
  if (g_strcmp0 (self->state_text, text ? text : "") != 0)
    {
      g_free (self->state_text);
      self->state_text = g_strdup (text ? text : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_TEXT]);
    }
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
          tooltip = g_strdup_printf (_("Closed with %u: %s"), code,
                                     dpx_close_code_describe (code));
        set_state_pill (self, status,
                        (error || (code != 1000 && code != 1001)) ? "failed" : "closed");
      }
      break;
    case DPX_CONNECTION_STATE_DISCONNECTED:
    default:
      label = _("_Connect");
      suggested = TRUE;
      set_state_pill (self, NULL, NULL);
      break;
    }

  if (g_strcmp0 (gtk_label_get_label (self->connect_label), label) != 0)
    {
      gtk_label_set_text_with_mnemonic (self->connect_label, label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_LABEL]);
    }
  /* The label is a child next to a spinner: name the button itself. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (self->connect_label), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->connect_spinner), busy);
  gtk_spinner_set_spinning (self->connect_spinner, busy);
  if (suggested)
    gtk_widget_add_css_class (GTK_WIDGET (self->connect_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->connect_button), "suggested-action");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), tooltip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connect_button),
                               tooltip ? tooltip : _("Connect to the URL"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.toggle-connection",
                                 state != DPX_CONNECTION_STATE_CLOSING);

  if (state == DPX_CONNECTION_STATE_OPEN)
    dpx_url_entry_remember (self->url_entry, dpx_session_get_url (self->session));
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
  DpxClient *client = dpx_session_get_client (session);
  const char *suggested = dpx_client_get_suggested_url (client);

  /* Only for the error that ended the attempt: a certificate accepted
   * anyway is an error event too, with nothing left to fix. */
  if (g_strcmp0 (text, dpx_client_get_error_message (client)) == 0)
    {
      if (suggested)
        {
          g_autofree char *label = NULL;

          /* Translators: the button of a toast; %s is “ws://” or “wss://” */
          label = g_strdup_printf (_("Use %s"),
                                   g_str_has_prefix (suggested, "wss:") ? "wss://" : "ws://");
          dpx_window_show_toast_with_action (self, text, label, "window.connect-to-url",
                                             g_variant_new_string (suggested));
          return;
        }
      if (dpx_client_get_tls_errors (client) != 0)
        {
          dpx_window_show_toast_with_action (self, text, _("_Settings"),
                                             "window.connection-settings", NULL);
          return;
        }
    }
  dpx_window_show_toast (self, text);
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

/* Settings ---------------------------------------------------------------- */

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     DpxWindow  *self)
{
  if (g_str_equal (key, "log-max-entries"))
    dpx_log_set_max_entries (self->log, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "accept-invalid-certificates"))
    gtk_revealer_set_reveal_child (self->tls_revealer, g_settings_get_boolean (settings, key));
  else if (g_str_equal (key, "server-lan"))
    dpx_window_restart_server (self);
  else if (g_str_equal (key, "server-echo"))
    dpx_relay_set_echo (self->relay, g_settings_get_boolean (settings, key));
  else if (g_str_equal (key, "server-max-rate"))
    dpx_relay_set_max_rate (self->relay, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "server-class-code"))
    {
      /* For the clients that join from now on. */
      g_autofree char *code = g_settings_get_string (settings, key);

      dpx_relay_set_class_code (self->relay, code);
    }
}

/* The local server's clients other than this window's own connection. */
static guint
count_other_clients (DpxWindow *self)
{
  g_autofree char *url = NULL;
  guint n;

  if (!dpx_relay_get_running (self->relay))
    return 0;
  n = dpx_relay_get_n_peers (self->relay);
  url = dpx_relay_dup_url (self->relay);
  if (n > 0 && dpx_session_get_state (self->session) == DPX_CONNECTION_STATE_OPEN &&
      g_strcmp0 (dpx_session_get_url (self->session), url) == 0)
    n--;
  return n;
}

static gboolean
close_later (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

/* AdwAlertDialog (1.5) where libadwaita has it: AdwMessageDialog, a window
 * of its own, is deprecated since 1.6. */
#if ADW_CHECK_VERSION (1, 5, 0)
typedef AdwAlertDialog CloseDialog;
#define CLOSE_DIALOG(d) ADW_ALERT_DIALOG (d)
#define close_dialog_new(self, heading) adw_alert_dialog_new ((heading), NULL)
#define close_dialog_format_body adw_alert_dialog_format_body
#define close_dialog_add_responses adw_alert_dialog_add_responses
#define close_dialog_set_response_appearance adw_alert_dialog_set_response_appearance
#define close_dialog_set_default_response adw_alert_dialog_set_default_response
#define close_dialog_set_close_response adw_alert_dialog_set_close_response
#define close_dialog_present(d, self) adw_dialog_present (ADW_DIALOG (d), GTK_WIDGET (self))
#else
typedef AdwMessageDialog CloseDialog;
#define CLOSE_DIALOG(d) ADW_MESSAGE_DIALOG (d)
#define close_dialog_new(self, heading) adw_message_dialog_new (GTK_WINDOW (self), (heading), NULL)
#define close_dialog_format_body adw_message_dialog_format_body
#define close_dialog_add_responses adw_message_dialog_add_responses
#define close_dialog_set_response_appearance adw_message_dialog_set_response_appearance
#define close_dialog_set_default_response adw_message_dialog_set_default_response
#define close_dialog_set_close_response adw_message_dialog_set_close_response
#define close_dialog_present(d, self) gtk_window_present (GTK_WINDOW (d))
#endif

static void
on_close_response (CloseDialog *dialog,
                   const char  *response,
                   DpxWindow   *self)
{
  if (g_strcmp0 (response, "close") != 0)
    return;
  self->close_confirmed = TRUE;
  /* Once the dialog, transient for the window, is gone. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_later, g_object_ref (self), g_object_unref);
}

/* Closing the window stops its local server: a class connected to it is
 * asked about first. */
static gboolean
confirm_close (DpxWindow *self)
{
  guint n = count_other_clients (self);
  GtkWidget *dialog;

  if (n == 0 || self->close_confirmed)
    return FALSE;

  /* The 1.5 API is used behind the version check above: the build's
   * ADW_VERSION_MAX_ALLOWED (the version required) would warn about it. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = GTK_WIDGET (close_dialog_new (self, _("Close the Window?")));
  close_dialog_format_body (CLOSE_DIALOG (dialog),
                            ngettext ("%u client is connected to this window’s local server. "
                                      "Closing the window stops the server and disconnects it.",
                                      "%u clients are connected to this window’s local server. "
                                      "Closing the window stops the server and disconnects them.",
                                      n), n);
  close_dialog_add_responses (CLOSE_DIALOG (dialog),
                              "cancel", _("_Cancel"),
                              "close", _("_Close Window"),
                              NULL);
  close_dialog_set_response_appearance (CLOSE_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  close_dialog_set_default_response (CLOSE_DIALOG (dialog), "cancel");
  close_dialog_set_close_response (CLOSE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  close_dialog_present (dialog, self);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return TRUE;
}

static gboolean
dpx_window_close_request (GtkWindow *window)
{
  DpxWindow *self = DPX_WINDOW (window);
  int width, height;

  if (confirm_close (self))
    return TRUE;

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

/* GObject ----------------------------------------------------------------- */

static void
dpx_window_dispose (GObject *object)
{
  DpxWindow *self = DPX_WINDOW (object);

  g_clear_handle_id (&self->rate_source, g_source_remove);
  dpx_window_actions_dispose (self);
  dpx_window_replay_dispose (self);
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
  g_clear_object (&self->server_log);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dpx_window_parent_class)->dispose (object);
}

static void
dpx_window_finalize (GObject *object)
{
  DpxWindow *self = DPX_WINDOW (object);

  g_clear_pointer (&self->last_toast, g_free);
  g_clear_pointer (&self->state_text, g_free);
  g_clear_object (&self->last_toast_object);
  g_clear_pointer (&self->cleared, g_ptr_array_unref);

  G_OBJECT_CLASS (dpx_window_parent_class)->finalize (object);
}

static void
dpx_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DpxWindow *self = DPX_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    case PROP_RELAY:
      g_value_set_object (value, self->relay);
      break;
    case PROP_LOG_VIEW:
      g_value_set_object (value, self->log_view);
      break;
    case PROP_COMPOSE:
      g_value_set_object (value, self->compose);
      break;
    case PROP_SERVER_PANEL:
      g_value_set_object (value, self->server_panel);
      break;
    case PROP_URL_ERROR:
      g_object_get_property (G_OBJECT (self->url_entry), "url-error", value);
      break;
    case PROP_CONNECT_LABEL:
      g_value_set_string (value, gtk_label_get_text (self->connect_label));
      break;
    case PROP_STATE_TEXT:
      g_value_set_string (value, self->state_text);
      break;
    case PROP_LAST_TOAST:
      g_value_set_string (value, self->last_toast);
      break;
    case PROP_N_TOASTS:
      g_value_set_uint (value, self->n_toasts);
      break;
    case PROP_SERVER_ENABLED:
      g_value_set_boolean (value, gtk_switch_get_active (self->server_switch));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DpxWindow *self = DPX_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SERVER_ENABLED:
      dpx_window_set_server_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_window_class_init (DpxWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_window_dispose;
  object_class->finalize = dpx_window_finalize;
  object_class->get_property = dpx_window_get_property;
  object_class->set_property = dpx_window_set_property;
  window_class->close_request = dpx_window_close_request;

  /* What the window is made of; they never change. */
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, DPX_TYPE_SESSION, ro);
  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, DPX_TYPE_LOG, ro);
  properties[PROP_RELAY] = g_param_spec_object ("relay", NULL, NULL, DPX_TYPE_RELAY, ro);
  properties[PROP_LOG_VIEW] = g_param_spec_object ("log-view", NULL, NULL, DPX_TYPE_LOG_VIEW, ro);
  properties[PROP_COMPOSE] = g_param_spec_object ("compose", NULL, NULL, DPX_TYPE_COMPOSE, ro);
  properties[PROP_SERVER_PANEL] =
    g_param_spec_object ("server-panel", NULL, NULL, DPX_TYPE_SERVER_PANEL, ro);
  /* What is wrong with the URL in the entry, or NULL. */
  properties[PROP_URL_ERROR] = g_param_spec_string ("url-error", NULL, NULL, NULL, ro);
  /* The connect button's label, without its mnemonic. */
  properties[PROP_CONNECT_LABEL] = g_param_spec_string ("connect-label", NULL, NULL, NULL, ro);
  /* The state pill next to the URL, "" when hidden. */
  properties[PROP_STATE_TEXT] = g_param_spec_string ("state-text", NULL, NULL, "", ro);
  properties[PROP_LAST_TOAST] = g_param_spec_string ("last-toast", NULL, NULL, NULL, ro);
  properties[PROP_N_TOASTS] = g_param_spec_uint ("n-toasts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /* The local broadcast server's switch. */
  properties[PROP_SERVER_ENABLED] =
    g_param_spec_boolean ("server-enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DPX_TYPE_LOG_VIEW);
  g_type_ensure (DPX_TYPE_COMPOSE);
  g_type_ensure (DPX_TYPE_REPLAY_BAR);
  g_type_ensure (DPX_TYPE_SERVER_PANEL);
  g_type_ensure (DPX_TYPE_URL_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-window.ui");
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
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, replay_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_url_error);
  gtk_widget_class_bind_template_callback (widget_class, dpx_window_toggle_connection);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_server_switch",
                                                G_CALLBACK (dpx_window_on_server_switch));

  dpx_window_class_add_actions (widget_class);
  dpx_window_class_add_replay_actions (widget_class);
}

static void
dpx_window_init (DpxWindow *self)
{
  self->state_text = g_strdup ("");
  self->settings = g_settings_new (APP_ID);
  self->log = dpx_log_new ();
  dpx_log_set_max_entries (self->log, g_settings_get_uint (self->settings, "log-max-entries"));
  self->session = dpx_session_new (self->log, self->settings);
  self->relay = dpx_relay_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

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

  dpx_url_entry_set_settings (self->url_entry, self->settings);

  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_notify), self);
  g_signal_connect (self->session, "notify::reconnect-pending",
                    G_CALLBACK (on_session_notify), self);
  g_signal_connect (self->session, "error", G_CALLBACK (on_session_error), self);
  dpx_window_watch_server (self);
  dpx_window_watch_clear (self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);

  gtk_revealer_set_reveal_child (self->tls_revealer,
                                 g_settings_get_boolean (self->settings,
                                                         "accept-invalid-certificates"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.connect-to-server", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.presenter", FALSE);
  update_state (self);
  dpx_window_update_replay_actions (self);

  self->rate_source = g_timeout_add_seconds (1, rate_cb, self);
  g_source_set_name_by_id (self->rate_source, "[duplex] rates");

  dpx_probe_watch (G_OBJECT (self));
}

DpxWindow *
dpx_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (DPX_TYPE_WINDOW, "application", application, NULL);
}
