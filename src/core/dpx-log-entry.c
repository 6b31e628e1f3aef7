/* dpx-log-entry.c: one immutable line of the message log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Log"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-error.h"
#include "dpx-log-entry.h"

/* Entries are created at message rate and never change, so they keep plain
 * fields with getters instead of GObject properties. */
struct _DpxLogEntry
{
  GObject       parent_instance;

  gint64        time_us;
  const char   *connection;  /* interned */
  GBytes       *payload;
  DpxDirection  direction;
  DpxEntryKind  kind;
};

G_DEFINE_FINAL_TYPE (DpxLogEntry, dpx_log_entry, G_TYPE_OBJECT)

static const char * const direction_names[] = { "sent", "received", "event" };
static const char * const kind_names[] = { "text", "binary", "open", "close", "error", "info" };

static void
dpx_log_entry_finalize (GObject *object)
{
  DpxLogEntry *self = DPX_LOG_ENTRY (object);

  g_clear_pointer (&self->payload, g_bytes_unref);

  G_OBJECT_CLASS (dpx_log_entry_parent_class)->finalize (object);
}

static void
dpx_log_entry_class_init (DpxLogEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_log_entry_finalize;
}

static void
dpx_log_entry_init (DpxLogEntry *self)
{
}

DpxLogEntry *
dpx_log_entry_new (gint64        time_us,
                   const char   *connection,
                   DpxDirection  direction,
                   DpxEntryKind  kind,
                   GBytes       *payload)
{
  DpxLogEntry *self;

  g_return_val_if_fail (direction <= DPX_DIRECTION_EVENT, NULL);
  g_return_val_if_fail (kind <= DPX_ENTRY_KIND_INFO, NULL);

  self = g_object_new (DPX_TYPE_LOG_ENTRY, NULL);
  self->time_us = time_us;
  self->connection = g_intern_string (connection ? connection : "");
  self->direction = direction;
  self->kind = kind;
  self->payload = payload ? g_bytes_ref (payload) : g_bytes_new_static ("", 0);

  return self;
}

DpxLogEntry *
dpx_log_entry_new_now (const char   *connection,
                       DpxDirection  direction,
                       DpxEntryKind  kind,
                       GBytes       *payload)
{
  return dpx_log_entry_new (g_get_real_time (), connection, direction, kind, payload);
}

DpxLogEntry *
dpx_log_entry_new_event (const char   *connection,
                         DpxEntryKind  kind,
                         const char   *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return dpx_log_entry_new_now (connection, DPX_DIRECTION_EVENT, kind, bytes);
}

gint64
dpx_log_entry_get_time (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), 0);
  return self->time_us;
}

const char *
dpx_log_entry_get_connection (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), NULL);
  return self->connection;
}

DpxDirection
dpx_log_entry_get_direction (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), DPX_DIRECTION_EVENT);
  return self->direction;
}

DpxEntryKind
dpx_log_entry_get_kind (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), DPX_ENTRY_KIND_INFO);
  return self->kind;
}

/**
 * dpx_log_entry_get_payload:
 *
 * Returns: (transfer none): the payload bytes, exactly as sent or received
 */
GBytes *
dpx_log_entry_get_payload (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), NULL);
  return self->payload;
}

gsize
dpx_log_entry_get_size (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), 0);
  return g_bytes_get_size (self->payload);
}

static gboolean
dpx_direction_from_string (const char   *str,
                           DpxDirection *direction)
{
  for (guint i = 0; str && i < G_N_ELEMENTS (direction_names); i++)
    if (strcmp (str, direction_names[i]) == 0)
      {
        *direction = i;
        return TRUE;
      }
  return FALSE;
}

const char *
dpx_entry_kind_to_string (DpxEntryKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

static gboolean
dpx_entry_kind_from_string (const char   *str,
                            DpxEntryKind *kind)
{
  for (guint i = 0; str && i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (str, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

static char *
format_time (gint64 time_us)
{
  /* Floor division, so a time before 1970 keeps a positive fraction. */
  gint64 seconds = time_us / G_USEC_PER_SEC - (time_us % G_USEC_PER_SEC < 0);
  gint64 micro = time_us - seconds * G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);
  g_autofree char *base = NULL;

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000000Z");
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06dZ", base, (int) micro);
}

/* Text goes out as a JSON string only when it survives the trip: valid UTF-8
 * with no NUL (json-glib hands strings back NUL-terminated). Everything else
 * is base64, so an export and import give back the same bytes. */
static gboolean
payload_fits_json_string (GBytes *payload)
{
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);

  if (size == 0)
    return TRUE;
  return memchr (data, 0, size) == NULL && g_utf8_validate_len (data, size, NULL);
}

/**
 * dpx_log_entry_to_json:
 *
 * Returns: one JSON object on one line, without the newline
 */
char *
dpx_log_entry_to_json (DpxLogEntry *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *time_str = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), NULL);

  data = g_bytes_get_data (self->payload, &size);
  time_str = format_time (self->time_us);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time_str);
  json_builder_set_member_name (builder, "connection");
  json_builder_add_string_value (builder, self->connection);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, direction_names[self->direction]);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_names[self->kind]);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, size);
  if (self->kind != DPX_ENTRY_KIND_BINARY && payload_fits_json_string (self->payload))
    {
      g_autofree char *text = g_strndup (size ? data : "", size);

      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
    }
  else
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *) data, size);

      json_builder_set_member_name (builder, "base64");
      json_builder_add_string_value (builder, b64);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("the member “%s” is missing or not a string"), name);
      return NULL;
    }
  return json_node_get_string (node);
}

/**
 * dpx_log_entry_new_from_json:
 *
 * Parses one line written by dpx_log_entry_to_json().
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with @error set
 */
DpxLogEntry *
dpx_log_entry_new_from_json (const char  *json,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GBytes) payload = NULL;
  JsonObject *object;
  const char *time_str, *connection, *direction_str, *kind_str;
  DpxDirection direction;
  DpxEntryKind kind;
  gint64 time_us;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("expected a JSON object"));
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));

  if (!(time_str = get_string_member (object, "time", error)) ||
      !(connection = get_string_member (object, "connection", error)) ||
      !(direction_str = get_string_member (object, "direction", error)) ||
      !(kind_str = get_string_member (object, "kind", error)))
    return NULL;

  if (!(dt = g_date_time_new_from_iso8601 (time_str, NULL)))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("“%s” is not an ISO 8601 time"), time_str);
      return NULL;
    }
  time_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);

  if (!dpx_direction_from_string (direction_str, &direction))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("unknown direction “%s”"), direction_str);
      return NULL;
    }
  if (!dpx_entry_kind_from_string (kind_str, &kind))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("unknown kind “%s”"), kind_str);
      return NULL;
    }

  if (json_object_has_member (object, "text"))
    {
      const char *text = get_string_member (object, "text", error);

      if (text == NULL)
        return NULL;
      payload = g_bytes_new (text, strlen (text));
    }
  else if (json_object_has_member (object, "base64"))
    {
      const char *b64 = get_string_member (object, "base64", error);
      gsize len = 0;
      guchar *data;

      if (b64 == NULL)
        return NULL;
      /* g_base64_decode accepts anything; check the alphabet first so a
       * damaged file is reported instead of importing garbage. */
      for (const char *p = b64; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
          {
            g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                                 _("“base64” holds characters outside base64"));
            return NULL;
          }
      data = g_base64_decode (b64, &len);
      payload = g_bytes_new_take (data, len);
    }
  else
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("the entry has neither “text” nor “base64”"));
      return NULL;
    }

  if (json_object_has_member (object, "size") &&
      json_object_get_int_member (object, "size") != (gint64) g_bytes_get_size (payload))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("“size” says %lld bytes but the payload has %zu"),
                   (long long) json_object_get_int_member (object, "size"), g_bytes_get_size (payload));
      return NULL;
    }

  return dpx_log_entry_new (time_us, connection, direction, kind, payload);
}
