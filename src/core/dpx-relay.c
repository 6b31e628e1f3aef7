/* dpx-relay.c: the local broadcast server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why one long file: listening, the WebSocket handshake the relay performs
 * itself, the plain HTTP page, the client limit and the fan-out all work on
 * the relay's one list of peers and its counters. Each peer's own streams
 * are in dpx-relay-peer.c and the stream files.
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "dpx-relay.h"
#include "dpx-classroom.h"
#include "dpx-frame.h"
#include "dpx-relay-output-stream-private.h"
#include "dpx-relay-peer-private.h"
#include "dpx-util.h"

/* SoupServer listens with a backlog of 10; a class connecting at once, or a
 * load test, overflows that and clients see resets. */
#define LISTEN_BACKLOG 4096

/* Connections taken from the listener per wake-up, so a connection storm
 * does not starve the clients already connected. */
#define ACCEPT_BATCH 64

/* How long accepting waits after running out of file descriptors, unless a
 * client leaves first. */
#define ACCEPT_RETRY_MS 200
#define ACCEPT_RETRY_SHORT_MS 10

/* Frames queued to clients in one batch before the publisher's read ends:
 * a read round is counted in bytes, but a small message to many clients is
 * much work, and the window's main loop runs this relay too. About 8 ms. */
#define BATCH_FRAMES 16384

struct _DpxRelay
{
  GObject     parent_instance;

  /* owned */
  SoupServer *server;
  GSocket    *listen_socket;
  GSource    *accept_source;
  GListStore *peers;        /* the public model, in connection order */
  GPtrArray  *fanout;       /* the same peers, for the hot loop */
  GPtrArray  *to_flush;     /* peers with frames queued in this batch */
  GHashTable *handshakes;   /* remote address as text -> Handshake */
  guint       flush_source;
  guint       stall_source;
  guint       accept_retry;
  char       *host;
  char       *class_code;   /* NULL when anyone may join */

  guint       port;
  guint       max_clients;
  guint       upgrading;    /* handshakes answered, connection not taken yet */
  guint       n_over_mark;  /* peers whose queue is past the high-water mark */
  guint       stall_timeout_ms;
  guint       handshake_timeout_ms;
  guint       max_rate;
  guint       next_peer_id;
  guint       n_classroom;  /* peers that take envelopes */
  guint64     max_message_size;
  guint64     max_queued_bytes;
  guint64     messages_relayed;
  gboolean    echo;
  gboolean    deflate;
  gboolean    running;
  gboolean    out_of_files; /* said so on stderr; say it again only once over */
  gboolean    watched;      /* "message" has handlers, as of this batch's start */
  guint       batch_frames; /* queued since the last flush */
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_ECHO,
  PROP_MAX_CLIENTS,
  PROP_MAX_MESSAGE_SIZE,
  PROP_MAX_QUEUED_BYTES,
  PROP_DEFLATE,
  PROP_STALL_TIMEOUT,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_MAX_RATE,
  PROP_CLASS_CODE,
  PROP_RUNNING,
  PROP_N_PEERS,
  N_PROPS
};

enum {
  SIGNAL_PEER_CONNECTED,
  SIGNAL_PEER_DISCONNECTED,
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxRelay, dpx_relay, G_TYPE_OBJECT)

static const char landing_page[] =
  "<!DOCTYPE html>\n"
  "<html><head><meta charset=\"utf-8\"><title>Duplex broadcast relay</title></head>\n"
  "<body><h1>Duplex broadcast relay</h1>\n"
  "<p>This is a WebSocket relay: every message a client sends is sent to every\n"
  "connected client. Connect a WebSocket client to <code>%s</code>, for example\n"
  "<code>duplex consume %s</code> in one terminal and\n"
  "<code>duplex produce %s hello</code> in another.</p>\n"
  "<p>People join from a browser at <a href=\"/\">the class page</a>.</p>\n"
  "</body></html>\n";

/* libsoup hands over every message of one socket read in a row; the peers'
 * queues are written once that batch is in, one writev per peer. */
static gboolean
flush_peers (gpointer data)
{
  DpxRelay *self = data;
  g_autoptr(GPtrArray) peers = g_steal_pointer (&self->to_flush);

  self->flush_source = 0;
  self->batch_frames = 0;
  self->to_flush = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < peers->len; i++)
    dpx_relay_peer_flush (g_ptr_array_index (peers, i));
  return G_SOURCE_REMOVE;
}

/* @frame was built once by the sender's guard (or from libsoup's message
 * when compressed) and is queued to all: server frames are the same for
 * everyone. Class pages share one envelope naming the sender instead. */
static void
on_peer_message (DpxRelayPeer *sender,
                 int           type,
                 GBytes       *frame,
                 gsize         header_len,
                 gpointer      user_data)
{
  DpxRelay *self = user_data;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) envelope = NULL;
  gsize size = g_bytes_get_size (frame) - header_len;
  gboolean watched;

  /* A muted client's messages go nowhere; it was told when muted. */
  if (dpx_relay_peer_get_muted (sender))
    return;

  /* Asking GObject costs more than the rest of a small message's way through
   * the relay: asked once per batch of messages, which one flush ends. */
  if (self->flush_source == 0)
    self->watched = g_signal_has_handler_pending (self, signals[SIGNAL_MESSAGE], 0, FALSE);
  watched = self->watched;

  /* The payload on its own, only for those who read it. */
  if (self->n_classroom > 0 || watched)
    message = g_bytes_new_from_bytes (frame, header_len, size);
  if (self->n_classroom > 0)
    {
      g_autoptr(GBytes) json = NULL;

      json = dpx_classroom_message_envelope (dpx_relay_peer_get_id (sender),
                                             dpx_relay_peer_get_name (sender),
                                             g_get_real_time () / 1000,
                                             type != SOUP_WEBSOCKET_DATA_TEXT, message);
      envelope = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, json);
    }
  for (guint i = 0; i < self->fanout->len; i++)
    {
      DpxRelayPeer *peer = g_ptr_array_index (self->fanout, i);
      GBytes *out = envelope && dpx_relay_peer_get_classroom (peer) ? envelope : frame;

      if ((peer != sender || self->echo) && dpx_relay_peer_queue (peer, out, size))
        g_ptr_array_add (self->to_flush, g_object_ref (peer));
    }
  if (self->flush_source == 0 && self->to_flush->len > 0)
    {
      self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_peers, self, NULL);
      g_source_set_name_by_id (self->flush_source, "[duplex] relay flush");
    }
  self->batch_frames += self->fanout->len;
  if (self->batch_frames >= BATCH_FRAMES)
    dpx_relay_peer_end_read_round (sender);
  self->messages_relayed++;
  if (watched)
    g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, sender, type, message);
}

static void watch_listener (DpxRelay *self);

/* Sends the relay's own envelope to every class page but @except. */
static void
tell_pages_except (DpxRelay     *self,
                   GBytes       *json,
                   DpxRelayPeer *except)
{
  if (self->n_classroom == 0)
    return;
  for (guint i = 0; i < self->fanout->len; i++)
    {
      DpxRelayPeer *peer = g_ptr_array_index (self->fanout, i);

      if (peer != except && dpx_relay_peer_get_classroom (peer))
        dpx_relay_peer_send_text (peer, json);
    }
}

static void
tell_pages (DpxRelay *self,
            GBytes   *json)
{
  tell_pages_except (self, json, NULL);
}

/* A newcomer learns the count from its welcome. */
static void
tell_pages_count (DpxRelay     *self,
                  DpxRelayPeer *newcomer)
{
  g_autoptr(GBytes) json = NULL;

  if (self->n_classroom == 0)
    return;
  json = dpx_classroom_clients_envelope (self->fanout->len);
  tell_pages_except (self, json, newcomer);
}

static gboolean
check_stalled (gpointer data)
{
  DpxRelay *self = data;
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < self->fanout->len; i++)
    {
      DpxRelayPeer *peer = g_ptr_array_index (self->fanout, i);

      if (dpx_relay_peer_is_stalled (peer, now, (gint64) self->stall_timeout_ms * 1000))
        g_ptr_array_add (stalled, g_object_ref (peer));
    }
  /* Evicting may resume the others and end this check: collect first. */
  for (guint i = 0; i < stalled->len; i++)
    {
      DpxRelayPeer *peer = g_ptr_array_index (stalled, i);

      g_debug ("%s took nothing for %u ms with its queue full: evicting it",
               dpx_relay_peer_get_remote_address (peer), self->stall_timeout_ms);
      dpx_relay_peer_evict (peer);
    }
  return G_SOURCE_CONTINUE;
}

/* While any queue is past its mark, publishers are not read: TCP pushes
 * back on them instead of the relay buffering or dropping. */
static void
set_publishers_paused (DpxRelay *self,
                       gboolean  paused)
{
  for (guint i = 0; i < self->fanout->len; i++)
    dpx_relay_peer_set_relay_paused (g_ptr_array_index (self->fanout, i), paused);

  if (paused && self->stall_source == 0)
    {
      guint interval = CLAMP (self->stall_timeout_ms / 4, 10, 500);

      self->stall_source = g_timeout_add (interval, check_stalled, self);
      g_source_set_name_by_id (self->stall_source, "[duplex] relay stall check");
    }
  else if (!paused)
    g_clear_handle_id (&self->stall_source, g_source_remove);
}

static void
on_peer_pressure (DpxRelayPeer *peer,
                  gpointer      user_data)
{
  DpxRelay *self = user_data;

  if (dpx_relay_peer_get_over_mark (peer))
    {
      if (self->n_over_mark++ == 0)
        set_publishers_paused (self, TRUE);
    }
  else
    {
      g_assert (self->n_over_mark > 0);
      if (--self->n_over_mark == 0)
        set_publishers_paused (self, FALSE);
    }
}

static void
on_peer_closed (DpxRelayPeer *peer,
                gpointer      user_data)
{
  DpxRelay *self = user_data;
  g_autoptr(DpxRelayPeer) hold = g_object_ref (peer);
  guint position;

  dpx_relay_peer_set_owner (peer, NULL, NULL, NULL, NULL);
  g_ptr_array_remove_fast (self->fanout, peer);
  if (g_list_store_find (self->peers, peer, &position))
    g_list_store_remove (self->peers, position);
  if (dpx_relay_peer_get_classroom (peer))
    self->n_classroom--;
  tell_pages_count (self, NULL);

  g_signal_emit (self, signals[SIGNAL_PEER_DISCONNECTED], 0, peer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PEERS]);

  /* A descriptor is free: a listener waiting for one need not wait more. */
  if (self->accept_retry != 0)
    {
      g_clear_handle_id (&self->accept_retry, g_source_remove);
      watch_listener (self);
    }

#ifdef __GLIBC__
  /* After a class or a load test leaves, hand the heap back to the system. */
  if (self->fanout->len == 0)
    malloc_trim (0);
#endif
}

/* An accepted handshake until its 101 is on the wire. It counts toward
 * the client limit, so a burst cannot slip past it. */
typedef struct {
  DpxRelay *relay;   /* the server, and so the message, never outlives it */
  GList    *extensions;
  char     *name;    /* the nickname asked for, cleaned */
} Upgrade;

static void
upgrade_free (Upgrade *upgrade)
{
  upgrade->relay->upgrading--;
  g_list_free_full (upgrade->extensions, g_object_unref);
  g_free (upgrade->name);
  g_free (upgrade);
}

/* An accepted connection until it becomes a peer. libsoup owns it; the
 * relay watches it (weakly) only to end it if the handshake takes too long:
 * a client that sends one byte a second must not hold a socket forever. */
typedef struct {
  DpxRelay          *relay;
  GSocketConnection *connection;   /* weak */
  char              *remote;       /* the key, from address_key() */
  guint              timeout;
} Handshake;

/* An address as text: libsoup hands back the address it was given, but
 * not always the same object. */
static char *
address_key (GSocketAddress *address)
{
  GInetSocketAddress *inet;
  g_autofree char *ip = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = G_INET_SOCKET_ADDRESS (address);
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  return g_strdup_printf ("%s %u", ip, g_inet_socket_address_get_port (inet));
}

static void
handshake_connection_gone (gpointer  data,
                           GObject  *where_it_was)
{
  Handshake *handshake = data;

  handshake->connection = NULL;
  g_hash_table_remove (handshake->relay->handshakes, handshake->remote);
}

static void
handshake_free (Handshake *handshake)
{
  g_clear_handle_id (&handshake->timeout, g_source_remove);
  if (handshake->connection != NULL)
    g_object_weak_unref (G_OBJECT (handshake->connection), handshake_connection_gone, handshake);
  g_free (handshake->remote);
  g_free (handshake);
}

static gboolean
handshake_timeout_cb (gpointer data)
{
  Handshake *handshake = data;

  handshake->timeout = 0;
  g_debug ("a client did not finish its handshake in time: closing it");
  /* A shutdown, not a close: libsoup still polls the descriptor, and now
   * sees its end and lets the connection go. */
  g_socket_shutdown (g_socket_connection_get_socket (handshake->connection), TRUE, TRUE, NULL);
  g_hash_table_remove (handshake->relay->handshakes, handshake->remote);
  return G_SOURCE_REMOVE;
}

static void
on_upgrade_written (SoupServerMessage *msg,
                    DpxRelay          *self)
{
  Upgrade *upgrade = g_object_steal_data (G_OBJECT (msg), "dpx-upgrade");
  g_autoptr(DpxRelayPeer) peer = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *key = NULL;
  Handshake *handshake;

  g_signal_handlers_disconnect_by_func (msg, on_upgrade_written, self);

  /* The handshake is over: its deadline no longer applies. */
  key = address_key (soup_server_message_get_remote_address (msg));
  handshake = key ? g_hash_table_lookup (self->handshakes, key) : NULL;
  if (handshake == NULL || handshake->connection == NULL)
    {
      /* Its deadline passed, or the relay stopped, while the 101 was on
       * its way. */
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
      upgrade_free (upgrade);
      return;
    }
  socket = g_object_ref (g_socket_connection_get_socket (handshake->connection));
  g_hash_table_remove (self->handshakes, handshake->remote);

  peer = dpx_relay_peer_new (msg, socket, ++self->next_peer_id, upgrade->name,
                             g_steal_pointer (&upgrade->extensions),
                             self->max_message_size, self->max_queued_bytes, self->max_rate);
  upgrade_free (upgrade);
  if (!self->running)
    {
      /* Stopped between the handshake and now. */
      dpx_relay_peer_close (peer, DPX_CLOSE_GOING_AWAY, "The relay is stopping");
      return;
    }
  /* Function pointers, not signal handlers: a closure and a handler less
   * per client. on_peer_closed() and dispose let go of them. */
  dpx_relay_peer_set_owner (peer, on_peer_message, on_peer_pressure, on_peer_closed, self);
  if (self->n_over_mark > 0)
    dpx_relay_peer_set_relay_paused (peer, TRUE);
  g_ptr_array_add (self->fanout, g_object_ref (peer));
  g_list_store_append (self->peers, peer);
  if (dpx_relay_peer_get_classroom (peer))
    {
      g_autoptr(GBytes) welcome = NULL;

      self->n_classroom++;
      welcome = dpx_classroom_welcome_envelope (dpx_relay_peer_get_id (peer),
                                                dpx_relay_peer_get_name (peer),
                                                self->fanout->len, self->echo);
      dpx_relay_peer_send_text (peer, welcome);
    }
  tell_pages_count (self, peer);

  g_signal_emit (self, signals[SIGNAL_PEER_CONNECTED], 0, peer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PEERS]);
}

static gboolean
is_upgrade_request (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket");
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

/* RFC 7692 lets a server accept one permessage-deflate offer of several,
 * and decline those it cannot honour; libsoup 3.2 accepts every offer in
 * one response, and refuses the handshake over one bad parameter. Leave
 * libsoup the first offer that configures, or none. */
static void
keep_one_deflate_offer (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_list (headers, "Sec-WebSocket-Extensions");
  g_autofree char *chosen = NULL;
  GSList *offers;

  if (value == NULL)
    return;
  offers = soup_header_parse_list (value);
  for (GSList *l = offers; l != NULL && chosen == NULL; l = l->next)
    {
      const char *offer = l->data;
      const char *semicolon = strchr (offer, ';');
      g_autofree char *name = g_strstrip (g_strndup (offer, semicolon ? (gsize) (semicolon - offer)
                                                                    : strlen (offer)));
      g_autoptr(SoupWebsocketExtension) extension = NULL;
      GHashTable *params = NULL;
      gboolean usable;

      if (g_ascii_strcasecmp (name, "permessage-deflate") != 0)
        continue;
      if (semicolon != NULL && (params = soup_header_parse_semi_param_list_strict (semicolon + 1)) == NULL)
        continue;
      extension = g_object_new (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE, NULL);
      usable = soup_websocket_extension_configure (extension, SOUP_WEBSOCKET_CONNECTION_SERVER, params, NULL);
      g_clear_pointer (&params, g_hash_table_destroy);
      if (usable)
        chosen = g_strdup (offer);
    }
  soup_header_free_list (offers);

  if (chosen != NULL)
    soup_message_headers_replace (headers, "Sec-WebSocket-Extensions", chosen);
  else
    soup_message_headers_remove (headers, "Sec-WebSocket-Extensions");
}

static void
handle_upgrade (DpxRelay          *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *offered = soup_message_headers_get_list (headers, "Sec-WebSocket-Protocol");
  g_auto(GStrv) protocols = NULL;
  g_autoptr(GPtrArray) extension_types = NULL;
  g_autoptr(GError) error = NULL;
  GList *accepted = NULL;

  /* A refused client gets the answer and the end of the connection: some
   * clients wait for the server to hang up before they report a refusal. */
  if (self->fanout->len + self->upgrading >= self->max_clients)
    {
      g_autofree char *body = g_strdup_printf ("The relay is full: it accepts at most %u clients.\n",
                                               self->max_clients);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", body);
      return;
    }

  /* A class code keeps out whoever was not in the room to read it. */
  if (!dpx_classroom_code_matches (self->class_code, query ? g_hash_table_lookup (query, "code") : NULL))
    {
      dpx_classroom_refuse_code (msg, query ? g_hash_table_lookup (query, "code") : NULL);
      return;
    }

  /* The relay does not care what a subprotocol means, and clients such as
   * Node's ws fail when none is chosen: agree to the first one offered. */
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

  if (self->deflate)
    {
      extension_types = g_ptr_array_new_with_free_func ((GDestroyNotify) g_type_class_unref);
      g_ptr_array_add (extension_types, g_type_class_ref (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE));
      keep_one_deflate_offer (headers);
    }

  if (!soup_websocket_server_check_handshake (msg, NULL, protocols, extension_types, &error))
    {
      g_autofree char *body = g_strdup_printf ("Bad WebSocket handshake: %s\n", error->message);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain; charset=utf-8", body);
      return;
    }

  if (soup_websocket_server_process_handshake (msg, NULL, protocols, extension_types, &accepted))
    {
      Upgrade *upgrade = g_new0 (Upgrade, 1);

      upgrade->relay = self;
      upgrade->extensions = accepted;
      upgrade->name = dpx_classroom_clean_name (query ? g_hash_table_lookup (query, "name") : NULL);
      self->upgrading++;
      /* Freed with the message if the client leaves before the 101. */
      g_object_set_data_full (G_OBJECT (msg), "dpx-upgrade", upgrade, (GDestroyNotify) upgrade_free);
      g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_upgrade_written), self, 0);
    }
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  DpxRelay *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (is_upgrade_request (msg))
    handle_upgrade (self, msg, query);
  else if ((method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD) &&
           dpx_classroom_serve (msg, path, query, self->class_code))
    ;
  else if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
    {
      g_autofree char *url = dpx_relay_dup_url (self);
      g_autofree char *page = g_strdup_printf (landing_page, url, url, url);

      respond_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", page);
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                    "Only GET (and WebSocket upgrades) are served here.\n");
    }
}

static GInetAddress *
resolve_host (const char  *host,
              GError     **error)
{
  g_autoptr(GResolver) resolver = NULL;
  g_autolist(GInetAddress) addresses = NULL;
  GInetAddress *address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return address;

  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, host, NULL, error);
  if (addresses == NULL)
    return NULL;
  return g_object_ref (addresses->data);
}

static GSocket *
listen_on (const char  *host,
           guint        port,
           GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (!(inet = resolve_host (host, error)))
    return NULL;
  address = g_inet_socket_address_new (inet, port);

  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static void
hand_over (DpxRelay *self,
           GSocket  *client)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  Handshake *handshake;

  remote = g_socket_get_remote_address (client, NULL);
  local = g_socket_get_local_address (client, NULL);
  key = remote ? address_key (remote) : NULL;
  if (key == NULL || local == NULL)
    {
      /* Gone before it was taken. */
      g_socket_close (client, NULL);
      return;
    }
  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  connection = g_socket_connection_factory_create_connection (client);

  handshake = g_new0 (Handshake, 1);
  handshake->relay = self;
  handshake->connection = connection;
  handshake->remote = g_steal_pointer (&key);
  g_object_weak_ref (G_OBJECT (connection), handshake_connection_gone, handshake);
  handshake->timeout = g_timeout_add (self->handshake_timeout_ms, handshake_timeout_cb, handshake);
  g_hash_table_replace (self->handshakes, handshake->remote, handshake);

  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, &error))
    {
      g_debug ("could not take a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
}

static gboolean
accept_retry_cb (gpointer data)
{
  DpxRelay *self = data;

  self->accept_retry = 0;
  watch_listener (self);
  return G_SOURCE_REMOVE;
}

/* Connections are accepted here and handed to the server, rather than by
 * the server's own listener: that one stops for good at the first failed
 * accept (such as running out of descriptors), and libsoup 3.2 keeps a
 * GSocket of every connection it accepted itself. */
static gboolean
on_incoming (GSocket      *listener,
             GIOCondition  condition,
             gpointer      data)
{
  DpxRelay *self = data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (listener, NULL, &error);

      if (client != NULL)
        {
          if (self->out_of_files)
            {
              self->out_of_files = FALSE;
              g_printerr (_("File descriptors are free again: accepting new clients\n"));
            }
          hand_over (self, client);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;

      /* The connection stays in the backlog; try again in a while, or as
       * soon as a client leaves, without spinning meanwhile. Out of
       * descriptors (EMFILE, ENFILE) or memory, say so once; anything else
       * (a client that reset first, ENOBUFS) is retried shortly. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          if (!self->out_of_files)
            {
              self->out_of_files = TRUE;
              g_printerr (_("Cannot accept new clients: %s. They wait until descriptors are free.\n"),
                          error->message);
            }
          self->accept_retry = g_timeout_add (ACCEPT_RETRY_MS, accept_retry_cb, self);
        }
      else
        {
          g_debug ("accept failed: %s", error->message);
          self->accept_retry = g_timeout_add (ACCEPT_RETRY_SHORT_MS, accept_retry_cb, self);
        }
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_listener (DpxRelay *self)
{
  if (self->accept_source != NULL || self->listen_socket == NULL)
    return;
  self->accept_source = g_socket_create_source (self->listen_socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_incoming), self, NULL);
  g_source_set_name (self->accept_source, "[duplex] relay accept");
  g_source_attach (self->accept_source, g_main_context_get_thread_default ());
}

/**
 * dpx_relay_start:
 *
 * Listens on the configured host and port (port 0 picks a free one: read it
 * back with dpx_relay_get_port()).
 */
gboolean
dpx_relay_start (DpxRelay  *self,
                 GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (DPX_IS_RELAY (self), FALSE);

  if (self->running)
    return TRUE;

  dpx_raise_open_file_limit ();
  self->listen_socket = listen_on (self->host, self->port, &local_error);
  if (self->listen_socket == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Port %u on %s is already in use by another program"), self->port, self->host);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("Could not listen on %s port %u: "), self->host, self->port);
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "Duplex/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  g_socket_set_blocking (self->listen_socket, FALSE);
  watch_listener (self);

  local = g_socket_get_local_address (self->listen_socket, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (local) && self->port != g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)))
    {
      self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }

  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

/**
 * dpx_relay_stop:
 *
 * Frees the port at once and closes every client with 1001 (going away).
 * The peers leave the model as their connections finish closing.
 */
void
dpx_relay_stop (DpxRelay *self)
{
  g_autoptr(GPtrArray) peers = NULL;

  g_return_if_fail (DPX_IS_RELAY (self));

  if (!self->running)
    return;

  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  g_clear_handle_id (&self->accept_retry, g_source_remove);
  g_hash_table_remove_all (self->handshakes);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_socket_close (self->listen_socket, NULL);
  g_clear_object (&self->listen_socket);
  self->out_of_files = FALSE;

  peers = g_ptr_array_copy (self->fanout, (GCopyFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (peers, g_object_unref);
  for (guint i = 0; i < peers->len; i++)
    dpx_relay_peer_close (g_ptr_array_index (peers, i), DPX_CLOSE_GOING_AWAY, "The relay is stopping");

  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
dpx_relay_get_running (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), FALSE);
  return self->running;
}

const char *
dpx_relay_get_host (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), NULL);
  return self->host;
}

void
dpx_relay_set_host (DpxRelay   *self,
                    const char *host)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (host != NULL && *host);

  if (g_strcmp0 (self->host, host) == 0)
    return;
  g_free (self->host);
  self->host = g_strdup (host);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
}

/* The bound port while running (the real one when 0 was asked for). */
guint
dpx_relay_get_port (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->port;
}

void
dpx_relay_set_port (DpxRelay *self,
                    guint     port)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->port == port)
    return;
  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/* True when the relay is reachable from this machine only. */
gboolean
dpx_relay_get_loopback_only (DpxRelay *self)
{
  g_autoptr(GInetAddress) inet = NULL;

  g_return_val_if_fail (DPX_IS_RELAY (self), TRUE);

  if (g_strcmp0 (self->host, "localhost") == 0)
    return TRUE;
  inet = g_inet_address_new_from_string (self->host);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

char *
dpx_relay_dup_url (DpxRelay *self)
{
  const char *host;

  g_return_val_if_fail (DPX_IS_RELAY (self), NULL);

  /* A wildcard address is not something a client can dial. */
  host = self->host;
  if (g_str_equal (host, "0.0.0.0"))
    host = "127.0.0.1";
  else if (g_str_equal (host, "::"))
    host = "::1";

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("ws://[%s]:%u/", host, self->port);
  return g_strdup_printf ("ws://%s:%u/", host, self->port);
}

gboolean
dpx_relay_get_echo (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), TRUE);
  return self->echo;
}

void
dpx_relay_set_echo (DpxRelay *self,
                    gboolean  echo)
{
  g_return_if_fail (DPX_IS_RELAY (self));

  echo = !!echo;
  if (self->echo == echo)
    return;
  self->echo = echo;
  if (self->n_classroom > 0)
    {
      g_autoptr(GBytes) json = dpx_classroom_settings_envelope (echo);

      tell_pages (self, json);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ECHO]);
}

guint
dpx_relay_get_max_clients (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->max_clients;
}

void
dpx_relay_set_max_clients (DpxRelay *self,
                           guint     max_clients)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (max_clients > 0);

  if (self->max_clients == max_clients)
    return;
  self->max_clients = max_clients;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CLIENTS]);
}

guint64
dpx_relay_get_max_message_size (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->max_message_size;
}

/* Applies to clients that connect after the change. */
void
dpx_relay_set_max_message_size (DpxRelay *self,
                                guint64   max_message_size)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (max_message_size > 0);

  if (self->max_message_size == max_message_size)
    return;
  self->max_message_size = max_message_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MESSAGE_SIZE]);
}

guint64
dpx_relay_get_max_queued_bytes (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->max_queued_bytes;
}

void
dpx_relay_set_max_queued_bytes (DpxRelay *self,
                                guint64   max_queued_bytes)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (max_queued_bytes > 0);

  if (self->max_queued_bytes == max_queued_bytes)
    return;
  self->max_queued_bytes = max_queued_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_QUEUED_BYTES]);
}

guint
dpx_relay_get_stall_timeout (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->stall_timeout_ms;
}

/**
 * dpx_relay_set_stall_timeout:
 * @timeout_ms: how long a client whose queue is past the mark may take no
 *   bytes before it is closed with 4008
 */
void
dpx_relay_set_stall_timeout (DpxRelay *self,
                             guint     timeout_ms)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->stall_timeout_ms == timeout_ms)
    return;
  self->stall_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALL_TIMEOUT]);
}

guint
dpx_relay_get_handshake_timeout (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->handshake_timeout_ms;
}

/* Applies to connections accepted after the change. */
void
dpx_relay_set_handshake_timeout (DpxRelay *self,
                                 guint     timeout_ms)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->handshake_timeout_ms == timeout_ms)
    return;
  self->handshake_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDSHAKE_TIMEOUT]);
}

guint
dpx_relay_get_max_rate (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->max_rate;
}

/**
 * dpx_relay_set_max_rate:
 * @max_rate: messages a second one client may send (0: no limit), for the
 *   clients connected now and later
 */
void
dpx_relay_set_max_rate (DpxRelay *self,
                        guint     max_rate)
{
  g_return_if_fail (DPX_IS_RELAY (self));

  if (self->max_rate == max_rate)
    return;
  self->max_rate = max_rate;
  for (guint i = 0; i < self->fanout->len; i++)
    dpx_relay_peer_set_max_rate (g_ptr_array_index (self->fanout, i), max_rate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RATE]);
}

gboolean
dpx_relay_get_deflate (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), FALSE);
  return self->deflate;
}

void
dpx_relay_set_deflate (DpxRelay *self,
                       gboolean  deflate)
{
  g_return_if_fail (DPX_IS_RELAY (self));

  deflate = !!deflate;
  if (self->deflate == deflate)
    return;
  self->deflate = deflate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFLATE]);
}

/**
 * dpx_relay_get_peers:
 *
 * Returns: (transfer none): a list model of #DpxRelayPeer, one per open client
 */
GListModel *
dpx_relay_get_peers (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), NULL);
  return G_LIST_MODEL (self->peers);
}

guint
dpx_relay_get_n_peers (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->fanout->len;
}

guint64
dpx_relay_get_messages_relayed (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->messages_relayed;
}

const char *
dpx_relay_get_class_code (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), NULL);
  return self->class_code;
}

/**
 * dpx_relay_set_class_code:
 * @code: (nullable): the code a client must present from now on, compared
 *   without regard to case or surrounding spaces; %NULL or blank for none.
 *   Clients already connected stay.
 */
void
dpx_relay_set_class_code (DpxRelay   *self,
                          const char *code)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (DPX_IS_RELAY (self));

  clean = dpx_classroom_clean_code (code);
  if (g_strcmp0 (self->class_code, clean) == 0)
    return;
  g_free (self->class_code);
  self->class_code = g_steal_pointer (&clean);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASS_CODE]);
}

/**
 * dpx_relay_set_peer_muted:
 *
 * Drops (or lets through again) what @peer sends, and tells it so: a class
 * page shows a notice, a raw client gets one text message from the relay.
 */
void
dpx_relay_set_peer_muted (DpxRelay     *self,
                          DpxRelayPeer *peer,
                          gboolean      muted)
{
  g_autoptr(GBytes) notice = NULL;

  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (DPX_IS_RELAY_PEER (peer));

  muted = !!muted;
  if (dpx_relay_peer_get_muted (peer) == muted)
    return;
  dpx_relay_peer_set_muted (peer, muted);
  if (dpx_relay_peer_get_classroom (peer))
    notice = dpx_classroom_muted_envelope (muted);
  else
    notice = g_bytes_new_static (muted ? DPX_RELAY_MUTED_NOTICE : DPX_RELAY_UNMUTED_NOTICE,
                                 strlen (muted ? DPX_RELAY_MUTED_NOTICE : DPX_RELAY_UNMUTED_NOTICE));
  dpx_relay_peer_send_text (peer, notice);
}

/**
 * dpx_relay_set_peer_max_rate:
 * @max_rate: messages a second @peer may send, 0 for no limit. Setting the
 *   relay's own max-rate later applies to every client again.
 */
void
dpx_relay_set_peer_max_rate (DpxRelay     *self,
                             DpxRelayPeer *peer,
                             guint         max_rate)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (DPX_IS_RELAY_PEER (peer));

  dpx_relay_peer_set_max_rate (peer, max_rate);
}

/**
 * dpx_relay_disconnect_peer:
 * @code: a close code a server may send (see dpx_close_check())
 * @reason: (nullable): at most 123 bytes
 *
 * Closes @peer's connection with @code and @reason.
 */
void
dpx_relay_disconnect_peer (DpxRelay     *self,
                           DpxRelayPeer *peer,
                           gushort       code,
                           const char   *reason)
{
  g_return_if_fail (DPX_IS_RELAY (self));
  g_return_if_fail (DPX_IS_RELAY_PEER (peer));
  g_return_if_fail (reason == NULL || strlen (reason) <= 123);

  dpx_relay_peer_close (peer, code, reason);
}

/* Empties the message list on every class page. */
void
dpx_relay_clear_pages (DpxRelay *self)
{
  g_autoptr(GBytes) json = NULL;

  g_return_if_fail (DPX_IS_RELAY (self));

  json = dpx_classroom_clear_envelope ();
  tell_pages (self, json);
}

/* How many of the clients are class pages. */
guint
dpx_relay_get_n_pages (DpxRelay *self)
{
  g_return_val_if_fail (DPX_IS_RELAY (self), 0);
  return self->n_classroom;
}

static void
dpx_relay_dispose (GObject *object)
{
  DpxRelay *self = DPX_RELAY (object);

  dpx_relay_stop (self);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->stall_source, g_source_remove);
  g_ptr_array_set_size (self->to_flush, 0);
  for (guint i = 0; i < self->fanout->len; i++)
    {
      dpx_relay_peer_set_owner (g_ptr_array_index (self->fanout, i), NULL, NULL, NULL, NULL);
    }
  g_ptr_array_set_size (self->fanout, 0);
  g_list_store_remove_all (self->peers);

  G_OBJECT_CLASS (dpx_relay_parent_class)->dispose (object);
}

static void
dpx_relay_finalize (GObject *object)
{
  DpxRelay *self = DPX_RELAY (object);

  g_clear_pointer (&self->fanout, g_ptr_array_unref);
  g_clear_pointer (&self->to_flush, g_ptr_array_unref);
  g_clear_pointer (&self->handshakes, g_hash_table_unref);
  g_clear_object (&self->peers);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->class_code, g_free);

  G_OBJECT_CLASS (dpx_relay_parent_class)->finalize (object);
}

static void
dpx_relay_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DpxRelay *self = DPX_RELAY (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_ECHO:
      g_value_set_boolean (value, self->echo);
      break;
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->max_clients);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64 (value, self->max_message_size);
      break;
    case PROP_MAX_QUEUED_BYTES:
      g_value_set_uint64 (value, self->max_queued_bytes);
      break;
    case PROP_DEFLATE:
      g_value_set_boolean (value, self->deflate);
      break;
    case PROP_STALL_TIMEOUT:
      g_value_set_uint (value, self->stall_timeout_ms);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, self->handshake_timeout_ms);
      break;
    case PROP_MAX_RATE:
      g_value_set_uint (value, self->max_rate);
      break;
    case PROP_CLASS_CODE:
      g_value_set_string (value, self->class_code);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_N_PEERS:
      g_value_set_uint (value, self->fanout->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_relay_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DpxRelay *self = DPX_RELAY (object);

  switch (prop_id)
    {
    case PROP_HOST:
      dpx_relay_set_host (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      dpx_relay_set_port (self, g_value_get_uint (value));
      break;
    case PROP_ECHO:
      dpx_relay_set_echo (self, g_value_get_boolean (value));
      break;
    case PROP_MAX_CLIENTS:
      dpx_relay_set_max_clients (self, g_value_get_uint (value));
      break;
    case PROP_MAX_MESSAGE_SIZE:
      dpx_relay_set_max_message_size (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_QUEUED_BYTES:
      dpx_relay_set_max_queued_bytes (self, g_value_get_uint64 (value));
      break;
    case PROP_DEFLATE:
      dpx_relay_set_deflate (self, g_value_get_boolean (value));
      break;
    case PROP_STALL_TIMEOUT:
      dpx_relay_set_stall_timeout (self, g_value_get_uint (value));
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      dpx_relay_set_handshake_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RATE:
      dpx_relay_set_max_rate (self, g_value_get_uint (value));
      break;
    case PROP_CLASS_CODE:
      dpx_relay_set_class_code (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_relay_class_init (DpxRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_relay_dispose;
  object_class->finalize = dpx_relay_finalize;
  object_class->get_property = dpx_relay_get_property;
  object_class->set_property = dpx_relay_set_property;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, DPX_RELAY_DEFAULT_HOST, rw);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, DPX_RELAY_DEFAULT_PORT, rw);
  properties[PROP_ECHO] =
    g_param_spec_boolean ("echo", NULL, NULL, TRUE, rw);
  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 1, G_MAXUINT, DPX_RELAY_DEFAULT_MAX_CLIENTS, rw);
  properties[PROP_MAX_MESSAGE_SIZE] =
    g_param_spec_uint64 ("max-message-size", NULL, NULL, 1, G_MAXUINT32,
                         DPX_RELAY_DEFAULT_MAX_MESSAGE_SIZE, rw);
  properties[PROP_MAX_QUEUED_BYTES] =
    g_param_spec_uint64 ("max-queued-bytes", NULL, NULL, 1, G_MAXUINT64,
                         DPX_RELAY_DEFAULT_MAX_QUEUED_BYTES, rw);
  properties[PROP_DEFLATE] =
    g_param_spec_boolean ("deflate", NULL, NULL, FALSE, rw);
  properties[PROP_STALL_TIMEOUT] =
    g_param_spec_uint ("stall-timeout", NULL, NULL, 1, G_MAXUINT,
                       DPX_RELAY_DEFAULT_STALL_TIMEOUT_MS, rw);
  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_uint ("handshake-timeout", NULL, NULL, 1, G_MAXUINT,
                       DPX_RELAY_DEFAULT_HANDSHAKE_TIMEOUT_MS, rw);
  properties[PROP_MAX_RATE] =
    g_param_spec_uint ("max-rate", NULL, NULL, 0, G_MAXUINT, 0, rw);
  /* What a client must present to join (its `code` query parameter), or
   * NULL for none. */
  properties[PROP_CLASS_CODE] =
    g_param_spec_string ("class-code", NULL, NULL, NULL, rw);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_N_PEERS] =
    g_param_spec_uint ("n-peers", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PEER_CONNECTED] =
    g_signal_new ("peer-connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DPX_TYPE_RELAY_PEER);
  signals[SIGNAL_PEER_DISCONNECTED] =
    g_signal_new ("peer-disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DPX_TYPE_RELAY_PEER);
  /**
   * DpxRelay::message:
   * @sender: the peer that sent it
   * @type: a #SoupWebsocketDataType
   * @message: the payload, already relayed
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, DPX_TYPE_RELAY_PEER, G_TYPE_INT, G_TYPE_BYTES);
}

static void
dpx_relay_init (DpxRelay *self)
{
  self->host = g_strdup (DPX_RELAY_DEFAULT_HOST);
  self->port = DPX_RELAY_DEFAULT_PORT;
  self->echo = TRUE;
  self->max_clients = DPX_RELAY_DEFAULT_MAX_CLIENTS;
  self->max_message_size = DPX_RELAY_DEFAULT_MAX_MESSAGE_SIZE;
  self->max_queued_bytes = DPX_RELAY_DEFAULT_MAX_QUEUED_BYTES;
  self->stall_timeout_ms = DPX_RELAY_DEFAULT_STALL_TIMEOUT_MS;
  self->handshake_timeout_ms = DPX_RELAY_DEFAULT_HANDSHAKE_TIMEOUT_MS;
  self->handshakes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) handshake_free);
  self->peers = g_list_store_new (DPX_TYPE_RELAY_PEER);
  self->fanout = g_ptr_array_new_with_free_func (g_object_unref);
  self->to_flush = g_ptr_array_new_with_free_func (g_object_unref);
}

DpxRelay *
dpx_relay_new (void)
{
  return g_object_new (DPX_TYPE_RELAY, NULL);
}
