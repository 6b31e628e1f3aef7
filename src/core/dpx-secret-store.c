/* dpx-secret-store.c: secret header values in the desktop keyring
 *
 * The values of Authorization, Cookie and Proxy-Authorization, and of any
 * header a person marks secret, live in the keyring through libsecret, one
 * item per profile and header (schema DPX_SECRET_SCHEMA_NAME), never in the
 * profile file or an export. On the desktop libsecret talks to the Secret
 * Service (GNOME Keyring, KWallet); inside Flatpak it keeps an encrypted
 * file in the app's data folder whose key comes from the Secret portal, so
 * the manifest opens no hole to org.freedesktop.secrets (docs/profiles.md).
 *
 * The calls are synchronous: each is one short D-Bus round trip to an
 * unlocked keyring, made when a profile is saved, copied, deleted or
 * connected.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Secrets"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "dpx-secret-store.h"

struct _DpxSecretStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (DpxSecretStore, dpx_secret_store, G_TYPE_OBJECT)

static const SecretSchema *
header_schema (void)
{
  static const SecretSchema schema = {
    DPX_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "header", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
dpx_secret_store_class_init (DpxSecretStoreClass *klass)
{
}

static void
dpx_secret_store_init (DpxSecretStore *self)
{
}

DpxSecretStore *
dpx_secret_store_new (void)
{
  return g_object_new (DPX_TYPE_SECRET_STORE, NULL);
}

/**
 * dpx_secret_store_is_secret_header:
 *
 * Whether a header is secret by its name alone: credentials and cookies.
 * Other headers are secret when marked so in their profile.
 */
gboolean
dpx_secret_store_is_secret_header (const char *name)
{
  static const char * const secret[] = { "authorization", "cookie", "proxy-authorization", NULL };

  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; secret[i]; i++)
    if (g_ascii_strcasecmp (name, secret[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * dpx_secret_store_disconnect:
 *
 * Lets go of libsecret's shared connection to the Secret Service, and the
 * D-Bus messages it keeps, before the process ends; a later call to the
 * store connects again.
 */
void
dpx_secret_store_disconnect (void)
{
  secret_service_disconnect ();
}

static gboolean
keyring_failed (GError  *error,
                GError **out)
{
  g_propagate_prefixed_error (out, error, _("The keyring failed: "));
  return FALSE;
}

gboolean
dpx_secret_store_save (DpxSecretStore  *self,
                       const char      *profile_id,
                       const char      *profile_name,
                       const char      *header,
                       const char      *value,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (DPX_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (profile_id != NULL, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  key = g_ascii_strdown (header, -1);
  /* The label is what a keyring manager such as Seahorse lists. */
  label = g_strdup_printf (_("Duplex: %s header of profile “%s”"), header,
                           profile_name ? profile_name : profile_id);
  if (!secret_password_store_sync (header_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                                   cancellable, &local_error,
                                   "profile", profile_id, "header", key, NULL))
    return keyring_failed (local_error, error);
  return TRUE;
}

/**
 * dpx_secret_store_lookup:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL: with @error
 *   set when the keyring failed, without when it holds no such item
 */
char *
dpx_secret_store_lookup (DpxSecretStore  *self,
                         const char      *profile_id,
                         const char      *header,
                         GCancellable    *cancellable,
                         GError         **error)
{
  g_autofree char *key = NULL;
  GError *local_error = NULL;
  char *secret;
  char *value;

  g_return_val_if_fail (DPX_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (profile_id != NULL, NULL);
  g_return_val_if_fail (header != NULL, NULL);

  key = g_ascii_strdown (header, -1);
  secret = secret_password_lookup_sync (header_schema (), cancellable, &local_error,
                                        "profile", profile_id, "header", key, NULL);
  if (local_error)
    {
      keyring_failed (local_error, error);
      return NULL;
    }
  /* Ours in normal memory; libsecret's copy is wiped. */
  value = g_strdup (secret);
  secret_password_free (secret);
  return value;
}

gboolean
dpx_secret_store_delete (DpxSecretStore  *self,
                         const char      *profile_id,
                         const char      *header,
                         GCancellable    *cancellable,
                         GError         **error)
{
  g_autofree char *key = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (DPX_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (profile_id != NULL, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  key = g_ascii_strdown (header, -1);
  secret_password_clear_sync (header_schema (), cancellable, &local_error,
                              "profile", profile_id, "header", key, NULL);
  if (local_error)
    return keyring_failed (local_error, error);
  return TRUE;
}

static GList *
search_profile (const char    *profile_id,
                GCancellable  *cancellable,
                GError       **error)
{
  return secret_password_search_sync (header_schema (), SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                                      cancellable, error, "profile", profile_id, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * dpx_secret_store_dup_headers:
 *
 * Returns: (transfer full) (nullable): the names (lower case, sorted) of
 *   the headers the keyring holds for @profile_id, or %NULL with @error set
 */
char **
dpx_secret_store_dup_headers (DpxSecretStore  *self,
                              const char      *profile_id,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;
  GList *items;

  g_return_val_if_fail (DPX_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (profile_id != NULL, NULL);

  items = search_profile (profile_id, cancellable, &local_error);
  if (local_error)
    {
      keyring_failed (local_error, error);
      return NULL;
    }
  for (GList *l = items; l; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *header = g_hash_table_lookup (attributes, "header");

      if (header && !g_ptr_array_find_with_equal_func (names, header, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (header));
    }
  g_list_free_full (items, g_object_unref);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

gboolean
dpx_secret_store_delete_profile (DpxSecretStore  *self,
                                 const char      *profile_id,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  g_auto(GStrv) headers = NULL;

  g_return_val_if_fail (DPX_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (profile_id != NULL, FALSE);

  /* One by one: how many items one clear removes changed across libsecret
   * versions. */
  headers = dpx_secret_store_dup_headers (self, profile_id, cancellable, error);
  if (headers == NULL)
    return FALSE;
  for (guint i = 0; headers[i]; i++)
    if (!dpx_secret_store_delete (self, profile_id, headers[i], cancellable, error))
      return FALSE;
  return TRUE;
}

/**
 * dpx_secret_store_copy_profile:
 *
 * Copies every secret of @from_id to @to_id (a duplicated profile).
 */
gboolean
dpx_secret_store_copy_profile (DpxSecretStore  *self,
                               const char      *from_id,
                               const char      *to_id,
                               const char      *to_name,
                               GCancellable    *cancellable,
                               GError         **error)
{
  g_auto(GStrv) headers = NULL;

  g_return_val_if_fail (DPX_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (from_id != NULL, FALSE);
  g_return_val_if_fail (to_id != NULL, FALSE);

  headers = dpx_secret_store_dup_headers (self, from_id, cancellable, error);
  if (headers == NULL)
    return FALSE;
  for (guint i = 0; headers[i]; i++)
    {
      GError *local_error = NULL;
      g_autofree char *value = dpx_secret_store_lookup (self, from_id, headers[i], cancellable,
                                                        &local_error);

      if (local_error)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (value == NULL)
        continue;
      if (!dpx_secret_store_save (self, to_id, to_name, headers[i], value, cancellable, error))
        return FALSE;
    }
  return TRUE;
}
