/* dpx-hostile-server.c: a WebSocket server on loopback that writes chosen bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It answers the first client's upgrade with a correct 101 (and the
 * extensions it was told to accept), then writes what the test queued, or
 * what the test's feed returns, byte for byte: endless fragments, frames
 * claiming terabytes, compressed bombs, malformed close frames. It reads the
 * client's frames meanwhile and records the close frame the client sends;
 * once that has come it stops writing. Everything runs on the default main
 * context, so a test spinning dpx_test_wait_until() drives it.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "dpx-hostile-server.h"

#define READ_CHUNK (64 * 1024)

typedef struct {
  DpxHostileServer *server;
  GCancellable     *cancellable;
  GBytes           *writing;
} Io;

/* The server's cancellable lives in the io of each pending operation, so a
 * callback arriving after dpx_hostile_server_free() touches nothing. */
static GCancellable *
server_cancellable (DpxHostileServer *server)
{
  return g_object_get_data (G_OBJECT (server->service), "dpx-hostile-cancellable");
}

static void start_read (DpxHostileServer *server);
static void pump (DpxHostileServer *server);

GBytes *
dpx_hostile_frame_header (guint8  first_byte,
                          guint64 length)
{
  guint8 header[10];
  gsize n = 0;

  header[n++] = first_byte;
  if (length < 126)
    header[n++] = length;
  else if (length <= 0xffff)
    {
      header[n++] = 126;
      header[n++] = length >> 8;
      header[n++] = length & 0xff;
    }
  else
    {
      header[n++] = 127;
      for (int i = 7; i >= 0; i--)
        header[n++] = (length >> (8 * i)) & 0xff;
    }
  return g_bytes_new (header, n);
}

/* One unmasked frame, as a server writes it; @first_byte holds FIN, RSV1
 * and the opcode. */
GBytes *
dpx_hostile_frame (guint8      first_byte,
                   const void *payload,
                   gsize       length)
{
  g_autoptr(GBytes) header = dpx_hostile_frame_header (first_byte, length);
  GByteArray *frame = g_byte_array_sized_new (g_bytes_get_size (header) + length);

  g_byte_array_append (frame, g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  if (length > 0)
    g_byte_array_append (frame, payload, length);
  return g_byte_array_free_to_bytes (frame);
}

static char *
accept_for_key (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", -1);
  g_checksum_get_digest (sha1, digest, &length);
  return g_base64_encode (digest, length);
}

static char *
request_header (const char *head,
                const char *name)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);

  for (guint i = 1; lines[i]; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon && (gsize) (colon - lines[i]) == strlen (name) &&
          g_ascii_strncasecmp (lines[i], name, strlen (name)) == 0)
        return g_strstrip (g_strdup (colon + 1));
    }
  return NULL;
}

static void
answer_handshake (DpxHostileServer *server)
{
  g_autofree char *key = request_header (server->request->str, "Sec-WebSocket-Key");
  g_autofree char *accept = accept_for_key (key ? key : "");
  g_autoptr(GString) answer = g_string_new ("HTTP/1.1 101 Switching Protocols\r\n"
                                            "Upgrade: websocket\r\n"
                                            "Connection: Upgrade\r\n");

  if (server->answer)
    {
      g_string_assign (answer, server->answer);
      g_string_replace (answer, "{accept}", accept, 0);
    }
  else
    {
      g_string_append_printf (answer, "Sec-WebSocket-Accept: %s\r\n", accept);
      if (server->extensions)
        g_string_append_printf (answer, "Sec-WebSocket-Extensions: %s\r\n", server->extensions);
      g_string_append (answer, "\r\n");
    }

  /* The first bytes queued go in the same write as the answer, as a busy
   * server's would: in the same TCP segment, or the same TLS record. */
  if (!g_queue_is_empty (&server->outgoing))
    {
      g_autoptr(GBytes) first = g_queue_pop_head (&server->outgoing);

      g_string_append_len (answer, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
    }
  g_queue_push_head (&server->outgoing, g_bytes_new (answer->str, answer->len));
  server->handshake_done = TRUE;
  pump (server);
}

/* Takes the client's complete frames off server->incoming. */
static void
parse_frames (DpxHostileServer *server)
{
  GByteArray *in = server->incoming;

  for (;;)
    {
      gsize header = 2;
      guint64 length;
      guint8 *payload;

      if (in->len < 2)
        return;
      length = in->data[1] & 0x7f;
      if (length == 126)
        header += 2;
      else if (length == 127)
        header += 8;
      if (in->data[1] & 0x80)
        header += 4;
      if (in->len < header)
        return;
      if (length >= 126)
        {
          gsize n = length == 126 ? 2 : 8;

          length = 0;
          for (gsize i = 0; i < n; i++)
            length = (length << 8) | in->data[2 + i];
        }
      if (in->len - header < length)
        return;

      payload = in->data + header;
      if (in->data[1] & 0x80)
        for (guint64 i = 0; i < length; i++)
          payload[i] ^= in->data[header - 4 + (i & 3)];

      if ((in->data[0] & 0x0f) == 0x8 && !server->got_close)
        {
          server->got_close = TRUE;
          server->close_code = length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
          server->close_reason = length > 2 ? g_strndup ((char *) payload + 2, length - 2) : g_strdup ("");
        }
      g_byte_array_remove_range (in, 0, header + length);
    }
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Io *io = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  DpxHostileServer *server = io->server;
  gboolean cancelled = g_cancellable_is_cancelled (io->cancellable);

  g_object_unref (io->cancellable);
  g_free (io);
  if (cancelled)
    return;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      server->client_gone = TRUE;
      return;
    }
  g_byte_array_append (server->incoming, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (!server->handshake_done)
    {
      const char *data = (const char *) server->incoming->data;
      const char *end = g_strstr_len (data, server->incoming->len, "\r\n\r\n");

      if (end)
        {
          gsize head = end + 4 - data;

          g_string_append_len (server->request, data, head);
          g_byte_array_remove_range (server->incoming, 0, head);
          answer_handshake (server);
        }
    }
  if (server->handshake_done)
    parse_frames (server);
  if (!(server->deaf && server->handshake_done))
    start_read (server);
}

static void
start_read (DpxHostileServer *server)
{
  Io *io = g_new0 (Io, 1);

  io->server = server;
  io->cancellable = g_object_ref (server_cancellable (server));
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (server->stream),
                                   READ_CHUNK, G_PRIORITY_DEFAULT, io->cancellable, on_read, io);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Io *io = user_data;
  g_autoptr(GError) error = NULL;
  DpxHostileServer *server = io->server;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  gboolean cancelled = g_cancellable_is_cancelled (io->cancellable);
  gsize size = g_bytes_get_size (io->writing);

  g_object_unref (io->cancellable);
  g_bytes_unref (io->writing);
  g_free (io);
  if (cancelled)
    return;

  server->writing = FALSE;
  if (!ok)
    {
      server->client_gone = TRUE;
      return;
    }
  server->bytes_written += size;
  pump (server);
}

/* Writes the next bytes, unless the client has said goodbye. */
static void
pump (DpxHostileServer *server)
{
  GBytes *next;
  Io *io;

  if (server->writing || !server->handshake_done || server->got_close || server->client_gone)
    return;

  next = g_queue_pop_head (&server->outgoing);
  if (next == NULL && server->feed)
    next = server->feed (server->feed_data);
  if (next == NULL)
    return;

  server->writing = TRUE;
  io = g_new0 (Io, 1);
  io->server = server;
  io->cancellable = g_object_ref (server_cancellable (server));
  io->writing = next;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (server->stream),
                                   g_bytes_get_data (next, NULL), g_bytes_get_size (next),
                                   G_PRIORITY_DEFAULT, io->cancellable, on_written, io);
}

static void
on_tls_handshake (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Io *io = user_data;
  g_autoptr(GError) error = NULL;
  DpxHostileServer *server = io->server;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  gboolean cancelled = g_cancellable_is_cancelled (io->cancellable);

  g_object_unref (io->cancellable);
  g_free (io);
  if (cancelled)
    return;
  if (!ok)
    {
      server->client_gone = TRUE;
      return;
    }
  start_read (server);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             DpxHostileServer  *server)
{
  g_autoptr(GError) error = NULL;
  Io *io;

  if (server->connection)
    return TRUE;
  server->connection = g_object_ref (connection);
  if (server->certificate == NULL)
    {
      server->stream = g_object_ref (G_IO_STREAM (connection));
      start_read (server);
      return TRUE;
    }

  server->stream = g_tls_server_connection_new (G_IO_STREAM (connection), server->certificate, &error);
  g_assert_no_error (error);
  io = g_new0 (Io, 1);
  io->server = server;
  io->cancellable = g_object_ref (server_cancellable (server));
  g_tls_connection_handshake_async (G_TLS_CONNECTION (server->stream), G_PRIORITY_DEFAULT,
                                    io->cancellable, on_tls_handshake, io);
  return TRUE;
}

/* A listening socket on loopback. A deaf server's receive buffer is made
 * small here, before any client connects: the window offered in the
 * handshake then fits what it holds. Made small after the accept, the
 * buffer went back on a window already offered, and on loopback (segments
 * of 32 to 64 KiB) both ends ended up retransmitting into each other's full
 * buffers, the retries backing off to 12 s and more: the flood crawled. */
static GSocket *
listen_on_loopback (gboolean deaf)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (deaf)
    {
      /* Its small window fills at once with what it never reads. */
      g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, &error);
      g_assert_no_error (error);
    }
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&socket);
}

static DpxHostileServer *
server_new (const char *extensions,
            gboolean    deaf)
{
  DpxHostileServer *server = g_new0 (DpxHostileServer, 1);
  g_autoptr(GSocket) socket = listen_on_loopback (deaf);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  server->deaf = deaf;
  server->service = g_socket_service_new ();
  g_object_set_data_full (G_OBJECT (server->service), "dpx-hostile-cancellable", g_cancellable_new (),
                          g_object_unref);
  g_socket_listener_add_socket (G_SOCKET_LISTENER (server->service), socket, NULL, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  server->url = g_strdup_printf ("ws://127.0.0.1:%u/hostile",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  server->extensions = g_strdup (extensions);
  server->request = g_string_new (NULL);
  server->incoming = g_byte_array_new ();
  g_queue_init (&server->outgoing);
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_socket_service_start (server->service);
  return server;
}

/**
 * dpx_hostile_server_new:
 * @extensions: (nullable): a Sec-WebSocket-Extensions value to answer with
 */
DpxHostileServer *
dpx_hostile_server_new (const char *extensions)
{
  return server_new (extensions, FALSE);
}

/* A server that reads nothing after the client's request. */
DpxHostileServer *
dpx_hostile_server_new_deaf (void)
{
  return server_new (NULL, TRUE);
}

/* The same, over TLS with @certificate. */
DpxHostileServer *
dpx_hostile_server_new_tls (GTlsCertificate *certificate)
{
  DpxHostileServer *server = dpx_hostile_server_new (NULL);
  char *url = g_strconcat ("wss://", server->url + strlen ("ws://"), NULL);

  g_free (server->url);
  server->url = url;
  server->certificate = g_object_ref (certificate);
  return server;
}

/* Queues @bytes to write after the 101 and whatever is queued before. */
void
dpx_hostile_server_write (DpxHostileServer *server,
                          GBytes           *bytes)
{
  g_queue_push_tail (&server->outgoing, g_bytes_ref (bytes));
  if (server->connection)
    pump (server);
}

/* Once the queue is empty, writes what @feed returns, until it returns NULL. */
void
dpx_hostile_server_set_feed (DpxHostileServer *server,
                             DpxHostileFeed    feed,
                             gpointer          user_data)
{
  server->feed = feed;
  server->feed_data = user_data;
  if (server->connection)
    pump (server);
}

/* Stops reading and writing and closes the client's connection. */
void
dpx_hostile_server_hang_up (DpxHostileServer *server)
{
  g_cancellable_cancel (server_cancellable (server));
  if (server->stream)
    g_io_stream_close (server->stream, NULL, NULL);
  if (server->connection)
    g_io_stream_close (G_IO_STREAM (server->connection), NULL, NULL);
}

void
dpx_hostile_server_free (DpxHostileServer *server)
{
  dpx_hostile_server_hang_up (server);
  g_signal_handlers_disconnect_by_data (server->service, server);
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  g_clear_object (&server->stream);
  g_clear_object (&server->connection);
  g_clear_object (&server->certificate);
  g_queue_clear_full (&server->outgoing, (GDestroyNotify) g_bytes_unref);
  g_string_free (server->request, TRUE);
  g_byte_array_unref (server->incoming);
  g_free (server->url);
  g_free (server->extensions);
  g_free (server->answer);
  g_free (server->close_reason);
  g_free (server);
}
