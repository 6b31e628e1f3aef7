/* test-session.c: the window's connection without the window: what it logs,
 * its state, and its reconnect backoff, against a relay on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-enums.h"
#include "dpx-format.h"
#include "dpx-hostile-server.h"
#include "dpx-session.h"
#include "dpx-test-support.h"

typedef struct {
  GSettings  *settings;
  DpxConnectionOptions *options;
  DpxLog     *log;
  DpxSession *session;
  DpxRelay   *relay;
  char       *url;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->settings = g_settings_new (APP_ID);
  fixture->log = dpx_log_new ();
  fixture->options = dpx_connection_options_new_from_settings (fixture->settings);
  fixture->session = dpx_session_new (fixture->log, fixture->options);
  fixture->relay = dpx_test_relay_new ();
  fixture->url = dpx_relay_dup_url (fixture->relay);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  DpxConnectionState state = dpx_session_get_state (fixture->session);

  if (state == DPX_CONNECTION_STATE_OPEN || state == DPX_CONNECTION_STATE_CONNECTING)
    {
      dpx_session_disconnect (fixture->session, 1000, NULL, NULL);
      dpx_test_wait_until (dpx_session_get_state (fixture->session) == DPX_CONNECTION_STATE_CLOSED,
                           5000);
    }
  dpx_relay_stop (fixture->relay);
  dpx_test_wait_until (dpx_relay_get_n_peers (fixture->relay) == 0, 5000);

  g_assert_finalize_object (g_steal_pointer (&fixture->session));
  g_assert_finalize_object (g_steal_pointer (&fixture->log));
  g_assert_finalize_object (g_steal_pointer (&fixture->options));
  g_assert_finalize_object (g_steal_pointer (&fixture->relay));
  g_clear_object (&fixture->settings);
  g_free (fixture->url);
}

/* The index of the newest entry of @direction and @kind whose payload holds
 * @needle, or -1. */
static int
find_entry (DpxLog       *log,
            DpxDirection  direction,
            DpxEntryKind  kind,
            const char   *needle)
{
  dpx_log_flush (log);
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (log)); i > 0; i--)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i - 1);
      GBytes *payload = dpx_log_entry_get_payload (entry);
      g_autofree char *text = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));

      if (dpx_log_entry_get_direction (entry) == direction &&
          dpx_log_entry_get_kind (entry) == kind &&
          strstr (text, needle) != NULL)
        return i - 1;
    }
  return -1;
}

static void
connect_session (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dpx_session_connect (fixture->session, fixture->url, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (dpx_session_get_state (fixture->session) == DPX_CONNECTION_STATE_OPEN, 10000);
}

/* Sent and received messages land in the log, with the counts; the relay
 * echoes to its sender, so each message comes back once. */
static void
test_logs_both_directions (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x00\x01\xfe", 3);

  connect_session (fixture);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, ""), >=, 0);

  g_assert_true (dpx_session_send_text (fixture->session, "hello session", &error));
  g_assert_true (dpx_session_send_binary (fixture->session, binary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dpx_session_get_messages_out (fixture->session), ==, 2);

  dpx_test_wait_until (dpx_session_get_messages_in (fixture->session) == 2, 5000);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT,
                               "hello session"), >=, 0);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                               "hello session"), >=, 0);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY,
                               ""), >=, 0);
}

/* A bad URL or a second connect fails at once and leaves the log alone. */
static void
test_refuses_without_logging (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint before;

  g_assert_false (dpx_session_connect (fixture->session, "http://example.com/", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_UNSUPPORTED_SCHEME);
  g_clear_error (&error);
  g_assert_false (dpx_session_send_text (fixture->session, "nobody", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_NOT_OPEN);
  g_clear_error (&error);

  connect_session (fixture);
  dpx_log_flush (fixture->log);
  before = g_list_model_get_n_items (G_LIST_MODEL (fixture->log));
  g_assert_false (dpx_session_connect (fixture->session, fixture->url, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_FAILED);
  dpx_log_flush (fixture->log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->log)), ==, before);
}

/* "state" notifies once per change: connecting, open, closing, closed. */
static void
test_state_notifies_once_per_change (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(DpxNotifyCounter) counter = dpx_test_count_notify (fixture->session, "state");
  g_autoptr(GError) error = NULL;
  guint notified;

  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (fixture->session), "state");
  GEnumClass *states = g_type_class_ref (DPX_TYPE_CONNECTION_STATE);
  DpxConnectionState state;

  /* An enum property, whose values have names. */
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_cmpstr (g_enum_get_value (states, DPX_CONNECTION_STATE_OPEN)->value_nick, ==, "open");
  g_type_class_unref (states);

  connect_session (fixture);
  notified = dpx_notify_counter_take (counter);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (fixture->session, "state", &state, NULL);
  g_assert_cmpint (state, ==, DPX_CONNECTION_STATE_OPEN);

  g_assert_true (dpx_session_disconnect (fixture->session, 1000, "bye", &error));
  g_assert_no_error (error);
  dpx_test_wait_until (dpx_session_get_state (fixture->session) == DPX_CONNECTION_STATE_CLOSED, 5000);
  notified = dpx_notify_counter_take (counter);
  g_assert_cmpuint (notified, >=, 1);
  g_assert_cmpuint (notified, <=, 2);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "1000"), >=, 0);
}

static void
test_reconnect_backoff (Fixture       *fixture,
                        gconstpointer  data)
{
  DpxSession *session = fixture->session;
  g_autoptr(GError) error = NULL;
  guint port = dpx_relay_get_port (fixture->relay);
  gint64 lost;

  g_autoptr(DpxNotifyCounter) attempt_notes = dpx_test_count_notify (session, "reconnect-attempt");

  dpx_connection_options_set_auto_reconnect (fixture->options, TRUE);
  connect_session (fixture);
  g_assert_cmpuint (dpx_notify_counter_take (attempt_notes), ==, 0);

  /* The server goes away: the session tries again after 1 s, then 2 s. */
  dpx_relay_stop (fixture->relay);
  lost = g_get_monotonic_time ();
  dpx_test_wait_until (dpx_session_get_reconnect_pending (session), 5000);
  g_assert_cmpuint (dpx_session_get_reconnect_attempt (session), ==, 1);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 2000);
  dpx_test_wait_until (dpx_session_get_reconnect_attempt (session) == 2, 5000);
  g_assert_cmpint (g_get_monotonic_time () - lost, >=, 900 * 1000);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 4000);
  g_assert_cmpuint (dpx_notify_counter_take (attempt_notes), ==, 2);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                               "Reconnecting in 1 second (attempt 1)"), >=, 0);
  /* Each failed attempt is logged before the reconnect it causes. */
  dpx_test_wait_until (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                   "Reconnecting in 2 seconds (attempt 2)") >= 0, 5000);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_ERROR, "refused"),
                   >=, 0);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_ERROR, "refused"),
                   <, find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                  "Reconnecting in 2 seconds (attempt 2)"));

  /* Back again: the next attempt succeeds and the backoff starts over. */
  dpx_relay_set_port (fixture->relay, port);
  g_assert_true (dpx_relay_start (fixture->relay, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN, 10000);
  g_assert_cmpuint (dpx_session_get_reconnect_attempt (session), ==, 0);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 1000);
  g_assert_cmpuint (dpx_notify_counter_take (attempt_notes), ==, 1);

  /* A manual disconnect never reconnects. */
  g_assert_true (dpx_session_disconnect (session, 1000, NULL, &error));
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 5000);
  g_assert_false (dpx_session_get_reconnect_pending (session));

  /* Cancelling a pending reconnect stops it, and says so. */
  connect_session (fixture);
  dpx_relay_stop (fixture->relay);
  dpx_test_wait_until (dpx_session_get_reconnect_pending (session), 5000);
  g_assert_true (dpx_session_disconnect (session, 1000, NULL, &error));
  g_assert_false (dpx_session_get_reconnect_pending (session));
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                               "cancelled"), >=, 0);
}

/* The log from its first sent or received ping, pong or message on, one
 * "direction kind preview" line each. */
static char *
describe_conversation (DpxLog *log)
{
  g_autoptr(GString) out = g_string_new (NULL);

  dpx_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);
      g_autofree char *preview = NULL;

      if (dpx_log_entry_get_direction (entry) == DPX_DIRECTION_EVENT)
        continue;
      preview = dpx_format_entry_preview (entry, 40);
      g_string_append_printf (out, "%s %s %s\n",
                              dpx_log_entry_get_direction (entry) == DPX_DIRECTION_SENT ? "sent" : "received",
                              dpx_entry_kind_to_string (dpx_log_entry_get_kind (entry)), preview);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
log_has_lines (DpxLog *log,
               guint   lines)
{
  g_autofree char *text = describe_conversation (log);
  guint n = 0;

  for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n >= lines;
}

/* A server's pings and pongs, and the pongs that answer its pings, show in
 * the log in their place among the messages, with their payloads; a
 * payload that is not text shows as bytes. All of it arrives in one write,
 * as a busy server's would. */
static void
test_logs_control_frames_in_order (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(DpxHostileServer) server = dpx_hostile_server_new (NULL);
  g_autoptr(GByteArray) burst = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation = NULL;
  const struct { guint8 first; const char *payload; gsize length; } frames[] = {
    { 0x81, "one", 3 },
    { 0x89, "are you there?", 14 },
    { 0x81, "two", 3 },
    { 0x8a, "unasked", 7 },
    { 0x89, "\x00\xff", 2 },
    { 0x89, "", 0 },
    { 0x81, "three", 5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autoptr(GBytes) frame = dpx_hostile_frame (frames[i].first, frames[i].payload, frames[i].length);

      g_byte_array_append (burst, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
    }
  bytes = g_bytes_new (burst->data, burst->len);
  dpx_hostile_server_write (server, bytes);

  g_assert_true (dpx_session_connect (fixture->session, server->url, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (log_has_lines (fixture->log, 10), 10000);

  conversation = describe_conversation (fixture->log);
  g_assert_cmpstr (conversation, ==,
                   "received text one\n"
                   "received ping are you there?\n"
                   "sent pong are you there?\n"
                   "received text two\n"
                   "received pong unasked\n"
                   "received ping 00 ff\n"
                   "sent pong 00 ff\n"
                   "received ping \n"
                   "sent pong \n"
                   "received text three\n");
  /* Control frames are not messages. */
  g_assert_cmpuint (dpx_session_get_messages_in (fixture->session), ==, 3);
}

/* The keep-alive's pings show as sent, and the server's answers as
 * received pongs. */
static void
test_logs_keepalive (Fixture       *fixture,
                     gconstpointer  data)
{
  dpx_connection_options_set_keepalive_interval (fixture->options, 1);
  connect_session (fixture);
  dpx_test_wait_until (find_entry (fixture->log, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG, "") >= 0,
                       10000);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_PING, ""), >=, 0);
  g_assert_cmpint (find_entry (fixture->log, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_PING, ""), <,
                   find_entry (fixture->log, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG, ""));
}

static DpxLogEntry *
get_entry (DpxLog *log,
           int     position)
{
  g_assert_cmpint (position, >=, 0);
  return g_list_model_get_item (G_LIST_MODEL (log), position);
}

/* A ping of ours goes out with its payload, the relay's pong comes back
 * with it, and the pong's entry has the round trip, measured from the
 * ping's writing; the export has it too. With permessage-deflate on, the
 * ping is not compressed (the relay would answer something else). A ping
 * over 125 bytes is refused in words, and nothing is sent. */
static void
test_ping_round_trip (Fixture       *fixture,
                      gconstpointer  data)
{
  gboolean deflate = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) abc = g_bytes_new_static ("abc", 3);
  g_autoptr(GBytes) too_long = g_bytes_new_take (g_malloc0 (126), 126);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxLogEntry) ping = NULL;
  g_autoptr(DpxLogEntry) pong = NULL;
  g_autoptr(DpxLogEntry) imported = NULL;
  g_autofree char *json = NULL;

  dpx_connection_options_set_permessage_deflate (fixture->options, deflate);
  dpx_relay_set_deflate (fixture->relay, deflate);
  g_assert_false (dpx_session_send_ping (fixture->session, abc, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_NOT_OPEN);
  g_clear_error (&error);
  connect_session (fixture);
  g_assert_true (deflate == (dpx_client_get_extensions (dpx_session_get_client (fixture->session)) &&
                             strstr (dpx_client_get_extensions (dpx_session_get_client (fixture->session)),
                                     "permessage-deflate")));

  g_assert_false (dpx_session_send_ping (fixture->session, too_long, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "125"));
  g_clear_error (&error);

  g_assert_true (dpx_session_send_ping (fixture->session, abc, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (find_entry (fixture->log, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG,
                                   "abc") >= 0, 5000);
  ping = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_SENT,
                                              DPX_ENTRY_KIND_PING, "abc"));
  pong = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_RECEIVED,
                                              DPX_ENTRY_KIND_PONG, "abc"));
  g_assert_true (g_bytes_equal (dpx_log_entry_get_payload (pong), abc));
  g_assert_false (dpx_log_entry_get_keepalive (ping));
  g_assert_false (dpx_log_entry_get_keepalive (pong));
  g_assert_cmpint (dpx_log_entry_get_rtt (ping), ==, -1);
  g_assert_cmpint (dpx_log_entry_get_rtt (pong), >=, 0);
  /* Loopback: far below a second. */
  g_assert_cmpint (dpx_log_entry_get_rtt (pong), <, G_USEC_PER_SEC);
  g_assert_cmpint (dpx_log_entry_get_time (ping), <=, dpx_log_entry_get_time (pong));
  /* Not a message. */
  g_assert_cmpuint (dpx_session_get_messages_out (fixture->session), ==, 0);

  json = dpx_log_entry_to_json (pong);
  g_assert_nonnull (strstr (json, "\"rtt_us\":"));
  imported = dpx_log_entry_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dpx_log_entry_get_rtt (imported), ==, dpx_log_entry_get_rtt (pong));
}

/* A message from the log goes out again in its kind, byte for byte, and is
 * logged and counted as sent; the relay echoes it. An event, a ping or a
 * pong is not sent again. */
static void
test_send_again (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x00\xff\x10", 3);
  g_autoptr(DpxLogEntry) received = NULL;
  g_autoptr(DpxLogEntry) again = NULL;
  g_autoptr(DpxLogEntry) event = NULL;
  g_autoptr(GError) error = NULL;

  connect_session (fixture);
  event = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_EVENT,
                                               DPX_ENTRY_KIND_OPEN, ""));
  g_assert_false (dpx_session_can_send_again (event));
  g_assert_false (dpx_session_send_again (fixture->session, event, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (dpx_session_send_binary (fixture->session, binary, &error));
  dpx_test_wait_until (dpx_session_get_messages_in (fixture->session) == 1, 5000);
  received = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_RECEIVED,
                                                  DPX_ENTRY_KIND_BINARY, ""));
  g_assert_true (dpx_session_can_send_again (received));
  g_assert_true (dpx_session_send_again (fixture->session, received, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dpx_session_get_messages_out (fixture->session), ==, 2);
  dpx_test_wait_until (dpx_session_get_messages_in (fixture->session) == 2, 5000);
  again = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_RECEIVED,
                                               DPX_ENTRY_KIND_BINARY, ""));
  g_assert_true (again != received);
  g_assert_true (g_bytes_equal (dpx_log_entry_get_payload (again), binary));

  g_assert_true (dpx_session_send_text (fixture->session, "once more", &error));
  dpx_test_wait_until (dpx_session_get_messages_in (fixture->session) == 3, 5000);
  g_clear_object (&received);
  received = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_RECEIVED,
                                                  DPX_ENTRY_KIND_TEXT, "once more"));
  g_assert_true (dpx_session_send_again (fixture->session, received, &error));
  dpx_test_wait_until (dpx_session_get_messages_in (fixture->session) == 4, 5000);
  /* Sent: the binary message, it again, the text, it again. */
  g_assert_cmpuint (dpx_session_get_messages_out (fixture->session), ==, 4);
}

/* The keep-alive's pings and their pongs are marked as such, and the pong
 * has its round trip. */
static void
test_keepalive_marked (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(DpxLogEntry) ping = NULL;
  g_autoptr(DpxLogEntry) pong = NULL;
  g_autofree char *json = NULL;

  dpx_connection_options_set_keepalive_interval (fixture->options, 1);
  connect_session (fixture);
  dpx_test_wait_until (find_entry (fixture->log, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG, "") >= 0,
                       10000);
  ping = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_SENT,
                                              DPX_ENTRY_KIND_PING, ""));
  pong = get_entry (fixture->log, find_entry (fixture->log, DPX_DIRECTION_RECEIVED,
                                              DPX_ENTRY_KIND_PONG, ""));
  g_assert_true (dpx_log_entry_get_keepalive (ping));
  g_assert_true (dpx_log_entry_get_keepalive (pong));
  g_assert_cmpint (dpx_log_entry_get_rtt (pong), >=, 0);
  json = dpx_log_entry_to_json (pong);
  g_assert_nonnull (strstr (json, "\"keepalive\":true"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/session/logs-both-directions", test_logs_both_directions);
  g_test_add ("/session/ping-round-trip", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_ping_round_trip, fixture_teardown);
  g_test_add ("/session/ping-round-trip-deflate", Fixture, GINT_TO_POINTER (TRUE), fixture_setup,
              test_ping_round_trip, fixture_teardown);
  ADD ("/session/keepalive-marked", test_keepalive_marked);
  ADD ("/session/send-again", test_send_again);
  ADD ("/session/refuses-without-logging", test_refuses_without_logging);
  ADD ("/session/state-notifies-once-per-change", test_state_notifies_once_per_change);
  ADD ("/session/reconnect-backoff", test_reconnect_backoff);
  ADD ("/session/logs-control-frames-in-order", test_logs_control_frames_in_order);
  ADD ("/session/logs-keepalive", test_logs_keepalive);
#undef ADD

  return g_test_run ();
}
