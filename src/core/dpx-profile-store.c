/* dpx-profile-store.c: the profiles, in one JSON file and the keyring
 *
 * All profiles live in one file (by default $XDG_DATA_HOME/duplex/
 * profiles.json, docs/profiles.md), rewritten whole and atomically after
 * each change (a new file renamed over the old, mode 0600). Secret header
 * values go to the keyring (DpxSecretStore), never to the file: when a
 * profile is saved its secret values in memory are moved there and cleared,
 * and dpx_profile_store_dup_options() gives a connection the options with
 * them filled in again.
 *
 * A file that cannot be read (bad JSON, a wrong member, a newer version) is
 * an error naming the file and what is wrong, and the store then refuses to
 * write, so nothing a person could still repair is overwritten.
 *
 * Names are unique, so `duplex consume --profile NAME` means one profile.
 *
 * Over 600 lines: loading, the keyring moves, every change that saves,
 * and export and import are one store and share its file handling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Profiles"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dpx-error.h"
#include "dpx-json-check.h"
#include "dpx-profile-store.h"
#include "dpx-session-recorder.h"

struct _DpxProfileStore
{
  GObject         parent_instance;

  char           *path;
  DpxSecretStore *secrets;
  GListStore     *profiles;   /* DpxProfile, in the file's order */
  char           *damaged;    /* why the file was not read: no writing then */
};

G_DEFINE_FINAL_TYPE (DpxProfileStore, dpx_profile_store, G_TYPE_OBJECT)

static void
dpx_profile_store_finalize (GObject *object)
{
  DpxProfileStore *self = DPX_PROFILE_STORE (object);

  g_free (self->path);
  g_free (self->damaged);
  g_clear_object (&self->secrets);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (dpx_profile_store_parent_class)->finalize (object);
}

static void
dpx_profile_store_class_init (DpxProfileStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_profile_store_finalize;
}

static void
dpx_profile_store_init (DpxProfileStore *self)
{
  self->profiles = g_list_store_new (DPX_TYPE_PROFILE);
}

/**
 * dpx_profile_store_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/duplex/profiles.json` (inside
 *   Flatpak, the app's own data folder)
 */
char *
dpx_profile_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "duplex", "profiles.json", NULL);
}

/**
 * dpx_profile_store_new:
 * @path: (nullable): the file, or %NULL for the default
 * @secrets: (nullable): the keyring, or %NULL for a new #DpxSecretStore
 */
DpxProfileStore *
dpx_profile_store_new (const char     *path,
                       DpxSecretStore *secrets)
{
  DpxProfileStore *self = g_object_new (DPX_TYPE_PROFILE_STORE, NULL);

  self->path = path ? g_strdup (path) : dpx_profile_store_default_path ();
  self->secrets = secrets ? g_object_ref (secrets) : dpx_secret_store_new ();
  return self;
}

const char *
dpx_profile_store_get_path (DpxProfileStore *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), NULL);
  return self->path;
}

/**
 * dpx_profile_store_get_profiles:
 *
 * Returns: (transfer none): the profiles (#DpxProfile)
 */
GListModel *
dpx_profile_store_get_profiles (DpxProfileStore *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), NULL);
  return G_LIST_MODEL (self->profiles);
}

static gboolean push_secrets (DpxProfileStore  *self,
                              DpxProfile       *profile,
                              GError          **error);
static gboolean write_store  (DpxProfileStore  *self,
                              GError          **error);

/* Reading ----------------------------------------------------------------- */

/* Parses a profiles file or an export: every profile or none. */
static GPtrArray *
parse_profiles (const char  *contents,
                gsize        length,
                const char  *display_name,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *node;
  JsonArray *array;

  /* An export can come from anyone: bounded before json-glib, which
   * recurses without a limit, reads it. */
  if (length > DPX_PROFILE_STORE_MAX_FILE_SIZE)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("%s is too big for a profiles file (over 16 MiB)"), display_name);
      return NULL;
    }
  if (!dpx_json_check (contents, length, &local_error) ||
      !json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("%s is not valid JSON: %s"), display_name, local_error->message);
      return NULL;
    }
  node = json_parser_get_root (parser);
  root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (root == NULL || g_strcmp0 (json_object_get_string_member_with_default (root, "format", ""),
                                 DPX_PROFILES_FORMAT) != 0)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("%s is not a Duplex profiles file: it has no “format”: “%s”"),
                   display_name, DPX_PROFILES_FORMAT);
      return NULL;
    }
  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("%s has no valid “version”"), display_name);
      return NULL;
    }
  if (json_node_get_int (node) > DPX_PROFILES_VERSION)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("%s is version %lld of the profiles format; this Duplex reads "
                     "version %d: it was written by a newer Duplex"),
                   display_name, (long long) json_node_get_int (node), DPX_PROFILES_VERSION);
      return NULL;
    }
  node = json_object_get_member (root, "profiles");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("%s has no “profiles” list"), display_name);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      DpxProfile *profile = dpx_profile_new_from_json (json_array_get_element (array, i), &local_error);

      if (profile == NULL)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("%s, profile %u: %s"), display_name, i + 1, local_error->message);
          return NULL;
        }
      g_ptr_array_add (profiles, profile);
    }
  return g_steal_pointer (&profiles);
}

/**
 * dpx_profile_store_load:
 *
 * Reads the file; a missing file is an empty store. On an error the store
 * holds nothing and refuses to write until loaded again without one.
 */
gboolean
dpx_profile_store_load (DpxProfileStore  *self,
                        GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean migrate = FALSE;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);

  g_list_store_remove_all (self->profiles);
  g_clear_pointer (&self->damaged, g_free);
  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      self->damaged = g_strdup (local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  profiles = parse_profiles (contents, length, self->path, &local_error);
  if (profiles == NULL)
    {
      self->damaged = g_strdup (local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_list_store_splice (self->profiles, 0, 0, profiles->pdata, profiles->len);
  /* A value written in the file by hand goes to the keyring now, and out
   * of the file. */
  for (guint i = 0; i < profiles->len; i++)
    {
      g_auto(GStrv) secret = dpx_profile_dup_secret_headers (profiles->pdata[i]);
      DpxConnectionOptions *options = dpx_profile_get_options (profiles->pdata[i]);

      for (guint j = 0; secret[j]; j++)
        {
          const char *value = dpx_connection_options_lookup_header (options, secret[j]);

          if (value && *value)
            {
              migrate = TRUE;
              if (!push_secrets (self, profiles->pdata[i], error))
                return FALSE;
              break;
            }
        }
    }
  return !migrate || write_store (self, error);
}

/* Finding ----------------------------------------------------------------- */

/**
 * dpx_profile_store_find:
 *
 * Returns: (transfer none) (nullable): the profile of that id or name
 */
DpxProfile *
dpx_profile_store_find (DpxProfileStore *self,
                        const char      *name_or_id)
{
  guint n;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpxProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (g_str_equal (dpx_profile_get_id (profile), name_or_id) ||
          g_str_equal (dpx_profile_get_name (profile), name_or_id))
        return profile;
    }
  return NULL;
}

/**
 * dpx_profile_store_search:
 *
 * Returns: (transfer container) (element-type DpxProfile): the profiles
 *   whose name or URL holds @query, without regard to case
 */
GPtrArray *
dpx_profile_store_search (DpxProfileStore *self,
                          const char      *query)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), found);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));
  for (guint i = 0; i < n; i++)
    {
      DpxProfile *profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (dpx_profile_matches (profile, query))
        g_ptr_array_add (found, profile);
      else
        g_object_unref (profile);
    }
  return found;
}

static gboolean
name_taken (DpxProfileStore *self,
            const char      *name,
            DpxProfile      *except)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpxProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (profile != except && g_str_equal (dpx_profile_get_name (profile), name))
        return TRUE;
    }
  return FALSE;
}

/* "Name", or "Name (2)", "Name (3)"… whichever is free. */
static char *
free_name (DpxProfileStore *self,
           const char      *name)
{
  if (!name_taken (self, name, NULL))
    return g_strdup (name);
  for (guint i = 2;; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s (%u)", name, i);

      if (!name_taken (self, candidate, NULL))
        return g_steal_pointer (&candidate);
    }
}

static gboolean
check_name (DpxProfileStore  *self,
            const char       *name,
            DpxProfile       *except,
            GError          **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT, _("A profile needs a name"));
      return FALSE;
    }
  if (name_taken (self, name, except))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                   _("There is already a profile named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

/* Writing ----------------------------------------------------------------- */

static char *
to_json (GListModel *profiles)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, DPX_PROFILES_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, DPX_PROFILES_VERSION);
  json_builder_set_member_name (builder, "profiles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (profiles); i++)
    {
      g_autoptr(DpxProfile) profile = g_list_model_get_item (profiles, i);

      dpx_profile_write_json (profile, builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
write_file (const char  *path,
            GListModel  *profiles,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = to_json (profiles);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not make the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* A new file renamed over the old: the old one or the new one, whole. */
  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Could not save the profiles: "));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_store (DpxProfileStore  *self,
             GError          **error)
{
  if (self->damaged)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("The profiles are not saved, so as not to overwrite %s, which could not be read "
                     "(%s): repair or move it first"), self->path, self->damaged);
      return FALSE;
    }
  return write_file (self->path, G_LIST_MODEL (self->profiles), error);
}

/* Moves the profile's secret values to the keyring (clearing them in
 * memory), and drops the keyring items of headers it no longer has. */
static gboolean
push_secrets (DpxProfileStore  *self,
              DpxProfile       *profile,
              GError          **error)
{
  DpxConnectionOptions *options = dpx_profile_get_options (profile);
  g_auto(GStrv) secret = dpx_profile_dup_secret_headers (profile);
  g_auto(GStrv) stored = NULL;
  GVariantBuilder cleared;
  GVariantIter iter;
  const char *name, *value;

  for (guint i = 0; secret[i]; i++)
    {
      value = dpx_connection_options_lookup_header (options, secret[i]);
      if (value && *value &&
          !dpx_secret_store_save (self->secrets, dpx_profile_get_id (profile), dpx_profile_get_name (profile),
                                  secret[i], value, NULL, error))
        return FALSE;
    }

  /* A profile without secrets works without a keyring (a server with no
   * Secret Service): then there is nothing of it to clean up either. */
  stored = dpx_secret_store_dup_headers (self->secrets, dpx_profile_get_id (profile), NULL,
                                         secret[0] ? error : NULL);
  if (stored == NULL && secret[0])
    return FALSE;
  for (guint i = 0; stored && stored[i]; i++)
    if (!g_strv_contains ((const char * const *) secret, stored[i]) &&
        !dpx_secret_store_delete (self->secrets, dpx_profile_get_id (profile), stored[i], NULL, error))
      return FALSE;

  g_variant_builder_init (&cleared, G_VARIANT_TYPE ("a(ss)"));
  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    g_variant_builder_add (&cleared, "(ss)", name,
                           dpx_profile_is_secret_header (profile, name) ? "" : value);
  dpx_connection_options_set_request_headers (options, g_variant_builder_end (&cleared));
  return TRUE;
}

static gboolean
contains (DpxProfileStore *self,
          DpxProfile      *profile)
{
  return g_list_store_find (self->profiles, profile, NULL);
}

/**
 * dpx_profile_store_add:
 *
 * Adds @profile (its name must be free), its secrets to the keyring, and
 * saves.
 */
gboolean
dpx_profile_store_add (DpxProfileStore  *self,
                       DpxProfile       *profile,
                       GError          **error)
{
  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (!contains (self, profile), FALSE);

  if (self->damaged)
    return write_store (self, error);
  if (!check_name (self, dpx_profile_get_name (profile), NULL, error) ||
      !push_secrets (self, profile, error))
    return FALSE;
  g_list_store_append (self->profiles, profile);
  return write_store (self, error);
}

/* Saves the changes made to @profile: its secrets and the file. */
gboolean
dpx_profile_store_save_profile (DpxProfileStore  *self,
                                DpxProfile       *profile,
                                GError          **error)
{
  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), FALSE);

  if (self->damaged)
    return write_store (self, error);
  if (!push_secrets (self, profile, error))
    return FALSE;
  return write_store (self, error);
}

gboolean
dpx_profile_store_rename (DpxProfileStore  *self,
                          DpxProfile       *profile,
                          const char       *name,
                          GError          **error)
{
  g_autofree char *old = NULL;
  guint position;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), FALSE);

  if (!check_name (self, name, profile, error))
    return FALSE;
  old = g_strdup (dpx_profile_get_name (profile));
  dpx_profile_set_name (profile, name);
  if (!write_store (self, error))
    {
      dpx_profile_set_name (profile, old);
      return FALSE;
    }
  /* Lists showing the name show it again. */
  if (g_list_store_find (self->profiles, profile, &position))
    g_list_model_items_changed (G_LIST_MODEL (self->profiles), position, 1, 1);
  return TRUE;
}

/**
 * dpx_profile_store_duplicate:
 * @name: (nullable): the copy's name, or %NULL for "NAME (2)" or the next
 *   free one
 *
 * Copies a profile and its secrets in the keyring, and saves.
 *
 * Returns: (transfer none) (nullable): the copy, or %NULL with @error set
 */
DpxProfile *
dpx_profile_store_duplicate (DpxProfileStore  *self,
                             DpxProfile       *profile,
                             const char       *name,
                             GError          **error)
{
  g_autofree char *chosen = NULL;
  g_autoptr(DpxProfile) copy = NULL;
  g_auto(GStrv) secret = NULL;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), NULL);

  chosen = name ? g_strdup (name) : free_name (self, dpx_profile_get_name (profile));
  if (!check_name (self, chosen, NULL, error))
    return NULL;
  copy = dpx_profile_copy (profile, chosen);
  secret = dpx_profile_dup_secret_headers (profile);
  if ((secret[0] && !dpx_secret_store_copy_profile (self->secrets, dpx_profile_get_id (profile),
                                                    dpx_profile_get_id (copy), chosen, NULL, error)) ||
      !dpx_profile_store_add (self, copy, error))
    {
      if (secret[0])
        dpx_secret_store_delete_profile (self->secrets, dpx_profile_get_id (copy), NULL, NULL);
      return NULL;
    }
  return copy;
}

/* The logs of the profile's past connections, saved by the session
 * recorder. Only files it wrote (in its folder, named after the profile)
 * are deleted: a history read from an edited or imported file may name
 * anything. */
static void
delete_history_logs (DpxProfile *profile)
{
  GListModel *history = dpx_profile_get_history (profile);
  g_autofree char *dir = dpx_session_recorder_default_dir ();
  g_autofree char *prefix = g_strconcat (dpx_profile_get_id (profile), "-", NULL);

  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(DpxConnectionRecord) record = g_list_model_get_item (history, i);
      const char *path = dpx_connection_record_get_log_path (record);
      g_autofree char *parent = path ? g_path_get_dirname (path) : NULL;
      g_autofree char *base = path ? g_path_get_basename (path) : NULL;

      if (path && g_str_equal (parent, dir) && g_str_has_prefix (base, prefix) &&
          g_str_has_suffix (base, ".jsonl"))
        g_unlink (path);
    }
}

/* Removes a profile, its secrets from the keyring and the logs of its
 * history too, and saves. */
gboolean
dpx_profile_store_remove (DpxProfileStore  *self,
                          DpxProfile       *profile,
                          GError          **error)
{
  g_autoptr(DpxProfile) held = NULL;
  g_auto(GStrv) secret = NULL;
  guint position;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), FALSE);

  if (self->damaged)
    return write_store (self, error);
  if (!g_list_store_find (self->profiles, profile, &position))
    return TRUE;
  secret = dpx_profile_dup_secret_headers (profile);
  if (!dpx_secret_store_delete_profile (self->secrets, dpx_profile_get_id (profile), NULL,
                                        secret[0] ? error : NULL) && secret[0])
    return FALSE;
  /* The list may hold the last reference; the logs are deleted after. */
  held = g_object_ref (profile);
  g_list_store_remove (self->profiles, position);
  if (!write_store (self, error))
    return FALSE;
  delete_history_logs (profile);
  return TRUE;
}

gboolean
dpx_profile_store_add_record (DpxProfileStore      *self,
                              DpxProfile           *profile,
                              DpxConnectionRecord  *record,
                              GError              **error)
{
  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), FALSE);

  dpx_profile_add_record (profile, record);
  return write_store (self, error);
}

/**
 * dpx_profile_store_dup_options:
 *
 * Returns: (transfer full) (nullable): a copy of the profile's options
 *   with the secret header values read from the keyring, to connect with;
 *   %NULL with @error set when the keyring failed or lacks one
 */
DpxConnectionOptions *
dpx_profile_store_dup_options (DpxProfileStore  *self,
                               DpxProfile       *profile,
                               GError          **error)
{
  g_autoptr(DpxConnectionOptions) options = NULL;
  GVariantBuilder filled;
  GVariantIter iter;
  const char *name, *value;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), NULL);

  options = dpx_connection_options_copy (dpx_profile_get_options (profile));
  g_variant_builder_init (&filled, G_VARIANT_TYPE ("a(ss)"));
  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      g_autofree char *secret = NULL;

      if (*name && *value == '\0' && dpx_profile_is_secret_header (profile, name))
        {
          GError *local_error = NULL;

          secret = dpx_secret_store_lookup (self->secrets, dpx_profile_get_id (profile), name,
                                            NULL, &local_error);
          if (secret == NULL)
            {
              if (local_error == NULL)
                g_set_error (&local_error, DPX_ERROR, DPX_ERROR_KEYRING,
                             _("The keyring holds no value for the %s header of profile “%s”"),
                             name, dpx_profile_get_name (profile));
              g_variant_builder_clear (&filled);
              g_propagate_error (error, local_error);
              return NULL;
            }
        }
      g_variant_builder_add (&filled, "(ss)", name, secret ? secret : value);
    }
  dpx_connection_options_set_request_headers (options, g_variant_builder_end (&filled));
  return g_steal_pointer (&options);
}

/* Export and import ------------------------------------------------------- */

/**
 * dpx_profile_store_export:
 * @profiles: (nullable) (element-type DpxProfile): which, or %NULL for all
 *
 * Writes the profiles in the file's own format. Secret header values are
 * left out (the header is there, marked `"secret": true`, without a value).
 */
gboolean
dpx_profile_store_export (DpxProfileStore  *self,
                          GPtrArray        *profiles,
                          GFile            *file,
                          GError          **error)
{
  g_autoptr(GListStore) chosen = g_list_store_new (DPX_TYPE_PROFILE);
  g_autofree char *path = NULL;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (profiles)
    g_list_store_splice (chosen, 0, 0, profiles->pdata, profiles->len);
  else
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->profiles)); i++)
      {
        g_autoptr(DpxProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

        g_list_store_append (chosen, profile);
      }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Export to a local file"));
      return FALSE;
    }
  return write_file (path, G_LIST_MODEL (chosen), error);
}

/**
 * dpx_profile_store_import:
 *
 * Reads an export (or a profiles file): all of it or nothing. Each profile
 * is added with a new id, under its name or the next free one; secret
 * values it holds go to the keyring, not to the file.
 *
 * Returns: (transfer container) (element-type DpxProfile) (nullable): the
 *   profiles added, or %NULL with @error set
 */
GPtrArray *
dpx_profile_store_import (DpxProfileStore  *self,
                          GFile            *file,
                          GError          **error)
{
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  GError *local_error = NULL;
  gsize length;

  g_return_val_if_fail (DPX_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (self->damaged)
    {
      write_store (self, error);
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  name = g_file_get_parse_name (file);
  parsed = parse_profiles (contents, length, name, error);
  if (parsed == NULL)
    return NULL;

  for (guint i = 0; i < parsed->len; i++)
    {
      g_autofree char *free = free_name (self, dpx_profile_get_name (parsed->pdata[i]));
      g_autoptr(DpxProfile) profile = dpx_profile_copy (parsed->pdata[i], free);
      GListModel *history = dpx_profile_get_history (parsed->pdata[i]);

      /* The copy has a new id; the history and counter come along. */
      for (guint j = g_list_model_get_n_items (history); j > 0; j--)
        {
          g_autoptr(DpxConnectionRecord) record = g_list_model_get_item (history, j - 1);

          dpx_profile_add_record (profile, record);
        }
      dpx_template_set_counter (dpx_profile_get_template (profile),
                                dpx_template_get_counter (dpx_profile_get_template (parsed->pdata[i])));
      if (!push_secrets (self, profile, &local_error))
        break;
      g_list_store_append (self->profiles, profile);
      g_ptr_array_add (added, g_steal_pointer (&profile));
    }
  if (local_error == NULL)
    write_store (self, &local_error);
  if (local_error)
    {
      g_propagate_error (error, local_error);
      /* Nothing half imported: what was added goes again. */
      for (guint i = 0; i < added->len; i++)
        {
          guint position;

          dpx_secret_store_delete_profile (self->secrets, dpx_profile_get_id (added->pdata[i]), NULL, NULL);
          if (g_list_store_find (self->profiles, added->pdata[i], &position))
            g_list_store_remove (self->profiles, position);
        }
      return NULL;
    }
  return g_steal_pointer (&added);
}
