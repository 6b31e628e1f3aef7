/* dpx-client.c: one outgoing WebSocket connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why one long file: the options, the connection, the handshake, the TLS
 * check, the close and the words for each failure are one state machine
 * around one SoupWebsocketConnection; each part reads and writes the same
 * state.
 *
 * The client owns its transport, as the relay does: it opens the TCP or TLS
 * connection with GSocketClient (the system proxy through GIO, TLS through
 * glib-networking), writes the upgrade request and reads the answer itself
 * (dpx-client-handshake.c), then hands libsoup a stream with two filters
 * under it: DpxGuardInputStream enforces the size limit over fragments and
 * after inflation, and DpxClientInputStream paces what one dispatch
 * delivers and checks the server's close frame.
 */
#define G_LOG_DOMAIN "Duplex-Client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-scheme-probe.h"
#include "dpx-secret-store.h"
#include "dpx-template.h"
#include "dpx-client.h"
#include "dpx-client-handshake-private.h"
#include "dpx-client-input-stream.h"
#include "dpx-client-output-stream.h"
#include "dpx-enums.h"
#include "dpx-frame.h"
#include "dpx-close-code.h"
#include "dpx-guard-input-stream.h"
#include "dpx-guarded-io-stream.h"

/* How much of a refused upgrade's body is quoted back to the user. */
#define BODY_PREVIEW_BYTES 200

/* How long a refused upgrade's body may take to arrive. */
#define BODY_WAIT_MS 2000

/* Pings in a row that arrive while the socket takes no more output: each
 * one's pong waits in libsoup's queue, which has no bound of its own. */
#define MAX_PINGS_UNANSWERED 4096

/* Pings of ours remembered until their pong comes back: older ones are
 * forgotten, and their pongs then show without a round trip. */
#define MAX_PINGS_OUTSTANDING 64

struct _DpxClient
{
  GObject                  parent_instance;

  /* owned */
  char                    *url;
  GUri                    *uri;
  GSocketClient           *socket_client;
  GIOStream               *connection;     /* TCP, or TLS over TCP */
  GIOStream               *stream;         /* the connection with the filters */
  SoupWebsocketConnection *conn;
  GCancellable            *connect_cancellable;
  GTask                   *connect_task;
  SoupMessageHeaders      *extra_headers;
  SoupMessageHeaders      *response_headers;
  GString                 *response_head;
  GSource                 *head_source;
  char                    *key;
  char                    *request;
  char                    *reason_phrase;
  GStrv                    protocols;
  char                    *origin;
  char                    *tls_advice;     /* how to connect anyway, in the front end's words */
  char                    *close_reason;
  char                    *error_message;
  char                    *extensions;
  guint                    timeout_source;
  guint                    body_timeout_source;
  guint                    violation_idle;
  guint                    ping_flood_idle;
  guint                    control_idle;
  GQueue                   received_controls;  /* of ReceivedControl, not yet told */
  GQueue                   pings_asked;        /* of SentPing: dpx_client_send_ping(), not written yet */
  GQueue                   pings_outstanding;  /* of SentPing: written, waiting for a pong */

  /* borrowed: the filters inside stream */
  DpxGuardInputStream     *guard;
  DpxClientInputStream    *input;
  DpxClientOutputStream   *output;

  /* options */
  guint64                  max_message_size;
  guint                    handshake_timeout;
  guint                    keepalive_interval;
  GStrv                    secret_headers;   /* marked secret, beyond the credentials */
  DpxTemplate             *header_template;  /* variables in header values */
  gboolean                 show_secrets;
  gboolean                 deflate;
  gboolean                 accept_invalid_certificates;

  /* what happened */
  DpxConnectionState       state;
  guint                    status;
  GTlsCertificateFlags     tls_errors;
  gushort                  close_code;
  gboolean                 timed_out;
  gboolean                 closed_by_us;
  gboolean                 too_big;
  gboolean                 dropped_too_big;
  gboolean                 bad_deflate;
  gboolean                 deflate_accepted;
  DpxGuardViolation        violation;
  guint                    violation_code;   /* we closed over a breach of the protocol */
  guint64                  violation_size;
  gboolean                 violation_in_fragments;
  DpxCloseFrameProblem     close_problem;
  guint                    pings_unanswered;
  gboolean                 ping_flood;
  guint64                  messages_delivered; /* by libsoup, also those refused */

  /* A failure a wrong scheme would explain, and the other scheme asked. */
  gboolean                 maybe_wrong_scheme;
  gboolean                 tls_handshaking;
  gboolean                 probing;
  GError                  *probe_error;    /* the failure, while probing */
  char                    *probe_preview;
  char                    *suggested_url;  /* the URL in the scheme the port speaks */

  /* What the handshake and close properties last notified. */
  SoupMessageHeaders      *notified_headers;
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
  SIGNAL_CONTROL_FRAME,
  SIGNAL_EVENT,
  N_SIGNALS
};

/* A server's ping or pong, held until libsoup has delivered the messages
 * that came before it: the input stream sees frames when libsoup reads
 * them, libsoup hands messages on only after the whole read. */
typedef struct {
  guint8   opcode;
  GBytes  *payload;
  guint64  after_messages;
  gint64   rtt_us;        /* a pong's, from the ping it answers, or -1 */
  gboolean keepalive;     /* a pong answering libsoup's keep-alive */
} ReceivedControl;

static void
received_control_free (ReceivedControl *control)
{
  g_bytes_unref (control->payload);
  g_free (control);
}

/* A ping of ours, asked for or of the keep-alive; matched with its pong by
 * its payload, oldest first, as RFC 6455 lets a peer answer only the last
 * of several pings. */
typedef struct {
  GBytes  *payload;
  gint64   written_us;    /* monotonic time the frame was written */
  gboolean keepalive;
} SentPing;

static void
sent_ping_free (SentPing *ping)
{
  g_bytes_unref (ping->payload);
  g_free (ping);
}

/* The oldest ping in @queue with @payload, taken out of it, or NULL. */
static SentPing *
take_ping (GQueue       *queue,
           const guint8 *payload,
           gsize         length)
{
  for (GList *l = queue->head; l; l = l->next)
    {
      SentPing *ping = l->data;
      gsize size;
      const guint8 *data = g_bytes_get_data (ping->payload, &size);

      if (size == length && (length == 0 || memcmp (data, payload, length) == 0))
        {
          g_queue_delete_link (queue, l);
          return ping;
        }
    }
  return NULL;
}

static void
push_bounded (GQueue   *queue,
              SentPing *ping)
{
  g_queue_push_tail (queue, ping);
  while (queue->length > MAX_PINGS_OUTSTANDING)
    sent_ping_free (g_queue_pop_head (queue));
}

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxClient, dpx_client, G_TYPE_OBJECT)


/* The handshake's and the close's facts change only on the way to a new
 * state: each notifies there, once, when it really changed. */
static void
notify_facts (DpxClient *self)
{
  if (self->response_headers != self->notified_headers)
    {
      self->notified_headers = self->response_headers;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONSE_HEADERS]);
    }
  if (self->status != self->notified_status)
    {
      self->notified_status = self->status;
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

  g_signal_emit (self, signals[SIGNAL_EVENT], 0, kind, text, NULL);
}

/* An event whose text masks secret values: @revealed is the same with them
 * shown, for a person who asks (NULL when nothing was masked). */
static void
emit_revealing_event (DpxClient    *self,
                      DpxEntryKind  kind,
                      GString      *text,
                      GString      *revealed)
{
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, kind, text->str,
                 g_str_equal (text->str, revealed->str) ? NULL : revealed->str);
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
on_accept_certificate (GTlsConnection       *connection,
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
  const char *host = self->uri ? g_uri_get_host (self->uri) : self->url;
  int port = self->uri ? g_uri_get_port (self->uri) : -1;

  if (port < 0 && self->uri)
    port = g_ascii_strcasecmp (g_uri_get_scheme (self->uri), "wss") == 0 ? 443 : 80;

  if (g_error_matches (error, DPX_ERROR, DPX_ERROR_WRONG_SCHEME))
    {
      *code = DPX_ERROR_WRONG_SCHEME;
      return g_strdup (error->message);
    }
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
      if (self->tls_advice)
        /* Translators: the second %s says how to connect anyway */
        return g_strdup_printf (_("The server’s TLS certificate is not trusted: %s. %s"),
                                why, self->tls_advice);
      return g_strdup_printf (_("The server’s TLS certificate is not trusted: %s."), why);
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
  if (self->status >= 100 && self->status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      const char *phrase = self->reason_phrase;

      *code = DPX_ERROR_HANDSHAKE;
      if (body_preview && *body_preview)
        return g_strdup_printf (_("The server refused the WebSocket upgrade: HTTP %u %s. It answered: “%s”"),
                                self->status, phrase ? phrase : "", body_preview);
      return g_strdup_printf (_("The server refused the WebSocket upgrade: HTTP %u %s"),
                              self->status, phrase ? phrase : "");
    }
  if (g_error_matches (error, DPX_ERROR, DPX_ERROR_HANDSHAKE))
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
  g_clear_handle_id (&self->body_timeout_source, g_source_remove);
  if (self->head_source)
    {
      g_source_destroy (self->head_source);
      g_clear_pointer (&self->head_source, g_source_unref);
    }
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->socket_client);
}

static void finish_failed_connect (DpxClient  *self,
                                   GError     *error,
                                   const char *body_preview);

/* The URL with the other scheme, the port written out (the default port of
 * one scheme is not the other's). */
static char *
other_scheme_url (DpxClient *self,
                  gboolean   secure)
{
  int port = g_uri_get_port (self->uri) > 0 ? g_uri_get_port (self->uri) : (secure ? 443 : 80);

  return g_uri_join (G_URI_FLAGS_ENCODED, secure ? "ws" : "wss", g_uri_get_userinfo (self->uri),
                     g_uri_get_host (self->uri), port, g_uri_get_path (self->uri),
                     g_uri_get_query (self->uri), NULL);
}

static void
on_scheme_probed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DpxClient) self = user_data;
  g_autoptr(GError) probe_error = NULL;
  g_autoptr(GError) error = g_steal_pointer (&self->probe_error);
  g_autofree char *preview = g_steal_pointer (&self->probe_preview);
  gboolean speaks = dpx_scheme_probe_finish (result, &probe_error);

  self->probing = FALSE;
  if (self->connect_task == NULL)
    return;
  if (g_error_matches (probe_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->timed_out)
    {
      /* Cancelled by the user while asking: a cancelled attempt. */
      finish_failed_connect (self, probe_error, NULL);
      return;
    }
  if (speaks)
    {
      gboolean secure = g_ascii_strcasecmp (g_uri_get_scheme (self->uri), "wss") == 0;
      const char *host = g_uri_get_host (self->uri);
      int port = g_uri_get_port (self->uri) > 0 ? g_uri_get_port (self->uri) : (secure ? 443 : 80);

      g_clear_error (&error);
      self->timed_out = FALSE;
      self->suggested_url = other_scheme_url (self, secure);
      if (secure)
        error = g_error_new (DPX_ERROR, DPX_ERROR_WRONG_SCHEME,
                             _("%s:%d does not speak TLS but plain HTTP: connect with ws:// instead "
                               "(%s)"), host, port, self->suggested_url);
      else
        error = g_error_new (DPX_ERROR, DPX_ERROR_WRONG_SCHEME,
                             _("%s:%d speaks TLS: connect with wss:// instead (%s)"),
                             host, port, self->suggested_url);
    }
  finish_failed_connect (self, error, preview);
}

/* Ends a connection attempt that failed: the socket, if any, goes. When a
 * wrong scheme could explain the failure, the port is first asked in the
 * other one (dpx-scheme-probe.c). */
static void
fail_connect (DpxClient  *self,
              GError     *error,
              const char *body_preview)
{
  if (self->maybe_wrong_scheme && !self->probing && self->uri != NULL &&
      !(g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->timed_out))
    {
      gboolean secure = g_ascii_strcasecmp (g_uri_get_scheme (self->uri), "wss") == 0;
      int port = g_uri_get_port (self->uri) > 0 ? g_uri_get_port (self->uri) : (secure ? 443 : 80);

      self->maybe_wrong_scheme = FALSE;
      self->probing = TRUE;
      self->probe_error = g_error_copy (error);
      self->probe_preview = g_strdup (body_preview);
      if (self->head_source)
        {
          g_source_destroy (self->head_source);
          g_clear_pointer (&self->head_source, g_source_unref);
        }
      if (self->connection)
        g_io_stream_close_async (self->connection, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_object (&self->connection);
      /* A handshake timeout that cancelled the attempt must not cancel the
       * probe: it gets a cancellable of its own, chained to the user's. */
      if (g_cancellable_is_cancelled (self->connect_cancellable))
        {
          g_clear_object (&self->connect_cancellable);
          self->connect_cancellable = g_cancellable_new ();
        }
      /* A port that speaks it answers at once; the handshake timeout, up to
       * 10 s, is for a loaded machine. */
      dpx_scheme_probe_async (g_uri_get_host (self->uri), port, !secure,
                              self->handshake_timeout > 0 ? MIN (self->handshake_timeout, 10) : 10,
                              self->connect_cancellable, on_scheme_probed, g_object_ref (self));
      return;
    }
  finish_failed_connect (self, error, body_preview);
}

static void
finish_failed_connect (DpxClient  *self,
                       GError     *error,
                       const char *body_preview)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);
  guint code;
  char *text;

  clear_connect_state (self);
  if (self->connection)
    g_io_stream_close_async (self->connection, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->connection);

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
  /* The cause first: what follows the state change (a reconnect planned,
   * a toast) is logged after it. */
  emit_event (self, DPX_ENTRY_KIND_ERROR, "%s", text);
  set_state (self, DPX_CONNECTION_STATE_CLOSED);
  g_task_return_new_error (task, DPX_ERROR, code, "%s", text);
}

static void G_GNUC_PRINTF (2, 3)
fail_handshake (DpxClient  *self,
                const char *format,
                ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  error = g_error_new_literal (DPX_ERROR, DPX_ERROR_HANDSHAKE, text);
  fail_connect (self, error, NULL);
}

static char *
sanitize_preview (const char *data,
                  gsize       size)
{
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

/* libsoup's own limit would drop the connection without a word to the
 * server; the guard enforces ours over whole messages first, so libsoup's
 * check (per frame) stays finite and never triggers. Never 0: libsoup
 * 3.2.3 reads out of bounds when the limit is off. */
static guint64
soup_payload_limit (guint64 max_message_size)
{
  return MAX (max_message_size, 1);
}

/* Tells the server's pings and pongs held until now: with @all, every one
 * (libsoup is done with the read); otherwise those that came before the
 * first @messages messages, and with @up_to_ping no further than the first
 * ping, whose pong is being sent. */
static void
tell_received_controls (DpxClient *self,
                        gboolean   all,
                        guint64    messages,
                        gboolean   up_to_ping)
{
  ReceivedControl *control;

  while ((control = g_queue_peek_head (&self->received_controls)) != NULL &&
         (all || control->after_messages <= messages))
    {
      guint8 opcode = control->opcode;

      g_queue_pop_head (&self->received_controls);
      g_signal_emit (self, signals[SIGNAL_CONTROL_FRAME], 0,
                     DPX_DIRECTION_RECEIVED, (guint) opcode, control->payload,
                     control->rtt_us, control->keepalive);
      received_control_free (control);
      if (up_to_ping && opcode == DPX_FRAME_OPCODE_PING)
        break;
    }
}

static gboolean
control_idle_cb (gpointer data)
{
  DpxClient *self = data;

  self->control_idle = 0;
  tell_received_controls (self, TRUE, 0, FALSE);
  return G_SOURCE_REMOVE;
}

/* Runs inside libsoup's read, as each server ping or pong passes. */
static void
on_received_control (guint8        opcode,
                     const guint8 *payload,
                     gsize         length,
                     gpointer      user_data)
{
  DpxClient *self = user_data;
  ReceivedControl *control = g_new0 (ReceivedControl, 1);

  control->opcode = opcode;
  control->payload = g_bytes_new (payload, length);
  control->after_messages = dpx_client_input_stream_get_messages_passed (self->input);
  control->rtt_us = -1;
  if (opcode == DPX_FRAME_OPCODE_PONG)
    {
      /* Timed here, as it is read, not when it is told. */
      SentPing *ping = take_ping (&self->pings_outstanding, payload, length);

      if (ping)
        {
          control->rtt_us = MAX (g_get_monotonic_time () - ping->written_us, 0);
          control->keepalive = ping->keepalive;
          sent_ping_free (ping);
        }
    }
  g_queue_push_tail (&self->received_controls, control);
  /* High priority: before the next read's dispatch, after this one's. */
  if (self->control_idle == 0)
    self->control_idle = g_idle_add_full (G_PRIORITY_HIGH, control_idle_cb, self, NULL);
}

/* Runs as libsoup writes a ping or a pong: its keep-alive, or the answer
 * to the server's ping that libsoup is handling now. */
static void
on_sent_control (guint8        opcode,
                 const guint8 *payload,
                 gsize         length,
                 gpointer      user_data)
{
  DpxClient *self = user_data;
  g_autoptr(GBytes) bytes = g_bytes_new (payload, length);
  gboolean keepalive = FALSE;

  if (opcode == DPX_FRAME_OPCODE_PING)
    {
      /* A ping not asked for through dpx_client_send_ping() is libsoup's
       * keep-alive. */
      SentPing *ping = take_ping (&self->pings_asked, payload, length);

      if (ping == NULL)
        {
          ping = g_new0 (SentPing, 1);
          ping->payload = g_bytes_ref (bytes);
          ping->keepalive = TRUE;
        }
      ping->written_us = g_get_monotonic_time ();
      keepalive = ping->keepalive;
      push_bounded (&self->pings_outstanding, ping);
    }

  tell_received_controls (self, FALSE, self->messages_delivered, opcode == DPX_FRAME_OPCODE_PONG);
  g_signal_emit (self, signals[SIGNAL_CONTROL_FRAME], 0, DPX_DIRECTION_SENT, (guint) opcode, bytes,
                 (gint64) -1, keepalive);
}

static void
on_conn_message (SoupWebsocketConnection *conn,
                 gint                     type,
                 GBytes                  *message,
                 DpxClient               *self)
{
  /* What came before this message goes first. */
  tell_received_controls (self, FALSE, self->messages_delivered, FALSE);
  self->messages_delivered++;
  if (self->too_big || self->bad_deflate)
    return;
  if (g_bytes_get_size (message) > self->max_message_size)
    {
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

static gboolean
conn_is_open (DpxClient *self)
{
  return self->conn &&
         soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

static gboolean
violation_idle_cb (gpointer data)
{
  DpxClient *self = data;
  unsigned long long limit = self->max_message_size;
  unsigned long long size = self->violation_size;

  self->violation_idle = 0;
  self->closed_by_us = TRUE;
  /* The server's frames, held since the violation, are served again from
   * the next turn on, after the close frame below is on its way. */
  if (self->input)
    dpx_client_input_stream_set_paused (self->input, FALSE);

  if (self->guard && dpx_guard_input_stream_get_violation_code (self->guard) != 0)
    {
      self->violation_code = dpx_guard_input_stream_get_violation_code (self->guard);
      emit_event (self, DPX_ENTRY_KIND_ERROR, _("The server broke the protocol: %s. Closing with %u (%s)"),
                  dpx_guard_input_stream_get_problem (self->guard), self->violation_code,
                  dpx_close_code_describe (self->violation_code));
      if (conn_is_open (self))
        soup_websocket_connection_close (self->conn, self->violation_code,
                                         dpx_guard_input_stream_get_wire_problem (self->guard));
      /* Nothing the server sends now can be trusted as a reply: end here. */
      dpx_guard_input_stream_end (self->guard);
      return G_SOURCE_REMOVE;
    }

  if (self->violation == DPX_GUARD_VIOLATION_BAD_DEFLATE)
    {
      self->bad_deflate = TRUE;
      emit_event (self, DPX_ENTRY_KIND_ERROR,
                  _("The server sent compressed data that does not inflate; closing with 1007"));
      if (conn_is_open (self))
        soup_websocket_connection_close (self->conn, DPX_CLOSE_INVALID_DATA,
                                         "Invalid compressed data");
      return G_SOURCE_REMOVE;
    }

  self->too_big = TRUE;
  if (self->violation_in_fragments)
    emit_event (self, DPX_ENTRY_KIND_ERROR,
                _("The server sent a message larger than the limit of %llu bytes "
                  "(%llu bytes so far, in fragments); closing with 1009 "
                  "(raise “max message size” to accept it)"),
                limit, size);
  else if (self->deflate_accepted)
    emit_event (self, DPX_ENTRY_KIND_ERROR,
                _("The server sent a message larger than the limit of %llu bytes "
                  "(%llu bytes so far, once inflated); closing with 1009 "
                  "(raise “max message size” to accept it)"),
                limit, size);
  else
    emit_event (self, DPX_ENTRY_KIND_ERROR,
                _("The server sent a message of %zu bytes, larger than the limit of %llu bytes; "
                  "closing (raise “max message size” to accept it)"),
                (gsize) size, limit);
  if (conn_is_open (self))
    soup_websocket_connection_close (self->conn, DPX_CLOSE_TOO_BIG, "Message too big");
  return G_SOURCE_REMOVE;
}

/* Runs inside libsoup's read: closing from here would re-enter it, so the
 * close waits for an idle. The guard drops the offending data meanwhile. */
static void
on_guard_violation (DpxGuardViolation violation,
                    guint64           size,
                    gpointer          user_data)
{
  DpxClient *self = user_data;

  self->violation = violation;
  self->violation_size = size;
  self->violation_in_fragments = self->input && dpx_client_input_stream_in_fragments (self->input);
  /* Hold what follows (the server's own close above all) until ours is
   * sent: the server must hear 1009, not an echo of its close. After a
   * breach the guard passes nothing more on, and what came before it is
   * delivered. */
  if (self->input && dpx_guard_input_stream_get_violation_code (self->guard) == 0)
    dpx_client_input_stream_set_paused (self->input, TRUE);
  if (self->violation_idle == 0)
    self->violation_idle = g_idle_add_full (G_PRIORITY_DEFAULT, violation_idle_cb, self, NULL);
}

static gboolean
ping_flood_idle_cb (gpointer data)
{
  DpxClient *self = data;
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->connection));

  self->ping_flood_idle = 0;
  emit_event (self, DPX_ENTRY_KIND_ERROR,
              _("The server sends pings but does not read the answers (%u waiting); "
                "dropping the connection"), MAX_PINGS_UNANSWERED);
  /* A close frame would wait behind the pongs: shut the socket down, so
   * that libsoup's next read sees the end and it drops its queue. */
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

/* Runs inside libsoup's read, for each ping it is about to answer. */
static void
on_ping (gpointer user_data)
{
  DpxClient *self = user_data;
  GOutputStream *output = g_io_stream_get_output_stream (self->connection);

  if (self->ping_flood)
    return;
  if (!G_IS_POLLABLE_OUTPUT_STREAM (output) ||
      g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (output)))
    {
      self->pings_unanswered = 0;
      return;
    }
  if (++self->pings_unanswered < MAX_PINGS_UNANSWERED)
    return;
  self->ping_flood = TRUE;
  self->ping_flood_idle = g_idle_add_full (G_PRIORITY_DEFAULT, ping_flood_idle_cb, self, NULL);
}

static char *
describe_close_problem (DpxCloseFrameProblem problem,
                        guint                code)
{
  switch (problem)
    {
    case DPX_CLOSE_FRAME_TRUNCATED:
      return g_strdup (_("its payload is 1 byte long, half a close code"));
    case DPX_CLOSE_FRAME_RESERVED_CODE:
      return g_strdup_printf (_("close code %u is not allowed on the wire"), code);
    case DPX_CLOSE_FRAME_INVALID_CODE:
      return g_strdup_printf (_("close code %u is not a valid close code"), code);
    case DPX_CLOSE_FRAME_INVALID_UTF8:
      return g_strdup (_("its reason is not valid UTF-8"));
    case DPX_CLOSE_FRAME_TOO_LONG:
      return g_strdup (_("it is longer than the 125 bytes a control frame may carry"));
    case DPX_CLOSE_FRAME_VALID:
    default:
      g_assert_not_reached ();
    }
}

/* Runs inside libsoup's read, before libsoup sees the frame. */
static void
on_close_frame (DpxCloseFrameProblem problem,
                guint                code,
                gpointer             user_data)
{
  DpxClient *self = user_data;
  g_autofree char *why = NULL;

  if (problem == DPX_CLOSE_FRAME_VALID || self->close_problem != DPX_CLOSE_FRAME_VALID)
    return;
  self->close_problem = problem;
  why = describe_close_problem (problem, code);
  emit_event (self, DPX_ENTRY_KIND_ERROR, _("The server’s close frame is invalid: %s"), why);
}

static void
on_conn_error (SoupWebsocketConnection *conn,
               GError                  *error,
               DpxClient               *self)
{
  /* The close frame's own problem, a breach, or the ping flood, was told
   * already. */
  if (self->close_problem != DPX_CLOSE_FRAME_VALID || self->ping_flood || self->violation_code != 0)
    return;
  /* libsoup's own limit: only a message the guard let through could reach
   * it, which would be a bug; say so in the user's terms all the same. */
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

  g_clear_handle_id (&self->violation_idle, g_source_remove);
  g_clear_handle_id (&self->ping_flood_idle, g_source_remove);
  g_clear_handle_id (&self->control_idle, g_source_remove);
  tell_received_controls (self, TRUE, 0, FALSE);
  self->close_code = soup_websocket_connection_get_close_code (conn);
  g_free (self->close_reason);
  /* A reason that is not UTF-8 must not reach a label or a log line. */
  self->close_reason = reason ? g_utf8_make_valid (reason, -1) : NULL;

  /* libsoup was shown 1000 for these: see the guard. */
  if (self->guard && !self->closed_by_us &&
      dpx_guard_input_stream_get_peer_close_code (self->guard) >= 1012 &&
      dpx_guard_input_stream_get_peer_close_code (self->guard) <= 1014)
    self->close_code = dpx_guard_input_stream_get_peer_close_code (self->guard);

  if (self->violation_code != 0)
    {
      self->close_code = self->violation_code;
      g_clear_pointer (&self->close_reason, g_free);
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Closed by this client: %u (%s)"),
                  self->close_code, dpx_close_code_describe (self->close_code));
    }
  else if (self->dropped_too_big)
    {
      self->close_code = DPX_CLOSE_TOO_BIG;
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Closed: %u (%s); the connection was dropped without a close frame"),
                  self->close_code, dpx_close_code_describe (self->close_code));
    }
  else if (self->too_big || self->bad_deflate)
    {
      /* What the server answered matters less than why we closed. */
      self->close_code = self->too_big ? DPX_CLOSE_TOO_BIG : DPX_CLOSE_INVALID_DATA;
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Closed: %u (%s)"),
                  self->close_code, dpx_close_code_describe (self->close_code));
    }
  else if (self->close_problem != DPX_CLOSE_FRAME_VALID)
    {
      /* The server's close was itself a protocol error: not a clean end. */
      self->close_code = SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR;
      g_clear_pointer (&self->close_reason, g_free);
      emit_event (self, DPX_ENTRY_KIND_CLOSE,
                  _("Closed by this client: %u (%s); the server’s close frame was invalid"),
                  self->close_code, dpx_close_code_describe (self->close_code));
    }
  else if (self->close_code == 0 || self->close_code == 1006)
    {
      self->close_code = 1006;
      emit_event (self, DPX_ENTRY_KIND_CLOSE, _("Connection lost without a close frame (1006)"));
    }
  else if (self->close_reason && *self->close_reason)
    emit_event (self, DPX_ENTRY_KIND_CLOSE,
                self->closed_by_us ? _("Closed: %u (%s) “%s”") : _("Closed by the server: %u (%s) “%s”"),
                self->close_code, dpx_close_code_describe (self->close_code), self->close_reason);
  else
    emit_event (self, DPX_ENTRY_KIND_CLOSE,
                self->closed_by_us ? _("Closed: %u (%s)") : _("Closed by the server: %u (%s)"),
                self->close_code, dpx_close_code_describe (self->close_code));

  set_state (self, DPX_CONNECTION_STATE_CLOSED);
}

/* Secret values stay out of the log unless a person asked for them: the
 * credentials and cookies, either way, and the headers marked secret. */
static gboolean
is_secret_header (DpxClient  *self,
                  const char *name)
{
  if (self->show_secrets)
    return FALSE;
  if (dpx_secret_store_is_secret_header (name) || g_ascii_strcasecmp (name, "Set-Cookie") == 0)
    return TRUE;
  for (guint i = 0; self->secret_headers && self->secret_headers[i]; i++)
    if (g_ascii_strcasecmp (name, self->secret_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
append_header_line (DpxClient  *self,
                    GString    *text,
                    GString    *revealed,
                    const char *line)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = colon ? g_strndup (line, colon - line) : NULL;

  if (name && is_secret_header (self, g_strstrip (name)))
    g_string_append_printf (text, "\n%s: %s", name, DPX_SECRET_MASK);
  else
    g_string_append_printf (text, "\n%s", line);
  g_string_append_printf (revealed, "\n%s", line);
}

typedef struct {
  DpxClient *self;
  GString   *text;
  GString   *revealed;
} DescribeHeaders;

static SoupMessageHeaders *expand_headers (DpxClient  *self,
                                           GError    **error);

static void
describe_headers (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  DescribeHeaders *describe = user_data;

  g_string_append_printf (describe->text, "\n%s: %s", name,
                          is_secret_header (describe->self, name) ? DPX_SECRET_MASK : value);
  g_string_append_printf (describe->revealed, "\n%s: %s", name, value);
}

static gboolean
extensions_include_deflate (GList *extensions)
{
  for (GList *l = extensions; l; l = l->next)
    if (SOUP_IS_WEBSOCKET_EXTENSION_DEFLATE (l->data))
      return TRUE;
  return FALSE;
}

/* The upgrade succeeded: libsoup takes the connection over, with the guard
 * and the pacing stream under it. */
static void
open_connection (DpxClient *self,
                 char      *protocol,
                 GList     *extensions)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);
  g_autoptr(GInputStream) guard = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autoptr(GString) response = NULL;
  g_autoptr(GString) revealed = NULL;

  clear_connect_state (self);

  self->deflate_accepted = extensions_include_deflate (extensions);
  guard = dpx_guard_input_stream_new (g_io_stream_get_input_stream (self->connection),
                                      self->max_message_size, self->deflate_accepted);
  input = dpx_client_input_stream_new (guard, DPX_CLIENT_INPUT_DISPATCH_BYTES,
                                       DPX_CLIENT_INPUT_DISPATCH_FRAMES);
  self->guard = DPX_GUARD_INPUT_STREAM (guard);
  self->input = DPX_CLIENT_INPUT_STREAM (input);
  dpx_guard_input_stream_set_violation_func (self->guard, on_guard_violation, self);
  dpx_client_input_stream_set_close_func (self->input, on_close_frame, self);
  dpx_client_input_stream_set_ping_func (self->input, on_ping, self);
  dpx_client_input_stream_set_control_func (self->input, on_received_control, self);
  output = dpx_client_output_stream_new (g_io_stream_get_output_stream (self->connection));
  self->output = DPX_CLIENT_OUTPUT_STREAM (output);
  dpx_client_output_stream_set_control_func (self->output, on_sent_control, self);
  self->stream = dpx_guarded_io_stream_new (self->connection, input, output);

  self->conn = soup_websocket_connection_new (self->stream, self->uri,
                                              SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                              self->origin, protocol, extensions);
  g_free (protocol);
  soup_websocket_connection_set_max_incoming_payload_size (self->conn, soup_payload_limit (self->max_message_size));
  soup_websocket_connection_set_keepalive_interval (self->conn, self->keepalive_interval);
  g_signal_connect_object (self->conn, "message", G_CALLBACK (on_conn_message), self, 0);
  g_signal_connect_object (self->conn, "error", G_CALLBACK (on_conn_error), self, 0);
  g_signal_connect_object (self->conn, "closing", G_CALLBACK (on_conn_closing), self, 0);
  g_signal_connect_object (self->conn, "closed", G_CALLBACK (on_conn_closed), self, 0);

  g_free (self->extensions);
  self->extensions = g_strdup (soup_message_headers_get_list (self->response_headers,
                                                              "Sec-WebSocket-Extensions"));

  set_state (self, DPX_CONNECTION_STATE_OPEN);

  response = g_string_new (NULL);
  g_string_append_printf (response, _("Handshake response: HTTP %u %s"),
                          self->status, self->reason_phrase ? self->reason_phrase : "");
  revealed = g_string_new (response->str);
  soup_message_headers_foreach (self->response_headers, describe_headers,
                                &(DescribeHeaders) { self, response, revealed });
  emit_revealing_event (self, DPX_ENTRY_KIND_INFO, response, revealed);

  emit_event (self, DPX_ENTRY_KIND_OPEN, _("Connected to %s (subprotocol: %s; extensions: %s)"),
              self->url,
              dpx_client_get_protocol (self) ? dpx_client_get_protocol (self) : _("none"),
              self->extensions ? self->extensions : _("none"));

  g_task_return_boolean (task, TRUE);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DpxClient) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *preview = NULL;
  gsize size = 0;
  const char *data;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  if (self->connect_task == NULL)
    return;
  /* A chunked body starts with the chunk's size on a line of its own. */
  if (data && soup_message_headers_get_encoding (self->response_headers) == SOUP_ENCODING_CHUNKED)
    {
      const char *eol = memchr (data, '\n', size);

      if (eol)
        {
          size -= eol + 1 - data;
          data = eol + 1;
        }
    }
  preview = data ? sanitize_preview (data, size) : NULL;
  error = g_error_new_literal (DPX_ERROR, DPX_ERROR_HANDSHAKE, "refused");
  fail_connect (self, error, preview);
}

static gboolean
on_body_timeout (gpointer data)
{
  DpxClient *self = data;

  self->body_timeout_source = 0;
  g_cancellable_cancel (self->connect_cancellable);
  return G_SOURCE_REMOVE;
}

/* A refused upgrade's body is often the only clue (a proxy's error page, a
 * framework's 404, a full relay): quote its first bytes. */
static void
read_refusal_body (DpxClient *self)
{
  g_autoptr(GError) error = NULL;

  if (soup_message_headers_get_encoding (self->response_headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (self->response_headers) == 0)
    {
      error = g_error_new_literal (DPX_ERROR, DPX_ERROR_HANDSHAKE, "refused");
      fail_connect (self, error, NULL);
      return;
    }

  /* The handshake is over; the body gets a short wait of its own. */
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  self->body_timeout_source = g_timeout_add (BODY_WAIT_MS, on_body_timeout, self);
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (self->connection),
                                   BODY_PREVIEW_BYTES * 2, G_PRIORITY_DEFAULT,
                                   self->connect_cancellable, on_body_read, g_object_ref (self));
}

static void
handle_response_head (DpxClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) response = NULL;
  GList *extensions = NULL;
  char *protocol = NULL;
  GString *head = self->response_head;
  SoupHTTPVersion version;

  self->response_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (!soup_headers_parse_response (head->str, head->len, self->response_headers,
                                    &version, &self->status, &self->reason_phrase))
    {
      g_autofree char *preview = sanitize_preview (head->str, head->len);

      self->status = 0;
      g_clear_pointer (&self->response_headers, soup_message_headers_unref);
      fail_handshake (self, _("the server did not answer in HTTP: “%s”"), preview);
      return;
    }

  if (self->status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_autoptr(GString) revealed = NULL;

      response = g_string_new (NULL);
      g_string_append_printf (response, _("Handshake response: HTTP %u %s"),
                              self->status, self->reason_phrase ? self->reason_phrase : "");
      revealed = g_string_new (response->str);
      soup_message_headers_foreach (self->response_headers, describe_headers,
                                    &(DescribeHeaders) { self, response, revealed });
      emit_revealing_event (self, DPX_ENTRY_KIND_INFO, response, revealed);
      read_refusal_body (self);
      return;
    }

  if (!dpx_handshake_check_response (self->response_headers, self->key,
                                     (const char * const *) self->protocols, self->deflate,
                                     &protocol, &extensions, &error))
    {
      fail_connect (self, error, NULL);
      return;
    }
  open_connection (self, protocol, extensions);
}

static gboolean read_response_head (GObject *stream,
                                    gpointer user_data);

/* Reads the answer's head a byte at a time, so that not one byte of the
 * frames after it is taken from the stream libsoup will read. */
static gboolean
read_response_head (GObject  *stream,
                    gpointer  user_data)
{
  DpxClient *self = user_data;
  GPollableInputStream *input = G_POLLABLE_INPUT_STREAM (stream);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char c;
      gssize n = g_pollable_input_stream_read_nonblocking (input, &c, 1,
                                                           self->connect_cancellable, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->head_source == NULL)
            {
              self->head_source = g_pollable_input_stream_create_source (input,
                                                                         self->connect_cancellable);
              g_source_set_callback (self->head_source, G_SOURCE_FUNC (read_response_head),
                                     self, NULL);
              g_source_attach (self->head_source, g_main_context_get_thread_default ());
            }
          return G_SOURCE_CONTINUE;
        }

      if (self->head_source)
        {
          g_source_destroy (self->head_source);
          g_clear_pointer (&self->head_source, g_source_unref);
        }

      if (n < 0)
        {
          /* A TLS server hangs up on a plain request, or resets. */
          self->maybe_wrong_scheme = self->response_head->len == 0 &&
                                     (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                                      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE));
          fail_connect (self, error, NULL);
          return G_SOURCE_REMOVE;
        }
      if (n == 0)
        {
          self->maybe_wrong_scheme = self->response_head->len == 0;
          if (self->response_head->len == 0)
            fail_handshake (self, _("the server closed the connection without answering"));
          else
            fail_handshake (self,
                            _("the server closed the connection in the middle of its answer"));
          return G_SOURCE_REMOVE;
        }

      /* A TLS record (an alert, a handshake) where HTTP was expected. */
      if (self->response_head->len == 0 && (c == 0x15 || c == 0x16))
        {
          self->maybe_wrong_scheme = TRUE;
          fail_handshake (self, _("the server answered with TLS, not HTTP"));
          return G_SOURCE_REMOVE;
        }
      g_string_append_c (self->response_head, c);
      if (g_str_has_suffix (self->response_head->str, "\r\n\r\n") ||
          g_str_has_suffix (self->response_head->str, "\n\n"))
        {
          handle_response_head (self);
          return G_SOURCE_REMOVE;
        }
      if (self->response_head->len >= DPX_HANDSHAKE_MAX_HEAD)
        {
          fail_handshake (self,
                          _("the server’s answer is longer than %u KiB without ending its headers"),
                          (guint) (DPX_HANDSHAKE_MAX_HEAD / 1024));
          return G_SOURCE_REMOVE;
        }
    }
}

static void
on_request_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DpxClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(GString) revealed = NULL;
  g_auto(GStrv) lines = NULL;

  if (self->connect_task == NULL)
    return;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      self->maybe_wrong_scheme = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
      fail_connect (self, error, NULL);
      return;
    }

  /* Exactly what went on the wire, one header a line. */
  lines = g_strsplit (self->request, "\r\n", -1);
  text = g_string_new (NULL);
  g_string_append_printf (text, _("Handshake request: %s"), lines[0]);
  revealed = g_string_new (text->str);
  for (guint i = 1; lines[i] && *lines[i]; i++)
    append_header_line (self, text, revealed, lines[i]);
  emit_revealing_event (self, DPX_ENTRY_KIND_INFO, text, revealed);

  self->response_head = g_string_new (NULL);
  read_response_head (G_OBJECT (g_io_stream_get_input_stream (self->connection)), self);
}

static void
on_socket_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DpxClient) self = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  if (self->connect_task == NULL)
    return;
  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      /* The TLS handshake failed, not for the certificate: a plain server
       * answers a ClientHello with an HTTP error, hangs up, or waits. */
      self->maybe_wrong_scheme = g_ascii_strcasecmp (g_uri_get_scheme (self->uri), "wss") == 0 &&
                                 self->tls_errors == 0 &&
                                 (error->domain == G_TLS_ERROR ||
                                  g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                                  g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
                                  (self->timed_out && self->tls_handshaking));
      fail_connect (self, error, NULL);
      return;
    }

  self->connection = G_IO_STREAM (connection);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->connection),
                                   self->request, strlen (self->request), G_PRIORITY_DEFAULT,
                                   self->connect_cancellable, on_request_written,
                                   g_object_ref (self));
}

/* The certificate is checked when GSocketClient starts the TLS handshake. */
static void
on_socket_client_event (GSocketClient      *client,
                        GSocketClientEvent  event,
                        GSocketConnectable *connectable,
                        GIOStream          *connection,
                        DpxClient          *self)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CONNECTION (connection))
    {
      self->tls_handshaking = TRUE;
      g_signal_connect_object (connection, "accept-certificate",
                               G_CALLBACK (on_accept_certificate), self, 0);
    }
  else if (event == G_SOCKET_CLIENT_TLS_HANDSHAKED)
    self->tls_handshaking = FALSE;
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
  if (self->guard)
    dpx_guard_input_stream_set_violation_func (self->guard, NULL, NULL);
  if (self->input)
    {
      dpx_client_input_stream_set_close_func (self->input, NULL, NULL);
      dpx_client_input_stream_set_ping_func (self->input, NULL, NULL);
      dpx_client_input_stream_set_control_func (self->input, NULL, NULL);
    }
  if (self->output)
    dpx_client_output_stream_set_control_func (self->output, NULL, NULL);
  self->guard = NULL;
  self->input = NULL;
  self->output = NULL;
  g_clear_handle_id (&self->control_idle, g_source_remove);
  g_queue_clear_full (&self->received_controls, (GDestroyNotify) received_control_free);
  g_queue_clear_full (&self->pings_asked, (GDestroyNotify) sent_ping_free);
  g_queue_clear_full (&self->pings_outstanding, (GDestroyNotify) sent_ping_free);
  self->messages_delivered = 0;
  g_clear_handle_id (&self->violation_idle, g_source_remove);
  g_clear_handle_id (&self->ping_flood_idle, g_source_remove);
  g_clear_object (&self->conn);
  g_clear_object (&self->stream);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->response_headers, soup_message_headers_unref);
  if (self->response_head)
    g_string_free (g_steal_pointer (&self->response_head), TRUE);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->request, g_free);
  g_clear_pointer (&self->reason_phrase, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->close_reason, g_free);
  g_clear_pointer (&self->extensions, g_free);
  self->status = 0;
  self->tls_errors = 0;
  self->close_code = 0;
  self->timed_out = FALSE;
  self->closed_by_us = FALSE;
  self->too_big = FALSE;
  self->dropped_too_big = FALSE;
  self->violation_code = 0;
  self->bad_deflate = FALSE;
  self->deflate_accepted = FALSE;
  self->violation_size = 0;
  self->violation_in_fragments = FALSE;
  self->close_problem = DPX_CLOSE_FRAME_VALID;
  self->pings_unanswered = 0;
  self->ping_flood = FALSE;
  self->maybe_wrong_scheme = FALSE;
  self->tls_handshaking = FALSE;
  g_clear_pointer (&self->suggested_url, g_free);
}

void
dpx_client_connect_async (DpxClient           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *address = NULL;
  gboolean secure;
  int port;

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

  /* Variables in header values, expanded now without counting a send. */
  if (self->header_template)
    {
      headers = expand_headers (self, &error);
      if (headers == NULL)
        {
          self->error_message = g_strdup (error->message);
          emit_event (self, DPX_ENTRY_KIND_ERROR, "%s", error->message);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  /* Percent-escapes stay as the user wrote them, as a browser sends them. */
  self->uri = g_uri_parse (self->url, SOUP_HTTP_URI_FLAGS, NULL);
  secure = g_ascii_strcasecmp (g_uri_get_scheme (self->uri), "wss") == 0;
  port = g_uri_get_port (self->uri) > 0 ? g_uri_get_port (self->uri) : (secure ? 443 : 80);
  self->key = dpx_handshake_new_key ();
  self->request = dpx_handshake_build_request (self->uri, self->key, self->origin,
                                               (const char * const *) self->protocols,
                                               self->deflate, headers ? headers : self->extra_headers,
                                               "Duplex/" PACKAGE_VERSION);

  /* An http(s) address, so the system proxy settings for the web apply. */
  address = g_uri_join (G_URI_FLAGS_NONE, secure ? "https" : "http", NULL,
                        g_uri_get_host (self->uri), port, "", NULL, NULL);
  connectable = g_network_address_parse_uri (address, port, &error);
  if (connectable == NULL)
    {
      self->error_message = g_strdup (error->message);
      emit_event (self, DPX_ENTRY_KIND_ERROR, "%s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->socket_client = g_socket_client_new ();
  g_socket_client_set_tls (self->socket_client, secure);
  g_signal_connect_object (self->socket_client, "event",
                           G_CALLBACK (on_socket_client_event), self, 0);

  self->connect_task = g_steal_pointer (&task);
  self->connect_cancellable = g_cancellable_new ();
  if (cancellable)
    g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                           g_object_ref (self->connect_cancellable), g_object_unref);
  if (self->handshake_timeout > 0)
    self->timeout_source = g_timeout_add_seconds (self->handshake_timeout, on_handshake_timeout, self);

  set_state (self, DPX_CONNECTION_STATE_CONNECTING);
  emit_event (self, DPX_ENTRY_KIND_INFO, _("Connecting to %s"), self->url);

  g_socket_client_connect_async (self->socket_client, connectable, self->connect_cancellable,
                                 on_socket_connected, g_object_ref (self));
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
 * dpx_client_check_ping:
 *
 * The one check of a ping's payload: at most 125 bytes (RFC 6455, 5.5).
 */
gboolean
dpx_client_check_ping (GBytes  *payload,
                       GError **error)
{
  g_return_val_if_fail (payload != NULL, FALSE);

  if (g_bytes_get_size (payload) > DPX_CLIENT_PING_MAX)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                   _("A ping carries at most %u bytes; this one has %zu"),
                   (guint) DPX_CLIENT_PING_MAX, g_bytes_get_size (payload));
      return FALSE;
    }
  return TRUE;
}

/**
 * dpx_client_send_ping:
 * @payload: at most 125 bytes (RFC 6455, 5.5)
 *
 * Sends a ping after the messages already queued. The control-frame signal
 * tells it when it is written, and its pong with the round trip from then.
 */
gboolean
dpx_client_send_ping (DpxClient  *self,
                      GBytes     *payload,
                      GError    **error)
{
  SentPing *ping;

  g_return_val_if_fail (DPX_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  if (!dpx_client_check_ping (payload, error))
    return FALSE;
  if (!check_open (self, error))
    return FALSE;

  ping = g_new0 (SentPing, 1);
  ping->payload = g_bytes_ref (payload);
  push_bounded (&self->pings_asked, ping);
  /* libsoup has no call for a ping; its send_message() frames the opcode
   * it is given, and leaves control frames uncompressed. */
  soup_websocket_connection_send_message (self->conn,
                                          (SoupWebsocketDataType) DPX_FRAME_OPCODE_PING,
                                          payload);
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

/* Whether HTTP allows @name and @value as a request header. */
gboolean
dpx_client_check_header (const char  *name,
                         const char  *value,
                         GError     **error)
{
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
  return TRUE;
}

gboolean
dpx_client_add_header (DpxClient   *self,
                       const char  *name,
                       const char  *value,
                       GError     **error)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), FALSE);

  if (!dpx_client_check_header (name, value, error))
    return FALSE;
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

/**
 * dpx_client_set_tls_advice:
 * @advice: (nullable): a sentence, like “Pass --insecure to connect anyway.”
 *
 * What the error for an untrusted certificate adds: how to connect anyway,
 * named as the front end names it (a setting, a command line option).
 */
/**
 * dpx_client_get_suggested_url:
 *
 * Returns: (nullable): after a connection failed because the port speaks
 *   the other scheme (TLS or not), the URL with that scheme
 */
const char *
dpx_client_get_suggested_url (DpxClient *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT (self), NULL);
  return self->suggested_url;
}

void
dpx_client_set_tls_advice (DpxClient  *self,
                           const char *advice)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  g_free (self->tls_advice);
  self->tls_advice = (advice && *advice) ? g_strdup (advice) : NULL;
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

  /* A connection keeps the limit its guard was built with. */
  self->max_message_size = max_message_size;
}

/**
 * dpx_client_set_secret_headers:
 * @names: (nullable): headers whose values the log masks, beyond
 *   Authorization, Cookie, Proxy-Authorization and Set-Cookie
 */
void
dpx_client_set_secret_headers (DpxClient          *self,
                               const char * const *names)
{
  g_return_if_fail (DPX_IS_CLIENT (self));

  g_strfreev (self->secret_headers);
  self->secret_headers = g_strdupv ((char **) names);
}

/**
 * dpx_client_set_header_template:
 * @template: (nullable): variables expanded in the header values at each
 *   connect (dpx_template_preview(): no send is counted), or %NULL
 */
void
dpx_client_set_header_template (DpxClient   *self,
                                DpxTemplate *template)
{
  g_return_if_fail (DPX_IS_CLIENT (self));
  g_return_if_fail (template == NULL || DPX_IS_TEMPLATE (template));

  g_set_object (&self->header_template, template);
}

typedef struct {
  DpxTemplate        *template;
  SoupMessageHeaders *expanded;
  GError             *error;
} ExpandHeaders;

static void
expand_header (const char *name,
               const char *value,
               gpointer    user_data)
{
  ExpandHeaders *expand = user_data;
  g_autofree char *expanded = NULL;

  if (expand->error)
    return;
  expanded = dpx_template_preview (expand->template, value, NULL, &expand->error);
  if (expanded == NULL)
    g_prefix_error (&expand->error, _("Header %s: "), name);
  else
    soup_message_headers_append (expand->expanded, name, expanded);
}

static SoupMessageHeaders *
expand_headers (DpxClient  *self,
                GError    **error)
{
  ExpandHeaders expand = { self->header_template, soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST), NULL };

  soup_message_headers_foreach (self->extra_headers, expand_header, &expand);
  if (expand.error)
    {
      soup_message_headers_unref (expand.expanded);
      g_propagate_error (error, expand.error);
      return NULL;
    }
  return expand.expanded;
}

/* Whether the handshake's events show secret header values as they are. */
void
dpx_client_set_show_secrets (DpxClient *self,
                             gboolean   show)
{
  g_return_if_fail (DPX_IS_CLIENT (self));

  self->show_secrets = !!show;
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
  return self->status;
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
  return self->response_headers;
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
  if (self->conn &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, 1001, NULL);
  reset_connection (self);

  G_OBJECT_CLASS (dpx_client_parent_class)->dispose (object);
}

static void
dpx_client_finalize (GObject *object)
{
  DpxClient *self = DPX_CLIENT (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->extra_headers, soup_message_headers_unref);
  g_clear_pointer (&self->secret_headers, g_strfreev);
  g_clear_object (&self->header_template);
  g_clear_pointer (&self->protocols, g_strfreev);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->tls_advice, g_free);
  g_clear_pointer (&self->suggested_url, g_free);
  g_clear_pointer (&self->probe_preview, g_free);
  g_clear_error (&self->probe_error);
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
   * DpxClient::control-frame:
   * @direction: %DPX_DIRECTION_SENT or %DPX_DIRECTION_RECEIVED
   * @opcode: %DPX_FRAME_OPCODE_PING or %DPX_FRAME_OPCODE_PONG
   * @payload: its payload, at most 125 bytes
   * @rtt_us: a received pong's round trip from the ping of ours it
   *   answers (matched by payload), in microseconds, or -1
   * @keepalive: a ping of libsoup's keep-alive, or the pong answering one
   *
   * A ping or a pong went by: ours (dpx_client_send_ping()), libsoup's
   * keep-alive and its answers to the server's pings, and the server's
   * own, in their place among messages.
   */
  signals[SIGNAL_CONTROL_FRAME] =
    g_signal_new ("control-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT, G_TYPE_UINT, G_TYPE_BYTES,
                  G_TYPE_INT64, G_TYPE_BOOLEAN);

  /**
   * DpxClient::event:
   * @kind: a #DpxEntryKind: open, close, error or info
   * @text: what happened, in words for a person; secret header values
   *   masked unless dpx_client_set_show_secrets()
   * @revealed: (nullable): the same with the secret values shown, when
   *   some were masked; for a window that shows them on request
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_STRING);
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
