/* test-replay.c: recorded messages sent again, paused, looped and stopped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-recording.h"
#include "dpx-replay.h"
#include "dpx-test-support.h"

typedef struct {
  GPtrArray *sent;      /* payload texts */
  GArray    *times;     /* gint64, monotonic */
  gboolean   finished;
  char      *error;
  guint      fail_at;   /* 1-based; 0 never */
} Sink;

static gboolean
sink_send (DpxLogEntry  *entry,
           gpointer      user_data,
           GError      **error)
{
  Sink *sink = user_data;
  GBytes *payload = dpx_log_entry_get_payload (entry);
  gint64 now = g_get_monotonic_time ();

  if (sink->fail_at && sink->sent->len + 1 == sink->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the connection is closed");
      return FALSE;
    }
  g_ptr_array_add (sink->sent, g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload)));
  g_array_append_val (sink->times, now);
  return TRUE;
}

static void
on_finished (DpxReplay  *replay,
             const char *error_message,
             Sink       *sink)
{
  sink->finished = TRUE;
  sink->error = g_strdup (error_message);
}

static void
sink_clear (Sink *sink)
{
  g_ptr_array_unref (sink->sent);
  g_array_unref (sink->times);
  g_free (sink->error);
}

/* Messages at @offsets_ms from a recording that opened at 0. */
static GPtrArray *
messages_at (const int *offsets_ms,
             guint      n)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
  const gint64 base = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%u", i);
      g_autoptr(GBytes) payload = g_bytes_new (text, strlen (text));

      g_ptr_array_add (messages, dpx_log_entry_new (base + offsets_ms[i] * 1000, "ws://x/",
                                                   DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, payload));
    }
  return messages;
}

static DpxReplay *
new_replay (GPtrArray *messages,
            Sink      *sink)
{
  DpxReplay *replay = dpx_replay_new (messages, G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC, sink_send, sink);

  sink->sent = g_ptr_array_new_with_free_func (g_free);
  sink->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (replay, "finished", G_CALLBACK (on_finished), sink);
  return replay;
}

/* No message goes before its time; a pause does not count; the order is
 * the recording's. (Only lower bounds: a loaded machine may be late.) */
static void
test_timing_and_pause (void)
{
  const int offsets[] = { 30, 60, 90 };
  g_autoptr(GPtrArray) messages = messages_at (offsets, G_N_ELEMENTS (offsets));
  Sink sink = { 0 };
  g_autoptr(DpxReplay) replay = new_replay (messages, &sink);
  gint64 start, paused_for;

  start = g_get_monotonic_time ();
  dpx_replay_start (replay);
  g_assert_cmpint (dpx_replay_get_state (replay), ==, DPX_REPLAY_STATE_RUNNING);
  dpx_test_wait_until (sink.sent->len == 1, 5000);
  dpx_replay_pause (replay);
  g_assert_cmpint (dpx_replay_get_state (replay), ==, DPX_REPLAY_STATE_PAUSED);
  paused_for = g_get_monotonic_time ();
  {
    gint64 until = g_get_monotonic_time () + 150 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (sink.sent->len, ==, 1);
  dpx_replay_resume (replay);
  paused_for = g_get_monotonic_time () - paused_for;
  dpx_test_wait_until (sink.finished, 5000);

  g_assert_null (sink.error);
  g_assert_cmpuint (sink.sent->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *want = g_strdup_printf ("m%u", i);
      gint64 at = g_array_index (sink.times, gint64, i) - start;

      g_assert_cmpstr (sink.sent->pdata[i], ==, want);
      g_assert_cmpint (at, >=, offsets[i] * 1000 + (i > 0 ? paused_for : 0) - 1000);
    }
  g_assert_cmpint (dpx_replay_get_state (replay), ==, DPX_REPLAY_STATE_FINISHED);
  g_assert_cmpuint (dpx_replay_get_position (replay), ==, 3);
  sink_clear (&sink);
}

/* --speed 4: a recording of 400 ms plays in about 100. */
static void
test_speed (void)
{
  const int offsets[] = { 0, 400 };
  g_autoptr(GPtrArray) messages = messages_at (offsets, G_N_ELEMENTS (offsets));
  Sink sink = { 0 };
  g_autoptr(DpxReplay) replay = new_replay (messages, &sink);
  gint64 gap;

  dpx_replay_set_speed (replay, 4.0);
  dpx_replay_start (replay);
  dpx_test_wait_until (sink.finished, 5000);
  gap = g_array_index (sink.times, gint64, 1) - g_array_index (sink.times, gint64, 0);
  g_assert_cmpint (gap, >=, 99 * 1000);
  g_assert_cmpint (gap, <, 400 * 1000);
  sink_clear (&sink);
}

/* A loop plays the recording again until stopped; a stop sends nothing
 * more; a failed send stops with its reason. */
static void
test_loop_stop_and_failure (void)
{
  const int offsets[] = { 0, 5 };
  g_autoptr(GPtrArray) messages = messages_at (offsets, G_N_ELEMENTS (offsets));
  Sink sink = { 0 };
  g_autoptr(DpxReplay) replay = new_replay (messages, &sink);
  Sink failing = { 0 };
  g_autoptr(DpxReplay) broken = NULL;
  guint after_stop;

  dpx_replay_set_loop (replay, TRUE);
  dpx_replay_start (replay);
  dpx_test_wait_until (sink.sent->len >= 5, 5000);
  g_assert_false (sink.finished);
  g_assert_cmpstr (sink.sent->pdata[2], ==, "m0");
  g_assert_cmpstr (sink.sent->pdata[3], ==, "m1");
  dpx_replay_stop (replay);
  g_assert_true (sink.finished);
  g_assert_null (sink.error);
  after_stop = sink.sent->len;
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (sink.sent->len, ==, after_stop);

  failing.fail_at = 2;
  broken = new_replay (messages, &failing);
  dpx_replay_set_timing (broken, FALSE);
  dpx_replay_start (broken);
  dpx_test_wait_until (failing.finished, 5000);
  g_assert_cmpstr (failing.error, ==, "the connection is closed");
  g_assert_cmpuint (failing.sent->len, ==, 1);
  sink_clear (&sink);
  sink_clear (&failing);
}

/* A recording's start is its "open" event; its messages come by direction. */
static void
test_recording (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DpxRecording) recording = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GBytes) a = g_bytes_new_static ("a", 1);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  g_ptr_array_add (entries, dpx_log_entry_new (10, "c", DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, empty));
  g_ptr_array_add (entries, dpx_log_entry_new (20, "c", DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, empty));
  g_ptr_array_add (entries, dpx_log_entry_new (30, "c", DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, a));
  g_ptr_array_add (entries, dpx_log_entry_new (35, "c", DPX_DIRECTION_SENT, DPX_ENTRY_KIND_PING, a));
  g_ptr_array_add (entries, dpx_log_entry_new (40, "c", DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, a));
  recording = dpx_recording_new (entries);
  g_assert_cmpint (dpx_recording_get_start (recording), ==, 20);
  sent = dpx_recording_dup_messages (recording, DPX_DIRECTION_SENT);
  received = dpx_recording_dup_messages (recording, DPX_DIRECTION_RECEIVED);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_cmpint (dpx_log_entry_get_kind (received->pdata[0]), ==, DPX_ENTRY_KIND_BINARY);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/replay/timing-and-pause", test_timing_and_pause);
  g_test_add_func ("/replay/speed", test_speed);
  g_test_add_func ("/replay/loop-stop-and-failure", test_loop_stop_and_failure);
  g_test_add_func ("/replay/recording", test_recording);

  return g_test_run ();
}
