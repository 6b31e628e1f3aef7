/* dpx-client.c: one outgoing WebSocket connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why one long file: the options, the handshake, the TLS check, the close
 * and the words for each failure are one state machine around one
 * SoupWebsocketConnection; each part reads and writes the same state.
 */
#define G_LOG_DOMAIN "Duplex-Client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-client.h"
#include "dpx-enums.h"
#include "dpx-close-code.h"

/* How much of a refused upgrade's body is quoted back to the user. */
#define BODY_PREVIEW_BYTES 200

struct _DpxClient
{
  GObject                  parent_instance;

  /* owned */
  char                    *url;
  SoupSession             *session;
  SoupMessage             *msg;
  SoupWebsocketConnection *conn;
  GCancellable            *connect_cancellable;
  SoupMessageHeaders      *extra_headers;
  GStrv                    protocols;
  char                    *origin;
  char                    *close_reason;
  char                    *error_message;
  char                    *extensions;
  guint                    timeout_source;

  /* options */
  guint64                  max_message_size;
  guint                    handshake_timeout;
  guint                    keepalive_interval;
  gboolean                 deflate;
  gboolean                 accept_invalid_certificates;

  /* what happened */
  DpxConnectionState       state;
  GTlsCertificateFlags     tls_errors;
  gushort                  close_code;
  gboolean                 timed_out;
  gboolean                 closed_by_us;
  gboolean                 too_big;
  gboolean                 dropped_too_big;

  /* What the handshake and close properties last notified. */
  SoupMessage             *notified_msg;
  guint                    notified_status;
  GTlsCertificateFlags     notified_tls_errors;
  gushort                  notified_close_code;
  char                    *notified_close_reason;
};

enum {
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_STATUS_CODE,
  PROP_RESPONSE_HEADERS,
  PROP_TLS_ERRORS,
  PROP_CLOSE_CODE,
  PROP_CLOSE_REASON,
  N_PROPS
};

enum {
  SIGNAL_MESSAGE,
  SIGNAL_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxClient, dpx_client, G_TYPE_OBJECT)


/* The handshake's and the close's facts change only on the way to a new
 * state: each notifies there, once, when it really changed. */
static void
notify_facts (DpxClient *self)
{
  guint status = self->msg ? soup_message_get_status (self->msg) : 0;

  if (self->msg != self->notified_msg)
    {
      self->notified_msg = self->msg;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONSE_HEADERS]);
    }
  if (status != self->notified_status)
    {
      self->notified_status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_CODE]);
    }
  if (self->tls_errors != self->notified_tls_errors)
    {
      self->notified_tls_errors = self->tls_errors;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_ERRORS]);
    }
  if (self->close_code != self->notified_close_code)
    {
      self->notified_close_code = self->close_code;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_CODE]);
    }
  if (g_strcmp0 (self->close_reason, self->notified_close_reason) != 0)
    {
      g_free (self->notified_close_reason);
      self->notified_close_reason = g_strdup (self->close_reason);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_REASON]);
    }
}

static void
set_state (DpxClient          *self,
           DpxConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_freeze_notify (G_OBJECT (self));
  notify_facts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void G_GNUC_PRINTF (3, 4)
emit_event (DpxClient    *self,
            DpxEntryKind  kind,
            const char   *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_signal_emit (self, signals[SIGNAL_EVENT], 0, kind, text);
}

/**
 * dpx_client_check_url:
 *
 * Says what is wrong with @url, in words for a person, or returns %TRUE.
 */
gboolean
dpx_client_check_url (const char  *url,
                      GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_URL,
                           _("Enter a URL such as ws://localhost:4000"));
      return FALSE;
    }

  /* "localhost:4000" parses as scheme "localhost": catch it first. */
  if (strstr (url, "://") == NULL)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_URL,
                   _("“%s” is not a URL: it needs a scheme, as in ws://%s"), url, url);
      return FALSE;
    }

  /* GUri lets a space through in a host name; no server has one. */
  for (const char *p = url; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      {
        g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_URL,
                     _("“%s” is not a valid URL: it contains a space or control character at position %d"),
                     url, (int) (p - url) + 1);
        return FALSE;
      }

  if (!(uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error)))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_URL,
                   _("“%s” is not a valid URL: %s"), url, local_error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_UNSUPPORTED_SCHEME,
                   _("The scheme “%s” is not supported: use ws:// or wss://"), scheme);
      return FALSE;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_URL,
                   _("“%s” has no host name"), url);
      return FALSE;
    }

  return TRUE;
}

static char *
describe_tls_errors (GTlsCertificateFlags flags)
{
  GString *str = g_string_new (NULL);
  static const struct { GTlsCertificateFlags flag; const char *text; } names[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_("it is signed by an unknown authority (self-signed?)") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_("it was issued for another host name") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("it is not valid yet") },
    { G_TLS_CERTIFICATE_EXPIRED, N_("it has expired") },
    { G_TLS_CERTIFICATE_REVOKED, N_("it was revoked") },
    { G_TLS_CERTIFICATE_INSECURE, N_("it uses an insecure algorithm") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_("it could not be checked") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      {
        if (str->len > 0)
          g_string_append (str, "; ");
        g_string_append (str, _(names[i].text));
      }
  if (str->len == 0)
    g_string_append (str, _("it could not be checked"));
  return g_string_free (str, FALSE);
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       DpxClient            *self)
{
  g_autofree char *why = describe_tls_errors (errors);

  self->tls_errors = errors;
  if (!self->accept_invalid_certificates)
    return FALSE;

  emit_event (self, DPX_ENTRY_KIND_ERROR,
              _("The server’s TLS certificate is not trusted: %s. Connecting anyway, as the settings allow."),
              why);
  return TRUE;
}

static char *
describe_connect_error (DpxClient    *self,
                        GError       *error,
                        const char   *body_preview,
                        guint        *code)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : self->url;
  int port = uri ? g_uri_get_port (uri) : -1;
  guint status = self->msg ? soup_message_get_status (self->msg) : 0;

  if (port < 0 && uri)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "wss") == 0 ? 443 : 80;

  if (self->timed_out)
    {
      *code = DPX_ERROR_TIMED_OUT;
      return g_strdup_printf (_("Timed out: %s:%d did not complete the handshake within %u seconds"),
                              host, port, self->handshake_timeout);
    }
  if (self->tls_errors != 0 && !self->accept_invalid_certificates)
    {
      g_autofree char *why = describe_tls_errors (self->tls_errors);

      *code = DPX_ERROR_TLS;
      return g_strdup_printf (_("The server’s TLS certificate is not trusted: %s. "
                                "Allow invalid certificates in the connection settings to connect anyway."),
                              why);
    }
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
    {
      *code = DPX_ERROR_RESOLVE;
      return g_strdup_printf (_("The host name “%s” could not be resolved"), host);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      *code = DPX_ERROR_REFUSED;
      return g_strdup_printf (_("Connection refused by %s:%d: nothing is listening on that port"),
                              host, port);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      *code = DPX_ERROR_TIMED_OUT;
      return g_strdup_printf (_("Timed out connecting to %s:%d"), host, port);
    }
  if (error->domain == G_TLS_ERROR)
    {
      *code = DPX_ERROR_TLS;
      return g_strdup_printf (_("The TLS handshake with %s failed: %s"), host, error->message);
    }
  if (status >= 100 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      const char *phrase = soup_message_get_reason_phrase (self->msg);

      *code = DPX_ERROR_HANDSHAKE;
      if (body_preview && *body_preview)
        return g_strdup_printf (_("The server refused the WebSocket upgrade: HTTP %u %s. It answered: “%s”"),
                                status, phrase ? phrase : "", body_preview);
      return g_strdup_printf (_("The server refused the WebSocket upgrade: HTTP %u %s"),
                              status, phrase ? phrase : "");
    }
  if (error->domain == SOUP_WEBSOCKET_ERROR)
    {
      *code = DPX_ERROR_HANDSHAKE;
      return g_strdup_printf (_("The WebSocket handshake with %s failed: %s"), host, error->message);
    }

  *code = DPX_ERROR_FAILED;
  return g_strdup_printf (_("Could not connect to %s:%d: %s"), host, port, error->message);
}

static void
clear_connect_state (DpxClient *self)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_object (&self->connect_cancellable);
}

static void
fail_connect (DpxClient  *self,
              GTask      *task,
              GError     *error,
              const char *body_preview)
{
  guint code;
  char *text;

  clear_connect_state (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->timed_out)
    {
      set_state (self, DPX_CONNECTION_STATE_DISCONNECTED);
      emit_event (self, DPX_ENTRY_KIND_INFO, _("Connection attempt cancelled"));
      g_task_return_error (task, g_error_copy (error));
      return;
    }

  text = describe_connect_error (self, error, body_preview, &code);
  g_free (self->error_message);
  self->error_message = text;
  set_state (self, DPX_CONNECTION_STATE_CLOSED);
  emit_event (self, DPX_ENTRY_KIND_ERROR, "%s", text);
  g_task_return_new_error (task, DPX_ERROR, code, "%s", text);
}

static char *
sanitize_preview (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *valid = g_utf8_make_valid (data, size);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p && out->len < BODY_PREVIEW_BYTES; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

typedef struct {
  GTask  *task;
  GError *error;
} RefusalData;

static void
refusal_data_free (RefusalData *data)
{
  g_clear_object (&data->task);
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RefusalData *data = user_data;
  DpxClient *self = g_task_get_source_object (data->task);
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  g_autofree char *preview = bytes ? sanitize_preview (bytes) : NULL;

  g_input_stream_close_async (G_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  fail_connect (self, data->task, data->error, preview);
  refusal_data_free (data);
}

static void
on_body_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RefusalData *data = user_data;
  DpxClient *self = g_task_get_source_object (data->task);
  g_autoptr(GInputStream) stream = soup_session_send_finish (SOUP_SESSION (source), result, NULL);

  if (stream == NULL)
    {
      fail_connect (self, data->task, data->error, NULL);
      refusal_data_free (data);
      return;
    }
  g_input_stream_read_bytes_async (stream, BODY_PREVIEW_BYTES * 2, G_PRIORITY_DEFAULT,
                                   self->connect_cancellable, on_body_read, data);
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

/* libsoup 3.2 does not read the body of a refused upgrade, and that body is
 * often the only clue (a proxy's error page, a framework's 404, a full
 * relay). Send the same upgrade request again as a plain request, so the
 * server refuses it the same way, and quote the first bytes it answers. */
static void
fetch_refusal_body (DpxClient *self,
                    GTask     *task,
                    GError    *error)
{
  g_autoptr(GUri) ws_uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) http_uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  RefusalData *data;
  gboolean secure = g_ascii_strcasecmp (g_uri_get_scheme (ws_uri), "wss") == 0;

  http_uri = soup_uri_copy (ws_uri, SOUP_URI_SCHEME, secure ? "https" : "http", SOUP_URI_NONE);
  msg = soup_message_new_from_uri (SOUP_METHOD_GET, http_uri);
  soup_message_headers_foreach (soup_message_get_request_headers (self->msg), copy_header,
                                soup_message_get_request_headers (msg));
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);

  data = g_new0 (RefusalData, 1);
  data->task = g_object_ref (task);
  data->error = g_error_copy (error);
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, self->connect_cancellable,
                           on_body_sent, data);
}

/* libsoup's own limit drops the connection without a word to the server, so
 * it is set to twice ours: a message between the two is refused here, with a
 * 1009 close frame the server can read. */
static guint
soup_payload_limit (guint64 max_message_size)
{
  return MIN (max_message_size * 2, (guint64) G_MAXINT32);
}

static void
on_conn_message (SoupWebsocketConnection *conn,
                 gint                     type,
                 GBytes                  *message,
                 DpxClient               *self)
{
  if (g_bytes_get_size (message) > self->max_message_size)
    {
      if (self->too_big)
        return;
      self->too_big = TRUE;
      self->closed_by_us = TRUE;
      emit_event (self, DPX_ENTRY_KIND_ERROR,
                  _("The server sent a message of %zu bytes, larger than the limit of %llu bytes; "
                    "closing (raise “max message size” to accept it)"),
                  g_bytes_get_size (message), (unsigned long long) self->max_message_size);
      soup_websocket_connection_close (conn, DPX_CLOSE_TOO_BIG, "Message too big");
      return;
    }
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, type, message);
}

static void
on_conn_error (SoupWebsocketConnection *conn,
               GError                  *error,
               DpxClient               *self)
{
  /* libsoup 3.2 enforces the size limit itself and drops the connection
   * without a close frame; say so in the user's terms. */
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_CLOSE_TOO_BIG))
    {
      self->too_big = TRUE;
      self->dropped_too_big = TRUE;
      emit_event (self, DPX_ENTRY_KIND_ERROR,
                  _("The server sent a message larger than the limit of %llu bytes; "
                    "the connection was dropped (raise “max message size” to accept it)"),
                  (unsigned long long) self->max_message_size);
      return;
    }
  if (error->domain == SOUP_WEBSOCKET_ERROR)
    emit_event (self, DPX_ENTRY_KIND_ERROR, _("Protocol error: %s"), error->message);
  else
    emit_event (self, DPX_ENTRY_KIND_ERROR, _("Connection error: %s"), error->message);
}

static void
on_conn_closing (SoupWebsocketConnection *conn,
                 DpxClient               *self)
{
  set_state (self, DPX_CONNECTION_STATE_CLOSING);
}

static void
on_conn_closed (SoupWebsocketConnection *conn,
                DpxClient               *self)
{
  const char *reason = soup_websocket_connection_get_close_data (conn);

  self->close_code = soup_websocket_connection_get_close_code (conn);
  g_free (self->close_reason);
  self->close_reason = g_strdup (reason);

  if (self->dropped_too_big)
    {
      self->close_code = DPX_CLOSE_TOO_BIG;
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Closed: %u (%s); the connection was dropped without a close frame"),
                  self->close_code, dpx_close_code_describe (self->close_code));
    }
  else if (self->too_big)
    {
      /* What the server answered matters less than why we closed. */
      self->close_code = DPX_CLOSE_TOO_BIG;
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Closed: %u (%s)"),
                  self->close_code, dpx_close_code_describe (self->close_code));
    }
  else if (self->close_code == 0 || self->close_code == 1006)
    {
      self->close_code = 1006;
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Connection lost without a close frame (1006)"));
    }
  else if (reason && *reason)
    emit_event (self, DPX_ENTRY_KIND_CLOSE,
                self->closed_by_us ? _("Closed: %u (%s) “%s”") : _("Closed by the server: %u (%s) “%s”"),
                self->close_code, dpx_close_code_describe (self->close_code), reason);
  else
    emit_event (self, DPX_ENTRY_KIND_CLOSE,
                self->closed_by_us ? _("Closed: %u (%s)") : _("Closed by the server: %u (%s)"),
                self->close_code, dpx_close_code_describe (self->close_code));

  set_state (self, DPX_CONNECTION_STATE_CLOSED);
}

static void
describe_headers (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  g_string_append_printf (user_data, "\n%s: %s", name, value);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DpxClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) response = NULL;
  SoupMessageHeaders *headers;
  guint status;

  self->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (self->conn == NULL)
    {
      status = soup_message_get_status (self->msg);
      if (status >= 200 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fetch_refusal_body (self, task, error);
      else
        fail_connect (self, task, error, NULL);
      return;
    }

  clear_connect_state (self);

  soup_websocket_connection_set_max_incoming_payload_size (self->conn, soup_payload_limit (self->max_message_size));
  soup_websocket_connection_set_keepalive_interval (self->conn, self->keepalive_interval);
  g_signal_connect_object (self->conn, "message", G_CALLBACK (on_conn_message), self, 0);
  g_signal_connect_object (self->conn, "error", G_CALLBACK (on_conn_error), self, 0);
  g_signal_connect_object (self->conn, "closing", G_CALLBACK (on_conn_closing), self, 0);
  g_signal_connect_object (self->conn, "closed", G_CALLBACK (on_conn_closed), self, 0);

  headers = soup_message_get_response_headers (self->msg);
  g_free (self->extensions);
  self->extensions = g_strdup (soup_message_headers_get_list (headers, "Sec-WebSocket-Extensions"));

  set_state (self, DPX_CONNECTION_STATE_OPEN);

  response = g_string_new (NULL);
  g_string_append_printf (response, _("Handshake response: HTTP %u %s"),
                          soup_message_get_status (self->msg),
                          soup_message_get_reason_phrase (self->msg));
  soup_message_headers_foreach (headers, describe_headers, response);
  emit_event (self, DPX_ENTRY_KIND_INFO, "%s", response->str);

  emit_event (self, DPX_ENTRY_KIND_OPEN, _("Connected to %s (subprotocol: %s; extensions: %s)"),
              self->url,
              dpx_client_get_protocol (self) ? dpx_client_get_protocol (self) : _("none"),
              self->extensions ? self->extensions : _("none"));

  g_task_return_boolean (task, TRUE);
}

static gboolean
on_handshake_timeout (gpointer data)
{
  DpxClient *self = data;

  self->timeout_source = 0;
  self->timed_out = TRUE;
  g_cancellable_cancel (self->connect_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static void
reset_connection (DpxClient *self)
{
  if (self->conn)
    g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_object (&self->conn);
  g_clear_object (&self->msg);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->close_reason, g_free);
  g_clear_pointer (&self->extensions, g_free);
  self->tls_errors = 0;
  self->close_code = 0;
  self->timed_out = FALSE;
  self->closed_by_us = FALSE;
  self->too_big = FALSE;
  self->dropped_too_big = FALSE;
}

void
dpx_client_connect_async (DpxClient           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) request = NULL;
  SoupMessageHeaders *headers;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_return_if_fail (DPX_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dpx_client_connect_async);

  if (self->state == DPX_CONNECTION_STATE_CONNECTING ||
      self->state == DPX_CONNECTION_STATE_OPEN ||
      self->state == DPX_CONNECTION_STATE_CLOSING)
    {
      g_task_return_new_error (task, DPX_ERROR, DPX_ERROR_FAILED,
                               _("Already connected: disconnect first"));
      return;
    }

  reset_connection (self);

  if (!dpx_client_check_url (self->url, &error))
    {
      self->error_message = g_strdup (error->message);
      emit_event (self, DPX_ENTRY_KIND_ERROR, "%s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->session == NULL)
    {
      self->session = soup_session_new ();
      soup_session_set_user_agent (self->session, "Duplex/" PACKAGE_VERSION " ");
    }
  if (self->deflate)
    soup_session_add_feature_by_type (self->session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
  else
    soup_session_remove_feature_by_type (self->session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);

  self->msg = soup_message_new (SOUP_METHOD_GET, self->url);
  headers = soup_message_get_request_headers (self->msg);
  soup_message_headers_iter_init (&iter, self->extra_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (headers, name, value);
  g_signal_connect_object (self->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);

  self->connect_cancellable = g_cancellable_new ();
  if (cancellable)
    g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                           g_object_ref (self->connect_cancellable), g_object_unref);
  if (self->handshake_timeout > 0)
    self->timeout_source = g_timeout_add_seconds (self->handshake_timeout, on_handshake_timeout, self);

  set_state (self, DPX_CONNECTION_STATE_CONNECTING);

  request = g_string_new (NULL);
  g_string_append_printf (request, _("Connecting to %s"), self->url);
  soup_message_headers_foreach (headers, describe_headers, request);
  if (self->origin)
    g_string_append_printf (request, "\nOrigin: %s", self->origin);
  if (self->protocols && self->protocols[0])
    {
      g_autofree char *joined = g_strjoinv (", ", self->protocols);

      g_string_append_printf (request, "\nSec-WebSocket-Protocol: %s", joined);
    }
  emit_event (self, DPX_ENTRY_KIND_INFO, "%s", request->str);

  soup_session_websocket_connect_async (self->session, self->msg, self->origin, self->protocols,
                                        G_PRIORITY_DEFAULT, self->connect_cancellable,
                                        on_connected, g_steal_pointer (&task));
}

gboolean
dpx_client_connect_finish (DpxClient     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
check_open (DpxClient  *self,
            GError    **error)
{
  if (self->state == DPX_CONNECTION_STATE_OPEN && self->conn &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    return TRUE;

  g_set_error_literal (error, DPX_ERROR, DPX_ERROR_NOT_OPEN,
                       _("Not connected: connect before sending"));
  return FALSE;
}

gboolean
dpx_client_send_text (DpxClient   *self,
                      const char  *text,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *end;

  g_return_val_if_fail (DPX_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);

  if (length < 0)
    length = strlen (text);

  if (!g_utf8_validate_len (text, length, &end))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEXT,
                   _("Text messages must be valid UTF-8; byte %zu is not. "
                     "Send it as binary instead."), (gsize) (end - text) + 1);
      return FALSE;
    }
  if (!check_open (self, error))
    return FALSE;

  bytes = g_bytes_new (text, length);
  soup_websocket_connection_send_message (self->conn, SOUP_WEBSOCKET_DATA_TEXT, bytes);
  return TRUE;
}

gboolean
dpx_client_send_binary (DpxClient  *self,
                        GBytes     *data,
                        GError    **error)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  soup_websocket_connection_send_message (self->conn, SOUP_WEBSOCKET_DATA_BINARY, data);
  return TRUE;
}

/**
 * dpx_client_close:
 * @code: a close code libsoup can send (see dpx_close_check())
 * @reason: (nullable): UTF-8, at most 123 bytes
 *
 * Starts the closing handshake, or cancels a connection attempt in progress.
 */
gboolean
dpx_client_close (DpxClient   *self,
                  gushort      code,
                  const char  *reason,
                  GError     **error)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), FALSE);

  if (!dpx_close_check (code, reason, error))
    return FALSE;

  if (self->state == DPX_CONNECTION_STATE_CONNECTING)
    {
      g_cancellable_cancel (self->connect_cancellable);
      return TRUE;
    }
  if (!check_open (self, error))
    return FALSE;

  self->closed_by_us = TRUE;
  soup_websocket_connection_close (self->conn, code, reason);
  return TRUE;
}

static gboolean
valid_token (const char *s)
{
  static const char separators[] = "()<>@,;:\\\"/[]?={} \t";

  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (*s <= 32 || *s >= 127 || strchr (separators, *s))
      return FALSE;
  return TRUE;
}

gboolean
dpx_client_add_header (DpxClient   *self,
                       const char  *name,
                       const char  *value,
                       GError     **error)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), FALSE);

  if (!valid_token (name))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_HEADER,
                   _("“%s” is not a valid header name"), name ? name : "");
      return FALSE;
    }
  if (value == NULL || strpbrk (value, "\r\n") != NULL)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_HEADER,
                   _("The value of header “%s” must be a single line"), name);
      return FALSE;
    }
  soup_message_headers_append (self->extra_headers, name, value);
  return TRUE;
}

/* "Name: value", as on the command line. */
gboolean
dpx_client_add_header_line (DpxClient   *self,
                            const char  *line,
                            GError     **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  if (colon == NULL)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_HEADER,
                   _("“%s” is not a header: write it as “Name: value”"), line);
      return FALSE;
    }
  name = g_strstrip (g_strndup (line, colon - line));
  value = g_strstrip (g_strdup (colon + 1));
  return dpx_client_add_header (self, name, value, error);
}

void
dpx_client_clear_headers (DpxClient *self)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  soup_message_headers_clear (self->extra_headers);
}

void
dpx_client_set_protocols (DpxClient          *self,
                          const char * const *protocols)
{
  g_return_if_fail (DPX_IS_CLIENT (self));

  g_strfreev (self->protocols);
  self->protocols = (protocols && protocols[0]) ? g_strdupv ((char **) protocols) : NULL;
}

void
dpx_client_set_origin (DpxClient  *self,
                       const char *origin)
{
  g_return_if_fail (DPX_IS_CLIENT (self));

  g_free (self->origin);
  self->origin = (origin && *origin) ? g_strdup (origin) : NULL;
}

void
dpx_client_set_deflate (DpxClient *self,
                        gboolean   deflate)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  self->deflate = !!deflate;
}

void
dpx_client_set_accept_invalid_certificates (DpxClient *self,
                                            gboolean   accept)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  self->accept_invalid_certificates = !!accept;
}

void
dpx_client_set_handshake_timeout (DpxClient *self,
                                  guint      seconds)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  self->handshake_timeout = seconds;
}

/* Never 0: libsoup 3.2.3 reads out of bounds when the limit is off. */
void
dpx_client_set_max_message_size (DpxClient *self,
                                 guint64    max_message_size)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  g_return_if_fail (max_message_size > 0);

  self->max_message_size = max_message_size;
  if (self->conn)
    soup_websocket_connection_set_max_incoming_payload_size (self->conn, soup_payload_limit (max_message_size));
}

void
dpx_client_set_keepalive_interval (DpxClient *self,
                                   guint      seconds)
{
  g_return_if_fail (DPX_IS_CLIENT (self));

  self->keepalive_interval = seconds;
  if (self->conn)
    soup_websocket_connection_set_keepalive_interval (self->conn, seconds);
}

const char *
dpx_client_get_url (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);
  return self->url;
}

void
dpx_client_set_url (DpxClient  *self,
                    const char *url)
{
  g_return_if_fail (DPX_IS_CLIENT (self));

  if (g_strcmp0 (self->url, url) == 0)
    return;
  g_free (self->url);
  self->url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

DpxConnectionState
dpx_client_get_state (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), DPX_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
dpx_client_get_protocol (DpxClient *self)
{
  const char *protocol;

  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);

  if (self->conn == NULL)
    return NULL;
  protocol = soup_websocket_connection_get_protocol (self->conn);
  return (protocol && *protocol) ? protocol : NULL;
}

const char *
dpx_client_get_extensions (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);
  return self->extensions;
}

guint
dpx_client_get_status_code (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), 0);
  return self->msg ? soup_message_get_status (self->msg) : 0;
}

/**
 * dpx_client_get_response_headers:
 *
 * Returns: (transfer none) (nullable): the handshake response's headers
 */
SoupMessageHeaders *
dpx_client_get_response_headers (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);
  return self->msg ? soup_message_get_response_headers (self->msg) : NULL;
}

GTlsCertificateFlags
dpx_client_get_tls_errors (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), 0);
  return self->tls_errors;
}

gushort
dpx_client_get_close_code (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), 0);
  return self->close_code;
}

const char *
dpx_client_get_close_reason (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);
  return self->close_reason;
}

const char *
dpx_client_get_error_message (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);
  return self->error_message;
}

static void
dpx_client_dispose (GObject *object)
{
  DpxClient *self = DPX_CLIENT (object);

  if (self->connect_cancellable)
    g_cancellable_cancel (self->connect_cancellable);
  clear_connect_state (self);
  if (self->conn)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->conn, 1001, NULL);
    }
  g_clear_object (&self->conn);
  g_clear_object (&self->msg);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dpx_client_parent_class)->dispose (object);
}

static void
dpx_client_finalize (GObject *object)
{
  DpxClient *self = DPX_CLIENT (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->extra_headers, soup_message_headers_unref);
  g_clear_pointer (&self->protocols, g_strfreev);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->close_reason, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->extensions, g_free);
  g_clear_pointer (&self->notified_close_reason, g_free);

  G_OBJECT_CLASS (dpx_client_parent_class)->finalize (object);
}

static void
dpx_client_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DpxClient *self = DPX_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATUS_CODE:
      g_value_set_uint (value, dpx_client_get_status_code (self));
      break;
    case PROP_RESPONSE_HEADERS:
      g_value_set_boxed (value, dpx_client_get_response_headers (self));
      break;
    case PROP_TLS_ERRORS:
      g_value_set_flags (value, self->tls_errors);
      break;
    case PROP_CLOSE_CODE:
      g_value_set_uint (value, self->close_code);
      break;
    case PROP_CLOSE_REASON:
      g_value_set_string (value, self->close_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_client_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DpxClient *self = DPX_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      dpx_client_set_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_client_class_init (DpxClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_client_dispose;
  object_class->finalize = dpx_client_finalize;
  object_class->get_property = dpx_client_get_property;
  object_class->set_property = dpx_client_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       DPX_TYPE_CONNECTION_STATE,
                       DPX_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The handshake's HTTP status: 101 when it was accepted. */
  properties[PROP_STATUS_CODE] =
    g_param_spec_uint ("status-code", NULL, NULL, 0, 999, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESPONSE_HEADERS] =
    g_param_spec_boxed ("response-headers", NULL, NULL, SOUP_TYPE_MESSAGE_HEADERS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The certificate's problems, also when they were accepted. */
  properties[PROP_TLS_ERRORS] =
    g_param_spec_flags ("tls-errors", NULL, NULL, G_TYPE_TLS_CERTIFICATE_FLAGS, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSE_CODE] =
    g_param_spec_uint ("close-code", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSE_REASON] =
    g_param_spec_string ("close-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpxClient::message:
   * @type: a #SoupWebsocketDataType
   * @message: the payload
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_BYTES);

  /**
   * DpxClient::event:
   * @kind: a #DpxEntryKind: open, close, error or info
   * @text: what happened, in words for a person
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
dpx_client_init (DpxClient *self)
{
  self->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  self->max_message_size = DPX_CLIENT_DEFAULT_MAX_MESSAGE_SIZE;
  self->handshake_timeout = DPX_CLIENT_DEFAULT_HANDSHAKE_TIMEOUT;
}

DpxClient *
dpx_client_new (const char *url)
{
  return g_object_new (DPX_TYPE_CLIENT, "url", url, NULL);
}
