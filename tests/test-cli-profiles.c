/* test-cli-profiles.c: `duplex profile` and `--profile`, run as a user would
 *
 * Runs under tests/run-with-keyring.sh: the profiles file is in the
 * temporary $XDG_DATA_HOME, the secrets in a real gnome-keyring-daemon.
 * The server is a SoupServer in this process that answers "headers?" with
 * the headers it was sent and echoes everything else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-secret-store.h"
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

/* Runs duplex with @args while the main loop (and the server) runs. */
static int
run_duplex (const char * const  *args,
            char               **out,
            char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  Run run = { 0 };
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DUPLEX"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated, &run);
  dpx_test_wait_until (run.done, 30000);
  g_test_message ("duplex %s\nstdout: %s\nstderr: %s", args[0], run.out, run.err);
  g_assert_true (g_subprocess_get_if_exited (process));
  status = g_subprocess_get_exit_status (process);
  /* GIO lets go of the process a turn of the main loop after the callback. */
  dpx_test_wait_until (G_OBJECT (process)->ref_count == 1, 5000);
  if (out)
    *out = g_steal_pointer (&run.out);
  if (err)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);
  return status;
}

typedef struct {
  GPtrArray *connections;
  guint      received;
} Server;

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *message,
            Server                  *server)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  server->received++;
  if (size == strlen ("headers?") && memcmp (data, "headers?", size) == 0)
    {
      SoupMessageHeaders *headers = g_object_get_data (G_OBJECT (connection), "request-headers");
      g_autofree char *reply = g_strdup_printf ("auth=%s;key=%s;trace=%s",
                                                soup_message_headers_get_one (headers, "Authorization"),
                                                soup_message_headers_get_one (headers, "X-Key"),
                                                soup_message_headers_get_one (headers, "X-Trace"));

      soup_websocket_connection_send_text (connection, reply);
    }
  else
    soup_websocket_connection_send_message (connection, type, message);
}

static void
on_websocket (SoupServer              *soup_server,
              SoupServerMessage       *message,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  Server *server = user_data;

  g_object_set_data_full (G_OBJECT (connection), "request-headers",
                          soup_message_headers_ref (soup_server_message_get_request_headers (message)),
                          (GDestroyNotify) soup_message_headers_unref);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), server);
  g_ptr_array_add (server->connections, g_object_ref (connection));
}

static char *
secret_tool_lookup (const char *profile_id,
                    const char *header)
{
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "secret-tool", "lookup", "xdg:schema", "io.github.duplexws.Duplex.Header",
                         "profile", profile_id, "header", header, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  return g_spawn_check_wait_status (status, NULL) ? g_steal_pointer (&out) : NULL;
}

static char *
profiles_file_bytes (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "duplex", "profiles.json", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static char *
profile_id (const char *name)
{
  g_autofree char *out = NULL;
  const char *id;

  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "show", name, NULL }, &out, NULL), ==, 0);
  id = strstr (out, "Id: ");
  g_assert_nonnull (id);
  return g_strndup (id + 4, strcspn (id + 4, "\n"));
}

static guint
count (const char *text,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_profiles_headless (void)
{
  g_autoptr(SoupServer) soup_server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *file = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-cli-profiles-XXXXXX", NULL);
  g_autofree char *export_path = g_build_filename (dir, "export.json", NULL);
  g_autofree char *exported = NULL;
  Server server = { g_ptr_array_new_with_free_func (g_object_unref), 0 };
  GSList *uris;
  guint received;

  /* The tests' own home: run-with-keyring.sh made it. */
  g_assert_nonnull (strstr (g_get_user_data_dir (), "duplex-keyring."));

  soup_server_add_websocket_handler (soup_server, "/ws", NULL, NULL, on_websocket, &server, NULL);
  g_assert_true (soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (soup_server);
  url = g_strdup_printf ("ws://127.0.0.1:%d/ws", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "save", "Local", url,
                                                  "-H", "Authorization: Bearer s3cret-cli",
                                                  "-H", "X-Trace: t-{{counter}}",
                                                  "-H", "X-Key: k-s3cret", "--secret", "X-Key",
                                                  "--var", "user=ada", NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Saved new profile “Local”\n");
  g_clear_pointer (&out, g_free);

  /* The secrets are in the keyring; the file says only that they are. */
  file = profiles_file_bytes ();
  g_assert_null (strstr (file, "s3cret"));
  g_assert_nonnull (strstr (file, "t-{{counter}}"));
  id = profile_id ("Local");
  stored = secret_tool_lookup (id, "authorization");
  g_assert_cmpstr (stored, ==, "Bearer s3cret-cli");
  g_free (stored);
  stored = secret_tool_lookup (id, "x-key");
  g_assert_cmpstr (stored, ==, "k-s3cret");

  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "list", "127.0.0.1", NULL }, &out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Local\tws://127.0.0.1:"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "show", "Local", NULL }, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Header: Authorization: •••• (secret, in the keyring)"));
  g_assert_null (strstr (out, "s3cret"));
  g_clear_pointer (&out, g_free);

  /* With --profile the URL is the profile's; the secrets reach the server
   * from the keyring, header variables expanded. */
  g_assert_cmpint (run_duplex ((const char *[]) { "produce", "--profile", "Local", "headers?", NULL },
                               &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "auth=Bearer s3cret-cli;key=k-s3cret;trace=t-1\n");
  g_clear_pointer (&out, g_free);

  /* Variables in the message; the counter goes on from the last run. */
  g_assert_cmpint (run_duplex ((const char *[]) { "produce", "-p", "Local", "n={{counter}} u={{user}} \\{{x}}",
                                                  NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "n=2 u=ada {{x}}\n");
  g_clear_pointer (&out, g_free);

  /* An unknown variable: an error with its place, and nothing sent. */
  received = server.received;
  g_assert_cmpint (run_duplex ((const char *[]) { "produce", "-p", "Local", "a {{nope}}", NULL },
                               NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "Unknown variable “nope” at character 3; nothing was sent"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpuint (server.received, ==, received);

  /* Both connections are in the history, with what went each way. */
  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "show", "Local", NULL }, &out, NULL), ==, 0);
  g_assert_cmpuint (count (out, "Connection: "), ==, 2);
  g_assert_cmpuint (count (out, "close 1000 (normal closure), 1 in, 1 out"), ==, 2);
  g_assert_nonnull (strstr (out, "Messages sent: 2"));
  g_clear_pointer (&out, g_free);

  /* An export holds no secret; imported, the copy has none to send. */
  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "export", export_path, NULL }, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (export_path, &exported, NULL, NULL));
  g_assert_null (strstr (exported, "s3cret"));
  g_assert_nonnull (strstr (exported, "\"secret\" : true"));
  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "import", export_path, NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Imported profile “Local (2)”\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_duplex ((const char *[]) { "produce", "-p", "Local (2)", "headers?", NULL },
                               NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "The keyring holds no value for the Authorization header"));
  g_clear_pointer (&err, g_free);

  /* Duplicated, the secrets come along in the keyring. */
  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "duplicate", "Local", "Copy", NULL }, NULL, NULL), ==, 0);
  g_assert_cmpint (run_duplex ((const char *[]) { "produce", "-p", "Copy", "headers?", NULL }, &out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "auth=Bearer s3cret-cli;key=k-s3cret;"));
  g_clear_pointer (&out, g_free);

  /* Deleted, its secrets leave the keyring. */
  g_assert_cmpint (run_duplex ((const char *[]) { "profile", "delete", "Local", NULL }, NULL, NULL), ==, 0);
  g_assert_null (secret_tool_lookup (id, "authorization"));
  g_assert_null (secret_tool_lookup (id, "x-key"));
  g_assert_cmpint (run_duplex ((const char *[]) { "consume", "-p", "Local", NULL }, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "there is no profile named “Local”"));
  g_clear_pointer (&err, g_free);

  g_unlink (export_path);
  g_rmdir (dir);
  g_ptr_array_unref (server.connections);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-profiles/headless", test_profiles_headless);

  {
    int status = g_test_run ();

    /* libsecret's shared service, freed for the leak checker. */
    dpx_secret_store_disconnect ();
    return status;
  }
}
