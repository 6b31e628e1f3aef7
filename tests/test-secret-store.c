/* test-secret-store.c: secret header values in a real keyring
 *
 * Runs under tests/run-with-keyring.sh: gnome-keyring-daemon on a private
 * session bus, in a temporary home. What the store saved is also read back
 * with secret-tool, another client of the same Secret Service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-secret-store.h"
#include "dpx-test-support.h"

/* The value as another program reads it from the keyring, or NULL. */
static char *
secret_tool_lookup (const char *profile_id,
                    const char *header)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "secret-tool", "lookup", "xdg:schema", DPX_SECRET_SCHEMA_NAME,
                         "profile", profile_id, "header", header, NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    g_error ("secret-tool: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&out);
}

static void
test_secret_headers (void)
{
  g_assert_true (dpx_secret_store_is_secret_header ("Authorization"));
  g_assert_true (dpx_secret_store_is_secret_header ("cookie"));
  g_assert_true (dpx_secret_store_is_secret_header ("PROXY-AUTHORIZATION"));
  g_assert_false (dpx_secret_store_is_secret_header ("X-Api-Key"));
  g_assert_false (dpx_secret_store_is_secret_header ("Origin"));
}

static void
test_save_lookup (void)
{
  g_autoptr(DpxSecretStore) store = dpx_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *other = NULL;
  g_autofree char *missing = NULL;

  g_assert_true (dpx_secret_store_save (store, "p-save", "Staging", "Authorization",
                                        "Bearer s3cret-token", NULL, &error));
  g_assert_no_error (error);

  /* Any case of the name finds it; another program sees it too. */
  value = dpx_secret_store_lookup (store, "p-save", "AUTHORIZATION", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "Bearer s3cret-token");
  other = secret_tool_lookup ("p-save", "authorization");
  g_assert_cmpstr (other, ==, "Bearer s3cret-token");

  /* Saving again replaces, leaving one item. */
  dpx_secret_store_save (store, "p-save", "Staging", "authorization", "Bearer new", NULL, &error);
  g_assert_no_error (error);
  g_free (value);
  value = dpx_secret_store_lookup (store, "p-save", "Authorization", NULL, &error);
  g_assert_cmpstr (value, ==, "Bearer new");

  /* Nothing for another profile or header, and that is no error. */
  missing = dpx_secret_store_lookup (store, "p-other", "Authorization", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (missing);
  missing = dpx_secret_store_lookup (store, "p-save", "Cookie", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  g_assert_true (dpx_secret_store_delete (store, "p-save", "Authorization", NULL, &error));
  g_assert_no_error (error);
  missing = dpx_secret_store_lookup (store, "p-save", "Authorization", NULL, &error);
  g_assert_null (missing);
  g_assert_null (secret_tool_lookup ("p-save", "authorization"));
}

static void
test_copy_delete_profile (void)
{
  g_autoptr(DpxSecretStore) store = dpx_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(GStrv) copied = NULL;
  g_auto(GStrv) left = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *kept = NULL;

  g_assert_true (dpx_secret_store_save (store, "p-a", "A", "Cookie", "sid=1", NULL, &error));
  g_assert_true (dpx_secret_store_save (store, "p-a", "A", "X-Api-Key", "k-1", NULL, &error));
  g_assert_true (dpx_secret_store_save (store, "p-b", "B", "Cookie", "sid=2", NULL, &error));
  g_assert_no_error (error);

  headers = dpx_secret_store_dup_headers (store, "p-a", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (headers), ==, 2);
  g_assert_cmpstr (headers[0], ==, "cookie");
  g_assert_cmpstr (headers[1], ==, "x-api-key");

  g_assert_true (dpx_secret_store_copy_profile (store, "p-a", "p-c", "C", NULL, &error));
  g_assert_no_error (error);
  copied = dpx_secret_store_dup_headers (store, "p-c", NULL, &error);
  g_assert_cmpuint (g_strv_length (copied), ==, 2);
  cookie = secret_tool_lookup ("p-c", "cookie");
  g_assert_cmpstr (cookie, ==, "sid=1");

  g_assert_true (dpx_secret_store_delete_profile (store, "p-a", NULL, &error));
  g_assert_no_error (error);
  left = dpx_secret_store_dup_headers (store, "p-a", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (left), ==, 0);
  g_assert_null (secret_tool_lookup ("p-a", "x-api-key"));

  /* The other profiles keep theirs. */
  kept = dpx_secret_store_lookup (store, "p-b", "Cookie", NULL, &error);
  g_assert_cmpstr (kept, ==, "sid=2");
  g_free (kept);
  kept = dpx_secret_store_lookup (store, "p-c", "X-Api-Key", NULL, &error);
  g_assert_cmpstr (kept, ==, "k-1");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret-store/secret-headers", test_secret_headers);
  g_test_add_func ("/secret-store/save-lookup", test_save_lookup);
  g_test_add_func ("/secret-store/copy-delete-profile", test_copy_delete_profile);

  {
    int status = g_test_run ();

    /* libsecret's shared service, freed for the leak checker. */
    dpx_secret_store_disconnect ();
    return status;
  }
}
