/* dpx-session.c: one window's connection, its options and its reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Session"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-session.h"
#include "dpx-connection-options.h"
#include "dpx-frame.h"
#include "dpx-enums.h"
#include "dpx-probe.h"

struct _DpxSession
{
  GObject             parent_instance;

  /* owned */
  DpxClient          *client;
  DpxLog             *log;
  DpxConnectionOptions *options;  /* shared with whoever edits them */
  char               *url;

  guint               reconnect_source;
  guint               reconnect_delay_ms;  /* the next delay to use */
  guint               reconnect_attempt;
  guint64             messages_in;
  guint64             messages_out;
  DpxConnectionState  state;
  gboolean            manual_disconnect;
  gboolean            was_open;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_URL,
  PROP_RECONNECT_PENDING,
  PROP_RECONNECT_ATTEMPT,
  PROP_RECONNECT_DELAY,
  PROP_OPTIONS,
  N_PROPS
};

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxSession, dpx_session, G_TYPE_OBJECT)

static void start_connect (DpxSession *self);

void
dpx_session_log_event (DpxSession   *self,
                       DpxEntryKind  kind,
                       const char   *text)
{
  g_autoptr(DpxLogEntry) entry = NULL;

  g_return_if_fail (DPX_IS_SESSION (self));

  entry = dpx_log_entry_new_event (self->url ? self->url : "", kind, text);
  dpx_log_append (self->log, entry);
}

static void
on_client_event (DpxClient  *client,
                 int         kind,
                 const char *text,
                 const char *revealed,
                 DpxSession *self)
{
  g_autoptr(DpxLogEntry) entry = NULL;

  /* The secret values stay with the entry, in memory, for a window that
   * shows them on request; the log's files never have them. */
  entry = dpx_log_entry_new_event_revealing (self->url ? self->url : "", kind, text, revealed);
  dpx_log_append (self->log, entry);
  /* While reconnecting, each failed attempt is in the log, not in a toast. */
  if (kind == DPX_ENTRY_KIND_ERROR && self->reconnect_attempt == 0)
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, text);
}

static void
on_client_message (DpxClient  *client,
                   int         type,
                   GBytes     *message,
                   DpxSession *self)
{
  g_autoptr(DpxLogEntry) entry = NULL;

  entry = dpx_log_entry_new_now (self->url, DPX_DIRECTION_RECEIVED,
                                 type == SOUP_WEBSOCKET_DATA_TEXT ? DPX_ENTRY_KIND_TEXT
                                                                  : DPX_ENTRY_KIND_BINARY,
                                 message);
  dpx_log_append (self->log, entry);
  self->messages_in++;
  dpx_probe_count (1);
}

static void
on_client_control_frame (DpxClient  *client,
                         int         direction,
                         guint       opcode,
                         GBytes     *payload,
                         gint64      rtt_us,
                         gboolean    keepalive,
                         DpxSession *self)
{
  g_autoptr(DpxLogEntry) entry = NULL;

  entry = dpx_log_entry_new_control (g_get_real_time (), self->url, direction,
                                     opcode == DPX_FRAME_OPCODE_PING ? DPX_ENTRY_KIND_PING
                                                                     : DPX_ENTRY_KIND_PONG,
                                     payload, keepalive, rtt_us);
  dpx_log_append (self->log, entry);
}

/* The backoff: the attempt under way (0 while connected) and the delay the
 * next one will wait. */
static void
set_backoff (DpxSession *self,
             guint       attempt,
             guint       delay_ms)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->reconnect_attempt != attempt)
    {
      self->reconnect_attempt = attempt;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_ATTEMPT]);
    }
  if (self->reconnect_delay_ms != delay_ms)
    {
      self->reconnect_delay_ms = delay_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_DELAY]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
cancel_reconnect (DpxSession *self)
{
  if (self->reconnect_source == 0)
    return;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_PENDING]);
}

static gboolean
reconnect_cb (gpointer data)
{
  DpxSession *self = data;

  self->reconnect_source = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_PENDING]);
  start_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (DpxSession *self)
{
  g_autofree char *text = NULL;
  guint delay = self->reconnect_delay_ms;

  set_backoff (self, self->reconnect_attempt + 1, MIN (delay * 2, DPX_SESSION_RECONNECT_MAX_MS));

  text = g_strdup_printf (ngettext ("Reconnecting in %u second (attempt %u)",
                                    "Reconnecting in %u seconds (attempt %u)",
                                    MAX (1, delay / 1000)),
                          MAX (1, delay / 1000), self->reconnect_attempt);
  dpx_session_log_event (self, DPX_ENTRY_KIND_INFO, text);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_source = g_timeout_add (delay, reconnect_cb, self);
  g_source_set_name_by_id (self->reconnect_source, "[duplex] reconnect");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_PENDING]);
}

static void
on_client_state (DpxClient  *client,
                 GParamSpec *pspec,
                 DpxSession *self)
{
  DpxConnectionState state = dpx_client_get_state (client);

  if (state == self->state)
    return;
  self->state = state;

  if (state == DPX_CONNECTION_STATE_OPEN)
    {
      self->was_open = TRUE;
      set_backoff (self, 0, DPX_SESSION_RECONNECT_FIRST_MS);
    }
  else if (state == DPX_CONNECTION_STATE_CLOSED &&
           !self->manual_disconnect &&
           self->was_open &&
           dpx_connection_options_get_auto_reconnect (self->options))
    {
      schedule_reconnect (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DpxSession) self = user_data;

  /* Failures were already told through the client's events. */
  dpx_client_connect_finish (DPX_CLIENT (source), result, NULL);
}

static void
start_connect (DpxSession *self)
{
  g_autoptr(GError) error = NULL;

  /* The options as they are now: a reconnect takes the latest edits too. */
  if (!dpx_connection_options_apply (self->options, self->client, &error))
    {
      dpx_session_log_event (self, DPX_ENTRY_KIND_ERROR, error->message);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error->message);
      return;
    }
  dpx_client_set_tls_advice (self->client,
                             _("Allow invalid certificates in the connection settings to connect "
                               "anyway."));
  dpx_client_set_url (self->client, self->url);
  dpx_client_connect_async (self->client, NULL, on_connected, g_object_ref (self));
}

/**
 * dpx_session_connect:
 *
 * Connects to @url with the session's options, and makes @url their URL.
 * Fails at once, without
 * touching the log, when @url is not a WebSocket URL or a connection is
 * already open.
 */
gboolean
dpx_session_connect (DpxSession  *self,
                     const char  *url,
                     GError     **error)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  if (!dpx_client_check_url (url, error))
    return FALSE;

  if (self->state == DPX_CONNECTION_STATE_CONNECTING ||
      self->state == DPX_CONNECTION_STATE_OPEN ||
      self->state == DPX_CONNECTION_STATE_CLOSING)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_FAILED,
                           _("Already connected: disconnect first"));
      return FALSE;
    }

  cancel_reconnect (self);
  self->manual_disconnect = FALSE;
  self->was_open = FALSE;
  set_backoff (self, 0, DPX_SESSION_RECONNECT_FIRST_MS);

  if (g_strcmp0 (self->url, url) != 0)
    {
      g_free (self->url);
      self->url = g_strdup (url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
    }
  dpx_connection_options_set_url (self->options, url);

  start_connect (self);
  return TRUE;
}

/**
 * dpx_session_disconnect:
 *
 * Closes the connection with @code and @reason, cancels an attempt in
 * progress, and stops automatic reconnects.
 */
gboolean
dpx_session_disconnect (DpxSession  *self,
                        gushort      code,
                        const char  *reason,
                        GError     **error)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);

  if (self->reconnect_source != 0)
    {
      cancel_reconnect (self);
      self->manual_disconnect = TRUE;
      dpx_session_log_event (self, DPX_ENTRY_KIND_INFO, _("Automatic reconnection cancelled"));
      return TRUE;
    }

  if (self->state != DPX_CONNECTION_STATE_CONNECTING &&
      self->state != DPX_CONNECTION_STATE_OPEN)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_NOT_OPEN,
                           _("Not connected"));
      return FALSE;
    }

  if (!dpx_client_close (self->client, code, reason, error))
    return FALSE;
  self->manual_disconnect = TRUE;
  return TRUE;
}

static void
append_sent (DpxSession   *self,
             DpxEntryKind  kind,
             GBytes       *payload)
{
  g_autoptr(DpxLogEntry) entry = NULL;

  entry = dpx_log_entry_new_now (self->url, DPX_DIRECTION_SENT, kind, payload);
  dpx_log_append (self->log, entry);
  self->messages_out++;
}

gboolean
dpx_session_send_text (DpxSession  *self,
                       const char  *text,
                       GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!dpx_client_send_text (self->client, text, -1, error))
    return FALSE;
  bytes = g_bytes_new (text, strlen (text));
  append_sent (self, DPX_ENTRY_KIND_TEXT, bytes);
  return TRUE;
}

gboolean
dpx_session_send_binary (DpxSession  *self,
                         GBytes      *data,
                         GError     **error)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!dpx_client_send_binary (self->client, data, error))
    return FALSE;
  append_sent (self, DPX_ENTRY_KIND_BINARY, data);
  return TRUE;
}

/**
 * dpx_session_send_again:
 * @entry: a text or binary message, sent or received
 *
 * Sends the message of @entry again, in its kind and byte for byte. Events,
 * pings and pongs are not messages and are refused.
 */
gboolean
dpx_session_send_again (DpxSession   *self,
                        DpxLogEntry  *entry,
                        GError      **error)
{
  DpxEntryKind kind;
  GBytes *payload;
  gsize size;
  const char *data;

  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (entry), FALSE);

  kind = dpx_log_entry_get_kind (entry);
  if (!dpx_session_can_send_again (entry))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                   _("Only text and binary messages can be sent again, not a %s"),
                   dpx_entry_kind_to_string (kind));
      return FALSE;
    }
  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  if (kind == DPX_ENTRY_KIND_TEXT)
    {
      if (!dpx_client_send_text (self->client, size ? data : "", size, error))
        return FALSE;
    }
  else if (!dpx_client_send_binary (self->client, payload, error))
    return FALSE;
  append_sent (self, kind, payload);
  return TRUE;
}

/**
 * dpx_session_can_send_again:
 *
 * Returns: whether @entry is a message that dpx_session_send_again() takes
 */
gboolean
dpx_session_can_send_again (DpxLogEntry *entry)
{
  DpxEntryKind kind;

  g_return_val_if_fail (DPX_IS_LOG_ENTRY (entry), FALSE);

  kind = dpx_log_entry_get_kind (entry);
  return dpx_log_entry_get_direction (entry) != DPX_DIRECTION_EVENT &&
         (kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY);
}

/**
 * dpx_session_send_ping:
 * @payload: at most 125 bytes
 *
 * Sends a ping. It is logged when it is written, and its pong with the
 * round trip when it comes back (not counted as messages).
 */
gboolean
dpx_session_send_ping (DpxSession  *self,
                       GBytes      *payload,
                       GError     **error)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  return dpx_client_send_ping (self->client, payload, error);
}

DpxClient *
dpx_session_get_client (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), NULL);
  return self->client;
}

DpxConnectionState
dpx_session_get_state (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), DPX_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
dpx_session_get_url (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), NULL);
  return self->url;
}

gboolean
dpx_session_get_reconnect_pending (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), FALSE);
  return self->reconnect_source != 0;
}

/* The delay, in milliseconds, the next automatic reconnect will wait. */
guint
dpx_session_get_reconnect_delay (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), 0);
  return self->reconnect_delay_ms;
}

guint
dpx_session_get_reconnect_attempt (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), 0);
  return self->reconnect_attempt;
}

guint64
dpx_session_get_messages_in (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), 0);
  return self->messages_in;
}

guint64
dpx_session_get_messages_out (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), 0);
  return self->messages_out;
}

/* A short description of the state, for the header bar. */
char *
dpx_session_dup_status (DpxSession *self)
{
  gushort code;

  g_return_val_if_fail (DPX_IS_SESSION (self), NULL);

  if (self->reconnect_source != 0)
    return g_strdup (C_("connection state", "Reconnecting"));

  switch (self->state)
    {
    case DPX_CONNECTION_STATE_CONNECTING:
      return g_strdup (C_("connection state", "Connecting"));
    case DPX_CONNECTION_STATE_OPEN:
      return g_strdup (C_("connection state", "Open"));
    case DPX_CONNECTION_STATE_CLOSING:
      return g_strdup (C_("connection state", "Closing"));
    case DPX_CONNECTION_STATE_CLOSED:
      code = dpx_client_get_close_code (self->client);
      if (code != 0)
        /* Translators: a close code, such as 1006 */
        return g_strdup_printf (C_("connection state", "Closed · %u"), code);
      if (dpx_client_get_error_message (self->client))
        return g_strdup (C_("connection state", "Failed"));
      return g_strdup (C_("connection state", "Closed"));
    case DPX_CONNECTION_STATE_DISCONNECTED:
    default:
      return g_strdup (_("Not connected"));
    }
}

static void
dpx_session_dispose (GObject *object)
{
  DpxSession *self = DPX_SESSION (object);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->log);
  g_clear_object (&self->options);

  G_OBJECT_CLASS (dpx_session_parent_class)->dispose (object);
}

static void
dpx_session_finalize (GObject *object)
{
  DpxSession *self = DPX_SESSION (object);

  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (dpx_session_parent_class)->finalize (object);
}

static void
dpx_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DpxSession *self = DPX_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_RECONNECT_ATTEMPT:
      g_value_set_uint (value, self->reconnect_attempt);
      break;
    case PROP_RECONNECT_DELAY:
      g_value_set_uint (value, self->reconnect_delay_ms);
      break;
    case PROP_RECONNECT_PENDING:
      g_value_set_boolean (value, self->reconnect_source != 0);
      break;
    case PROP_OPTIONS:
      g_value_set_object (value, self->options);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_session_class_init (DpxSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_session_dispose;
  object_class->finalize = dpx_session_finalize;
  object_class->get_property = dpx_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       DPX_TYPE_CONNECTION_STATE,
                       DPX_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECONNECT_PENDING] =
    g_param_spec_boolean ("reconnect-pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The automatic reconnection under way, 0 when none is. */
  properties[PROP_RECONNECT_ATTEMPT] =
    g_param_spec_uint ("reconnect-attempt", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* How long the next automatic reconnection waits, in milliseconds. */
  properties[PROP_RECONNECT_DELAY] =
    g_param_spec_uint ("reconnect-delay", NULL, NULL, 0, G_MAXUINT,
                       DPX_SESSION_RECONNECT_FIRST_MS,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What the next connection (or reconnection) is opened with. */
  properties[PROP_OPTIONS] =
    g_param_spec_object ("options", NULL, NULL, DPX_TYPE_CONNECTION_OPTIONS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpxSession::error:
   * @text: what went wrong, for a person
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dpx_session_init (DpxSession *self)
{
  self->reconnect_delay_ms = DPX_SESSION_RECONNECT_FIRST_MS;
}

/**
 * dpx_session_get_options:
 *
 * Returns: (transfer none): the options the next connection is opened
 * with; changing them changes that connection, not the one open.
 */
DpxConnectionOptions *
dpx_session_get_options (DpxSession *self)
{
  g_return_val_if_fail (DPX_IS_SESSION (self), NULL);
  return self->options;
}

/**
 * dpx_session_set_options:
 * @options: options to share (not copied), so edits reach the next connect
 */
void
dpx_session_set_options (DpxSession           *self,
                         DpxConnectionOptions *options)
{
  g_return_if_fail (DPX_IS_SESSION (self));
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (options));

  if (g_set_object (&self->options, options))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPTIONS]);
}

/**
 * dpx_session_new:
 * @options: (nullable): the connection options, shared with the caller;
 *   NULL for the client's defaults
 */
DpxSession *
dpx_session_new (DpxLog               *log,
                 DpxConnectionOptions *options)
{
  DpxSession *self;

  g_return_val_if_fail (DPX_IS_LOG (log), NULL);
  g_return_val_if_fail (options == NULL || DPX_IS_CONNECTION_OPTIONS (options), NULL);

  self = g_object_new (DPX_TYPE_SESSION, NULL);
  self->log = g_object_ref (log);
  self->options = options ? g_object_ref (options) : dpx_connection_options_new ();
  self->client = dpx_client_new (NULL);
  g_signal_connect (self->client, "event", G_CALLBACK (on_client_event), self);
  g_signal_connect (self->client, "message", G_CALLBACK (on_client_message), self);
  g_signal_connect (self->client, "control-frame", G_CALLBACK (on_client_control_frame), self);
  g_signal_connect (self->client, "notify::state", G_CALLBACK (on_client_state), self);
  return self;
}
