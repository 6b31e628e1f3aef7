/* dpx-profile.c: a saved connection: options, variables, messages, history
 *
 * A profile has an id that never changes (the keyring's items are filed
 * under it), a name a person chooses, the connection's options, its own
 * variables and counter (a DpxTemplate), its saved messages in the order a
 * person gives them, and the newest DPX_PROFILE_HISTORY_MAX connections.
 *
 * Secret headers (Authorization, Cookie, Proxy-Authorization, and any
 * marked secret) may hold their value in memory, but dpx_profile_write_json()
 * never writes it: the file and exports say only that the header is secret.
 * Reading accepts a value for a secret header (an import), which the
 * profile store then moves to the keyring. The JSON is docs/profiles.md.
 *
 * Over 600 lines: the strict reader of the file format sits beside its
 * writer, so the two change together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Profile"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-client.h"
#include "dpx-error.h"
#include "dpx-profile.h"
#include "dpx-secret-store.h"

struct _DpxProfile
{
  GObject               parent_instance;

  char                 *id;
  char                 *name;
  DpxConnectionOptions *options;
  DpxTemplate          *template;
  GListStore           *saved_messages;  /* DpxSavedMessage, in a person's order */
  GListStore           *history;         /* DpxConnectionRecord, newest first */
};

G_DEFINE_FINAL_TYPE (DpxProfile, dpx_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The options written under "options", by their property names. */
static const char * const option_names[] = {
  "url", "subprotocols", "origin", "permessage-deflate", "accept-invalid-certificates",
  "handshake-timeout", "max-message-size", "keepalive-interval", "auto-reconnect", NULL
};

static void
dpx_profile_finalize (GObject *object)
{
  DpxProfile *self = DPX_PROFILE (object);

  g_free (self->id);
  g_free (self->name);
  g_clear_object (&self->options);
  g_clear_object (&self->template);
  g_clear_object (&self->saved_messages);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (dpx_profile_parent_class)->finalize (object);
}

static void
dpx_profile_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DpxProfile *self = DPX_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_profile_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DpxProfile *self = DPX_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      dpx_profile_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_profile_class_init (DpxProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dpx_profile_finalize;
  object_class->get_property = dpx_profile_get_property;
  object_class->set_property = dpx_profile_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_profile_init (DpxProfile *self)
{
  self->options = dpx_connection_options_new ();
  self->template = dpx_template_new ();
  self->saved_messages = g_list_store_new (DPX_TYPE_SAVED_MESSAGE);
  self->history = g_list_store_new (DPX_TYPE_CONNECTION_RECORD);
}

DpxProfile *
dpx_profile_new (const char *name)
{
  DpxProfile *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (DPX_TYPE_PROFILE, NULL);
  self->id = g_uuid_string_random ();
  self->name = g_strdup (name);
  return self;
}

const char *
dpx_profile_get_id (DpxProfile *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  return self->id;
}

const char *
dpx_profile_get_name (DpxProfile *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  return self->name;
}

void
dpx_profile_set_name (DpxProfile *self,
                      const char *name)
{
  g_return_if_fail (DPX_IS_PROFILE (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * dpx_profile_get_options:
 *
 * Returns: (transfer none): the options, changed in place; secret header
 *   values are empty after loading (the store fills a copy from the keyring)
 */
DpxConnectionOptions *
dpx_profile_get_options (DpxProfile *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  return self->options;
}

/**
 * dpx_profile_get_template:
 *
 * Returns: (transfer none): the profile's variables and counter
 */
DpxTemplate *
dpx_profile_get_template (DpxProfile *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  return self->template;
}

/* Whether @query (already folded) is in @text, without regard to case. */
static gboolean
contains_folded (const char *text,
                 const char *query)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, query) != NULL;
}

/**
 * dpx_profile_matches:
 *
 * Whether @query is in the name or the URL, without regard to case; an
 * empty query matches every profile.
 */
gboolean
dpx_profile_matches (DpxProfile *self,
                     const char *query)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (DPX_IS_PROFILE (self), FALSE);

  if (query == NULL || *query == '\0')
    return TRUE;
  folded = g_utf8_casefold (query, -1);
  return contains_folded (self->name, folded) ||
         contains_folded (dpx_connection_options_get_url (self->options), folded);
}

/* The marks are kept with the headers, in the profile's options. */
gboolean
dpx_profile_is_secret_header (DpxProfile *self,
                              const char *name)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return dpx_connection_options_is_secret_header (self->options, name);
}

/* Marks a header secret or not; the three credential headers always are. */
void
dpx_profile_set_header_secret (DpxProfile *self,
                               const char *name,
                               gboolean    secret)
{
  g_return_if_fail (DPX_IS_PROFILE (self));
  g_return_if_fail (name != NULL);

  dpx_connection_options_set_header_secret (self->options, name, secret);
}

/**
 * dpx_profile_dup_secret_headers:
 *
 * Returns: (transfer full): the names, in lower case, of the profile's
 *   headers that are secret: the ones whose values belong in the keyring
 */
char **
dpx_profile_dup_secret_headers (DpxProfile *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GVariantIter iter;
  const char *name, *value;

  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);

  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (self->options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      g_autofree char *key = g_ascii_strdown (name, -1);

      if (*name && dpx_profile_is_secret_header (self, name) && !g_hash_table_contains (seen, key))
        {
          g_strv_builder_add (builder, key);
          g_hash_table_add (seen, g_steal_pointer (&key));
        }
    }
  return g_strv_builder_end (builder);
}

/**
 * dpx_profile_get_saved_messages:
 *
 * Returns: (transfer none): the saved messages (#DpxSavedMessage), in order
 */
GListModel *
dpx_profile_get_saved_messages (DpxProfile *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  return G_LIST_MODEL (self->saved_messages);
}

void
dpx_profile_add_saved_message (DpxProfile      *self,
                               DpxSavedMessage *message)
{
  g_return_if_fail (DPX_IS_PROFILE (self));
  g_return_if_fail (DPX_IS_SAVED_MESSAGE (message));

  g_list_store_append (self->saved_messages, message);
}

void
dpx_profile_remove_saved_message (DpxProfile *self,
                                  guint       position)
{
  g_return_if_fail (DPX_IS_PROFILE (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->saved_messages)));

  g_list_store_remove (self->saved_messages, position);
}

/* Moves the message at @from so that it ends up at @to. */
void
dpx_profile_move_saved_message (DpxProfile *self,
                                guint       from,
                                guint       to)
{
  guint n;
  g_autoptr(DpxSavedMessage) message = NULL;

  g_return_if_fail (DPX_IS_PROFILE (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->saved_messages));
  g_return_if_fail (from < n && to < n);

  if (from == to)
    return;
  message = g_list_model_get_item (G_LIST_MODEL (self->saved_messages), from);
  g_list_store_remove (self->saved_messages, from);
  g_list_store_insert (self->saved_messages, to, message);
}

/**
 * dpx_profile_get_history:
 *
 * Returns: (transfer none): past connections (#DpxConnectionRecord),
 *   newest first
 */
GListModel *
dpx_profile_get_history (DpxProfile *self)
{
  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  return G_LIST_MODEL (self->history);
}

void
dpx_profile_add_record (DpxProfile          *self,
                        DpxConnectionRecord *record)
{
  guint n;

  g_return_if_fail (DPX_IS_PROFILE (self));
  g_return_if_fail (DPX_IS_CONNECTION_RECORD (record));

  g_list_store_insert (self->history, 0, record);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->history));
  if (n > DPX_PROFILE_HISTORY_MAX)
    g_list_store_splice (self->history, DPX_PROFILE_HISTORY_MAX, n - DPX_PROFILE_HISTORY_MAX, NULL, 0);
}

/**
 * dpx_profile_copy:
 *
 * Returns: (transfer full): a profile with a new id and @name, the same
 *   options (secret values as held in memory), variables and saved
 *   messages, counter and history starting afresh
 */
DpxProfile *
dpx_profile_copy (DpxProfile *self,
                  const char *name)
{
  DpxProfile *copy;
  g_auto(GStrv) variables = NULL;

  g_return_val_if_fail (DPX_IS_PROFILE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  copy = dpx_profile_new (name);
  g_set_object (&copy->options, NULL);
  copy->options = dpx_connection_options_copy (self->options);
  variables = dpx_template_dup_variable_names (self->template);
  for (guint i = 0; variables[i]; i++)
    dpx_template_set_variable (copy->template, variables[i],
                               dpx_template_get_variable (self->template, variables[i]), NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->saved_messages)); i++)
    {
      g_autoptr(DpxSavedMessage) message = g_list_model_get_item (G_LIST_MODEL (self->saved_messages), i);

      g_list_store_append (copy->saved_messages, message);
    }
  return copy;
}

/* Writing ----------------------------------------------------------------- */

static const char *
mode_name (DpxMessageMode mode)
{
  switch (mode)
    {
    case DPX_MESSAGE_MODE_TEXT:
      return "text";
    case DPX_MESSAGE_MODE_JSON:
      return "json";
    case DPX_MESSAGE_MODE_BINARY:
      return "binary";
    default:
      g_assert_not_reached ();
    }
}

static void
write_options (DpxProfile  *self,
               JsonBuilder *builder)
{
  GVariantIter iter;
  const char *name, *value;

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  for (guint i = 0; option_names[i]; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->options), option_names[i]);
      g_auto(GValue) v = G_VALUE_INIT;

      g_assert (pspec != NULL);
      g_value_init (&v, pspec->value_type);
      g_object_get_property (G_OBJECT (self->options), option_names[i], &v);
      json_builder_set_member_name (builder, option_names[i]);
      if (pspec->value_type == G_TYPE_STRING)
        {
          if (g_value_get_string (&v))
            json_builder_add_string_value (builder, g_value_get_string (&v));
          else
            json_builder_add_null_value (builder);
        }
      else if (pspec->value_type == G_TYPE_BOOLEAN)
        json_builder_add_boolean_value (builder, g_value_get_boolean (&v));
      else if (pspec->value_type == G_TYPE_UINT)
        json_builder_add_int_value (builder, g_value_get_uint (&v));
      else if (pspec->value_type == G_TYPE_UINT64)
        json_builder_add_int_value (builder, (gint64) g_value_get_uint64 (&v));
      else if (pspec->value_type == G_TYPE_STRV)
        {
          const char * const *strv = g_value_get_boxed (&v);

          json_builder_begin_array (builder);
          for (guint j = 0; strv && strv[j]; j++)
            json_builder_add_string_value (builder, strv[j]);
          json_builder_end_array (builder);
        }
      else
        g_assert_not_reached ();
    }

  /* Secret values are never written: only that the header is secret. */
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (self->options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      if (dpx_profile_is_secret_header (self, name))
        {
          json_builder_set_member_name (builder, "secret");
          json_builder_add_boolean_value (builder, TRUE);
        }
      else
        {
          json_builder_set_member_name (builder, "value");
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* Writes the profile as one JSON object (docs/profiles.md), without secrets. */
void
dpx_profile_write_json (DpxProfile  *self,
                        JsonBuilder *builder)
{
  g_auto(GStrv) variables = NULL;

  g_return_if_fail (DPX_IS_PROFILE (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  write_options (self, builder);

  json_builder_set_member_name (builder, "variables");
  json_builder_begin_object (builder);
  variables = dpx_template_dup_variable_names (self->template);
  for (guint i = 0; variables[i]; i++)
    {
      json_builder_set_member_name (builder, variables[i]);
      json_builder_add_string_value (builder, dpx_template_get_variable (self->template, variables[i]));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "counter");
  json_builder_add_int_value (builder, (gint64) MIN (dpx_template_get_counter (self->template), G_MAXINT64));

  json_builder_set_member_name (builder, "saved-messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->saved_messages)); i++)
    {
      g_autoptr(DpxSavedMessage) message = g_list_model_get_item (G_LIST_MODEL (self->saved_messages), i);
      DpxMessageMode mode = dpx_saved_message_get_mode (message);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, dpx_saved_message_get_name (message));
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, mode_name (mode));
      if (mode == DPX_MESSAGE_MODE_BINARY)
        {
          gsize size;
          const guint8 *data = g_bytes_get_data (dpx_saved_message_get_payload (message), &size);
          g_autofree char *base64 = g_base64_encode (data, size);

          json_builder_set_member_name (builder, "base64");
          json_builder_add_string_value (builder, base64);
        }
      else
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, dpx_saved_message_get_text (message));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->history)); i++)
    {
      g_autoptr(DpxConnectionRecord) record = g_list_model_get_item (G_LIST_MODEL (self->history), i);
      g_autoptr(GDateTime) started = g_date_time_new_from_unix_utc (0);
      g_autoptr(GDateTime) at = g_date_time_add (started, dpx_connection_record_get_started (record));
      g_autofree char *iso = g_date_time_format_iso8601 (at);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, dpx_connection_record_get_url (record));
      json_builder_set_member_name (builder, "started");
      json_builder_add_string_value (builder, iso);
      json_builder_set_member_name (builder, "duration-ms");
      json_builder_add_int_value (builder, dpx_connection_record_get_duration_ms (record));
      json_builder_set_member_name (builder, "close-code");
      json_builder_add_int_value (builder, dpx_connection_record_get_close_code (record));
      json_builder_set_member_name (builder, "messages-in");
      json_builder_add_int_value (builder, (gint64) dpx_connection_record_get_messages_in (record));
      json_builder_set_member_name (builder, "messages-out");
      json_builder_add_int_value (builder, (gint64) dpx_connection_record_get_messages_out (record));
      json_builder_set_member_name (builder, "log");
      if (dpx_connection_record_get_log_path (record))
        json_builder_add_string_value (builder, dpx_connection_record_get_log_path (record));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* Reading ----------------------------------------------------------------- */

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE, message);
  return FALSE;
}

static gboolean
is_kind (JsonNode *node,
         GType     value_type)
{
  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == value_type;
}

/* A member that must be a string; NULL with @error set otherwise. */
static const char *
get_string (JsonObject  *object,
            const char  *where,
            const char  *member,
            gboolean     optional,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL && optional)
    return NULL;
  if (!is_kind (node, G_TYPE_STRING) || !g_utf8_validate (json_node_get_string (node), -1, NULL))
    {
      invalid (error, _("%s: “%s” must be a string"), where, member);
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
get_int (JsonObject  *object,
         const char  *where,
         const char  *member,
         gint64       min,
         gint64       max,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (!is_kind (node, G_TYPE_INT64) || json_node_get_int (node) < min || json_node_get_int (node) > max)
    return invalid (error, _("%s: “%s” must be a whole number from %lld to %lld"),
                    where, member, (long long) min, (long long) max);
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_options (DpxProfile  *self,
              JsonObject  *options,
              GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (options);
  GVariantBuilder headers;
  JsonNode *headers_node;

  for (GList *l = members; l; l = l->next)
    {
      const char *member = l->data;
      JsonNode *node = json_object_get_member (options, member);
      GParamSpec *pspec;
      g_auto(GValue) v = G_VALUE_INIT;

      if (g_str_equal (member, "headers"))
        continue;
      if (!g_strv_contains (option_names, member))
        return invalid (error, _("“options” has an unknown member “%s”"), member);
      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->options), member);
      g_value_init (&v, pspec->value_type);
      if (pspec->value_type == G_TYPE_STRING)
        {
          if (JSON_NODE_HOLDS_NULL (node) && g_str_equal (member, "url"))
            continue;
          if (get_string (options, "options", member, FALSE, error) == NULL)
            return FALSE;
          g_value_set_string (&v, json_node_get_string (node));
        }
      else if (pspec->value_type == G_TYPE_BOOLEAN)
        {
          if (!is_kind (node, G_TYPE_BOOLEAN))
            return invalid (error, _("options: “%s” must be true or false"), member);
          g_value_set_boolean (&v, json_node_get_boolean (node));
        }
      else if (pspec->value_type == G_TYPE_UINT)
        {
          GParamSpecUInt *range = G_PARAM_SPEC_UINT (pspec);
          gint64 n;

          if (!get_int (options, "options", member, range->minimum, range->maximum, &n, error))
            return FALSE;
          g_value_set_uint (&v, (guint) n);
        }
      else if (pspec->value_type == G_TYPE_UINT64)
        {
          GParamSpecUInt64 *range = G_PARAM_SPEC_UINT64 (pspec);
          gint64 n;

          if (!get_int (options, "options", member, (gint64) range->minimum,
                        (gint64) MIN (range->maximum, G_MAXINT64), &n, error))
            return FALSE;
          g_value_set_uint64 (&v, (guint64) n);
        }
      else if (pspec->value_type == G_TYPE_STRV)
        {
          g_autoptr(GStrvBuilder) strv = g_strv_builder_new ();
          JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

          for (guint i = 0; array && i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);

              if (!is_kind (item, G_TYPE_STRING) || *json_node_get_string (item) == '\0')
                array = NULL;
              else
                g_strv_builder_add (strv, json_node_get_string (item));
            }
          if (array == NULL)
            return invalid (error, _("options: “%s” must be a list of names"), member);
          g_value_take_boxed (&v, g_strv_builder_end (strv));
        }
      g_object_set_property (G_OBJECT (self->options), member, &v);
    }

  headers_node = json_object_get_member (options, "headers");
  if (headers_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (headers_node))
    return invalid (error, _("options: “headers” must be a list"));
  g_variant_builder_init (&headers, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (headers_node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (headers_node), i);
      g_autofree char *where = g_strdup_printf (_("header %u"), i + 1);
      JsonObject *header;
      const char *name, *value;
      JsonNode *secret;
      g_autoptr(GError) local_error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_variant_builder_clear (&headers);
          return invalid (error, _("%s must be an object"), where);
        }
      header = json_node_get_object (item);
      name = get_string (header, where, "name", FALSE, &local_error);
      value = local_error ? NULL : get_string (header, where, "value", TRUE, &local_error);
      secret = json_object_get_member (header, "secret");
      if (local_error == NULL && secret && !is_kind (secret, G_TYPE_BOOLEAN))
        invalid (&local_error, _("%s: “secret” must be true or false"), where);
      if (local_error == NULL && !dpx_client_check_header (name, value ? value : "", &local_error))
        g_prefix_error (&local_error, "%s: ", where);
      if (local_error)
        {
          g_variant_builder_clear (&headers);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (secret && json_node_get_boolean (secret))
        dpx_profile_set_header_secret (self, name, TRUE);
      /* A secret's value is in the keyring; one given here (an import)
       * is kept in memory for the store to move there. */
      g_variant_builder_add (&headers, "(ss)", name, value ? value : "");
    }
  dpx_connection_options_set_request_headers (self->options, g_variant_builder_end (&headers));
  return TRUE;
}

static DpxSavedMessage *
read_saved_message (JsonNode  *node,
                    guint      index,
                    GError   **error)
{
  g_autofree char *where = g_strdup_printf (_("saved message %u"), index + 1);
  JsonObject *object;
  const char *name, *mode, *text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, _("%s must be an object"), where);
      return NULL;
    }
  object = json_node_get_object (node);
  if (!(name = get_string (object, where, "name", FALSE, error)) ||
      !(mode = get_string (object, where, "mode", FALSE, error)))
    return NULL;
  if (g_str_equal (mode, "binary"))
    {
      const char *base64 = get_string (object, where, "base64", FALSE, error);
      g_autoptr(GBytes) payload = NULL;
      guchar *data;
      gsize size;

      if (base64 == NULL)
        return NULL;
      data = g_base64_decode (base64, &size);
      payload = g_bytes_new_take (data, size);
      return dpx_saved_message_new_binary (name, payload);
    }
  if (!g_str_equal (mode, "text") && !g_str_equal (mode, "json"))
    {
      invalid (error, _("%s: “mode” must be “text”, “json” or “binary”"), where);
      return NULL;
    }
  if (!(text = get_string (object, where, "text", FALSE, error)))
    return NULL;
  return dpx_saved_message_new_text (name, g_str_equal (mode, "json") ? DPX_MESSAGE_MODE_JSON
                                                                      : DPX_MESSAGE_MODE_TEXT, text);
}

static DpxConnectionRecord *
read_record (JsonNode  *node,
             guint      index,
             GError   **error)
{
  g_autofree char *where = g_strdup_printf (_("history entry %u"), index + 1);
  g_autoptr(GDateTime) started = NULL;
  JsonObject *object;
  const char *url, *iso, *log;
  gint64 duration, code, in, out;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, _("%s must be an object"), where);
      return NULL;
    }
  object = json_node_get_object (node);
  if (!(url = get_string (object, where, "url", FALSE, error)) ||
      !(iso = get_string (object, where, "started", FALSE, error)))
    return NULL;
  started = g_date_time_new_from_iso8601 (iso, NULL);
  if (started == NULL)
    {
      invalid (error, _("%s: “started” must be an ISO 8601 time with its zone"), where);
      return NULL;
    }
  if (!get_int (object, where, "duration-ms", 0, G_MAXINT64, &duration, error) ||
      !get_int (object, where, "close-code", 0, 4999, &code, error) ||
      !get_int (object, where, "messages-in", 0, G_MAXINT64, &in, error) ||
      !get_int (object, where, "messages-out", 0, G_MAXINT64, &out, error))
    return NULL;
  log = NULL;
  if (json_object_has_member (object, "log") && !json_object_get_null_member (object, "log") &&
      !(log = get_string (object, where, "log", FALSE, error)))
    return NULL;
  return dpx_connection_record_new (url, g_date_time_to_unix (started) * G_USEC_PER_SEC +
                                         g_date_time_get_microsecond (started),
                                    duration, (guint) code, (guint64) in, (guint64) out, log);
}

/**
 * dpx_profile_new_from_json:
 * @node: one profile object of the file (docs/profiles.md)
 *
 * Reads every member strictly: a wrong type, an unknown option or a bad
 * header fails with @error saying which.
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL with @error set
 */
DpxProfile *
dpx_profile_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(DpxProfile) self = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *id, *name;
  gint64 counter = 0;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, _("a profile must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!(id = get_string (object, "profile", "id", FALSE, error)) ||
      !(name = get_string (object, "profile", "name", FALSE, error)))
    return NULL;
  if (*id == '\0' || *name == '\0')
    {
      invalid (error, _("a profile’s “id” and “name” must not be empty"));
      return NULL;
    }

  self = g_object_new (DPX_TYPE_PROFILE, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name);

  member = json_object_get_member (object, "options");
  if (member && !JSON_NODE_HOLDS_OBJECT (member))
    {
      invalid (error, _("“options” must be an object"));
      return NULL;
    }
  if (member && !read_options (self, json_node_get_object (member), error))
    return NULL;

  member = json_object_get_member (object, "variables");
  if (member && !JSON_NODE_HOLDS_OBJECT (member))
    {
      invalid (error, _("“variables” must be an object"));
      return NULL;
    }
  if (member)
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (member));

      for (GList *l = names; l; l = l->next)
        {
          const char *value = get_string (json_node_get_object (member), "variables", l->data, FALSE, error);

          if (value == NULL || !dpx_template_set_variable (self->template, l->data, value, error))
            return NULL;
        }
    }
  if (json_object_has_member (object, "counter") &&
      !get_int (object, "profile", "counter", 0, G_MAXINT64, &counter, error))
    return NULL;
  dpx_template_set_counter (self->template, (guint64) counter);

  member = json_object_get_member (object, "saved-messages");
  if (member && !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid (error, _("“saved-messages” must be a list"));
      return NULL;
    }
  for (guint i = 0; member && i < json_array_get_length (json_node_get_array (member)); i++)
    {
      g_autoptr(DpxSavedMessage) message = read_saved_message (json_array_get_element (json_node_get_array (member), i),
                                                               i, error);

      if (message == NULL)
        return NULL;
      g_list_store_append (self->saved_messages, message);
    }

  member = json_object_get_member (object, "history");
  if (member && !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid (error, _("“history” must be a list"));
      return NULL;
    }
  for (guint i = 0; member && i < json_array_get_length (json_node_get_array (member)); i++)
    {
      g_autoptr(DpxConnectionRecord) record = read_record (json_array_get_element (json_node_get_array (member), i),
                                                           i, error);

      if (record == NULL)
        return NULL;
      if (i < DPX_PROFILE_HISTORY_MAX)
        g_list_store_append (self->history, record);
    }

  return g_steal_pointer (&self);
}
