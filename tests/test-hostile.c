/* test-hostile.c: duplex consume and DpxClient against servers that misbehave
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each server here completes a correct handshake and then writes what no
 * honest server would: endless fragments, a frame claiming a terabyte, a
 * compressed bomb, malformed close frames, a flood of tiny messages. What a
 * user checks: the client stops at its size limit and says so, tells the
 * server with 1009, keeps its memory (the child's peak resident set) far
 * under the limit times a small factor, and exits 1.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "dpx-client-input-stream.h"
#include "dpx-hostile-server.h"
#include "dpx-test-support.h"

#define MIB (1024 * 1024)
#define FRAGMENT_SIZE (64 * 1024)

/* How far past its limit a client may grow, in resident memory, on top of
 * what an idle `duplex consume` already takes. */
#define PEAK_FACTOR 3

/* duplex consume as a child --------------------------------------------- */

typedef struct {
  GSubprocess *process;
  char        *pid;
  char        *out;
  char        *err;
  gboolean     done;
  gsize        peak_kib;
} Run;

static void
communicated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static Run *
run_consume (const char         *url,
             const char * const *options)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);

  g_assert_nonnull (g_getenv ("DUPLEX"));
  g_ptr_array_add (argv, (gpointer) g_getenv ("DUPLEX"));
  g_ptr_array_add (argv, (gpointer) "consume");
  g_ptr_array_add (argv, (gpointer) url);
  for (guint i = 0; options && options[i]; i++)
    g_ptr_array_add (argv, (gpointer) options[i]);
  g_ptr_array_add (argv, NULL);

  run->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  run->pid = g_strdup (g_subprocess_get_identifier (run->process));
  g_subprocess_communicate_utf8_async (run->process, NULL, NULL, communicated, run);
  return run;
}

/* Keeps the child's peak resident set; FALSE, to sit in a condition. */
static gboolean
sample_peak (Run *run)
{
  if (!run->done)
    run->peak_kib = MAX (run->peak_kib, dpx_process_memory_kib (run->pid, "VmHWM"));
  return FALSE;
}

static int
run_wait (Run *run)
{
  dpx_test_wait_until (run->done, 30000);
  g_test_message ("stdout: %s\nstderr: %s", run->out, run->err);
  g_assert_true (g_subprocess_get_if_exited (run->process));
  return g_subprocess_get_exit_status (run->process);
}

static void
run_free (Run *run)
{
  if (!run->done)
    {
      g_subprocess_force_exit (run->process);
      dpx_test_wait_until (run->done, 10000);
    }
  g_clear_object (&run->process);
  g_free (run->pid);
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* What an idle consumer takes, for the memory bounds. */
static gsize
idle_consumer_kib (void)
{
  static gsize kib;

  /* The sanitizer build measures no memory (see dpx-test-support.h). */
  if (!DPX_TEST_MEMORY_MEASURABLE)
    return 0;
  if (kib == 0)
    {
      g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
      g_autoptr(GBytes) hello = dpx_hostile_frame (0x81, "hello", 5);
      g_autoptr(Run) run = NULL;

      gint64 until;

      /* It waits for a second message that never comes, so it is sampled
       * while it runs, connected and with one message behind it: a run
       * that ended first would leave nothing to sample on a busy machine.
       * Sampling starts once its request has come, not at its first
       * sample: on a loaded machine that came before it had loaded its
       * libraries (3 MiB where 9 to 14 is usual), and the bounds built on it
       * failed. */
      dpx_hostile_server_write (server, hello);
      run = run_consume (server->url, (const char *[]) { "--count", "2", NULL });
      dpx_test_wait_until ((sample_peak (run), server->handshake_done || run->done), 30000);
      until = g_get_monotonic_time () + 500 * 1000;
      dpx_test_wait_until ((sample_peak (run), g_get_monotonic_time () > until || run->done), 5000);
      kib = run->peak_kib;
      g_test_message ("an idle duplex consume peaks at %zu KiB", kib);
      g_assert_cmpuint (kib, >, 0);
    }
  return kib;
}

/* Hostile feeds ----------------------------------------------------------- */

typedef struct {
  GBytes  *chunk;
  guint64  left;    /* bytes still to write: the servers stop somewhere */
} Feed;

static GBytes *
feed_next (gpointer user_data)
{
  Feed *feed = user_data;

  if (feed->left < g_bytes_get_size (feed->chunk))
    return NULL;
  feed->left -= g_bytes_get_size (feed->chunk);
  return g_bytes_ref (feed->chunk);
}

static void
feed_clear (Feed *feed)
{
  g_clear_pointer (&feed->chunk, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Feed, feed_clear)

/* A text message that never ends: 64 KiB fragments, up to @total bytes. */
static void
serve_endless_fragments (DpxHostileServer *server,
                         Feed             *feed,
                         guint64           total)
{
  g_autofree char *payload = g_strnfill (FRAGMENT_SIZE, 'a');
  g_autoptr(GBytes) first = dpx_hostile_frame (0x01, payload, FRAGMENT_SIZE);

  feed->chunk = dpx_hostile_frame (0x00, payload, FRAGMENT_SIZE);
  feed->left = total;
  dpx_hostile_server_write (server, first);
  dpx_hostile_server_set_feed (server, feed_next, feed);
}

/* One binary frame whose header claims a terabyte, then zeros. */
static void
serve_huge_frame (DpxHostileServer *server,
                  Feed             *feed,
                  guint64           total)
{
  g_autoptr(GBytes) header = dpx_hostile_frame_header (0x82, G_GUINT64_CONSTANT (1) << 40);
  g_autofree guint8 *zeros = g_malloc0 (FRAGMENT_SIZE);

  feed->chunk = g_bytes_new (zeros, FRAGMENT_SIZE);
  feed->left = total;
  dpx_hostile_server_write (server, header);
  dpx_hostile_server_set_feed (server, feed_next, feed);
}

/* One compressed binary frame that inflates to @inflated zero bytes. */
static GBytes *
deflate_bomb (gsize inflated)
{
  g_autofree guint8 *zeros = g_malloc0 (MIB);
  GByteArray *out = g_byte_array_new ();
  guint8 buffer[64 * 1024];
  z_stream z = { 0 };
  g_autoptr(GBytes) frame = NULL;

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY), ==, Z_OK);
  for (gsize fed = 0; fed < inflated; fed += MIB)
    {
      gboolean last = fed + MIB >= inflated;

      z.next_in = zeros;
      z.avail_in = MIB;
      do
        {
          z.next_out = buffer;
          z.avail_out = sizeof buffer;
          g_assert_cmpint (deflate (&z, last ? Z_SYNC_FLUSH : Z_NO_FLUSH), !=, Z_STREAM_ERROR);
          g_byte_array_append (out, buffer, sizeof buffer - z.avail_out);
        }
      while (z.avail_out == 0);
    }
  deflateEnd (&z);

  /* permessage-deflate leaves out the flush's 00 00 ff ff (RFC 7692 7.2.1). */
  g_assert_cmpuint (out->len, >, 4);
  g_assert_cmpmem (out->data + out->len - 4, 4, "\x00\x00\xff\xff", 4);
  g_byte_array_set_size (out, out->len - 4);
  g_test_message ("the bomb: %u bytes inflating to %zu", out->len, inflated);

  frame = dpx_hostile_frame (0xc2, out->data, out->len);
  g_byte_array_unref (out);
  return g_steal_pointer (&frame);
}

/* Waits for the client's close frame, or its going, sampling the child. */
static void
wait_for_close (DpxHostileServer *server,
                Run              *run)
{
  dpx_test_wait_until ((sample_peak (run), server->got_close || server->client_gone || run->done), 60000);
  sample_peak (run);
  g_test_message ("the server wrote %" G_GUINT64_FORMAT " bytes; the client closed with %u; peak %zu KiB",
                  server->bytes_written, server->close_code, run->peak_kib);
}

static void
assert_peak_bounded (Run     *run,
                     guint64  limit)
{
  gsize bound = idle_consumer_kib () + PEAK_FACTOR * limit / 1024;

  if (!DPX_TEST_MEMORY_MEASURABLE)
    return;
  g_test_message ("peak %zu KiB, bound %zu KiB", run->peak_kib, bound);
  g_assert_cmpuint (run->peak_kib, <, bound);
}

/* duplex consume ---------------------------------------------------------- */

static void
test_consume_endless_fragments (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_auto(Feed) feed = { 0 };
  g_autoptr(Run) run = NULL;

  idle_consumer_kib ();
  /* Four times the default limit of 16 MiB, then the server gives up. */
  serve_endless_fragments (server, &feed, 64 * (guint64) MIB);
  run = run_consume (server->url, (const char *[]) { "--max-message-size", "4M", NULL });
  wait_for_close (server, run);

  g_assert_true (server->got_close);
  g_assert_cmpuint (server->close_code, ==, 1009);
  assert_peak_bounded (run, 4 * MIB);

  dpx_hostile_server_hang_up (server);
  g_assert_cmpint (run_wait (run), ==, 1);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (strstr (run->err, "larger than the limit of 4194304 bytes"));
  g_assert_nonnull (strstr (run->err, "in fragments"));
  g_assert_nonnull (strstr (run->err, "Closed: 1009 (message too big)"));
}

static void
test_consume_deflate_bomb (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new ("permessage-deflate");
  g_autoptr(GBytes) bomb = deflate_bomb (256 * MIB);
  g_autoptr(Run) run = NULL;

  idle_consumer_kib ();
  dpx_hostile_server_write (server, bomb);
  run = run_consume (server->url, (const char *[]) { "--deflate", "--max-message-size", "4M", NULL });
  wait_for_close (server, run);

  g_assert_true (server->got_close);
  g_assert_cmpuint (server->close_code, ==, 1009);
  assert_peak_bounded (run, 4 * MIB);

  dpx_hostile_server_hang_up (server);
  g_assert_cmpint (run_wait (run), ==, 1);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (strstr (run->err, "larger than the limit of 4194304 bytes"));
  g_assert_nonnull (strstr (run->err, "once inflated"));
}

static void
test_consume_huge_frame (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_auto(Feed) feed = { 0 };
  g_autoptr(Run) run = NULL;

  idle_consumer_kib ();
  serve_huge_frame (server, &feed, 64 * (guint64) MIB);
  run = run_consume (server->url, NULL);
  wait_for_close (server, run);

  /* Refused from its header: the server is told, not dropped. */
  g_assert_true (server->got_close);
  g_assert_cmpuint (server->close_code, ==, 1009);
  assert_peak_bounded (run, DPX_CLIENT_DEFAULT_MAX_MESSAGE_SIZE);

  dpx_hostile_server_hang_up (server);
  g_assert_cmpint (run_wait (run), ==, 1);
  g_assert_nonnull (strstr (run->err, "The server sent a message of 1099511627776 bytes, "
                                      "larger than the limit of 16777216 bytes"));
}

/* The server closes right after a message over the limit, in the same
 * write: it must still hear 1009, not an echo of its own close. */
static void
test_consume_too_big_then_close (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_autofree char *big = g_strnfill (100000, 'x');
  g_autoptr(GBytes) message = dpx_hostile_frame (0x81, big, 100000);
  g_autoptr(GBytes) close = dpx_hostile_frame (0x88, "\x03\xe8", 2);
  g_autoptr(GByteArray) both = g_byte_array_new ();
  g_autoptr(GBytes) both_bytes = NULL;
  g_autoptr(Run) run = NULL;

  g_byte_array_append (both, g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_byte_array_append (both, g_bytes_get_data (close, NULL), g_bytes_get_size (close));
  both_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&both));
  dpx_hostile_server_write (server, both_bytes);
  run = run_consume (server->url, (const char *[]) { "--max-message-size", "64K", NULL });
  dpx_test_wait_until (server->got_close || server->client_gone || run->done, 30000);
  dpx_hostile_server_hang_up (server);

  g_assert_true (server->got_close);
  g_assert_cmpuint (server->close_code, ==, 1009);
  g_assert_cmpint (run_wait (run), ==, 1);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (strstr (run->err, "The server sent a message of 100000 bytes, larger than the limit"));
}

static const struct {
  const char *name;
  const char *payload;
  gsize       length;
  const char *words;
} bad_closes[] = {
  { "code 1005 on the wire", "\x03\xed", 2, "close code 1005 is not allowed on the wire" },
  { "a 1-byte payload", "\x03", 1, "its payload is 1 byte long" },
  { "a reason that is not UTF-8", "\x03\xe8" "bye \xff\xfe", 8, "its reason is not valid UTF-8" },
  { "code 999", "\x03\xe7", 2, "close code 999 is not a valid close code" },
};

static void
test_consume_invalid_close (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_closes); i++)
    {
      g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
      g_autoptr(GBytes) hello = dpx_hostile_frame (0x81, "hello", 5);
      g_autoptr(GBytes) close = dpx_hostile_frame (0x88, bad_closes[i].payload, bad_closes[i].length);
      g_autoptr(Run) run = NULL;

      g_test_message ("a close frame with %s", bad_closes[i].name);
      dpx_hostile_server_write (server, hello);
      dpx_hostile_server_write (server, close);
      run = run_consume (server->url, NULL);
      dpx_test_wait_until (server->got_close || server->client_gone || run->done, 30000);
      /* The server is told its close was a protocol error. */
      g_assert_true (server->got_close);
      g_assert_cmpuint (server->close_code, ==, 1002);
      dpx_hostile_server_hang_up (server);

      g_assert_cmpint (run_wait (run), ==, 1);
      g_assert_cmpstr (run->out, ==, "hello\n");
      g_assert_nonnull (strstr (run->err, "The server’s close frame is invalid"));
      g_assert_nonnull (strstr (run->err, bad_closes[i].words));
      g_assert_nonnull (strstr (run->err, "Closed by this client: 1002 (protocol error)"));
    }
}

/* Even after the messages it wanted, a malformed close fails the run. */
static void
test_consume_count_then_invalid_close (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_autoptr(GBytes) hello = dpx_hostile_frame (0x81, "hello", 5);
  g_autoptr(GBytes) close = dpx_hostile_frame (0x88, "\x03\xed", 2);
  g_autoptr(Run) run = NULL;

  dpx_hostile_server_write (server, hello);
  dpx_hostile_server_write (server, close);
  run = run_consume (server->url, (const char *[]) { "--count", "1", NULL });
  dpx_test_wait_until (server->got_close || server->client_gone || run->done, 30000);
  dpx_hostile_server_hang_up (server);

  g_assert_cmpint (run_wait (run), ==, 1);
  g_assert_cmpstr (run->out, ==, "hello\n");
  g_assert_nonnull (strstr (run->err, "close code 1005 is not allowed on the wire"));
}

/* A server that pings without reading the pongs is dropped before the
 * pongs waiting in the client's queue add up. */
static void
test_consume_ping_flood (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new_deaf ();
  g_autoptr(GByteArray) pings = g_byte_array_new ();
  g_autofree char *data = g_strnfill (125, 'p');
  g_auto(Feed) feed = { 0 };
  g_autoptr(Run) run = NULL;

  idle_consumer_kib ();
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(GBytes) ping = dpx_hostile_frame (0x89, data, 125);

      g_byte_array_append (pings, g_bytes_get_data (ping, NULL), g_bytes_get_size (ping));
    }
  feed.chunk = g_byte_array_free_to_bytes (g_steal_pointer (&pings));
  feed.left = 256 * (guint64) MIB;
  dpx_hostile_server_set_feed (server, feed_next, &feed);
  run = run_consume (server->url, NULL);
  dpx_test_wait_until ((sample_peak (run), run->done || server->client_gone), 60000);
  sample_peak (run);
  g_test_message ("the server wrote %" G_GUINT64_FORMAT " bytes of pings; peak %zu KiB",
                  server->bytes_written, run->peak_kib);
  dpx_hostile_server_hang_up (server);

  g_assert_cmpint (run_wait (run), ==, 1);
  g_assert_nonnull (strstr (run->err, "The server sends pings but does not read the answers"));
  assert_peak_bounded (run, 4 * MIB);
}

/* A valid close without a code is still a clean end. */
static void
test_consume_empty_close (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_autoptr(GBytes) hello = dpx_hostile_frame (0x81, "hello", 5);
  g_autoptr(GBytes) close = dpx_hostile_frame (0x88, NULL, 0);
  g_autoptr(Run) run = NULL;

  dpx_hostile_server_write (server, hello);
  dpx_hostile_server_write (server, close);
  run = run_consume (server->url, NULL);
  dpx_test_wait_until (server->got_close || server->client_gone || run->done, 30000);
  dpx_hostile_server_hang_up (server);

  g_assert_cmpint (run_wait (run), ==, 0);
  g_assert_cmpstr (run->out, ==, "hello\n");
  g_assert_null (strstr (run->err, "invalid"));
}

/* DpxClient ----------------------------------------------------------------- */

typedef struct {
  DpxClient *client;
  guint      n_messages;
  GBytes    *last_message;
  GPtrArray *events;
  gboolean   connect_done;
  GError    *connect_error;
} Watch;

static void
on_message (DpxClient *client,
            int        type,
            GBytes    *message,
            Watch     *watch)
{
  watch->n_messages++;
  g_clear_pointer (&watch->last_message, g_bytes_unref);
  watch->last_message = g_bytes_ref (message);
}

static void
on_event (DpxClient    *client,
          DpxEntryKind  kind,
          const char   *text,
          const char   *revealed,
          Watch        *watch)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_ptr_array_add (watch->events, g_strdup_printf ("%s: %s", dpx_entry_kind_to_string (kind), text));
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Watch *watch = user_data;

  dpx_client_connect_finish (DPX_CLIENT (source), result, &watch->connect_error);
  watch->connect_done = TRUE;
}

static Watch *
watch_start (const char *url,
             guint64     max_message_size,
             gboolean    deflate)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->client = dpx_client_new (url);
  watch->events = g_ptr_array_new_with_free_func (g_free);
  dpx_client_set_max_message_size (watch->client, max_message_size);
  dpx_client_set_deflate (watch->client, deflate);
  g_signal_connect (watch->client, "message", G_CALLBACK (on_message), watch);
  g_signal_connect (watch->client, "event", G_CALLBACK (on_event), watch);
  dpx_client_connect_async (watch->client, NULL, connected_cb, watch);
  return watch;
}

static Watch *
watch_try_connect (const char *url,
                   guint64     max_message_size,
                   gboolean    deflate)
{
  Watch *watch = watch_start (url, max_message_size, deflate);

  dpx_test_wait_until (watch->connect_done, 30000);
  return watch;
}

static void
watch_free (Watch *watch)
{
  g_signal_handlers_disconnect_by_data (watch->client, watch);
  g_clear_object (&watch->client);
  g_clear_pointer (&watch->last_message, g_bytes_unref);
  g_ptr_array_unref (watch->events);
  g_clear_error (&watch->connect_error);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

static Watch *
watch_connect (const char *url,
               guint64     max_message_size,
               gboolean    deflate)
{
  Watch *watch = watch_try_connect (url, max_message_size, deflate);

  g_assert_no_error (watch->connect_error);
  return watch;
}

static const char *
find_event (Watch      *watch,
            const char *needle)
{
  for (guint i = 0; i < watch->events->len; i++)
    if (strstr (watch->events->pdata[i], needle))
      return watch->events->pdata[i];
  return NULL;
}

static void
wait_closed (Watch            *watch,
             DpxHostileServer *server)
{
  dpx_test_wait_until (server->got_close || server->client_gone, 30000);
  dpx_hostile_server_hang_up (server);
  dpx_test_wait_until (dpx_client_get_state (watch->client) == DPX_CONNECTION_STATE_CLOSED, 30000);
  for (guint i = 0; i < watch->events->len; i++)
    g_test_message ("%s", (char *) watch->events->pdata[i]);
}

static void
test_client_endless_fragments (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_auto(Feed) feed = { 0 };
  g_autoptr(Watch) watch = NULL;

  serve_endless_fragments (server, &feed, 64 * (guint64) MIB);
  watch = watch_connect (server->url, MIB, FALSE);
  wait_closed (watch, server);

  g_assert_cmpuint (server->close_code, ==, 1009);
  g_assert_cmpuint (watch->n_messages, ==, 0);
  g_assert_nonnull (find_event (watch, "error: The server sent a message larger than the limit of 1048576 bytes"));
  g_assert_nonnull (find_event (watch, "in fragments"));
  g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 1009);
  g_assert_nonnull (find_event (watch, "close: Closed: 1009 (message too big)"));
  /* The server gave up well before writing all it could. */
  g_assert_cmpuint (server->bytes_written, <, 64 * (guint64) MIB);
}

static void
test_client_deflate_bomb (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new ("permessage-deflate");
  g_autoptr(GBytes) bomb = deflate_bomb (64 * MIB);
  g_autoptr(GBytes) after = dpx_hostile_frame (0x81, "after", 5);
  g_autoptr(Watch) watch = NULL;

  dpx_hostile_server_write (server, bomb);
  dpx_hostile_server_write (server, after);
  watch = watch_connect (server->url, MIB, TRUE);
  g_assert_cmpstr (dpx_client_get_extensions (watch->client), ==, "permessage-deflate");
  wait_closed (watch, server);

  g_assert_cmpuint (server->close_code, ==, 1009);
  g_assert_cmpuint (watch->n_messages, ==, 0);
  g_assert_nonnull (find_event (watch, "error: The server sent a message larger than the limit of 1048576 bytes"));
  g_assert_nonnull (find_event (watch, "once inflated"));
  g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 1009);
}

/* Compressed data that does not inflate is refused with 1007. */
static void
test_client_bad_deflate (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new ("permessage-deflate");
  static const guint8 garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x12, 0x34, 0x56, 0x78 };
  g_autoptr(GBytes) frame = dpx_hostile_frame (0xc2, garbage, sizeof garbage);
  g_autoptr(Watch) watch = NULL;

  dpx_hostile_server_write (server, frame);
  watch = watch_connect (server->url, MIB, TRUE);
  wait_closed (watch, server);

  g_assert_cmpuint (server->close_code, ==, 1007);
  g_assert_cmpuint (watch->n_messages, ==, 0);
  g_assert_nonnull (find_event (watch, "error: The server sent compressed data that does not inflate"));
  g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 1007);
  g_assert_nonnull (find_event (watch, "close: Closed: 1007 (invalid payload data)"));
}

static void
test_client_invalid_close (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_closes); i++)
    {
      g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
      g_autoptr(GBytes) close = dpx_hostile_frame (0x88, bad_closes[i].payload, bad_closes[i].length);
      g_autoptr(Watch) watch = NULL;
      const char *reason;

      dpx_hostile_server_write (server, close);
      watch = watch_connect (server->url, MIB, FALSE);
      wait_closed (watch, server);

      g_assert_nonnull (find_event (watch, "error: The server’s close frame is invalid"));
      g_assert_nonnull (find_event (watch, bad_closes[i].words));
      g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 1002);
      reason = dpx_client_get_close_reason (watch->client);
      g_assert_true (reason == NULL || g_utf8_validate (reason, -1, NULL));
    }
}

/* 30 000 messages in one write reach the client a slice per main-loop
 * turn, so a window stays responsive while they arrive. */
static void
test_client_flood_paced (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_autoptr(GByteArray) flood = g_byte_array_new ();
  g_autoptr(GBytes) flood_bytes = NULL;
  g_autoptr(Watch) watch = NULL;
  const guint total = 30000;
  guint most = 0;
  guint turns = 0;
  gint64 deadline;

  for (guint i = 0; i < total; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", i);
      g_autoptr(GBytes) frame = dpx_hostile_frame (0x81, text, strlen (text));

      g_byte_array_append (flood, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
    }
  flood_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&flood));
  dpx_hostile_server_write (server, flood_bytes);
  watch = watch_connect (server->url, MIB, FALSE);

  deadline = g_get_monotonic_time () + (gint64) 30 * G_USEC_PER_SEC * dpx_test_timeout_scale ();
  while (watch->n_messages < total)
    {
      guint before = watch->n_messages;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (200);
      most = MAX (most, watch->n_messages - before);
      turns += watch->n_messages > before;
    }
  g_test_message ("%u messages in %u turns, at most %u in one", total, turns, most);
  g_assert_cmpuint (most, <=, DPX_CLIENT_INPUT_DISPATCH_FRAMES);
  g_assert_cmpmem (g_bytes_get_data (watch->last_message, NULL), g_bytes_get_size (watch->last_message),
                   "29999", 5);
  g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_OPEN);
}

/* The request event shows exactly the lines the server received, and the
 * response event the raw status line and headers. */
static void
test_client_handshake_shown (void)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_autoptr(Watch) watch = NULL;
  g_autofree char *url = g_strconcat (server->url, "/room?x=%C3%A9", NULL);
  g_auto(GStrv) sent = NULL;
  g_auto(GStrv) shown = NULL;
  const char *request;

  watch = g_new0 (Watch, 1);
  watch->client = dpx_client_new (url);
  watch->events = g_ptr_array_new_with_free_func (g_free);
  dpx_client_add_header (watch->client, "X-Token", "abc 123", NULL);
  dpx_client_set_origin (watch->client, "https://teacher.example");
  dpx_client_set_protocols (watch->client, (const char *[]) { "chat.v1", NULL });
  g_signal_connect (watch->client, "event", G_CALLBACK (on_event), watch);
  dpx_client_connect_async (watch->client, NULL, connected_cb, watch);
  dpx_test_wait_until (watch->connect_done, 30000);
  g_assert_no_error (watch->connect_error);

  request = find_event (watch, "info: Handshake request: GET /hostile/room?x=%C3%A9 HTTP/1.1\n");
  g_assert_nonnull (request);
  sent = g_strsplit (server->request->str, "\r\n", -1);
  shown = g_strsplit (strchr (request, '\n') + 1, "\n", -1);
  g_assert_cmpstr (sent[0], ==, "GET /hostile/room?x=%C3%A9 HTTP/1.1");
  for (guint i = 0; shown[i]; i++)
    g_assert_cmpstr (shown[i], ==, sent[i + 1]);
  g_assert_cmpstr (sent[g_strv_length (shown) + 1], ==, "");
  g_assert_true (g_strv_contains ((const char * const *) shown, "X-Token: abc 123"));
  g_assert_true (g_strv_contains ((const char * const *) shown, "Origin: https://teacher.example"));
  g_assert_true (g_strv_contains ((const char * const *) shown, "Sec-WebSocket-Protocol: chat.v1"));
  g_assert_nonnull (find_event (watch, "info: Handshake response: HTTP 101 Switching Protocols\nUpgrade: websocket"));
}

/* Answers that are not a WebSocket upgrade end the attempt with a reason. */
static void
test_client_bad_handshakes (void)
{
  static const struct {
    const char *answer;
    gboolean    endless;
    const char *words;
  } cases[] = {
    { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n", FALSE,
      "the server’s Sec-WebSocket-Accept is “AAAAAAAAAAAAAAAAAAAAAAAAAAA=”" },
    { "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n",
      FALSE, "the server answered 101 without “Upgrade: websocket”" },
    { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: admin\r\n\r\n", FALSE,
      "the server chose the subprotocol “admin”, which was not offered" },
    { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n", FALSE,
      "the server accepted the extension “permessage-deflate”, which was not offered" },
    { "SSH-2.0-OpenSSH_9.2\r\n\r\n", FALSE, "the server did not answer in HTTP: “SSH-2.0-OpenSSH_9.2”" },
    { "HTTP/1.1 101 Switching Protocols\r\n", TRUE, "the server’s answer is longer than 64 KiB" },
    { "", FALSE, "the server closed the connection without answering" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
      g_autoptr(Watch) watch = NULL;
      g_auto(Feed) feed = { 0 };

      server->answer = g_strdup (cases[i].answer);
      if (cases[i].endless)
        {
          g_autofree char *filler = g_strnfill (1022 - strlen ("X-Filler: "), 'f');
          g_autofree char *line = g_strdup_printf ("X-Filler: %s\r\n", filler);

          feed.chunk = g_bytes_new (line, strlen (line));
          feed.left = 4 * (guint64) MIB;
          dpx_hostile_server_set_feed (server, feed_next, &feed);
        }
      watch = watch_start (server->url, MIB, FALSE);
      if (*cases[i].answer == '\0')
        {
          dpx_test_wait_until (server->handshake_done, 30000);
          dpx_hostile_server_hang_up (server);
        }
      dpx_test_wait_until (watch->connect_done, 30000);
      g_assert_nonnull (watch->connect_error);
      g_test_message ("%s", watch->connect_error->message);
      g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_HANDSHAKE);
      g_assert_nonnull (strstr (watch->connect_error->message, "The WebSocket handshake with 127.0.0.1 failed: "));
      g_assert_nonnull (strstr (watch->connect_error->message, cases[i].words));
      g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_CLOSED);
      g_assert_cmpstr (dpx_client_get_error_message (watch->client), ==, watch->connect_error->message);
      /* The endless answer was cut short. */
      g_assert_cmpuint (server->bytes_written, <, 4 * (guint64) MIB);
    }
}

static GTlsCertificate *
make_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-hostile-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "2",
                         "-subj", "/CN=duplex-test.example", NULL };
  GTlsCertificate *certificate;
  int status = 0;

  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
  return certificate;
}

/* Over TLS, a frame sent in the same record as the 101 sits decrypted
 * below the client while the socket is idle: it must still be read. */
static void
test_client_tls_frame_with_answer (void)
{
  g_autoptr(GTlsCertificate) certificate = make_certificate ();
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new_tls (certificate);
  g_autoptr(GBytes) hello = dpx_hostile_frame (0x81, "hello", 5);
  g_autoptr(Watch) watch = g_new0 (Watch, 1);

  dpx_hostile_server_write (server, hello);
  watch->client = dpx_client_new (server->url);
  watch->events = g_ptr_array_new_with_free_func (g_free);
  dpx_client_set_accept_invalid_certificates (watch->client, TRUE);
  g_signal_connect (watch->client, "message", G_CALLBACK (on_message), watch);
  g_signal_connect (watch->client, "event", G_CALLBACK (on_event), watch);
  dpx_client_connect_async (watch->client, NULL, connected_cb, watch);
  dpx_test_wait_until (watch->connect_done, 30000);
  g_assert_no_error (watch->connect_error);

  dpx_test_wait_until (watch->n_messages == 1, 5000);
  g_assert_cmpmem (g_bytes_get_data (watch->last_message, NULL), g_bytes_get_size (watch->last_message),
                   "hello", 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/consume/endless-fragments", test_consume_endless_fragments);
  g_test_add_func ("/hostile/consume/deflate-bomb", test_consume_deflate_bomb);
  g_test_add_func ("/hostile/consume/huge-frame", test_consume_huge_frame);
  g_test_add_func ("/hostile/consume/too-big-then-close", test_consume_too_big_then_close);
  g_test_add_func ("/hostile/consume/invalid-close", test_consume_invalid_close);
  g_test_add_func ("/hostile/consume/count-then-invalid-close", test_consume_count_then_invalid_close);
  g_test_add_func ("/hostile/consume/empty-close", test_consume_empty_close);
  g_test_add_func ("/hostile/consume/ping-flood", test_consume_ping_flood);
  g_test_add_func ("/hostile/client/endless-fragments", test_client_endless_fragments);
  g_test_add_func ("/hostile/client/deflate-bomb", test_client_deflate_bomb);
  g_test_add_func ("/hostile/client/bad-deflate", test_client_bad_deflate);
  g_test_add_func ("/hostile/client/invalid-close", test_client_invalid_close);
  g_test_add_func ("/hostile/client/flood-paced", test_client_flood_paced);
  g_test_add_func ("/hostile/client/handshake-shown", test_client_handshake_shown);
  g_test_add_func ("/hostile/client/bad-handshakes", test_client_bad_handshakes);
  g_test_add_func ("/hostile/client/tls-frame-with-answer", test_client_tls_frame_with_answer);

  return g_test_run ();
}
