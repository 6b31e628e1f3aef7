/* test-profile-store.c: profiles in their file, their secrets in the keyring
 *
 * Runs under tests/run-with-keyring.sh (a real gnome-keyring-daemon on a
 * private bus). Each test has its own profiles file in a temporary folder;
 * what the file holds is checked byte for byte for secrets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-error.h"
#include "dpx-profile-store.h"
#include "dpx-secret-store.h"
#include "dpx-test-support.h"

#define SECRET_TOKEN "Bearer s3cret-7f1e"
#define SECRET_KEY   "key-0c55a1"

typedef struct {
  char            *dir;
  char            *path;
  DpxSecretStore  *secrets;
  DpxProfileStore *store;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("duplex-profiles-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "profiles.json", NULL);
  fixture->secrets = dpx_secret_store_new ();
  fixture->store = dpx_profile_store_new (fixture->path, fixture->secrets);
  g_assert_true (dpx_profile_store_load (fixture->store, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  g_clear_object (&fixture->secrets);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
assert_no_secrets (const char *path)
{
  g_autofree char *bytes = read_file (path);

  g_assert_null (strstr (bytes, "s3cret"));
  g_assert_null (strstr (bytes, SECRET_KEY));
}

/* A profile with everything a profile holds. */
static DpxProfile *
make_profile (const char *name,
              const char *url)
{
  DpxProfile *profile = dpx_profile_new (name);
  DpxConnectionOptions *options = dpx_profile_get_options (profile);
  const char *protocols[] = { "chat.v2", "chat.v1", NULL };
  g_autoptr(DpxSavedMessage) text = dpx_saved_message_new_text ("hello", DPX_MESSAGE_MODE_TEXT, "hi {{counter}}");
  g_autoptr(DpxSavedMessage) json = dpx_saved_message_new_text ("join", DPX_MESSAGE_MODE_JSON,
                                                                "{\"op\":\"join\",\"id\":\"{{uuid}}\"}");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x00\x01\xff", 3);
  g_autoptr(DpxSavedMessage) binary = dpx_saved_message_new_binary ("raw", bytes);

  dpx_connection_options_set_url (options, url);
  dpx_connection_options_set_subprotocols (options, protocols);
  dpx_connection_options_set_origin (options, "https://app.example");
  dpx_connection_options_set_handshake_timeout (options, 25);
  dpx_connection_options_set_permessage_deflate (options, TRUE);
  dpx_connection_options_add_header (options, "Authorization", SECRET_TOKEN);
  dpx_connection_options_add_header (options, "X-Trace", "trace-{{counter}}");
  dpx_connection_options_add_header (options, "X-Api-Key", SECRET_KEY);
  dpx_profile_set_header_secret (profile, "X-Api-Key", TRUE);
  g_assert_true (dpx_template_set_variable (dpx_profile_get_template (profile), "user", "ada", NULL));
  dpx_profile_add_saved_message (profile, text);
  dpx_profile_add_saved_message (profile, json);
  dpx_profile_add_saved_message (profile, binary);
  return profile;
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(DpxProfile) profile = make_profile ("Staging", "wss://staging.example/ws");
  g_autoptr(DpxConnectionRecord) record = dpx_connection_record_new ("wss://staging.example/ws",
                                                                     1796223845123456, 61500, 1000, 12, 3,
                                                                     "/tmp/session-1.jsonl");
  g_autoptr(DpxProfileStore) again = NULL;
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_autoptr(DpxSavedMessage) binary = NULL;
  g_autoptr(DpxConnectionRecord) read_record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *stored = NULL;
  DpxProfile *loaded;
  DpxConnectionOptions *loaded_options;
  struct stat st;

  g_assert_true (dpx_profile_store_add (fixture->store, profile, &error));
  g_assert_no_error (error);
  g_assert_true (dpx_profile_store_add_record (fixture->store, profile, record, &error));
  g_assert_no_error (error);

  /* The secrets are in the keyring, not in the file (readable by its
   * owner alone), which says only that they are secret. */
  stored = dpx_secret_store_lookup (fixture->secrets, dpx_profile_get_id (profile), "authorization", NULL, &error);
  g_assert_cmpstr (stored, ==, SECRET_TOKEN);
  g_free (stored);
  stored = dpx_secret_store_lookup (fixture->secrets, dpx_profile_get_id (profile), "X-Api-Key", NULL, &error);
  g_assert_cmpstr (stored, ==, SECRET_KEY);
  assert_no_secrets (fixture->path);
  bytes = read_file (fixture->path);
  g_assert_nonnull (strstr (bytes, "\"format\" : \"duplex-profiles\""));
  g_assert_nonnull (strstr (bytes, "\"version\" : 1"));
  g_assert_nonnull (strstr (bytes, "\"secret\" : true"));
  g_assert_nonnull (strstr (bytes, "trace-{{counter}}"));
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Read by another store, everything is back. */
  again = dpx_profile_store_new (fixture->path, fixture->secrets);
  g_assert_true (dpx_profile_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_store_get_profiles (again)), ==, 1);
  loaded = dpx_profile_store_find (again, "Staging");
  g_assert_nonnull (loaded);
  g_assert_true (dpx_profile_store_find (again, dpx_profile_get_id (profile)) == loaded);
  loaded_options = dpx_profile_get_options (loaded);
  g_assert_cmpstr (dpx_connection_options_get_url (loaded_options), ==, "wss://staging.example/ws");
  g_assert_cmpstr (dpx_connection_options_get_origin (loaded_options), ==, "https://app.example");
  g_assert_cmpstr (dpx_connection_options_get_subprotocols (loaded_options)[1], ==, "chat.v1");
  g_assert_cmpuint (dpx_connection_options_get_handshake_timeout (loaded_options), ==, 25);
  g_assert_true (dpx_connection_options_get_permessage_deflate (loaded_options));
  g_assert_cmpstr (dpx_connection_options_lookup_header (loaded_options, "Authorization"), ==, "");
  g_assert_true (dpx_profile_is_secret_header (loaded, "x-api-key"));
  g_assert_false (dpx_profile_is_secret_header (loaded, "X-Trace"));
  g_assert_cmpstr (dpx_template_get_variable (dpx_profile_get_template (loaded), "user"), ==, "ada");

  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_get_saved_messages (loaded)), ==, 3);
  binary = g_list_model_get_item (dpx_profile_get_saved_messages (loaded), 2);
  g_assert_cmpint (dpx_saved_message_get_mode (binary), ==, DPX_MESSAGE_MODE_BINARY);
  g_assert_cmpmem (g_bytes_get_data (dpx_saved_message_get_payload (binary), NULL), 3, "\x00\x01\xff", 3);

  read_record = g_list_model_get_item (dpx_profile_get_history (loaded), 0);
  g_assert_cmpint (dpx_connection_record_get_started (read_record), ==, 1796223845123456);
  g_assert_cmpint (dpx_connection_record_get_duration_ms (read_record), ==, 61500);
  g_assert_cmpuint (dpx_connection_record_get_close_code (read_record), ==, 1000);
  g_assert_cmpuint (dpx_connection_record_get_messages_in (read_record), ==, 12);
  g_assert_cmpuint (dpx_connection_record_get_messages_out (read_record), ==, 3);
  g_assert_cmpstr (dpx_connection_record_get_log_path (read_record), ==, "/tmp/session-1.jsonl");

  /* What a connection is opened with has the secrets from the keyring. */
  options = dpx_profile_store_dup_options (again, loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "Authorization"), ==, SECRET_TOKEN);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Api-Key"), ==, SECRET_KEY);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Trace"), ==, "trace-{{counter}}");
  /* and the profile itself still holds none. */
  g_assert_cmpstr (dpx_connection_options_lookup_header (loaded_options, "X-Api-Key"), ==, "");
}

static void
test_saved_messages_order (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(DpxProfile) profile = make_profile ("Order", "ws://localhost:1/");
  g_autoptr(DpxProfileStore) again = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *messages;
  const char *expected[] = { "raw", "hello", "join" };

  g_assert_true (dpx_profile_store_add (fixture->store, profile, &error));
  dpx_profile_move_saved_message (profile, 2, 0);
  g_assert_true (dpx_profile_store_save_profile (fixture->store, profile, &error));
  g_assert_no_error (error);

  again = dpx_profile_store_new (fixture->path, fixture->secrets);
  g_assert_true (dpx_profile_store_load (again, &error));
  messages = dpx_profile_get_saved_messages (dpx_profile_store_find (again, "Order"));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(DpxSavedMessage) message = g_list_model_get_item (messages, i);

      g_assert_cmpstr (dpx_saved_message_get_name (message), ==, expected[i]);
    }
  {
    g_autoptr(DpxSavedMessage) json = g_list_model_get_item (messages, 2);

    g_assert_cmpint (dpx_saved_message_get_mode (json), ==, DPX_MESSAGE_MODE_JSON);
    g_assert_cmpstr (dpx_saved_message_get_text (json), ==, "{\"op\":\"join\",\"id\":\"{{uuid}}\"}");
  }
}

static void
test_search_rename (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(DpxProfile) a = make_profile ("Staging chat", "wss://chat.staging.example/");
  g_autoptr(DpxProfile) b = make_profile ("Production", "wss://PROD.example/feed");
  g_autoptr(DpxProfileStore) again = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dpx_profile_store_add (fixture->store, a, &error));
  g_assert_true (dpx_profile_store_add (fixture->store, b, &error));
  g_assert_no_error (error);

  found = dpx_profile_store_search (fixture->store, "STAGING");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (found->pdata[0] == a);
  g_ptr_array_unref (found);
  found = dpx_profile_store_search (fixture->store, "prod.example");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (found->pdata[0] == b);
  g_ptr_array_unref (found);
  found = dpx_profile_store_search (fixture->store, "example");
  g_assert_cmpuint (found->len, ==, 2);

  /* A second profile of the same name is refused, so a name means one. */
  {
    g_autoptr(DpxProfile) twin = dpx_profile_new ("Production");

    g_assert_false (dpx_profile_store_add (fixture->store, twin, &error));
    g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
  g_assert_false (dpx_profile_store_rename (fixture->store, a, "Production", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (dpx_profile_store_rename (fixture->store, a, "  ", &error));
  g_clear_error (&error);

  g_assert_true (dpx_profile_store_rename (fixture->store, a, "Staging", &error));
  again = dpx_profile_store_new (fixture->path, fixture->secrets);
  g_assert_true (dpx_profile_store_load (again, &error));
  g_assert_nonnull (dpx_profile_store_find (again, "Staging"));
  g_assert_null (dpx_profile_store_find (again, "Staging chat"));
}

static void
test_duplicate_remove (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(DpxProfile) profile = make_profile ("Staging", "wss://staging.example/ws");
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_auto(GStrv) left = NULL;
  g_autofree char *original_id = NULL;
  DpxProfile *copy;

  g_assert_true (dpx_profile_store_add (fixture->store, profile, &error));
  copy = dpx_profile_store_duplicate (fixture->store, profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_cmpstr (dpx_profile_get_name (copy), ==, "Staging (2)");
  g_assert_cmpstr (dpx_profile_get_id (copy), !=, dpx_profile_get_id (profile));
  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_get_saved_messages (copy)), ==, 3);

  /* The copy's secrets are its own items in the keyring. */
  options = dpx_profile_store_dup_options (fixture->store, copy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "Authorization"), ==, SECRET_TOKEN);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Api-Key"), ==, SECRET_KEY);
  assert_no_secrets (fixture->path);

  /* Deleting the original deletes its secrets, not the copy's. */
  original_id = g_strdup (dpx_profile_get_id (profile));
  g_assert_true (dpx_profile_store_remove (fixture->store, profile, &error));
  g_assert_no_error (error);
  left = dpx_secret_store_dup_headers (fixture->secrets, original_id, NULL, &error);
  g_assert_cmpuint (g_strv_length (left), ==, 0);
  g_clear_object (&options);
  options = dpx_profile_store_dup_options (fixture->store, copy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "Authorization"), ==, SECRET_TOKEN);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_store_get_profiles (fixture->store)), ==, 1);

  /* A secret header taken out of a profile leaves the keyring too. */
  dpx_connection_options_set_request_headers (dpx_profile_get_options (copy), NULL);
  g_assert_true (dpx_profile_store_save_profile (fixture->store, copy, &error));
  g_strfreev (left);
  left = dpx_secret_store_dup_headers (fixture->secrets, dpx_profile_get_id (copy), NULL, &error);
  g_assert_cmpuint (g_strv_length (left), ==, 0);
}

static void
test_export_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(DpxProfile) profile = make_profile ("Staging", "wss://staging.example/ws");
  g_autofree char *export_path = g_build_filename (fixture->dir, "export.json", NULL);
  g_autofree char *import_path = g_build_filename (fixture->dir, "import.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autoptr(GFile) import_file = g_file_new_for_path (import_path);
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_autofree char *exported = NULL;
  const char *handmade =
    "{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":[{\"id\":\"x\",\"name\":\"Staging\","
    "\"options\":{\"url\":\"wss://other.example/\",\"headers\":["
    "{\"name\":\"Cookie\",\"value\":\"sid=s3cret-cookie\"},"
    "{\"name\":\"X-Token\",\"value\":\"s3cret-tok\",\"secret\":true},"
    "{\"name\":\"X-Plain\",\"value\":\"visible\"}]}}]}";

  g_assert_true (dpx_profile_store_add (fixture->store, profile, &error));
  g_assert_true (dpx_profile_store_export (fixture->store, NULL, export_file, &error));
  g_assert_no_error (error);
  /* Secrets are left out of an export: the header is there, no value. */
  assert_no_secrets (export_path);
  exported = read_file (export_path);
  g_assert_nonnull (strstr (exported, "\"name\" : \"Authorization\",\n"));
  g_assert_nonnull (strstr (exported, "\"secret\" : true"));

  /* Importing an export of the same profile: a new one beside it. */
  imported = dpx_profile_store_import (fixture->store, export_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported->len, ==, 1);
  g_assert_cmpstr (dpx_profile_get_name (imported->pdata[0]), ==, "Staging (2)");
  g_assert_cmpstr (dpx_profile_get_id (imported->pdata[0]), !=, dpx_profile_get_id (profile));
  g_clear_pointer (&imported, g_ptr_array_unref);

  /* A file someone wrote with secret values: they go to the keyring. */
  g_assert_true (g_file_set_contents (import_path, handmade, -1, NULL));
  imported = dpx_profile_store_import (fixture->store, import_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported->len, ==, 1);
  g_assert_cmpstr (dpx_profile_get_name (imported->pdata[0]), ==, "Staging (3)");
  options = dpx_profile_store_dup_options (fixture->store, imported->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "Cookie"), ==, "sid=s3cret-cookie");
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Token"), ==, "s3cret-tok");
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Plain"), ==, "visible");
  assert_no_secrets (fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_store_get_profiles (fixture->store)), ==, 3);

  /* A damaged import adds nothing. */
  g_assert_true (g_file_set_contents (import_path, "{\"format\":\"duplex-profiles\",\"version\":1,"
                                      "\"profiles\":[{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\"}]}", -1, NULL));
  g_clear_pointer (&imported, g_ptr_array_unref);
  imported = dpx_profile_store_import (fixture->store, import_file, &error);
  g_assert_null (imported);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
  g_assert_nonnull (strstr (error->message, "profile 2: profile: “name” must be a string"));
  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_store_get_profiles (fixture->store)), ==, 3);
}

/* A damaged file: an error naming what is wrong, and nothing overwritten. */
static void
assert_damaged (Fixture    *fixture,
                const char *contents,
                const char *expected)
{
  g_autoptr(DpxProfileStore) store = dpx_profile_store_new (fixture->path, fixture->secrets);
  g_autoptr(DpxProfile) profile = dpx_profile_new ("New");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, contents, -1, NULL));
  g_assert_false (dpx_profile_store_load (store, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);

  g_assert_false (dpx_profile_store_add (store, profile, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
  g_assert_nonnull (strstr (error->message, "so as not to overwrite"));
  after = read_file (fixture->path);
  g_assert_cmpstr (after, ==, contents);
}

static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  assert_damaged (fixture, "{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":[", "is not valid JSON");
  assert_damaged (fixture, "[]", "is not a Duplex profiles file");
  assert_damaged (fixture, "{\"format\":\"duplex-profiles\",\"version\":2,\"profiles\":[]}",
                  "written by a newer Duplex");
  assert_damaged (fixture, "{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":[{\"id\":\"a\",\"name\":\"A\","
                  "\"options\":{\"handshake-timeout\":9999}}]}",
                  "profile 1: options: “handshake-timeout” must be a whole number from 1 to 600");
  assert_damaged (fixture, "{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":[{\"id\":\"a\",\"name\":\"A\","
                  "\"options\":{\"headers\":[{\"name\":\"Bad Name\",\"value\":\"v\"}]}}]}",
                  "profile 1: header 1: “Bad Name” is not a valid header name");
  assert_damaged (fixture, "{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":[{\"id\":\"a\",\"name\":\"A\","
                  "\"saved-messages\":[{\"name\":\"m\",\"mode\":\"yaml\",\"text\":\"x\"}]}]}",
                  "saved message 1: “mode” must be “text”, “json” or “binary”");
  assert_damaged (fixture, "{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":[{\"id\":\"a\",\"name\":\"A\","
                  "\"variables\":{\"counter\":\"1\"}}]}",
                  "“counter” is a built-in variable");

  /* A hostile export: 200 000 nested arrays would overflow json-glib's
   * recursion; refused before it reads them. */
  {
    g_autoptr(GString) deep = g_string_new ("{\"format\":\"duplex-profiles\",\"version\":1,\"profiles\":");

    for (guint i = 0; i < 200000; i++)
      g_string_append_c (deep, '[');
    assert_damaged (fixture, deep->str, "is not valid JSON");
  }
}

/* A secret from the keyring reaches the server, and the log masks it. */
typedef struct {
  char *authorization;
  char *api_key;
  char *trace;
} Seen;

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *message,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  Seen *seen = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  g_free (seen->authorization);
  g_free (seen->api_key);
  g_free (seen->trace);
  seen->trace = g_strdup (soup_message_headers_get_one (headers, "X-Trace"));
  seen->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  seen->api_key = g_strdup (soup_message_headers_get_one (headers, "X-Api-Key"));
}

static void
on_event (DpxClient    *client,
          DpxEntryKind  kind,
          const char   *text,
          const char   *revealed,
          GString      *events)
{
  g_string_append_printf (events, "%s\n", text);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (dpx_client_connect_finish (DPX_CLIENT (source), result, NULL));
  *done = TRUE;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
connect_and_log (DpxConnectionOptions *options,
                 DpxProfile           *profile,
                 gboolean              show_secrets,
                 Seen                 *seen,
                 GString              *events)
{
  g_autoptr(DpxClient) client = dpx_client_new (dpx_connection_options_get_url (options));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) secret = dpx_profile_dup_secret_headers (profile);
  gboolean done = FALSE;

  g_assert_true (dpx_connection_options_apply (options, client, &error));
  dpx_client_set_secret_headers (client, (const char * const *) secret);
  dpx_client_set_show_secrets (client, show_secrets);
  dpx_client_set_header_template (client, dpx_profile_get_template (profile));
  g_signal_connect (client, "event", G_CALLBACK (on_event), events);
  dpx_client_connect_async (client, NULL, on_connected, &done);
  dpx_test_wait_until (done && seen->authorization != NULL, 10000);
  dpx_client_close (client, 1000, NULL, NULL);
  dpx_test_wait_until (dpx_client_get_state (client) == DPX_CONNECTION_STATE_CLOSED, 10000);
  g_signal_handlers_disconnect_by_data (client, events);
}

static void
test_secret_sent_log_masked (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) events = g_string_new (NULL);
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_autoptr(DpxProfile) profile = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  Seen seen = { NULL, NULL, NULL };

  soup_server_add_websocket_handler (server, "/ws", NULL, NULL, on_websocket, &seen, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("ws://127.0.0.1:%d/ws", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  profile = make_profile ("Local", url);
  g_assert_true (dpx_profile_store_add (fixture->store, profile, &error));
  g_assert_no_error (error);
  options = dpx_profile_store_dup_options (fixture->store, profile, &error);
  g_assert_no_error (error);

  connect_and_log (options, profile, FALSE, &seen, events);
  g_assert_cmpstr (seen.authorization, ==, SECRET_TOKEN);
  g_assert_cmpstr (seen.api_key, ==, SECRET_KEY);
  g_assert_nonnull (strstr (events->str, "Authorization: " DPX_SECRET_MASK "\n"));
  g_assert_nonnull (strstr (events->str, "X-Api-Key: " DPX_SECRET_MASK "\n"));
  /* Header variables are expanded at connect, no send counted. */
  g_assert_cmpstr (seen.trace, ==, "trace-1");
  g_assert_nonnull (strstr (events->str, "X-Trace: trace-1\n"));
  g_assert_cmpuint (dpx_template_get_counter (dpx_profile_get_template (profile)), ==, 0);
  g_assert_null (strstr (events->str, "s3cret"));
  g_assert_null (strstr (events->str, SECRET_KEY));

  /* Asked for, the log shows them. */
  g_string_truncate (events, 0);
  g_clear_pointer (&seen.authorization, g_free);
  connect_and_log (options, profile, TRUE, &seen, events);
  g_assert_nonnull (strstr (events->str, "Authorization: " SECRET_TOKEN "\n"));
  g_assert_nonnull (strstr (events->str, "X-Api-Key: " SECRET_KEY "\n"));

  g_free (seen.authorization);
  g_free (seen.api_key);
  g_free (seen.trace);

  /* An unknown variable in a header fails the connection, naming it. */
  dpx_connection_options_add_header (options, "X-Bad", "{{nope}}");
  {
    g_autoptr(DpxClient) client = dpx_client_new (url);
    g_autoptr(GAsyncResult) result = NULL;

    g_assert_true (dpx_connection_options_apply (options, client, &error));
    dpx_client_set_header_template (client, dpx_profile_get_template (profile));
    dpx_client_connect_async (client, NULL, on_result, &result);
    dpx_test_wait_until (result != NULL, 10000);
    g_assert_false (dpx_client_connect_finish (client, result, &error));
    g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
    g_assert_nonnull (strstr (error->message, "Header X-Bad: Unknown variable “nope”"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/profile-store/round-trip", test_round_trip);
  ADD ("/profile-store/saved-messages-order", test_saved_messages_order);
  ADD ("/profile-store/search-rename", test_search_rename);
  ADD ("/profile-store/duplicate-remove", test_duplicate_remove);
  ADD ("/profile-store/export-import", test_export_import);
  ADD ("/profile-store/damaged", test_damaged);
  ADD ("/profile-store/secret-sent-log-masked", test_secret_sent_log_masked);
#undef ADD

  {
    int status = g_test_run ();

    /* libsecret's shared service, freed for the leak checker. */
    dpx_secret_store_disconnect ();
    return status;
  }
}
