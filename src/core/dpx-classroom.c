/* dpx-classroom.c: the relay's class page, nicknames, class code and the
 * envelopes page clients opt into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A raw WebSocket client never sees any of this: it gets exactly the bytes
 * that were sent. Only a client that offers the DPX_CLASSROOM_PROTOCOL
 * subprotocol (the class page does) gets each message wrapped in a small
 * JSON envelope that names its sender. The protocol is in docs/CLASSROOM.md.
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-classroom.h"
#include "dpx-join-resources.h"

#define RESOURCE_PREFIX "/io/github/duplexws/Duplex/join/"

/* The page runs only its own script and style, talks only to this relay,
 * and cannot be framed, navigated elsewhere by a form, or rebased. */
#define CSP_FIXED "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
                  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; connect-src 'self'"

/**
 * dpx_classroom_clean_name:
 * @name: (nullable): a nickname as a client sent it
 *
 * Keeps a nickname fit to show anywhere: valid UTF-8, no control or
 * formatting characters (no bidirectional overrides), runs of spaces made
 * one, at most %DPX_CLASSROOM_MAX_NAME characters.
 *
 * Returns: (transfer full) (nullable): the nickname, or %NULL if nothing is left
 */
char *
dpx_classroom_clean_name (const char *name)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) clean = NULL;
  guint kept = 0;
  gboolean space = FALSE;

  if (name == NULL)
    return NULL;
  valid = g_utf8_make_valid (name, -1);
  clean = g_string_new (NULL);
  for (const char *p = valid; *p && kept < DPX_CLASSROOM_MAX_NAME; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (g_unichar_isspace (c))
        {
          space = clean->len > 0;
          continue;
        }
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_UNASSIGNED ||
          type == G_UNICODE_PRIVATE_USE || type == G_UNICODE_SURROGATE ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        continue;
      if (space)
        {
          g_string_append_c (clean, ' ');
          kept++;
          space = FALSE;
          if (kept == DPX_CLASSROOM_MAX_NAME)
            break;
        }
      g_string_append_unichar (clean, c);
      kept++;
    }
  if (clean->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&clean), FALSE);
}

/**
 * dpx_classroom_clean_code:
 * @code: (nullable): a class code as typed
 *
 * Returns: (transfer full) (nullable): the code without surrounding spaces,
 *   or %NULL when it is empty, not UTF-8, or longer than
 *   %DPX_CLASSROOM_MAX_CODE bytes
 */
char *
dpx_classroom_clean_code (const char *code)
{
  g_autofree char *copy = NULL;

  if (code == NULL || !g_utf8_validate (code, -1, NULL))
    return NULL;
  copy = g_strstrip (g_strdup (code));
  if (*copy == '\0' || strlen (copy) > DPX_CLASSROOM_MAX_CODE)
    return NULL;
  return g_steal_pointer (&copy);
}

/**
 * dpx_classroom_code_matches:
 * @wanted: (nullable): the class code, %NULL or empty when there is none
 * @given: (nullable): what the client presented
 *
 * Codes are compared without regard to case or surrounding spaces: a phone
 * keyboard that capitalises the first letter must not lock a student out.
 */
gboolean
dpx_classroom_code_matches (const char *wanted,
                            const char *given)
{
  g_autofree char *clean_wanted = dpx_classroom_clean_code (wanted);
  g_autofree char *clean_given = NULL;
  g_autofree char *fold_wanted = NULL;
  g_autofree char *fold_given = NULL;

  if (clean_wanted == NULL)
    return TRUE;
  clean_given = dpx_classroom_clean_code (given);
  if (clean_given == NULL)
    return FALSE;
  fold_wanted = g_utf8_casefold (clean_wanted, -1);
  fold_given = g_utf8_casefold (clean_given, -1);
  return g_str_equal (fold_wanted, fold_given);
}

/* A Host header fit to repeat in the policy: a name or address and a port. */
static gboolean
host_is_plain (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 255)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr (".-:[]", *p))
      return FALSE;
  return TRUE;
}

static void
set_page_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *host = soup_message_headers_get_one (request, "Host");
  g_autofree char *csp = NULL;

  /* 'self' covers ws: in current browsers; older ones need the address. */
  if (host_is_plain (host))
    csp = g_strdup_printf (CSP_FIXED " ws://%s wss://%s", host, host);
  else
    csp = g_strdup (CSP_FIXED);
  soup_message_headers_replace (headers, "Content-Security-Policy", csp);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
}

static gboolean
serve_resource (SoupServerMessage *msg,
                const char        *name,
                const char        *content_type)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, name, NULL);
  static gsize registered;
  g_autoptr(GBytes) data = NULL;
  gconstpointer bytes;
  gsize size;

  /* Registered on first use: a static library's constructors may be
   * left out at link time. */
  if (g_once_init_enter (&registered))
    {
      dpx_join_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  data = g_resource_lookup_data (dpx_join_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (data != NULL);
  bytes = g_bytes_get_data (data, &size);
  set_page_headers (msg);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, bytes, size);
  return TRUE;
}

/**
 * dpx_classroom_refuse_code:
 * @given: (nullable): the code the client presented
 *
 * Answers 403 with the reason in plain words, and ends the connection.
 */
void
dpx_classroom_refuse_code (SoupServerMessage *msg,
                           const char        *given)
{
  const char *body = given && *given
    ? "Wrong class code: ask the teacher for the code shown on their screen.\n"
    : "This class needs a class code: add ?code=CODE to the address, or type it on the class page.\n";

  set_page_headers (msg);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
}

/**
 * dpx_classroom_serve:
 * @path: the request's path
 * @query: (nullable): its query
 * @class_code: (nullable): the relay's class code
 *
 * Answers a plain GET that is for the class page: the page and its two
 * files, and /join/check, where the page asks whether a code is right
 * (204, or 403 with the reason).
 *
 * Returns: %TRUE if @msg was answered
 */
gboolean
dpx_classroom_serve (SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     const char        *class_code)
{
  if (g_str_equal (path, "/") || g_str_equal (path, "/index.html"))
    return serve_resource (msg, "index.html", "text/html; charset=utf-8");
  if (g_str_equal (path, "/join.js"))
    return serve_resource (msg, "join.js", "text/javascript; charset=utf-8");
  if (g_str_equal (path, "/join.css"))
    return serve_resource (msg, "join.css", "text/css; charset=utf-8");
  if (g_str_equal (path, "/join/check"))
    {
      const char *given = query ? g_hash_table_lookup (query, "code") : NULL;

      if (!dpx_classroom_code_matches (class_code, given))
        {
          dpx_classroom_refuse_code (msg, given);
          return TRUE;
        }
      set_page_headers (msg);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return TRUE;
    }
  return FALSE;
}

static GBytes *
builder_to_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

static JsonBuilder *
begin (const char *type)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  return builder;
}

static GBytes *
end (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  return builder_to_bytes (builder);
}

/**
 * dpx_classroom_message_envelope:
 * @id: the sender's client number
 * @from: (nullable): its nickname
 * @time_ms: when the relay received it, in milliseconds since 1970 (UTC)
 * @binary: whether @payload is a binary message (sent as base64)
 *
 * Returns: (transfer full): the JSON text of the envelope
 */
GBytes *
dpx_classroom_message_envelope (guint       id,
                                const char *from,
                                gint64      time_ms,
                                gboolean    binary,
                                GBytes     *payload)
{
  g_autoptr(JsonBuilder) builder = begin ("message");
  gsize size;
  const guchar *data = g_bytes_get_data (payload, &size);

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from ? from : "");
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, time_ms);
  if (binary)
    {
      g_autofree char *base64 = g_base64_encode (data, size);

      json_builder_set_member_name (builder, "binary");
      json_builder_add_string_value (builder, base64);
    }
  else
    {
      /* libsoup has checked a text message is UTF-8; it may hold NULs. */
      g_autofree char *text = g_strndup ((const char *) data, size);

      if (strlen (text) == size)
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, text);
        }
      else
        {
          g_autofree char *base64 = g_base64_encode (data, size);

          json_builder_set_member_name (builder, "binary");
          json_builder_add_string_value (builder, base64);
        }
    }
  return end (builder);
}

GBytes *
dpx_classroom_welcome_envelope (guint       id,
                                const char *name,
                                guint       clients,
                                gboolean    echo)
{
  g_autoptr(JsonBuilder) builder = begin ("welcome");

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name ? name : "");
  json_builder_set_member_name (builder, "clients");
  json_builder_add_int_value (builder, clients);
  json_builder_set_member_name (builder, "echo");
  json_builder_add_boolean_value (builder, echo);
  return end (builder);
}

GBytes *
dpx_classroom_clients_envelope (guint clients)
{
  g_autoptr(JsonBuilder) builder = begin ("clients");

  json_builder_set_member_name (builder, "clients");
  json_builder_add_int_value (builder, clients);
  return end (builder);
}

GBytes *
dpx_classroom_settings_envelope (gboolean echo)
{
  g_autoptr(JsonBuilder) builder = begin ("settings");

  json_builder_set_member_name (builder, "echo");
  json_builder_add_boolean_value (builder, echo);
  return end (builder);
}

GBytes *
dpx_classroom_muted_envelope (gboolean muted)
{
  g_autoptr(JsonBuilder) builder = begin ("muted");

  json_builder_set_member_name (builder, "muted");
  json_builder_add_boolean_value (builder, muted);
  return end (builder);
}

GBytes *
dpx_classroom_clear_envelope (void)
{
  g_autoptr(JsonBuilder) builder = begin ("clear");

  return end (builder);
}
