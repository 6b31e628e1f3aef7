/* dpx-log-entry.c: one immutable line of the message log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why over 600 lines: an entry's JSON Lines form is written and read here,
 * both ways in one place so they cannot drift apart: the strict checks on
 * every field of an imported line, and times for every year (GDateTime
 * neither writes years before 1000 as ISO 8601 nor reads far dates).
 */
#define G_LOG_DOMAIN "Duplex-Log"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-error.h"
#include "dpx-json-check.h"
#include "dpx-log-entry.h"

/* Entries are created at message rate and never change, so they keep plain
 * fields with getters instead of GObject properties. */
struct _DpxLogEntry
{
  GObject       parent_instance;

  gint64        time_us;
  const char   *connection;  /* interned */
  GBytes       *payload;
  /* Small fields, so a control frame's facts cost a message nothing. */
  guint8        direction;   /* a DpxDirection */
  guint8        kind;        /* a DpxEntryKind */
  guint         keepalive : 1;
  gint32        rtt_us;      /* a pong's round trip, or -1 */
};

G_DEFINE_FINAL_TYPE (DpxLogEntry, dpx_log_entry, G_TYPE_OBJECT)

static const char * const direction_names[] = { "sent", "received", "event" };
static const char * const kind_names[] = { "text", "binary", "open", "close", "error", "info", "ping", "pong" };

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
  g_return_val_if_fail (kind <= DPX_ENTRY_KIND_PONG, NULL);

  self = g_object_new (DPX_TYPE_LOG_ENTRY, NULL);
  self->time_us = time_us;
  self->connection = g_intern_string (connection ? connection : "");
  self->direction = direction;
  self->kind = kind;
  self->payload = payload ? g_bytes_ref (payload) : g_bytes_new_static ("", 0);
  self->rtt_us = -1;

  return self;
}

/**
 * dpx_log_entry_new_control:
 * @kind: %DPX_ENTRY_KIND_PING or %DPX_ENTRY_KIND_PONG
 * @keepalive: the ping is the connection's keep-alive, or the pong answers it
 * @rtt_us: a pong's round trip from its ping, in microseconds, or -1
 *
 * A ping or pong with what is known of it. A round trip longer than
 * G_MAXINT32 microseconds (35 minutes) is kept as that.
 */
DpxLogEntry *
dpx_log_entry_new_control (gint64        time_us,
                           const char   *connection,
                           DpxDirection  direction,
                           DpxEntryKind  kind,
                           GBytes       *payload,
                           gboolean      keepalive,
                           gint64        rtt_us)
{
  DpxLogEntry *self;

  g_return_val_if_fail (kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG, NULL);
  g_return_val_if_fail (direction != DPX_DIRECTION_EVENT, NULL);

  self = dpx_log_entry_new (time_us, connection, direction, kind, payload);
  self->keepalive = !!keepalive;
  self->rtt_us = rtt_us < 0 ? -1 : (gint32) MIN (rtt_us, G_MAXINT32);
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

/* The text of an event with its secret values shown. Kept as object data,
 * not a field: only a handshake's events have one, and every message's
 * entry stays as small as before. Never written by dpx_log_entry_to_json(). */
static GQuark
revealed_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("dpx-log-entry-revealed");
  return quark;
}

/**
 * dpx_log_entry_new_event_revealing:
 * @text: what happened, secret header values masked
 * @revealed: (nullable): the same with the secret values shown; held in
 *   memory only, for a person who asks to see them
 */
DpxLogEntry *
dpx_log_entry_new_event_revealing (const char   *connection,
                                   DpxEntryKind  kind,
                                   const char   *text,
                                   const char   *revealed)
{
  DpxLogEntry *self = dpx_log_entry_new_event (connection, kind, text);

  if (revealed && g_strcmp0 (revealed, text) != 0)
    g_object_set_qdata_full (G_OBJECT (self), revealed_quark (),
                             g_bytes_new (revealed, strlen (revealed)),
                             (GDestroyNotify) g_bytes_unref);
  return self;
}

/* Whether the entry has secret values it can show. */
gboolean
dpx_log_entry_has_secrets (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), FALSE);
  return g_object_get_qdata (G_OBJECT (self), revealed_quark ()) != NULL;
}

/**
 * dpx_log_entry_dup_revealed:
 *
 * Returns: (transfer full): an entry like @self with its secret values
 *   shown, or @self itself (a new reference) when it has none
 */
DpxLogEntry *
dpx_log_entry_dup_revealed (DpxLogEntry *self)
{
  GBytes *revealed;

  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), NULL);

  revealed = g_object_get_qdata (G_OBJECT (self), revealed_quark ());
  if (revealed == NULL)
    return g_object_ref (self);
  return dpx_log_entry_new (self->time_us, self->connection, self->direction, self->kind, revealed);
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

/**
 * dpx_log_entry_get_rtt:
 *
 * Returns: a pong's round trip from the ping it answers, in microseconds,
 *   or -1 when it answers none that is known
 */
gint64
dpx_log_entry_get_rtt (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), -1);
  return self->rtt_us;
}

/**
 * dpx_log_entry_get_keepalive:
 *
 * Returns: whether the entry is a keep-alive ping or the pong answering one
 */
gboolean
dpx_log_entry_get_keepalive (DpxLogEntry *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (self), FALSE);
  return self->keepalive;
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

/* Times are written as RFC 3339 UTC with microseconds. GDateTime only knows
 * the years 1 to 9999 and prints years before 1000 with fewer than four
 * digits, so the calendar is computed here for the whole gint64 range:
 * the proleptic Gregorian calendar with a year 0, four-digit years from
 * 0000 to 9999 and, outside, a sign and six digits (ISO 8601's expanded
 * years, as JavaScript writes them: "+010000", "-000001"). */

#define SECONDS_PER_DAY 86400

/* Days since 1970-01-01 of a date, and back. Eras of 400 years repeat
 * exactly (146 097 days); within one, a year is counted from March so the
 * leap day falls last. */
static gint64
days_from_civil (gint64 year,
                 guint  month,
                 guint  day)
{
  gint64 era, year_of_era, day_of_year, day_of_era;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = year - era * 400;
  day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

static void
civil_from_days (gint64  days,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 day_of_era = z - era * 146097;
  gint64 year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524
                        - day_of_era / 146096) / 365;
  gint64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  gint64 month_from_march = (5 * day_of_year + 2) / 153;

  *day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  *month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  *year = year_of_era + era * 400 + (*month <= 2);
}

static char *
format_time (gint64 time_us)
{
  /* Floor division, so a time before 1970 keeps a positive fraction. */
  gint64 micro = time_us % G_USEC_PER_SEC;
  gint64 seconds = time_us / G_USEC_PER_SEC;
  gint64 days, second_of_day, year;
  guint month, day;
  char year_str[16];

  if (micro < 0)
    {
      micro += G_USEC_PER_SEC;
      seconds--;
    }
  days = seconds / SECONDS_PER_DAY;
  second_of_day = seconds % SECONDS_PER_DAY;
  if (second_of_day < 0)
    {
      second_of_day += SECONDS_PER_DAY;
      days--;
    }
  civil_from_days (days, &year, &month, &day);

  if (year >= 0 && year <= 9999)
    g_snprintf (year_str, sizeof year_str, "%04d", (int) year);
  else
    g_snprintf (year_str, sizeof year_str, "%+07" G_GINT64_FORMAT, year);

  return g_strdup_printf ("%s-%02u-%02uT%02d:%02d:%02d.%06dZ", year_str, month, day,
                          (int) (second_of_day / 3600), (int) (second_of_day / 60 % 60),
                          (int) (second_of_day % 60), (int) micro);
}

static gboolean
read_digits (const char **p,
             guint        n,
             gint64      *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      *value = *value * 10 + ((*p)[i] - '0');
    }
  *p += n;
  return TRUE;
}

static gboolean
expect_char (const char **p,
             char         c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

/* Reads exactly what format_time() writes (with 0 to 6 digits of fraction).
 * Returns %FALSE for anything else, and for a time out of gint64's range. */
static gboolean
parse_time_utc (const char *str,
                gint64     *time_us)
{
  const char *p = str;
  gint64 year, month, day, hour, minute, second, micro = 0, days, seconds, result;
  guint fraction_digits = 0;
  static const guint8 month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (*p == '+' || *p == '-')
    {
      gboolean negative = *p++ == '-';

      if (!read_digits (&p, 6, &year))
        return FALSE;
      if (negative)
        year = -year;
    }
  else if (!read_digits (&p, 4, &year))
    return FALSE;

  if (!expect_char (&p, '-') || !read_digits (&p, 2, &month) ||
      !expect_char (&p, '-') || !read_digits (&p, 2, &day) ||
      !expect_char (&p, 'T') || !read_digits (&p, 2, &hour) ||
      !expect_char (&p, ':') || !read_digits (&p, 2, &minute) ||
      !expect_char (&p, ':') || !read_digits (&p, 2, &second))
    return FALSE;
  if (expect_char (&p, '.'))
    {
      while (g_ascii_isdigit (*p) && fraction_digits < 6)
        {
          micro = micro * 10 + (*p++ - '0');
          fraction_digits++;
        }
      if (fraction_digits == 0)
        return FALSE;
      for (guint i = fraction_digits; i < 6; i++)
        micro *= 10;
    }
  if (!expect_char (&p, 'Z') || *p != '\0')
    return FALSE;

  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
      hour > 23 || minute > 59 || second > 59)
    return FALSE;
  if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return FALSE;

  days = days_from_civil (year, month, day);
  seconds = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
  if (__builtin_mul_overflow (seconds, G_USEC_PER_SEC, &result) ||
      __builtin_add_overflow (result, micro, &result))
    {
      /* The earliest times only fit counted from the next second down. */
      if (seconds >= 0 ||
          __builtin_mul_overflow (seconds + 1, G_USEC_PER_SEC, &result) ||
          __builtin_add_overflow (result, micro - G_USEC_PER_SEC, &result))
        return FALSE;
    }
  *time_us = result;
  return TRUE;
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
  if (self->keepalive)
    {
      json_builder_set_member_name (builder, "keepalive");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (self->rtt_us >= 0)
    {
      /* Whole microseconds: exact both ways, as measured. */
      json_builder_set_member_name (builder, "rtt_us");
      json_builder_add_int_value (builder, self->rtt_us);
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
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("the member “%s” is missing or not a string"), name);
      return NULL;
    }
  /* json-glib turns a lone UTF-16 surrogate escape into bytes that are not
   * UTF-8; nothing downstream may see those as text. */
  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("the member “%s” is not valid Unicode"), name);
      return NULL;
    }
  return value;
}

/* json-glib hands strings back NUL-terminated, so a \u0000 escape would
 * silently cut the string short. In valid JSON a backslash only occurs
 * inside strings, so a plain scan for the escape finds every one. */
static gboolean
has_nul_escape (const char *json,
                gsize       length)
{
  const char *end = json + length;

  for (const char *p = memchr (json, '\\', length); p != NULL && p + 1 < end;
       p = memchr (p, '\\', end - p))
    {
      if (p[1] == 'u' && end - p >= 6 && memcmp (p + 2, "0000", 4) == 0)
        return TRUE;
      p += 2;  /* the backslash and the character it escapes */
      if (p >= end)
        break;
    }
  return FALSE;
}

static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* g_base64_decode() takes anything and makes bytes of it. Only the one
 * spelling g_base64_encode() writes is accepted: the standard alphabet,
 * groups of four, "=" only to pad the last group, and no stray bits in
 * the last character, so an import gives back exactly the bytes exported. */
static GBytes *
decode_base64 (const char  *b64,
               GError     **error)
{
  gsize length = strlen (b64);
  gsize padding = 0;
  gsize decoded_length;
  guchar *data;

  for (gsize i = 0; i < length; i++)
    if (base64_value (b64[i]) < 0 && b64[i] != '=')
      {
        g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                             _("“base64” holds characters outside base64"));
        return NULL;
      }

  if (length > 0 && b64[length - 1] == '=')
    padding = length > 1 && b64[length - 2] == '=' ? 2 : 1;
  if (length % 4 != 0 || memchr (b64, '=', length - padding) != NULL)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("“base64” is not padded correctly"));
      return NULL;
    }
  if ((padding == 2 && (base64_value (b64[length - 3]) & 0x0f) != 0) ||
      (padding == 1 && (base64_value (b64[length - 2]) & 0x03) != 0))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("“base64” ends with bits that belong to no byte"));
      return NULL;
    }

  data = g_base64_decode (b64, &decoded_length);
  g_assert (decoded_length == length / 4 * 3 - padding);
  return g_bytes_new_take (data, decoded_length);
}

/* "keepalive" (true or false) on a ping or pong, and "rtt_us" (a whole
 * number of microseconds, not negative) on a received pong only. */
static gboolean
read_control_facts (JsonObject    *object,
                    DpxDirection   direction,
                    DpxEntryKind   kind,
                    gboolean      *keepalive,
                    gint64        *rtt_us,
                    GError       **error)
{
  gboolean control = kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG;
  JsonNode *node;

  if ((node = json_object_get_member (object, "keepalive")) != NULL)
    {
      if (!control || !JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                               _("“keepalive” is true or false, on a ping or a pong only"));
          return FALSE;
        }
      *keepalive = json_node_get_boolean (node);
    }
  if ((node = json_object_get_member (object, "rtt_us")) != NULL)
    {
      gint64 value;

      if (kind != DPX_ENTRY_KIND_PONG || direction != DPX_DIRECTION_RECEIVED ||
          !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                               _("“rtt_us” is a whole number, on a received pong only"));
          return FALSE;
        }
      value = json_node_get_int (node);
      if (value < 0 || value > G_MAXINT32)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("“rtt_us” is %lld, not a round trip in microseconds"), (long long) value);
          return FALSE;
        }
      *rtt_us = value;
    }
  return TRUE;
}

/**
 * dpx_log_entry_new_from_json:
 *
 * Parses one line written by dpx_log_entry_to_json(). The text is checked as
 * strict JSON of limited depth before json-glib (which recurses without a
 * limit) sees it, and each entry must be written the way the export writes
 * it: a binary payload in “base64”, any other payload in “text” unless it
 * holds a NUL byte or is not UTF-8, and “size”, when given, a whole number
 * equal to the payload's.
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with @error set
 */
DpxLogEntry *
dpx_log_entry_new_from_json (const char  *json,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *size_node;
  const char *time_str, *connection, *direction_str, *kind_str;
  DpxDirection direction;
  DpxEntryKind kind;
  gint64 time_us;
  gint64 rtt_us = -1;
  gsize length;
  gboolean has_text, has_base64;
  gboolean keepalive = FALSE;

  g_return_val_if_fail (json != NULL, NULL);

  length = strlen (json);
  if (!dpx_json_check (json, length, &local_error))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE, local_error->message);
      return NULL;
    }
  if (has_nul_escape (json, length))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("a string holds U+0000, which would cut it short; "
                             "a payload with NUL bytes belongs in “base64”"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, length, error))
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

  if (!parse_time_utc (time_str, &time_us))
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (time_str, NULL);

      /* Other ISO 8601 spellings (an offset, no fraction) within years 1 to
       * 9999, as a person might write them by hand. */
      if (dt == NULL)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("“%s” is not an ISO 8601 time"), time_str);
          return NULL;
        }
      time_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
    }

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

  has_text = json_object_has_member (object, "text");
  has_base64 = json_object_has_member (object, "base64");
  if (has_text && has_base64)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("the entry has both “text” and “base64”"));
      return NULL;
    }
  if (has_text && kind == DPX_ENTRY_KIND_BINARY)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("a binary entry keeps its payload in “base64”, not in “text”"));
      return NULL;
    }

  if (has_text)
    {
      const char *text = get_string_member (object, "text", error);

      if (text == NULL)
        return NULL;
      payload = g_bytes_new (text, strlen (text));
    }
  else if (has_base64)
    {
      const char *b64 = get_string_member (object, "base64", error);

      if (b64 == NULL || !(payload = decode_base64 (b64, error)))
        return NULL;
      if (kind != DPX_ENTRY_KIND_BINARY && payload_fits_json_string (payload))
        {
          g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                               _("a text entry keeps its payload in “text”; “base64” is only "
                                 "for text with NUL bytes or that is not UTF-8"));
          return NULL;
        }
    }
  else
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("the entry has neither “text” nor “base64”"));
      return NULL;
    }

  size_node = json_object_get_member (object, "size");
  if (size_node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (size_node) ||
          json_node_get_value_type (size_node) != G_TYPE_INT64)
        {
          g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                               _("“size” is not a whole number"));
          return NULL;
        }
      if (json_node_get_int (size_node) != (gint64) g_bytes_get_size (payload))
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("“size” says %lld bytes but the payload has %zu"),
                       (long long) json_node_get_int (size_node), g_bytes_get_size (payload));
          return NULL;
        }
    }

  if (kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG)
    {
      if (direction == DPX_DIRECTION_EVENT)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("a %s is sent or received, not an event"), kind_str);
          return NULL;
        }
      /* RFC 6455, 5.5: no peer can have sent a longer one. */
      if (g_bytes_get_size (payload) > 125)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("a %s carries at most 125 bytes, this one %zu"),
                       kind_str, g_bytes_get_size (payload));
          return NULL;
        }
    }

  if (!read_control_facts (object, direction, kind, &keepalive, &rtt_us, error))
    return NULL;
  if (kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG)
    return dpx_log_entry_new_control (time_us, connection, direction, kind, payload,
                                      keepalive, rtt_us);
  return dpx_log_entry_new (time_us, connection, direction, kind, payload);
}
