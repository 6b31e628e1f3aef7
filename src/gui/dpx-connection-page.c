/* dpx-connection-page.c: one connection of the window, in a tab
 *
 * Its own options, session and log; the URL with the state pill and the
 * connect button; the log view with its detail pane, the replay bar and
 * the compose box. The window holds one per tab and keeps what is shared
 * (the local server, the toasts, the actions, which act on the current
 * page).
 *
 * Over 600 lines: this is everything one connection shows and does (the
 * state in five cases, moving to a new URL, the log's Tab key, replay) and
 * splitting it would spread one tab's state over several files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ConnectionPage"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-close-code.h"
#include "dpx-parse.h"
#include "dpx-profiles-panel.h"
#include "dpx-connection-page.h"
#include "dpx-recording.h"
#include "dpx-replay.h"
#include "dpx-session-recorder.h"
#include "dpx-window.h"

struct _DpxConnectionPage
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkWidget            *url_bar;
  DpxUrlEntry          *url_entry;
  GtkLabel             *state_label;
  GtkButton            *connect_button;
  GtkSpinner           *connect_spinner;
  GtkLabel             *connect_label;
  GtkRevealer          *tls_revealer;
  GtkWidget            *content_box;  /* the log and compose box, and the profiles */
  GtkPaned             *main_paned;
  DpxLogView           *log_view;
  DpxReplayBar         *replay_bar;
  DpxCompose           *compose;
  GtkToggleButton      *profiles_button;
  DpxProfilesPanel     *profiles_panel;

  /* owned */
  DpxConnectionOptions *options;
  DpxLog               *log;
  DpxSession           *session;
  DpxReplay            *replay;
  char                 *title;
  char                 *state_text;
  char                 *pending_url;  /* to connect to once the old connection closed */
  DpxTemplate          *template;     /* the tab's variables, or its profile's */
  DpxSessionRecorder   *recorder;     /* with a profile: its history */

  guint                 rate_source;
  guint64               last_in;
  guint64               last_out;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_LOG,
  PROP_OPTIONS,
  PROP_LOG_VIEW,
  PROP_COMPOSE,
  PROP_TITLE,
  PROP_BUSY,
  PROP_URL_ERROR,
  PROP_CONNECT_LABEL,
  PROP_STATE_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DpxConnectionPage, dpx_connection_page, GTK_TYPE_WIDGET)

/* The window shows what the page has to say: a page outside a window (in
 * a test, or closing) says it to nobody. */
static DpxWindow *
get_window (DpxConnectionPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return DPX_IS_WINDOW (root) ? DPX_WINDOW (root) : NULL;
}

static void
show_toast (DpxConnectionPage *self,
            const char        *text)
{
  DpxWindow *window = get_window (self);

  if (window)
    dpx_window_show_toast (window, text);
}

/* State ------------------------------------------------------------------- */

static gboolean
session_busy (DpxSession *session)
{
  DpxConnectionState state = dpx_session_get_state (session);

  return dpx_session_get_reconnect_pending (session) ||
         state == DPX_CONNECTION_STATE_CONNECTING ||
         state == DPX_CONNECTION_STATE_OPEN ||
         state == DPX_CONNECTION_STATE_CLOSING;
}

/* The tab's title: where it connects (host and port) and, once it has
 * tried, how that went. */
static void
update_title (DpxConnectionPage *self)
{
  const char *url = dpx_session_get_url (self->session);
  g_autofree char *typed = NULL;
  g_autofree char *host = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GUri) uri = NULL;

  if (url == NULL)
    url = typed = dpx_url_entry_dup_url (self->url_entry);
  if (url && *url)
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri && g_uri_get_host (uri))
    host = g_uri_get_port (uri) > 0
           ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
           : g_strdup (g_uri_get_host (uri));
  else
    host = g_strdup (_("New Connection"));

  if (self->state_text && *self->state_text)
    /* Translators: a tab's title: a host and port, and the connection's state */
    title = g_strdup_printf (C_("tab title", "%s · %s"), host, self->state_text);
  else
    title = g_steal_pointer (&host);

  if (g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

static void
set_state_pill (DpxConnectionPage *self,
                const char        *text,
                const char        *style)
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
update_state (DpxConnectionPage *self)
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
  /* Closing, the button waits: pressing it would do nothing. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button),
                            state != DPX_CONNECTION_STATE_CLOSING);

  if (state == DPX_CONNECTION_STATE_OPEN)
    dpx_url_entry_remember (self->url_entry, dpx_session_get_url (self->session));

  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Connection -------------------------------------------------------------- */

static void
connect_to (DpxConnectionPage *self,
            const char        *url)
{
  g_autoptr(GError) error = NULL;

  if (!dpx_session_connect (self->session, url, &error))
    {
      show_toast (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
    }
}

static void
connect_to_entry (DpxConnectionPage *self)
{
  g_autofree char *url = dpx_url_entry_dup_url (self->url_entry);

  connect_to (self, url);
}

void
dpx_connection_page_toggle_connection (DpxConnectionPage *self)
{
  DpxConnectionState state;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));

  state = dpx_session_get_state (self->session);
  g_clear_pointer (&self->pending_url, g_free);
  if (dpx_session_get_reconnect_pending (self->session) ||
      state == DPX_CONNECTION_STATE_CONNECTING ||
      state == DPX_CONNECTION_STATE_OPEN)
    {
      if (!dpx_session_disconnect (self->session, 1000, NULL, &error))
        show_toast (self, error->message);
    }
  else if (state != DPX_CONNECTION_STATE_CLOSING)
    connect_to_entry (self);
}

/**
 * dpx_connection_page_activate_url:
 *
 * Enter in the URL entry: with a new URL while connected, the page moves
 * to it (closing the old connection first); otherwise it connects or
 * disconnects as the button does.
 */
void
dpx_connection_page_activate_url (DpxConnectionPage *self)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  DpxConnectionState state;

  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));

  url = dpx_url_entry_dup_url (self->url_entry);
  state = dpx_session_get_state (self->session);
  if ((state == DPX_CONNECTION_STATE_OPEN || state == DPX_CONNECTION_STATE_CONNECTING) &&
      g_strcmp0 (url, dpx_session_get_url (self->session)) != 0)
    {
      if (!dpx_client_check_url (url, &error))
        {
          show_toast (self, error->message);
          return;
        }
      if (!dpx_session_disconnect (self->session, 1000, NULL, &error))
        {
          show_toast (self, error->message);
          return;
        }
      /* Connects when the close is done (see on_session_notify). */
      g_free (self->pending_url);
      self->pending_url = g_steal_pointer (&url);
      return;
    }
  dpx_connection_page_toggle_connection (self);
}

static void
on_url_activate (DpxConnectionPage *self)
{
  dpx_connection_page_activate_url (self);
}

void
dpx_connection_page_set_url (DpxConnectionPage *self,
                             const char        *url)
{
  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));

  dpx_url_entry_set_url (self->url_entry, url);
  update_title (self);
}

/* Shows @url and connects to it unless a connection is open or opening. */
void
dpx_connection_page_open_url (DpxConnectionPage *self,
                              const char        *url)
{
  DpxConnectionState state;

  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));

  dpx_connection_page_set_url (self, url);
  state = dpx_session_get_state (self->session);
  if (state != DPX_CONNECTION_STATE_OPEN && state != DPX_CONNECTION_STATE_CONNECTING)
    connect_to_entry (self);
}

static void
on_session_notify (DpxSession        *session,
                   GParamSpec        *pspec,
                   DpxConnectionPage *self)
{
  update_state (self);

  if (self->pending_url && dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED &&
      !dpx_session_get_reconnect_pending (session))
    {
      g_autofree char *url = g_steal_pointer (&self->pending_url);

      connect_to (self, url);
    }
}

static void
on_session_error (DpxSession        *session,
                  const char        *text,
                  DpxConnectionPage *self)
{
  DpxWindow *window = get_window (self);
  DpxClient *client = dpx_session_get_client (session);
  const char *suggested = dpx_client_get_suggested_url (client);

  if (window == NULL)
    return;
  /* Only for the error that ended the attempt: a certificate accepted
   * anyway is an error event too, with nothing left to fix. The fixes act
   * on the selected tab, so a tab behind it only tells. */
  if (g_strcmp0 (text, dpx_client_get_error_message (client)) == 0 &&
      dpx_window_get_current_page (window) == self)
    {
      if (suggested)
        {
          g_autofree char *label = NULL;

          /* Translators: the button of a toast; %s is “ws://” or “wss://” */
          label = g_strdup_printf (_("Use %s"),
                                   g_str_has_prefix (suggested, "wss:") ? "wss://" : "ws://");
          dpx_window_show_toast_with_action (window, text, label, "window.connect-to-url",
                                             g_variant_new_string (suggested));
          return;
        }
      if (dpx_client_get_tls_errors (client) != 0)
        {
          dpx_window_show_toast_with_action (window, text, _("_Settings"),
                                             "window.connection-settings", NULL);
          return;
        }
    }
  dpx_window_show_toast (window, text);
}

static void
on_url_error (DpxConnectionPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL_ERROR]);
  if (dpx_session_get_url (self->session) == NULL)
    update_title (self);
}

static void
on_options_notify (DpxConnectionOptions *options,
                   GParamSpec           *pspec,
                   DpxConnectionPage    *self)
{
  gtk_revealer_set_reveal_child (self->tls_revealer,
                                 dpx_connection_options_get_accept_invalid_certificates (options));
}

/* Rates ------------------------------------------------------------------- */

static gboolean
rate_cb (gpointer data)
{
  DpxConnectionPage *self = data;
  guint64 in = dpx_session_get_messages_in (self->session);
  guint64 out = dpx_session_get_messages_out (self->session);

  dpx_log_view_set_rates (self->log_view, in - self->last_in, out - self->last_out);
  self->last_in = in;
  self->last_out = out;
  return G_SOURCE_CONTINUE;
}

/* Keyboard ---------------------------------------------------------------- */

void
dpx_connection_page_focus_url (DpxConnectionPage *self)
{
  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
}

void
dpx_connection_page_focus_compose (DpxConnectionPage *self)
{
  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));
  dpx_compose_focus_text (self->compose);
}

/* The log's list is one Tab stop, as a list should be: the arrows move
 * between its rows, and Tab leaves it, forward to the compose box, back
 * to the search. GTK 4.8's list view would Tab through every row. */
static gboolean
on_log_key (GtkEventControllerKey *controller,
            guint                  keyval,
            guint                  keycode,
            GdkModifierType        modifiers,
            DpxConnectionPage     *self)
{
  GtkWidget *list = dpx_log_view_get_list_view (self->log_view);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  gboolean back;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((modifiers & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  if (focus == NULL || (focus != list && !gtk_widget_is_ancestor (focus, list)))
    return FALSE;

  back = keyval == GDK_KEY_ISO_Left_Tab || (modifiers & GDK_SHIFT_MASK) != 0;
  if (back)
    dpx_log_view_focus_search (self->log_view);
  else
    dpx_compose_focus_text (self->compose);
  return TRUE;
}

/* Replay ------------------------------------------------------------------ */

/* What the log holds now, as a recording: later entries (the replay's own
 * sends and their answers) are not part of it. */
DpxRecording *
dpx_connection_page_snapshot (DpxConnectionPage *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  dpx_log_flush (self->log);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (entries, g_list_model_get_item (G_LIST_MODEL (self->log), i));
  return dpx_recording_new (entries);
}

static gboolean
replay_send (DpxLogEntry  *entry,
             gpointer      user_data,
             GError      **error)
{
  DpxConnectionPage *self = user_data;
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
on_replay_finished (DpxReplay         *replay,
                    const char        *error_message,
                    DpxConnectionPage *self)
{
  g_autofree char *text = NULL;

  if (error_message)
    /* Translators: %s says why, such as “Not connected” */
    text = g_strdup_printf (_("Replay stopped: %s"), error_message);
  else
    text = g_strdup_printf (_("Replay finished: %u of %u messages sent"),
                            dpx_replay_get_position (replay), dpx_replay_get_total (replay));
  dpx_session_log_event (self->session, error_message ? DPX_ENTRY_KIND_ERROR : DPX_ENTRY_KIND_INFO, text);
  show_toast (self, text);
}

void
dpx_connection_page_stop_replay (DpxConnectionPage *self)
{
  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));

  if (self->replay == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->replay, self);
  dpx_replay_stop (self->replay);
  if (self->replay_bar)
    dpx_replay_bar_set_replay (self->replay_bar, NULL);
  g_clear_object (&self->replay);
}

/* Replays the log's messages of @direction into this page's connection:
 * what it sent, or what it received (a classroom conversation played to
 * the relay as a script). */
void
dpx_connection_page_start_replay (DpxConnectionPage *self,
                                  DpxDirection       direction)
{
  g_autoptr(DpxRecording) recording = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));

  if (self->replay && dpx_replay_get_state (self->replay) != DPX_REPLAY_STATE_FINISHED)
    {
      show_toast (self, _("A replay is already running: stop it first"));
      return;
    }
  if (dpx_session_get_state (self->session) != DPX_CONNECTION_STATE_OPEN)
    {
      show_toast (self, _("Connect first: the replay sends into the current connection"));
      return;
    }
  recording = dpx_connection_page_snapshot (self);
  messages = dpx_recording_dup_messages (recording, direction);
  if (messages->len == 0)
    {
      show_toast (self, direction == DPX_DIRECTION_SENT
                        ? _("The log holds no sent messages to replay")
                        : _("The log holds no received messages to replay"));
      return;
    }

  dpx_connection_page_stop_replay (self);
  self->replay = dpx_replay_new (messages, dpx_recording_get_start (recording), replay_send, self);
  g_signal_connect (self->replay, "finished", G_CALLBACK (on_replay_finished), self);
  dpx_replay_bar_set_replay (self->replay_bar, self->replay);
  dpx_replay_start (self->replay);
}

/* Accessors --------------------------------------------------------------- */

DpxSession *
dpx_connection_page_get_session (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->session;
}

DpxLog *
dpx_connection_page_get_log (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->log;
}

/* The options this page's next connection is opened with: the connection
 * settings edit them. */
DpxConnectionOptions *
dpx_connection_page_get_options (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->options;
}

DpxLogView *
dpx_connection_page_get_log_view (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->log_view;
}

DpxCompose *
dpx_connection_page_get_compose (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->compose;
}

DpxUrlEntry *
dpx_connection_page_get_url_entry (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->url_entry;
}

DpxReplayBar *
dpx_connection_page_get_replay_bar (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->replay_bar;
}

const char *
dpx_connection_page_get_title (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->title;
}

const char *
dpx_connection_page_get_state_text (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->state_text;
}

const char *
dpx_connection_page_get_connect_label (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return gtk_label_get_text (self->connect_label);
}

/* Whether a connection is open, opening, closing or waiting to reconnect:
 * closing the page would end it. */
gboolean
dpx_connection_page_get_busy (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), FALSE);
  return session_busy (self->session);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_connection_page_dispose (GObject *object)
{
  DpxConnectionPage *self = DPX_CONNECTION_PAGE (object);

  g_clear_handle_id (&self->rate_source, g_source_remove);
  dpx_connection_page_stop_replay (self);
  if (self->options)
    g_signal_handlers_disconnect_by_data (self->options, self);
  if (self->session)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      /* A handshake in flight must not outlive the page and open a
       * connection nobody sees; an open one says goodbye. */
      if (dpx_session_get_state (self->session) == DPX_CONNECTION_STATE_CONNECTING ||
          dpx_session_get_state (self->session) == DPX_CONNECTION_STATE_OPEN ||
          dpx_session_get_reconnect_pending (self->session))
        dpx_session_disconnect (self->session, 1001, NULL, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_CONNECTION_PAGE);

  g_clear_object (&self->recorder);
  g_clear_object (&self->session);
  g_clear_object (&self->log);
  g_clear_object (&self->options);
  g_clear_object (&self->template);

  G_OBJECT_CLASS (dpx_connection_page_parent_class)->dispose (object);
}

static void
dpx_connection_page_finalize (GObject *object)
{
  DpxConnectionPage *self = DPX_CONNECTION_PAGE (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->state_text, g_free);
  g_clear_pointer (&self->pending_url, g_free);

  G_OBJECT_CLASS (dpx_connection_page_parent_class)->finalize (object);
}

static void
dpx_connection_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DpxConnectionPage *self = DPX_CONNECTION_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    case PROP_OPTIONS:
      g_value_set_object (value, self->options);
      break;
    case PROP_LOG_VIEW:
      g_value_set_object (value, self->log_view);
      break;
    case PROP_COMPOSE:
      g_value_set_object (value, self->compose);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, session_busy (self->session));
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_connection_page_class_init (DpxConnectionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_connection_page_dispose;
  object_class->finalize = dpx_connection_page_finalize;
  object_class->get_property = dpx_connection_page_get_property;

  /* What the page is made of; they never change. */
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, DPX_TYPE_SESSION, ro);
  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, DPX_TYPE_LOG, ro);
  properties[PROP_OPTIONS] =
    g_param_spec_object ("options", NULL, NULL, DPX_TYPE_CONNECTION_OPTIONS, ro);
  properties[PROP_LOG_VIEW] = g_param_spec_object ("log-view", NULL, NULL, DPX_TYPE_LOG_VIEW, ro);
  properties[PROP_COMPOSE] = g_param_spec_object ("compose", NULL, NULL, DPX_TYPE_COMPOSE, ro);
  /* The tab's title: host and port, and the state. */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  /* See dpx_connection_page_get_busy(). */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  /* What is wrong with the URL in the entry, or NULL. */
  properties[PROP_URL_ERROR] = g_param_spec_string ("url-error", NULL, NULL, NULL, ro);
  /* The connect button's label, without its mnemonic. */
  properties[PROP_CONNECT_LABEL] = g_param_spec_string ("connect-label", NULL, NULL, NULL, ro);
  /* The state pill next to the URL, "" when hidden. */
  properties[PROP_STATE_TEXT] = g_param_spec_string ("state-text", NULL, NULL, "", ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DPX_TYPE_LOG_VIEW);
  g_type_ensure (DPX_TYPE_COMPOSE);
  g_type_ensure (DPX_TYPE_REPLAY_BAR);
  g_type_ensure (DPX_TYPE_URL_ENTRY);
  g_type_ensure (DPX_TYPE_PROFILES_PANEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-connection-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, url_bar);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, url_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, connect_spinner);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, connect_label);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, tls_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, main_paned);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, log_view);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, replay_bar);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, compose);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, profiles_button);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionPage, profiles_panel);
  gtk_widget_class_bind_template_callback (widget_class, on_url_error);
  gtk_widget_class_bind_template_callback (widget_class, on_url_activate);
}

static void
dpx_connection_page_init (DpxConnectionPage *self)
{
  GtkEventController *keys;

  self->state_text = g_strdup ("");
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_log_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->log_view), keys);
  dpx_profiles_panel_install_shortcuts (self->profiles_panel, GTK_WIDGET (self));
}

/**
 * dpx_connection_page_new:
 * @options: the options its connections are opened with, shared (the
 *   connection settings edit them)
 * @settings: (nullable): the application's settings, for the log's size
 *   and the recent URLs
 */
DpxConnectionPage *
dpx_connection_page_new (DpxConnectionOptions *options,
                         GSettings            *settings)
{
  DpxConnectionPage *self;

  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (options), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPX_TYPE_CONNECTION_PAGE, NULL);
  self->options = g_object_ref (options);
  self->log = dpx_log_new ();
  if (settings)
    {
      dpx_log_set_max_entries (self->log, g_settings_get_uint (settings, "log-max-entries"));
      dpx_url_entry_set_settings (self->url_entry, settings);
    }
  self->session = dpx_session_new (self->log, self->options);

  dpx_log_view_set_log (self->log_view, self->log);
  dpx_compose_set_session (self->compose, self->session);
  self->template = dpx_template_new ();
  dpx_compose_set_template (self->compose, self->template);
  dpx_client_set_header_template (dpx_session_get_client (self->session), self->template);
  if (dpx_connection_options_get_url (options))
    dpx_url_entry_set_url (self->url_entry, dpx_connection_options_get_url (options));

  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_notify), self);
  g_signal_connect (self->session, "notify::reconnect-pending",
                    G_CALLBACK (on_session_notify), self);
  g_signal_connect (self->session, "error", G_CALLBACK (on_session_error), self);
  g_signal_connect (self->options, "notify::accept-invalid-certificates",
                    G_CALLBACK (on_options_notify), self);
  on_options_notify (self->options, NULL, self);
  update_state (self);

  self->rate_source = g_timeout_add_seconds (1, rate_cb, self);
  g_source_set_name_by_id (self->rate_source, "[duplex] rates");
  return self;
}

/* Profiles ---------------------------------------------------------------- */

/**
 * dpx_connection_page_get_template:
 *
 * Returns: (transfer none): the variables messages are expanded with: the
 *   tab's own, or its profile's
 */
DpxTemplate *
dpx_connection_page_get_template (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->template;
}

/**
 * dpx_connection_page_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile the tab was opened with
 */
DpxProfile *
dpx_connection_page_get_profile (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->recorder ? dpx_session_recorder_get_profile (self->recorder) : NULL;
}

/**
 * dpx_connection_page_set_profile:
 *
 * The tab works for @profile: its variables and counter, its secret
 * headers masked in the log, and each connection in its history (the log
 * saved with it).
 */
void
dpx_connection_page_set_profile (DpxConnectionPage *self,
                                 DpxProfileStore   *store,
                                 DpxProfile        *profile)
{
  g_auto(GStrv) secret = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));
  g_return_if_fail (DPX_IS_PROFILE_STORE (store));
  g_return_if_fail (DPX_IS_PROFILE (profile));

  g_set_object (&self->template, dpx_profile_get_template (profile));
  dpx_compose_set_template (self->compose, self->template);
  dpx_client_set_header_template (dpx_session_get_client (self->session), self->template);
  secret = dpx_profile_dup_secret_headers (profile);
  dpx_client_set_secret_headers (dpx_session_get_client (self->session), (const char * const *) secret);
  g_clear_object (&self->recorder);
  self->recorder = dpx_session_recorder_new (self->session, self->log, store, profile, NULL);
  dpx_profiles_panel_select (self->profiles_panel, profile);
}

/**
 * dpx_connection_page_get_profiles_panel:
 *
 * Returns: (transfer none): the profiles beside the log
 */
DpxProfilesPanel *
dpx_connection_page_get_profiles_panel (DpxConnectionPage *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), NULL);
  return self->profiles_panel;
}

/* Shows or hides the profiles beside the log. */
void
dpx_connection_page_show_profiles (DpxConnectionPage *self,
                                   gboolean           show)
{
  g_return_if_fail (DPX_IS_CONNECTION_PAGE (self));
  gtk_toggle_button_set_active (self->profiles_button, show);
}

/**
 * dpx_connection_page_send_saved:
 *
 * Sends a saved message: text and JSON with the variables expanded (JSON
 * checked), binary as it is.
 */
gboolean
dpx_connection_page_send_saved (DpxConnectionPage  *self,
                                DpxSavedMessage    *message,
                                GError            **error)
{
  g_autofree char *preview = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (DPX_IS_CONNECTION_PAGE (self), FALSE);
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGE (message), FALSE);

  if (dpx_saved_message_get_mode (message) == DPX_MESSAGE_MODE_BINARY)
    return dpx_session_send_binary (self->session, dpx_saved_message_get_payload (message), error);
  preview = dpx_template_preview (self->template, dpx_saved_message_get_text (message), NULL, error);
  if (preview == NULL ||
      (dpx_saved_message_get_mode (message) == DPX_MESSAGE_MODE_JSON && !dpx_parse_json_message (preview, error)))
    return FALSE;
  if (dpx_session_get_state (self->session) != DPX_CONNECTION_STATE_OPEN)
    return dpx_session_send_text (self->session, preview, error);
  text = dpx_template_expand (self->template, dpx_saved_message_get_text (message), NULL, error);
  return text && dpx_session_send_text (self->session, text, error);
}
