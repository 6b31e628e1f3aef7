/* test-compose.c: the compose box: modes, checks, files, history, repeat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-compose.h"
#include "dpx-gui-test.h"

static DpxCompose *
new_compose (void)
{
  return g_object_ref_sink (g_object_new (DPX_TYPE_COMPOSE, NULL));
}

static char *
dup_message (DpxCompose *compose)
{
  return dpx_gui_test_dup_string (compose, "message");
}

static gboolean
message_is_error (DpxCompose *compose)
{
  return dpx_gui_test_get_boolean (compose, "message-is-error");
}

static GtkWidget *
text_view (DpxCompose *compose)
{
  GtkWidget *view = dpx_gui_test_find (GTK_WIDGET (compose), GTK_TYPE_TEXT_VIEW, NULL);

  g_assert_nonnull (view);
  return view;
}

static DpxBinaryEncoding
get_encoding (DpxCompose *compose)
{
  DpxBinaryEncoding encoding;

  g_object_get (compose, "encoding", &encoding, NULL);
  return encoding;
}

static void
assert_text (DpxCompose *compose,
             const char *expected)
{
  g_autofree char *text = dpx_compose_dup_text (compose);

  g_assert_cmpstr (text, ==, expected);
}

/* Standalone -------------------------------------------------------------- */

/* Only strict JSON passes the JSON mode; a chosen file locks the text only
 * in binary mode; a lone base64 character is not a byte. */
static void
test_validation (void)
{
  DpxCompose *compose = new_compose ();
  static const char *lenient[] = { "var a = {\"x\": 1}", "{\"a\": 1} /* c */", "{'a': 1}",
                                   "{\"a\":1}{\"b\":2}" };
  g_autoptr(GBytes) file = g_bytes_new_static ("\x01\x02", 2);

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  for (guint i = 0; i < G_N_ELEMENTS (lenient); i++)
    {
      g_autofree char *message = NULL;

      dpx_compose_set_text (compose, lenient[i]);
      message = dup_message (compose);
      g_assert_true (message_is_error (compose));
      g_assert_true (g_str_has_prefix (message, "Invalid JSON"));
    }
  dpx_compose_set_text (compose, "{\"a\": [1, 2]}");
  g_assert_false (message_is_error (compose));

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  dpx_compose_set_text (compose, "");
  dpx_compose_set_encoding (compose, DPX_BINARY_ENCODING_BASE64);
  dpx_compose_set_text (compose, "A");
  g_assert_true (message_is_error (compose));

  dpx_compose_set_file_bytes (compose, "two.bin", file);
  g_assert_false (gtk_widget_get_sensitive (text_view (compose)));
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  g_assert_true (gtk_widget_get_sensitive (text_view (compose)));
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  g_assert_false (gtk_widget_get_sensitive (text_view (compose)));

  /* Without a session, sending says so in words. */
  dpx_compose_set_file_bytes (compose, NULL, NULL);
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "anyone?");
  g_assert_false (dpx_compose_send (compose));
  {
    g_autofree char *message = dup_message (compose);

    g_assert_cmpstr (message, ==, "Not connected");
  }

  g_assert_finalize_object (compose);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found)
        return found;
    }
  return NULL;
}

/* Format with 60 000 nested arrays: the text stays as it is and the
 * message says why, no crash. */
static void
test_format_deep (void)
{
  const gsize depth = 60000;
  DpxCompose *compose = new_compose ();
  g_autofree char *deep = g_malloc (2 * depth + 1);
  g_autofree char *message = NULL;
  g_autofree char *after = NULL;
  GtkWidget *format;

  memset (deep, '[', depth);
  memset (deep + depth, ']', depth);
  deep[2 * depth] = '\0';
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (compose, deep);
  format = find_button (GTK_WIDGET (compose), "_Format");
  g_assert_nonnull (format);
  g_assert_true (gtk_widget_get_visible (format));
  g_signal_emit_by_name (format, "clicked");

  after = dpx_compose_dup_text (compose);
  g_assert_cmpstr (after, ==, deep);
  message = dup_message (compose);
  g_assert_true (message_is_error (compose));
  g_assert_nonnull (strstr (message, "nested too deeply"));

  /* Still formats what it can. */
  dpx_compose_set_text (compose, "[[1]]");
  g_signal_emit_by_name (format, "clicked");
  g_clear_pointer (&after, g_free);
  after = dpx_compose_dup_text (compose);
  g_assert_cmpstr (after, ==, "[\n  [\n    1\n  ]\n]");

  g_assert_finalize_object (compose);
}

/* Mode and encoding notify once per change; the mode toggles are the
 * compose.mode property action and follow the property. */
static void
test_properties (void)
{
  DpxCompose *compose = new_compose ();
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (compose));
  g_auto(GValue) text = G_VALUE_INIT;
  g_auto(GValue) binary = G_VALUE_INIT;
  g_auto(GValue) hex = G_VALUE_INIT;
  g_auto(GValue) base64 = G_VALUE_INIT;
  GtkWidget *json_toggle;

  g_value_init (&text, DPX_TYPE_COMPOSE_MODE);
  g_value_init (&binary, DPX_TYPE_COMPOSE_MODE);
  g_value_set_enum (&binary, DPX_COMPOSE_MODE_BINARY);
  dpx_test_assert_property_notify (compose, "mode", &text, &binary);

  g_value_init (&hex, DPX_TYPE_BINARY_ENCODING);
  g_value_init (&base64, DPX_TYPE_BINARY_ENCODING);
  g_value_set_enum (&base64, DPX_BINARY_ENCODING_BASE64);
  dpx_test_assert_property_notify (compose, "encoding", &hex, &base64);

  /* The action sets the property, and the toggles show it. */
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.mode", "s", "json");
  g_assert_cmpint (dpx_compose_get_mode (compose), ==, DPX_COMPOSE_MODE_JSON);
  dpx_gui_test_wait_frames (toplevel, 1);
  json_toggle = dpx_gui_test_find_actionable (GTK_WIDGET (compose), "compose.mode");
  while (json_toggle && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (json_toggle)), "JSON") != 0)
    json_toggle = gtk_widget_get_next_sibling (json_toggle);
  g_assert_nonnull (json_toggle);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (json_toggle)));
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (json_toggle)));

  /* The line under the text notifies when it changes, not when it stays. */
  {
    g_autoptr(DpxNotifyCounter) message = dpx_test_count_notify (compose, "message");
    g_autoptr(DpxNotifyCounter) is_error = dpx_test_count_notify (compose, "message-is-error");

    dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
    dpx_compose_set_text (compose, "{");
    g_assert_cmpuint (dpx_notify_counter_take (message), ==, 1);
    g_assert_cmpuint (dpx_notify_counter_take (is_error), ==, 1);
    dpx_compose_set_text (compose, "{");
    g_assert_cmpuint (dpx_notify_counter_take (message), ==, 0);
    g_assert_cmpuint (dpx_notify_counter_take (is_error), ==, 0);
    dpx_compose_set_text (compose, "{}");
    g_assert_cmpuint (dpx_notify_counter_take (message), ==, 1);
    g_assert_cmpuint (dpx_notify_counter_take (is_error), ==, 1);
  }

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (compose);
}

/* Switching the encoding rewrites the bytes written in the other one (hex
 * is often valid base64 of other bytes); text that is not valid in its own
 * encoding keeps it, and the line under the text says why. */
static void
test_encoding_converts (void)
{
  DpxCompose *compose = new_compose ();
  GtkDropDown *dropdown = GTK_DROP_DOWN (dpx_gui_test_find (GTK_WIDGET (compose),
                                                            GTK_TYPE_DROP_DOWN, NULL));
  g_autofree char *message = NULL;

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  dpx_compose_set_text (compose, "48 65 6c 6c 6f 21 0a");
  /* As the drop-down does it. */
  gtk_drop_down_set_selected (dropdown, DPX_BINARY_ENCODING_BASE64);
  g_assert_cmpint (get_encoding (compose), ==, DPX_BINARY_ENCODING_BASE64);
  assert_text (compose, "SGVsbG8hCg==");
  message = dup_message (compose);
  g_assert_cmpstr (message, ==, "7 bytes to send");
  g_assert_false (message_is_error (compose));

  dpx_compose_set_encoding (compose, DPX_BINARY_ENCODING_HEX);
  assert_text (compose, "48 65 6c 6c 6f 21 0a");
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, DPX_BINARY_ENCODING_HEX);

  /* Not hex: not converted, and the encoding stays. */
  dpx_compose_set_text (compose, "48 65 6");
  gtk_drop_down_set_selected (dropdown, DPX_BINARY_ENCODING_BASE64);
  g_assert_cmpint (get_encoding (compose), ==, DPX_BINARY_ENCODING_HEX);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, DPX_BINARY_ENCODING_HEX);
  assert_text (compose, "48 65 6");
  g_clear_pointer (&message, g_free);
  message = dup_message (compose);
  g_assert_true (message_is_error (compose));
  g_assert_true (g_str_has_prefix (message, "The text stays hex: it cannot be converted to base64"));

  /* Nothing written: nothing to convert. */
  dpx_compose_set_text (compose, "");
  dpx_compose_set_encoding (compose, DPX_BINARY_ENCODING_BASE64);
  g_assert_cmpint (get_encoding (compose), ==, DPX_BINARY_ENCODING_BASE64);

  g_assert_finalize_object (compose);
}

/* Letters in "Repeat every" are refused in words, and the interval stays
 * what it was instead of falling to the minimum. */
static void
test_repeat_interval_checked (void)
{
  DpxCompose *compose = new_compose ();
  GtkSpinButton *spin = GTK_SPIN_BUTTON (dpx_gui_test_find (GTK_WIDGET (compose),
                                                            GTK_TYPE_SPIN_BUTTON, NULL));
  static const char *refused[] = { "abc", "", "5", "1e3", "12 ms", "-100" };

  dpx_compose_set_repeat (compose, TRUE, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *message = NULL;

      gtk_editable_set_text (GTK_EDITABLE (spin), refused[i]);
      gtk_spin_button_update (spin);
      g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 1000);
      message = dup_message (compose);
      g_test_message ("%s: %s", refused[i], message);
      g_assert_true (message_is_error (compose));
      g_assert_true (g_str_has_prefix (message, "Repeat every:"));
      g_assert_nonnull (strstr (message, "the interval stays 1000 ms"));
    }

  /* Sending checks what is written first, and sends nothing. */
  gtk_editable_set_text (GTK_EDITABLE (spin), "soon");
  dpx_compose_set_text (compose, "beat");
  g_assert_false (dpx_compose_send (compose));
  {
    g_autofree char *message = dup_message (compose);

    g_assert_true (g_str_has_prefix (message, "Repeat every:"));
  }

  gtk_editable_set_text (GTK_EDITABLE (spin), " 250 ");
  gtk_spin_button_update (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 250);
  g_assert_false (message_is_error (compose));

  g_assert_finalize_object (compose);
}

/* In a window ------------------------------------------------------------- */

/* Ctrl+Enter in an empty box sends nothing at first: the line under the
 * text says so, and a second Send sends the empty message. */
static void
test_send_empty_asks (DpxWindowFixture *fixture,
                      gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  DpxSession *session = dpx_window_get_session (window);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *message = NULL;
  int row;

  dpx_gui_test_connect (window, fixture->url);
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "");
  dpx_gui_test_press (text_view (compose), "<Control>Return");
  g_assert_cmpuint (dpx_session_get_messages_out (session), ==, 0);
  message = dup_message (compose);
  g_assert_cmpstr (message, ==, "The message is empty. Send again to send an empty message.");

  /* Writing something and taking it back asks again. */
  dpx_compose_set_text (compose, "x");
  dpx_compose_set_text (compose, "");
  g_assert_false (dpx_compose_send (compose));
  g_assert_cmpuint (dpx_session_get_messages_out (session), ==, 0);

  g_assert_true (dpx_compose_send (compose));
  g_assert_cmpuint (dpx_session_get_messages_out (session), ==, 1);
  row = dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, NULL);
  entry = g_list_model_get_item (dpx_gui_test_rows (window), row);
  g_assert_cmpuint (dpx_log_entry_get_size (entry), ==, 0);

  /* The same in binary mode. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  g_assert_false (dpx_compose_send (compose));
  g_assert_cmpuint (dpx_session_get_messages_out (session), ==, 1);
}

static void
test_send_json (DpxWindowFixture *fixture,
                gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  g_autofree char *detail = NULL;
  g_autofree char *message = NULL;
  int row;

  dpx_gui_test_connect (window, fixture->url);

  /* Invalid JSON is flagged as it is typed and refused on send. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (compose, "{\"a\": 1,");
  g_assert_true (message_is_error (compose));
  message = dup_message (compose);
  g_assert_nonnull (strstr (message, "Invalid JSON"));
  g_assert_false (dpx_compose_send (compose));
  g_assert_cmpuint (dpx_session_get_messages_out (dpx_window_get_session (window)), ==, 0);

  dpx_compose_set_text (compose, "{\"a\": 1, \"list\": [true, null, \"x\"]}");
  g_assert_false (message_is_error (compose));
  g_assert_true (dpx_compose_send (compose));
  row = dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "\"list\"");

  /* The detail pane pretty-prints it. */
  dpx_log_view_select (dpx_gui_test_get (window, "log-view"), row);
  detail = dpx_gui_test_dup_detail_text (window);
  g_assert_nonnull (strstr (detail, "\n  \"a\" : 1,\n"));
  g_assert_nonnull (strstr (detail, "\n    true,\n"));
}

static void
test_send_binary (DpxWindowFixture *fixture,
                  gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GBytes) file = NULL;
  int row;

  dpx_gui_test_connect (window, fixture->url);

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  dpx_compose_set_text (compose, "de ad zz");
  g_assert_true (message_is_error (compose));
  g_assert_false (dpx_compose_send (compose));

  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "de ad be ef 00 41 42");
  row = dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL);
  entry = g_list_model_get_item (dpx_gui_test_rows (window), row);
  g_assert_cmpuint (dpx_log_entry_get_size (entry), ==, 7);

  dpx_log_view_select (dpx_gui_test_get (window, "log-view"), row);
  detail = dpx_gui_test_dup_detail_text (window);
  g_assert_nonnull (strstr (detail, "de ad be ef 00 41 42"));
  g_assert_nonnull (strstr (detail, "|.....AB|"));

  /* Base64, the URL-safe alphabet too. */
  dpx_compose_set_encoding (compose, DPX_BINARY_ENCODING_BASE64);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "3q2-7w");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED,
                                                DPX_ENTRY_KIND_BINARY,
                                               NULL) == 2, 5000);
  g_clear_object (&entry);
  entry = g_list_model_get_item (dpx_gui_test_rows (window),
                                 dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED,
                                                        DPX_ENTRY_KIND_BINARY, NULL));
  g_assert_cmpuint (dpx_log_entry_get_size (entry), ==, 4);
  g_assert_cmpint (memcmp (g_bytes_get_data (dpx_log_entry_get_payload (entry), NULL),
                           "\xde\xad\xbe\xef", 4), ==, 0);

  /* A file's bytes, as the file button loads them. */
  file = g_bytes_new_static ("\x01\x02\x03", 3);
  dpx_compose_set_file_bytes (compose, "three.bin", file);
  g_assert_true (dpx_compose_send (compose));
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED,
                                                DPX_ENTRY_KIND_BINARY,
                                               NULL) == 3, 5000);
}

static void
test_history_and_repeat (DpxWindowFixture *fixture,
                         gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "one");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_JSON, "[2]");
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "draft");

  /* Alt+Up and Alt+Down, bound on the text view, are the
   * compose.history-move action. */
  dpx_gui_test_press (text_view (compose), "<Alt>Up");
  assert_text (compose, "[2]");
  g_assert_cmpint (dpx_compose_get_mode (compose), ==, DPX_COMPOSE_MODE_JSON);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.history-move", "i", -1);
  assert_text (compose, "one");
  dpx_compose_history_move (compose, -1);
  assert_text (compose, "one");
  dpx_compose_history_move (compose, 1);
  dpx_gui_test_press (text_view (compose), "<Alt>Down");
  assert_text (compose, "draft");

  /* Ctrl+Enter in the text view sends, whichever Enter. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "by keyboard");
  dpx_gui_test_press (text_view (compose), "<Control>Return");
  dpx_compose_set_text (compose, "by keypad");
  dpx_gui_test_press (text_view (compose), "<Control>KP_Enter");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "by keyboard");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "by keypad");

  /* Heartbeats: sent again and again until stopped. */
  {
    g_autoptr(DpxNotifyCounter) repeating = dpx_test_count_notify (compose, "repeating");

    dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
    dpx_compose_set_text (compose, "beat");
    dpx_compose_set_repeat (compose, TRUE, 20);
    g_assert_true (dpx_compose_send (compose));
    g_assert_true (dpx_gui_test_get_boolean (compose, "repeating"));
    g_assert_cmpuint (dpx_notify_counter_take (repeating), ==, 1);
    dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, -1, "beat") >= 4,
                         5000);
    gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
    g_assert_false (dpx_gui_test_get_boolean (compose, "repeating"));
    g_assert_cmpuint (dpx_notify_counter_take (repeating), ==, 1);
    dpx_compose_set_repeat (compose, FALSE, 1000);
  }
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/compose/validation", test_validation);
  g_test_add_func ("/compose/properties", test_properties);
  g_test_add_func ("/compose/format-deep", test_format_deep);
  g_test_add_func ("/compose/encoding-converts", test_encoding_converts);
  g_test_add_func ("/compose/repeat-interval-checked", test_repeat_interval_checked);
  DPX_WINDOW_TEST_ADD ("/compose/send-empty-asks", test_send_empty_asks);
  DPX_WINDOW_TEST_ADD ("/compose/send-json", test_send_json);
  DPX_WINDOW_TEST_ADD ("/compose/send-binary", test_send_binary);
  DPX_WINDOW_TEST_ADD ("/compose/history-and-repeat", test_history_and_repeat);

  return g_test_run ();
}
