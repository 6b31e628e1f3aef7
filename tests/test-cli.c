/* test-cli.c: the headless command-line modes, run as a user would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dpx-test-support.h"

typedef struct {
  GSubprocess *process;
  char        *out;
  char        *err;
  gboolean     done;
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

/* Starts duplex with @args; the main loop keeps running meanwhile. */
static Run *
run_start (const char * const *args,
           gboolean            with_display)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);

  if (!with_display)
    {
      g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
      g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
    }
  g_ptr_array_add (argv, (gpointer) g_getenv ("DUPLEX"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&launcher));
  g_subprocess_communicate_utf8_async (run->process, NULL, NULL, communicated, run);
  return run;
}

static int
run_wait (Run *run)
{
  dpx_test_wait_until (run->done, 30000);
  g_test_message ("stdout: %s\nstderr: %s", run->out, run->err);
  g_assert_true (g_subprocess_get_if_exited (run->process));
  return g_subprocess_get_exit_status (run->process);
}

/* Once communicate finished, nothing else may hold the process. */
static void
run_free (Run *run)
{
  if (!run->done)
    {
      g_subprocess_force_exit (run->process);
      dpx_test_wait_until (run->done, 5000);
    }
  /* GIO's communicate operation lets go of the process a turn of the main
   * loop after its callback. */
  dpx_test_wait_until (G_OBJECT (run->process)->ref_count == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&run->process));
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static int
run_sync (const char * const  *args,
          char               **out,
          char               **err)
{
  g_autoptr(Run) run = run_start (args, TRUE);
  int status = run_wait (run);

  if (out)
    *out = g_steal_pointer (&run->out);
  if (err)
    *err = g_steal_pointer (&run->err);
  return status;
}

static void
test_cli_help_and_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_sync ((const char *[]) { "--version", NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "duplex " PACKAGE_VERSION "\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_sync ((const char *[]) { "--help", NULL }, &out, NULL), ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      const char *modes[] = { "serve", "consume", "produce", "Exit status" };
      g_assert_nonnull (strstr (out, modes[i]));
    }
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_sync ((const char *[]) { "consume", "--help", NULL }, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--count"));
  g_assert_nonnull (strstr (out, "--json"));
  g_clear_pointer (&out, g_free);

  /* Usage errors exit with 2 and say what was wrong. */
  g_assert_cmpint (run_sync ((const char *[]) { "consume", NULL }, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "exactly one URL"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_sync ((const char *[]) { "serve", "--port", "99999", NULL }, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--port"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_sync ((const char *[]) { "serve", "--no-such-option", NULL }, NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_sync ((const char *[]) { "consume", "localhost:4000", NULL }, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "needs a scheme"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_sync ((const char *[]) { "produce", "ws://127.0.0.1:1/", NULL }, NULL, &err), ==, 2);
}

static void
test_cli_no_display (void)
{
  g_autoptr(Run) run = run_start ((const char *[]) { NULL }, FALSE);

  g_assert_cmpint (run_wait (run), ==, 2);
  g_assert_nonnull (strstr (run->err, "no display"));
  g_assert_nonnull (strstr (run->err, "duplex serve"));
}

static void
test_cli_consume_and_produce (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autofree char *dir = g_dir_make_tmp ("duplex-cli-XXXXXX", NULL);
  g_autofree char *bin_path = g_build_filename (dir, "payload.bin", NULL);
  g_autoptr(Run) json_consumer = NULL;
  g_autoptr(Run) plain_consumer = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_set_contents (bin_path, "\x00\x01\xfe\xff", 4, NULL));

  json_consumer = run_start ((const char *[]) { "consume", url, "--count", "2", "--json", NULL }, TRUE);
  plain_consumer = run_start ((const char *[]) { "consume", url, "--count", "2", NULL }, TRUE);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 10000);

  /* The producer prints the relayed reply, like the tutorial's. */
  g_assert_cmpint (run_sync ((const char *[]) { "produce", url, "привет, class", NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "привет, class\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_sync ((const char *[]) { "produce", url, "--binary-file", bin_path, "-q", NULL },
                             &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0001feff\n");

  g_assert_cmpint (run_wait (plain_consumer), ==, 0);
  g_assert_cmpstr (plain_consumer->out, ==, "привет, class\n0001feff\n");

  g_assert_cmpint (run_wait (json_consumer), ==, 0);
  lines = g_strsplit (json_consumer->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DpxLogEntry) text = dpx_log_entry_new_from_json (lines[0], &error);
    g_autoptr(DpxLogEntry) binary = dpx_log_entry_new_from_json (lines[1], &error);

    g_assert_no_error (error);
    g_assert_cmpint (dpx_log_entry_get_kind (text), ==, DPX_ENTRY_KIND_TEXT);
    g_assert_cmpint (dpx_log_entry_get_direction (text), ==, DPX_DIRECTION_RECEIVED);
    g_assert_cmpmem (g_bytes_get_data (dpx_log_entry_get_payload (text), NULL), dpx_log_entry_get_size (text),
                     "привет, class", strlen ("привет, class"));
    g_assert_cmpint (dpx_log_entry_get_kind (binary), ==, DPX_ENTRY_KIND_BINARY);
    g_assert_cmpmem (g_bytes_get_data (dpx_log_entry_get_payload (binary), NULL), 4, "\x00\x01\xfe\xff", 4);
    g_assert_finalize_object (g_steal_pointer (&text));
    g_assert_finalize_object (g_steal_pointer (&binary));
  }
  g_assert_nonnull (strstr (lines[1], "\"base64\":\"AAH+/w==\""));

  /* --no-wait sends and leaves. */
  g_assert_cmpint (run_sync ((const char *[]) { "produce", url, "fire and forget", "--no-wait", NULL },
                             NULL, NULL), ==, 0);
  g_unlink (bin_path);
  g_rmdir (dir);

  g_clear_pointer (&json_consumer, run_free);
  g_clear_pointer (&plain_consumer, run_free);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 5000);
  g_assert_finalize_object (g_steal_pointer (&relay));
}

static void
test_cli_connection_failures (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *busy = g_strdup_printf ("%u", dpx_relay_get_port (relay));
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;

  /* Nothing listens on the relay's port once it stopped. */
  url = dpx_relay_dup_url (relay);
  dpx_relay_stop (relay);
  g_assert_cmpint (run_sync ((const char *[]) { "consume", url, NULL }, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Connection refused"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_sync ((const char *[]) { "produce", url, "x", "-q", NULL }, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Connection refused"));
  g_clear_pointer (&err, g_free);

  /* A port already taken is a failure with a clear reason. */
  dpx_relay_set_port (relay, 0);
  g_assert_true (dpx_relay_start (relay, NULL));
  g_free (busy);
  busy = g_strdup_printf ("%u", dpx_relay_get_port (relay));
  g_assert_cmpint (run_sync ((const char *[]) { "serve", "--port", busy, NULL }, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already in use"));
  g_assert_finalize_object (g_steal_pointer (&relay));
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
}

/* On the command line, the advice for an untrusted certificate names the
 * option that accepts it, and a wrong scheme names the right one. */
static void
test_cli_tls_advice (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-cli-tls-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "2",
                         "-subj", "/CN=duplex-test.example", NULL };
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *plain_url = NULL;
  g_autofree char *err = NULL;
  GSList *uris;
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

  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_websocket_handler (server, NULL, NULL, NULL, on_websocket, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY |
                                                      SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("wss://127.0.0.1:%d/", g_uri_get_port (uris->data));
  plain_url = g_strdup_printf ("ws://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* The TLS server is this test's: under the sanitizers it answers slowly. */
  g_assert_cmpint (run_sync ((const char *[]) { "consume", "--timeout", "60", url, NULL }, NULL,
                             &err), ==, 1);
  g_assert_nonnull (strstr (err, "not trusted"));
  g_assert_nonnull (strstr (err, "Pass --insecure to connect anyway."));
  g_assert_null (strstr (err, "connection settings"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_sync ((const char *[]) { "consume", "--timeout", "60", plain_url, NULL },
                             NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "speaks TLS: connect with wss:// instead"));
  g_clear_pointer (&err, g_free);

  /* Not asserted finalized: libsoup 3.2 may keep a server whose TLS
   * handshakes failed alive past this point (seen under the sanitizers). */
  g_clear_object (&server);
}

static void
server_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* Ctrl+C on serve closes every client with 1001 and exits 0. */
static void
test_cli_serve_interrupt (void)
{
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) a = NULL;
  g_autoptr(DpxTestPeer) b = NULL;
  gboolean exited = FALSE;

  a = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  b = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  soup_websocket_connection_send_text (a->conn, "before");
  dpx_test_wait_until (b->messages->len == 1, 5000);

  g_subprocess_send_signal (server->process, SIGINT);
  dpx_test_wait_until (a->closed && b->closed, 5000);
  g_assert_cmpuint (a->close_code, ==, 1001);
  g_assert_cmpuint (b->close_code, ==, 1001);
  /* Waited with a callback: when it ran, the wait no longer holds the process. */
  g_subprocess_wait_async (server->process, NULL, server_exited, &exited);
  dpx_test_wait_until (exited, 5000);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);

  /* The helpers' frees drop the last references of what they hold. */
  {
    SoupWebsocketConnection *a_conn = g_object_ref (a->conn);
    SoupWebsocketConnection *b_conn = g_object_ref (b->conn);
    GSubprocess *process = g_object_ref (server->process);

    g_clear_pointer (&a, dpx_test_peer_free);
    g_clear_pointer (&b, dpx_test_peer_free);
    g_clear_pointer (&server, dpx_test_server_free);
    g_assert_finalize_object (a_conn);
    g_assert_finalize_object (b_conn);
    g_assert_finalize_object (process);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/help-and-version", test_cli_help_and_version);
  g_test_add_func ("/cli/no-display", test_cli_no_display);
  g_test_add_func ("/cli/consume-and-produce", test_cli_consume_and_produce);
  g_test_add_func ("/cli/connection-failures", test_cli_connection_failures);
  g_test_add_func ("/cli/tls-advice", test_cli_tls_advice);
  g_test_add_func ("/cli/serve-interrupt", test_cli_serve_interrupt);

  return g_test_run ();
}
