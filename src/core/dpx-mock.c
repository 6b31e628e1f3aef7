/* dpx-mock.c: a server that plays a recorded conversation to its clients
 *
 * The recording is a client's log: what it received is what the mock
 * sends, what it sent is what the mock may wait for. Each reply is a step;
 * the client's messages recorded between the previous reply and this one
 * are the requests the step waits for. Without matching, every client
 * gets the replies at their recorded times from its connection; with
 * matching, each reply waits until the client has sent messages that
 * match the step's requests, in order, and then follows the last of them
 * after the recorded delay. A message that does not match is reported and
 * not counted, so replies never go out of order; a wait that lasts longer
 * than the timeout closes the connection with 1008 and says for what.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Mock"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dpx-error.h"
#include "dpx-format.h"
#include "dpx-guard-input-stream.h"
#include "dpx-guarded-io-stream.h"
#include "dpx-json-check.h"
#include "dpx-mock.h"
#include "dpx-types.h"

/* The largest message a client may send the mock, counted over all its
 * fragments by the guard under libsoup (libsoup counts single frames). */
#define MAX_INCOMING (16 * 1024 * 1024)
/* How long a closing client has to answer the close before its socket is
 * shut under it. */
#define CLOSE_GRACE_MS 2000
#define PREVIEW_CHARS 60

typedef struct {
  DpxLogEntry *reply;
  GPtrArray   *requests;     /* DpxLogEntry the client sends before it */
  gint64       offset_us;    /* from the recording's start */
  gint64       delay_us;     /* from the last request, or the previous reply */
} Step;

typedef struct {
  DpxMock                 *mock;
  SoupWebsocketConnection *conn;
  GSocket                 *socket;
  DpxGuardInputStream     *guard;
  guint                    violation_idle;
  guint                    close_timeout;
  guint                    id;
  guint                    step;
  guint                    matched;      /* requests of the step matched */
  gint64                   base_us;      /* the connection's start */
  gint64                   last_us;      /* the last request matched, or reply sent */
  guint                    reply_source;
  guint                    wait_source;
} Client;

struct _DpxMock
{
  GObject        parent_instance;

  DpxRecording  *recording;
  GArray        *steps;
  DpxMockMatch   match;
  char          *member;
  GRegex        *regex;
  guint          wait_timeout;
  double         speed;
  char          *host;
  guint          port;

  SoupServer    *server;
  GPtrArray     *clients;
  guint          upgrading;
  guint          handshake_timeout_ms;
  guint          next_id;
  guint          n_replies;
};

enum {
  SIGNAL_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxMock, dpx_mock, G_TYPE_OBJECT)

static void G_GNUC_PRINTF (3, 4)
emit_event (DpxMock    *self,
            Client     *client,
            const char *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, client ? client->id : 0, text);
}

static char *
preview (DpxLogEntry *entry)
{
  return dpx_format_entry_preview (entry, PREVIEW_CHARS);
}

/* Matching -------------------------------------------------------------- */

static JsonNode *
json_member (GBytes     *payload,
             const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  JsonNode *root;

  /* json-glib recurses without a limit: check the depth first. */
  if (!dpx_json_check (data, size, NULL) ||
      !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), member))
    return NULL;
  return json_node_copy (json_object_get_member (json_node_get_object (root), member));
}

static char *
regex_key (GRegex *regex,
           GBytes *payload)
{
  g_autoptr(GMatchInfo) info = NULL;
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);

  if (!g_utf8_validate_len (data, size, NULL) ||
      !g_regex_match_full (regex, data, size, 0, 0, &info, NULL))
    return NULL;
  return g_match_info_fetch (info, g_regex_get_capture_count (regex) > 0 ? 1 : 0);
}

static gboolean
same_bytes (GBytes *a,
            GBytes *b)
{
  return g_bytes_equal (a, b);
}

static gboolean
request_matches (DpxMock     *self,
                 DpxLogEntry *recorded,
                 int          type,
                 GBytes      *message)
{
  GBytes *expected = dpx_log_entry_get_payload (recorded);
  gboolean text = dpx_log_entry_get_kind (recorded) == DPX_ENTRY_KIND_TEXT;

  if (text != (type == SOUP_WEBSOCKET_DATA_TEXT))
    return FALSE;

  switch (self->match)
    {
    case DPX_MOCK_MATCH_MEMBER:
      {
        g_autoptr(JsonNode) want = json_member (expected, self->member);
        g_autoptr(JsonNode) got = NULL;

        /* A recorded request without the member is matched as it is. */
        if (want == NULL)
          return same_bytes (expected, message);
        got = json_member (message, self->member);
        return got != NULL && json_node_equal (want, got);
      }
    case DPX_MOCK_MATCH_REGEX:
      {
        g_autofree char *want = regex_key (self->regex, expected);
        g_autofree char *got = NULL;

        if (want == NULL)
          return same_bytes (expected, message);
        got = regex_key (self->regex, message);
        return got != NULL && strcmp (want, got) == 0;
      }
    case DPX_MOCK_MATCH_EXACT:
    case DPX_MOCK_MATCH_NONE:
    default:
      return same_bytes (expected, message);
    }
}

/* Playing --------------------------------------------------------------- */

static void advance (Client *client);

static gboolean
on_reply_due (gpointer data)
{
  Client *client = data;
  DpxMock *self = client->mock;
  Step *step = &g_array_index (self->steps, Step, client->step);
  GBytes *payload = dpx_log_entry_get_payload (step->reply);
  gboolean text = dpx_log_entry_get_kind (step->reply) == DPX_ENTRY_KIND_TEXT;

  client->reply_source = 0;
  /* Closing (the client's close, or ours): no more replies. */
  if (soup_websocket_connection_get_state (client->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return G_SOURCE_REMOVE;
  soup_websocket_connection_send_message (client->conn,
                                          text ? SOUP_WEBSOCKET_DATA_TEXT : SOUP_WEBSOCKET_DATA_BINARY,
                                          payload);
  self->n_replies++;
  client->last_us = g_get_monotonic_time ();
  client->step++;
  client->matched = 0;
  advance (client);
  return G_SOURCE_REMOVE;
}

static gboolean
force_close_cb (gpointer data)
{
  Client *client = data;

  client->close_timeout = 0;
  /* Closing the stream under libsoup would leave it polling a dead
   * descriptor; a shutdown makes its next read see the end. */
  g_socket_shutdown (client->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
close_client (Client     *client,
              gushort     code,
              const char *reason)
{
  if (client->close_timeout != 0)
    return;
  g_clear_handle_id (&client->reply_source, g_source_remove);
  g_clear_handle_id (&client->wait_source, g_source_remove);
  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->conn, code, reason);
  client->close_timeout = g_timeout_add (CLOSE_GRACE_MS, force_close_cb, client);
}

static gboolean
on_wait_timeout (gpointer data)
{
  Client *client = data;
  Step *step = &g_array_index (client->mock->steps, Step, client->step);
  g_autofree char *want = preview (g_ptr_array_index (step->requests, client->matched));

  client->wait_source = 0;
  emit_event (client->mock, client,
              _("gave up after %u s waiting for “%s”; closing with 1008"),
              client->mock->wait_timeout, want);
  close_client (client, 1008, "Timed out waiting for the next request");
  return G_SOURCE_REMOVE;
}

static void
advance (Client *client)
{
  DpxMock *self = client->mock;
  Step *step;
  gint64 due, wait_us;

  if (client->step == self->steps->len)
    {
      emit_event (self, client, _("all %u recorded replies sent"), self->steps->len);
      return;
    }
  step = &g_array_index (self->steps, Step, client->step);

  if (self->match != DPX_MOCK_MATCH_NONE && client->matched < step->requests->len)
    {
      g_autofree char *want = preview (g_ptr_array_index (step->requests, client->matched));

      emit_event (self, client, _("waiting for “%s”"), want);
      if (self->wait_timeout > 0)
        client->wait_source = g_timeout_add_seconds (self->wait_timeout, on_wait_timeout, client);
      return;
    }

  if (self->match == DPX_MOCK_MATCH_NONE)
    due = client->base_us + (gint64) (step->offset_us / self->speed);
  else
    due = client->last_us + (gint64) (step->delay_us / self->speed);
  wait_us = due - g_get_monotonic_time ();
  client->reply_source = g_timeout_add_full (G_PRIORITY_DEFAULT, wait_us > 0 ? (guint) (wait_us / 1000) : 0,
                                             on_reply_due, client, NULL);
}

static void
on_client_message (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *message,
                   Client                  *client)
{
  DpxMock *self = client->mock;
  Step *step;
  DpxLogEntry *awaited;

  if (self->match == DPX_MOCK_MATCH_NONE)
    return;

  step = client->step < self->steps->len ? &g_array_index (self->steps, Step, client->step) : NULL;
  if (step == NULL || client->matched == step->requests->len)
    {
      emit_event (self, client, _("a message that is not in the recording here; ignored"));
      return;
    }

  awaited = g_ptr_array_index (step->requests, client->matched);
  if (!request_matches (self, awaited, type, message))
    {
      g_autofree char *want = preview (awaited);

      emit_event (self, client, _("a message that does not match; still waiting for “%s”"), want);
      return;
    }
  g_clear_handle_id (&client->wait_source, g_source_remove);
  client->matched++;
  client->last_us = g_get_monotonic_time ();
  advance (client);
}

static void
client_free (Client *client)
{
  g_clear_handle_id (&client->reply_source, g_source_remove);
  g_clear_handle_id (&client->wait_source, g_source_remove);
  g_clear_handle_id (&client->violation_idle, g_source_remove);
  g_clear_handle_id (&client->close_timeout, g_source_remove);
  g_signal_handlers_disconnect_by_data (client->conn, client);
  g_clear_object (&client->conn);
  g_clear_object (&client->socket);
  g_clear_object (&client->guard);
  g_free (client);
}

static void
on_client_closed (SoupWebsocketConnection *conn,
                  Client                  *client)
{
  DpxMock *self = client->mock;

  emit_event (self, client, _("left (close code %u)"), soup_websocket_connection_get_close_code (conn));
  g_ptr_array_remove (self->clients, client);
}

/* Runs from an idle: the guard reports from inside libsoup's read, and
 * closing there would re-enter it. */
static gboolean
violation_idle_cb (gpointer data)
{
  Client *client = data;
  guint code = dpx_guard_input_stream_get_violation_code (client->guard);

  client->violation_idle = 0;
  if (code != 0)
    {
      /* Nothing after a breach of the protocol can be trusted. */
      emit_event (client->mock, client, _("broke the protocol (%s); closing with %u"),
                  dpx_guard_input_stream_get_problem (client->guard), code);
      close_client (client, code, dpx_guard_input_stream_get_wire_problem (client->guard));
      dpx_guard_input_stream_end (client->guard);
    }
  else
    {
      emit_event (client->mock, client, _("sent a message over %s; closing with %u"),
                  "16 MiB", DPX_CLOSE_TOO_BIG);
      close_client (client, DPX_CLOSE_TOO_BIG, "Message too big for this mock");
    }
  return G_SOURCE_REMOVE;
}

static void
on_violation (DpxGuardViolation violation,
              guint64           size,
              gpointer          user_data)
{
  Client *client = user_data;

  if (client->violation_idle == 0 && client->close_timeout == 0)
    client->violation_idle = g_idle_add (violation_idle_cb, client);
}

static void
add_client (DpxMock           *self,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GIOStream) base = NULL;
  g_autoptr(GIOStream) stream = NULL;
  GInputStream *input;
  Client *client = g_new0 (Client, 1);

  client->mock = self;
  client->id = ++self->next_id;
  client->socket = g_object_ref (soup_server_message_get_socket (msg));
  base = soup_server_message_steal_connection (msg);

  /* The same guard as the relay's, under libsoup: whole messages bounded
   * over their fragments, and the protocol held to before libsoup sees it. */
  input = dpx_guard_input_stream_new (g_io_stream_get_input_stream (base), MAX_INCOMING, FALSE);
  client->guard = DPX_GUARD_INPUT_STREAM (input);
  dpx_guard_input_stream_set_peer_is_client (client->guard, TRUE);
  dpx_guard_input_stream_set_violation_func (client->guard, on_violation, client);
  dpx_guard_input_stream_set_socket (client->guard, client->socket);
  stream = dpx_guarded_io_stream_new (base, input, g_io_stream_get_output_stream (base));
  client->conn = soup_websocket_connection_new (stream, soup_server_message_get_uri (msg),
                                                SOUP_WEBSOCKET_CONNECTION_SERVER,
                                                soup_message_headers_get_one (request_headers, "Origin"),
                                                soup_message_headers_get_one (response_headers,
                                                                              "Sec-WebSocket-Protocol"),
                                                NULL);
  soup_websocket_connection_set_max_incoming_payload_size (client->conn, MAX_INCOMING);

  client->base_us = client->last_us = g_get_monotonic_time ();
  g_signal_connect (client->conn, "message", G_CALLBACK (on_client_message), client);
  g_signal_connect (client->conn, "closed", G_CALLBACK (on_client_closed), client);
  g_ptr_array_add (self->clients, client);
  emit_event (self, client, _("connected"));
  advance (client);
}

/* Counts a handshake in flight until its 101 is written or its request
 * goes, whichever comes first, so the client limit holds between the two. */
typedef struct {
  GWeakRef mock;
} Upgrade;

static void
upgrade_free (Upgrade *upgrade)
{
  g_autoptr(DpxMock) self = g_weak_ref_get (&upgrade->mock);

  if (self != NULL)
    self->upgrading--;
  g_weak_ref_clear (&upgrade->mock);
  g_free (upgrade);
}

/* A connection has the handshake timeout to send a whole upgrade request
 * and get its 101; one that trickles or says nothing is shut. */
typedef struct {
  GSocket *socket;
  guint    source;
} Deadline;

static void
deadline_free (Deadline *deadline)
{
  g_clear_handle_id (&deadline->source, g_source_remove);
  g_clear_object (&deadline->socket);
  g_free (deadline);
}

static gboolean
deadline_cb (gpointer data)
{
  Deadline *deadline = data;

  deadline->source = 0;
  g_debug ("a client did not finish its handshake in time: closing it");
  /* A shutdown, not a close: libsoup still polls the descriptor, and now
   * sees its end and lets the connection go. */
  g_socket_shutdown (deadline->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    DpxMock           *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Deadline *deadline;

  if (socket == NULL)
    return;
  deadline = g_new0 (Deadline, 1);
  deadline->socket = g_object_ref (socket);
  deadline->source = g_timeout_add (self->handshake_timeout_ms, deadline_cb, deadline);
  /* Goes with the request: a finished request, or its 101, ends it. */
  g_object_set_data_full (G_OBJECT (msg), "dpx-mock-deadline", deadline, (GDestroyNotify) deadline_free);
}

static void
on_upgrade_written (SoupServerMessage *msg,
                    DpxMock           *self)
{
  g_signal_handlers_disconnect_by_func (msg, on_upgrade_written, self);
  g_object_set_data (G_OBJECT (msg), "dpx-mock-deadline", NULL);
  g_object_set_data (G_OBJECT (msg), "dpx-mock-upgrade", NULL);
  if (self->server == NULL)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      return;
    }
  add_client (self, msg);
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *body)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  DpxMock *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *offered = soup_message_headers_get_list (headers, "Sec-WebSocket-Protocol");
  g_auto(GStrv) protocols = NULL;
  g_autoptr(GError) error = NULL;
  Upgrade *upgrade;

  if (!soup_message_headers_header_contains (headers, "Upgrade", "websocket"))
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST,
                    "This is a Duplex mock: connect to it with a WebSocket client.\n");
      return;
    }
  if (self->clients->len + self->upgrading >= DPX_MOCK_MAX_CLIENTS)
    {
      g_autofree char *body = g_strdup_printf ("The mock is full: it serves at most %u clients.\n",
                                               DPX_MOCK_MAX_CLIENTS);

      respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, body);
      return;
    }

  /* Like the relay: agree to the first subprotocol offered, since some
   * clients fail when none is chosen. */
  if (offered != NULL)
    {
      GSList *list = soup_header_parse_list (offered);

      if (list != NULL)
        {
          protocols = g_new0 (char *, 2);
          protocols[0] = g_strdup (list->data);
        }
      soup_header_free_list (list);
    }

  if (!soup_websocket_server_check_handshake (msg, NULL, protocols, NULL, &error))
    {
      g_autofree char *body = g_strdup_printf ("Bad WebSocket handshake: %s\n", error->message);

      respond_text (msg, SOUP_STATUS_BAD_REQUEST, body);
      return;
    }
  if (!soup_websocket_server_process_handshake (msg, NULL, protocols, NULL, NULL))
    return;

  upgrade = g_new0 (Upgrade, 1);
  g_weak_ref_init (&upgrade->mock, self);
  self->upgrading++;
  g_object_set_data_full (G_OBJECT (msg), "dpx-mock-upgrade", upgrade, (GDestroyNotify) upgrade_free);
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_upgrade_written), self, 0);
}

/* Set-up ---------------------------------------------------------------- */

static void
step_clear (gpointer data)
{
  Step *step = data;

  g_clear_object (&step->reply);
  g_clear_pointer (&step->requests, g_ptr_array_unref);
}

static void
build_steps (DpxMock *self)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 start = dpx_recording_get_start (self->recording);
  gint64 previous = start;

  for (guint i = 0; i < dpx_recording_get_n_entries (self->recording); i++)
    {
      DpxLogEntry *entry = dpx_recording_get_entry (self->recording, i);
      DpxEntryKind kind = dpx_log_entry_get_kind (entry);
      Step step;

      if (kind != DPX_ENTRY_KIND_TEXT && kind != DPX_ENTRY_KIND_BINARY)
        continue;
      if (dpx_log_entry_get_direction (entry) == DPX_DIRECTION_SENT)
        {
          g_ptr_array_add (requests, g_object_ref (entry));
          previous = dpx_log_entry_get_time (entry);
          continue;
        }
      if (dpx_log_entry_get_direction (entry) != DPX_DIRECTION_RECEIVED)
        continue;

      step.reply = g_object_ref (entry);
      step.requests = g_steal_pointer (&requests);
      step.offset_us = MAX (dpx_log_entry_get_time (entry) - start, 0);
      step.delay_us = MAX (dpx_log_entry_get_time (entry) - previous, 0);
      g_array_append_val (self->steps, step);
      requests = g_ptr_array_new_with_free_func (g_object_unref);
      previous = dpx_log_entry_get_time (entry);
    }
}

DpxMock *
dpx_mock_new (DpxRecording *recording)
{
  DpxMock *self;

  g_return_val_if_fail (DPX_IS_RECORDING (recording), NULL);

  self = g_object_new (DPX_TYPE_MOCK, NULL);
  self->recording = g_object_ref (recording);
  build_steps (self);
  return self;
}

/**
 * dpx_mock_set_rules:
 * @rules: how replies wait for their requests; copied, so later changes
 *   to @rules do not reach a running mock
 *
 * Returns: %FALSE, with what is wrong, if @rules are incomplete
 */
gboolean
dpx_mock_set_rules (DpxMock       *self,
                    DpxMockRules  *rules,
                    GError       **error)
{
  g_autoptr(GRegex) regex = NULL;
  DpxMockMatch match;

  g_return_val_if_fail (DPX_IS_MOCK (self), FALSE);
  g_return_val_if_fail (DPX_IS_MOCK_RULES (rules), FALSE);

  if (!dpx_mock_rules_check (rules, error))
    return FALSE;
  match = dpx_mock_rules_get_match (rules);
  /* Checked above, so it compiles. PCRE2's match limit (ten million steps
   * by default) bounds what a client's message can cost a bad pattern. */
  if (match == DPX_MOCK_MATCH_REGEX &&
      !(regex = g_regex_new (dpx_mock_rules_get_pattern (rules), G_REGEX_OPTIMIZE, 0, error)))
    return FALSE;

  self->match = match;
  g_free (self->member);
  self->member = match == DPX_MOCK_MATCH_MEMBER ? g_strdup (dpx_mock_rules_get_member (rules)) : NULL;
  g_clear_pointer (&self->regex, g_regex_unref);
  self->regex = g_steal_pointer (&regex);
  self->wait_timeout = dpx_mock_rules_get_timeout (rules);
  return TRUE;
}

void
dpx_mock_set_speed (DpxMock *self,
                    double   speed)
{
  g_return_if_fail (DPX_IS_MOCK (self));
  g_return_if_fail (speed > 0);
  self->speed = speed;
}

/* How long a connection has to finish its WebSocket handshake. */
void
dpx_mock_set_handshake_timeout (DpxMock *self,
                                guint    timeout_ms)
{
  g_return_if_fail (DPX_IS_MOCK (self));
  g_return_if_fail (timeout_ms > 0);
  self->handshake_timeout_ms = timeout_ms;
}

void
dpx_mock_set_host (DpxMock    *self,
                   const char *host)
{
  g_return_if_fail (DPX_IS_MOCK (self));
  g_free (self->host);
  self->host = g_strdup (host);
}

void
dpx_mock_set_port (DpxMock *self,
                   guint    port)
{
  g_return_if_fail (DPX_IS_MOCK (self));
  g_return_if_fail (port <= 65535);
  self->port = port;
}

guint
dpx_mock_get_port (DpxMock *self)
{
  g_return_val_if_fail (DPX_IS_MOCK (self), 0);
  return self->port;
}

guint
dpx_mock_get_n_replies (DpxMock *self)
{
  g_return_val_if_fail (DPX_IS_MOCK (self), 0);
  return self->n_replies;
}

gboolean
dpx_mock_start (DpxMock  *self,
                GError  **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *listeners;

  g_return_val_if_fail (DPX_IS_MOCK (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  address = g_inet_address_new_from_string (self->host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on"), self->host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, self->port);
  self->server = soup_server_new ("server-header", "Duplex-mock/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), self);
  if (!soup_server_listen (self->server, socket_address, 0, &local_error))
    {
      g_clear_object (&self->server);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Port %u on %s is already in use by another program"), self->port, self->host);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("Could not listen on %s port %u: "), self->host, self->port);
      return FALSE;
    }

  listeners = soup_server_get_listeners (self->server);
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return TRUE;
}

void
dpx_mock_stop (DpxMock *self)
{
  g_return_if_fail (DPX_IS_MOCK (self));

  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->conn, 1001, NULL);
    }
  if (self->server)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

static void
dpx_mock_dispose (GObject *object)
{
  DpxMock *self = DPX_MOCK (object);

  if (self->server)
    dpx_mock_stop (self);
  g_ptr_array_set_size (self->clients, 0);

  G_OBJECT_CLASS (dpx_mock_parent_class)->dispose (object);
}

static void
dpx_mock_finalize (GObject *object)
{
  DpxMock *self = DPX_MOCK (object);

  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_object (&self->recording);
  g_clear_pointer (&self->regex, g_regex_unref);
  g_free (self->member);
  g_free (self->host);

  G_OBJECT_CLASS (dpx_mock_parent_class)->finalize (object);
}

static void
dpx_mock_class_init (DpxMockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_mock_dispose;
  object_class->finalize = dpx_mock_finalize;

  /**
   * DpxMock::event:
   * @client: which client, counted from 1
   * @text: what happened, in words for a person
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
dpx_mock_init (DpxMock *self)
{
  self->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  g_array_set_clear_func (self->steps, step_clear);
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->match = DPX_MOCK_MATCH_NONE;
  self->wait_timeout = DPX_MOCK_DEFAULT_WAIT_TIMEOUT;
  self->speed = 1.0;
  self->handshake_timeout_ms = DPX_MOCK_DEFAULT_HANDSHAKE_TIMEOUT_MS;
  self->host = g_strdup ("127.0.0.1");
  self->port = 4000;
}
