/* dpx-window.c: the main window
 *
 * Its tabs, one connection each (a DpxConnectionPage in an AdwTabView),
 * the toasts, the settings the window follows, closing, and the
 * properties, which follow the selected tab. The actions, shortcuts,
 * import and export are in dpx-window-actions.c, the local broadcast
 * server in dpx-window-server.c, replay and mock in dpx-window-replay.c.
 *
 * Over 600 lines: the toasts, the tabs with the question before closing
 * one, the question before closing the window, and the properties the
 * tests read, each short; they are the window itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Window"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-alert-dialog.h"
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
  PROP_CURRENT_PAGE,
  PROP_LAST_TOAST,
  PROP_N_TOASTS,
  PROP_SERVER_ENABLED,
  PROP_SHOW_SECRETS,
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

/* Tabs -------------------------------------------------------------------- */

/* The window's properties that are the selected page's, passed on when
 * the page changes them. */
static void
on_current_page_notify (DpxConnectionPage *page,
                        GParamSpec        *pspec,
                        DpxWindow         *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "url-error"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL_ERROR]);
  else if (g_str_equal (name, "connect-label"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_LABEL]);
  else if (g_str_equal (name, "state-text"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_TEXT]);
  else if (g_str_equal (name, "busy"))
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.toggle-connection",
                                   dpx_session_get_state (dpx_connection_page_get_session (page))
                                   != DPX_CONNECTION_STATE_CLOSING);
}

static void
on_selected_page (DpxWindow *self)
{
  AdwTabPage *selected = adw_tab_view_get_selected_page (self->tab_view);
  DpxConnectionPage *page = selected ? dpx_window_page_of (selected) : NULL;
  static const int followed[] = {
    PROP_SESSION, PROP_LOG, PROP_LOG_VIEW, PROP_COMPOSE, PROP_URL_ERROR, PROP_CONNECT_LABEL,
    PROP_STATE_TEXT, PROP_CURRENT_PAGE,
  };

  if (page == self->current)
    return;
  if (self->current)
    g_signal_handlers_disconnect_by_func (self->current, on_current_page_notify, self);
  self->current = page;
  if (page == NULL)
    return;
  g_signal_connect_object (page, "notify", G_CALLBACK (on_current_page_notify), self, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.toggle-connection",
                                 dpx_session_get_state (dpx_connection_page_get_session (page))
                                 != DPX_CONNECTION_STATE_CLOSING);

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (followed); i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[followed[i]]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The page a tab holds. */
DpxConnectionPage *
dpx_window_page_of (AdwTabPage *tab)
{
  return DPX_CONNECTION_PAGE (adw_tab_page_get_child (tab));
}

/* A connecting tab shows a spinner in its title. */
static gboolean
busy_to_loading (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  DpxConnectionPage *page = DPX_CONNECTION_PAGE (g_binding_dup_source (binding));
  DpxConnectionState state = dpx_session_get_state (dpx_connection_page_get_session (page));

  g_value_set_boolean (to, state == DPX_CONNECTION_STATE_CONNECTING);
  g_object_unref (page);
  return TRUE;
}

/**
 * dpx_window_add_tab:
 * @options: (nullable): the options of its connections, shared; NULL for
 *   a copy of the defaults in the settings
 *
 * Opens a new tab, after the others, and selects it.
 *
 * Returns: (transfer none): its page
 */
DpxConnectionPage *
dpx_window_add_tab (DpxWindow            *self,
                    DpxConnectionOptions *options)
{
  g_autoptr(DpxConnectionOptions) defaults = NULL;
  DpxConnectionPage *page;
  AdwTabPage *tab;

  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  g_return_val_if_fail (options == NULL || DPX_IS_CONNECTION_OPTIONS (options), NULL);

  if (options == NULL)
    options = defaults = dpx_connection_options_new_from_settings (self->settings);
  page = dpx_connection_page_new (options, self->settings);
  tab = adw_tab_view_append (self->tab_view, GTK_WIDGET (page));
  g_object_bind_property (page, "title", tab, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (page, "title", tab, "tooltip", G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (page, "busy", tab, "loading", G_BINDING_SYNC_CREATE,
                               busy_to_loading, NULL, NULL, NULL);
  dpx_window_watch_clear (self, page);
  dpx_log_view_set_show_secrets (dpx_connection_page_get_log_view (page), self->show_secrets);
  adw_tab_view_set_selected_page (self->tab_view, tab);
  return page;
}

gboolean
dpx_window_get_show_secrets (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), FALSE);
  return self->show_secrets;
}

/* Secret header values shown in every tab's log, or masked. */
void
dpx_window_set_show_secrets (DpxWindow *self,
                             gboolean   show)
{
  guint n;

  g_return_if_fail (DPX_IS_WINDOW (self));

  show = !!show;
  if (self->show_secrets == show)
    return;
  self->show_secrets = show;
  n = adw_tab_view_get_n_pages (self->tab_view);
  for (guint i = 0; i < n; i++)
    {
      DpxConnectionPage *page = dpx_window_page_of (adw_tab_view_get_nth_page (self->tab_view, i));

      dpx_log_view_set_show_secrets (dpx_connection_page_get_log_view (page), show);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SECRETS]);
}

/* The selected tab's page; a window always has one. */
DpxConnectionPage *
dpx_window_get_current_page (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->current;
}

AdwTabView *
dpx_window_get_tab_view (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return self->tab_view;
}


static void
on_close_tab_response (DpxAlertDialog *dialog,
                       const char     *response,
                       AdwTabPage     *tab)
{
  AdwTabView *view = g_object_get_data (G_OBJECT (dialog), "dpx-tab-view");

  /* Once: closing the dialog answers again, with its close response. */
  g_signal_handlers_disconnect_by_func (dialog, on_close_tab_response, tab);
  adw_tab_view_close_page_finish (view, tab, g_strcmp0 (response, "close") == 0);
}

/* A tab closes at once unless its connection is in use: that is asked
 * first. The last tab is not closed: the window is, with its own
 * question about the local server. */
static gboolean
on_close_page (DpxWindow  *self,
               AdwTabPage *tab)
{
  DpxConnectionPage *page = dpx_window_page_of (tab);
  GtkWidget *dialog;
  const char *url;

  if (adw_tab_view_get_n_pages (self->tab_view) <= 1)
    {
      adw_tab_view_close_page_finish (self->tab_view, tab, FALSE);
      gtk_window_close (GTK_WINDOW (self));
      return GDK_EVENT_STOP;
    }
  if (!dpx_connection_page_get_busy (page))
    {
      adw_tab_view_close_page_finish (self->tab_view, tab, TRUE);
      return GDK_EVENT_STOP;
    }

  url = dpx_session_get_url (dpx_connection_page_get_session (page));
  /* See dpx-alert-dialog.h. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = GTK_WIDGET (dpx_alert_dialog_new (self, _("Close the Tab?"), NULL));
  dpx_alert_dialog_format_body (DPX_ALERT_DIALOG (dialog),
                                /* Translators: %s is a WebSocket URL */
                                _("The connection to %s is in use. "
                                  "Closing the tab disconnects it."),
                                url ? url : "");
  dpx_alert_dialog_add_responses (DPX_ALERT_DIALOG (dialog),
                                  "cancel", _("_Cancel"),
                                  "close", _("_Close Tab"),
                                  NULL);
  dpx_alert_dialog_set_response_appearance (DPX_ALERT_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  dpx_alert_dialog_set_default_response (DPX_ALERT_DIALOG (dialog), "cancel");
  dpx_alert_dialog_set_close_response (DPX_ALERT_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "dpx-tab-view", self->tab_view);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_close_tab_response),
                         g_object_ref (tab), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  dpx_alert_dialog_present (dialog, self);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return GDK_EVENT_STOP;
}

void
dpx_window_close_current_tab (DpxWindow *self)
{
  AdwTabPage *tab = adw_tab_view_get_selected_page (self->tab_view);

  if (tab)
    adw_tab_view_close_page (self->tab_view, tab);
}

/* URL and connection, in the selected tab --------------------------------- */

void
dpx_window_set_url (DpxWindow  *self,
                    const char *url)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  dpx_connection_page_set_url (self->current, url);
}

void
dpx_window_toggle_connection (DpxWindow *self)
{
  dpx_connection_page_toggle_connection (self->current);
}

void
dpx_window_open_url (DpxWindow  *self,
                     const char *url)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  dpx_connection_page_open_url (self->current, url);
}

/**
 * dpx_window_open_urls:
 * @urls: WebSocket URLs, at least one
 *
 * Connects to each URL in a tab of its own: the first in the selected tab
 * if it is not in use, the others in new tabs.
 */
void
dpx_window_open_urls (DpxWindow          *self,
                      const char * const *urls)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  g_return_if_fail (urls != NULL);

  for (guint i = 0; urls[i]; i++)
    {
      DpxConnectionPage *page = self->current;

      if (page == NULL || dpx_connection_page_get_busy (page) ||
          dpx_session_get_url (dpx_connection_page_get_session (page)) != NULL)
        page = dpx_window_add_tab (self, NULL);
      dpx_connection_page_open_url (page, urls[i]);
    }
}

/* Settings ---------------------------------------------------------------- */

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     DpxWindow  *self)
{
  if (g_str_equal (key, "log-max-entries"))
    {
      guint n = adw_tab_view_get_n_pages (self->tab_view);

      for (guint i = 0; i < n; i++)
        {
          AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i);

          dpx_log_set_max_entries (dpx_connection_page_get_log (dpx_window_page_of (tab)),
                                   g_settings_get_uint (settings, key));
        }
    }
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

/* The local server's clients other than this window's own connections. */
static guint
count_other_clients (DpxWindow *self)
{
  g_autofree char *url = NULL;
  guint n, n_pages;

  if (!dpx_relay_get_running (self->relay))
    return 0;
  n = dpx_relay_get_n_peers (self->relay);
  url = dpx_relay_dup_url (self->relay);
  n_pages = adw_tab_view_get_n_pages (self->tab_view);
  for (guint i = 0; i < n_pages && n > 0; i++)
    {
      AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i);
      DpxSession *session = dpx_connection_page_get_session (dpx_window_page_of (tab));

      if (dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN &&
          g_strcmp0 (dpx_session_get_url (session), url) == 0)
        n--;
    }
  return n;
}

static gboolean
close_later (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}


static void
on_close_response (DpxAlertDialog *dialog,
                   const char     *response,
                   DpxWindow      *self)
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

  /* See dpx-alert-dialog.h. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = GTK_WIDGET (dpx_alert_dialog_new (self, _("Close the Window?"), NULL));
  dpx_alert_dialog_format_body (DPX_ALERT_DIALOG (dialog),
                                ngettext ("%u client is connected to this window’s local server. "
                                          "Closing the window stops the server and disconnects it.",
                                          "%u clients are connected to this window’s local server. "
                                          "Closing the window stops the server and disconnects them.",
                                          n), n);
  dpx_alert_dialog_add_responses (DPX_ALERT_DIALOG (dialog),
                                  "cancel", _("_Cancel"),
                                  "close", _("_Close Window"),
                                  NULL);
  dpx_alert_dialog_set_response_appearance (DPX_ALERT_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  dpx_alert_dialog_set_default_response (DPX_ALERT_DIALOG (dialog), "cancel");
  dpx_alert_dialog_set_close_response (DPX_ALERT_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  dpx_alert_dialog_present (dialog, self);
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


/* Accessors: the selected tab's ------------------------------------------- */

DpxSession *
dpx_window_get_session (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return dpx_connection_page_get_session (self->current);
}

DpxLog *
dpx_window_get_log (DpxWindow *self)
{
  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);
  return dpx_connection_page_get_log (self->current);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_window_dispose (GObject *object)
{
  DpxWindow *self = DPX_WINDOW (object);

  dpx_window_actions_dispose (self);
  dpx_window_replay_dispose (self);
  if (self->relay)
    {
      g_signal_handlers_disconnect_by_data (self->relay, self);
      dpx_relay_stop (self->relay);
    }
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->current)
    g_signal_handlers_disconnect_by_func (self->current, on_current_page_notify, self);
  self->current = NULL;
  g_clear_weak_pointer (&self->cleared_page);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_WINDOW);

  g_clear_object (&self->relay);
  g_clear_object (&self->server_log);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dpx_window_parent_class)->dispose (object);
}

static void
dpx_window_finalize (GObject *object)
{
  DpxWindow *self = DPX_WINDOW (object);

  g_clear_pointer (&self->last_toast, g_free);
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
  DpxConnectionPage *page = self->current;

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, page ? dpx_connection_page_get_session (page) : NULL);
      break;
    case PROP_LOG:
      g_value_set_object (value, page ? dpx_connection_page_get_log (page) : NULL);
      break;
    case PROP_RELAY:
      g_value_set_object (value, self->relay);
      break;
    case PROP_LOG_VIEW:
      g_value_set_object (value, page ? dpx_connection_page_get_log_view (page) : NULL);
      break;
    case PROP_COMPOSE:
      g_value_set_object (value, page ? dpx_connection_page_get_compose (page) : NULL);
      break;
    case PROP_SERVER_PANEL:
      g_value_set_object (value, self->server_panel);
      break;
    case PROP_URL_ERROR:
      if (page)
        g_object_get_property (G_OBJECT (page), "url-error", value);
      break;
    case PROP_CONNECT_LABEL:
      g_value_set_string (value, page ? dpx_connection_page_get_connect_label (page) : NULL);
      break;
    case PROP_STATE_TEXT:
      g_value_set_string (value, page ? dpx_connection_page_get_state_text (page) : "");
      break;
    case PROP_CURRENT_PAGE:
      g_value_set_object (value, page);
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
    case PROP_SHOW_SECRETS:
      g_value_set_boolean (value, self->show_secrets);
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
    case PROP_SHOW_SECRETS:
      dpx_window_set_show_secrets (self, g_value_get_boolean (value));
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

  /* The selected tab's parts: they change with the tab. */
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, DPX_TYPE_SESSION, ro);
  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, DPX_TYPE_LOG, ro);
  properties[PROP_LOG_VIEW] = g_param_spec_object ("log-view", NULL, NULL, DPX_TYPE_LOG_VIEW, ro);
  properties[PROP_COMPOSE] = g_param_spec_object ("compose", NULL, NULL, DPX_TYPE_COMPOSE, ro);
  properties[PROP_CURRENT_PAGE] =
    g_param_spec_object ("current-page", NULL, NULL, DPX_TYPE_CONNECTION_PAGE, ro);
  /* The window's own; they never change. */
  properties[PROP_RELAY] = g_param_spec_object ("relay", NULL, NULL, DPX_TYPE_RELAY, ro);
  properties[PROP_SERVER_PANEL] =
    g_param_spec_object ("server-panel", NULL, NULL, DPX_TYPE_SERVER_PANEL, ro);
  /* What is wrong with the URL in the selected tab's entry, or NULL. */
  properties[PROP_URL_ERROR] = g_param_spec_string ("url-error", NULL, NULL, NULL, ro);
  /* The selected tab's connect button's label, without its mnemonic. */
  properties[PROP_CONNECT_LABEL] = g_param_spec_string ("connect-label", NULL, NULL, NULL, ro);
  /* The selected tab's state pill, "" when hidden. */
  properties[PROP_STATE_TEXT] = g_param_spec_string ("state-text", NULL, NULL, "", ro);
  properties[PROP_LAST_TOAST] = g_param_spec_string ("last-toast", NULL, NULL, NULL, ro);
  properties[PROP_N_TOASTS] = g_param_spec_uint ("n-toasts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /* The local broadcast server's switch. */
  properties[PROP_SERVER_ENABLED] =
    g_param_spec_boolean ("server-enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Every tab's log shows secret header values instead of masking them;
   * window.show-secrets. Off in each new window: not a setting, so a
   * window opened in front of others never starts with them shown. */
  properties[PROP_SHOW_SECRETS] =
    g_param_spec_boolean ("show-secrets", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DPX_TYPE_CONNECTION_PAGE);
  g_type_ensure (DPX_TYPE_SERVER_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, server_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, server_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, server_panel);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, DpxWindow, tab_view);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_page);
  gtk_widget_class_bind_template_callback (widget_class, on_close_page);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_server_switch",
                                                G_CALLBACK (dpx_window_on_server_switch));

  dpx_window_class_add_actions (widget_class);
  dpx_window_class_add_replay_actions (widget_class);
}

static void
dpx_window_init (DpxWindow *self)
{
  self->settings = g_settings_new (APP_ID);
  self->relay = dpx_relay_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  dpx_server_panel_set_relay (self->server_panel, self->relay);
  dpx_server_panel_bind_settings (self->server_panel, self->settings);
  dpx_relay_set_max_rate (self->relay, g_settings_get_uint (self->settings, "server-max-rate"));

  dpx_window_watch_server (self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.connect-to-server", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.presenter", FALSE);
  dpx_window_add_tab (self, NULL);
  dpx_window_update_replay_actions (self);

  dpx_probe_watch (G_OBJECT (self));
}

DpxWindow *
dpx_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (DPX_TYPE_WINDOW, "application", application, NULL);
}
