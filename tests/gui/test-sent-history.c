/* test-sent-history.c: the compose box's messages sent before
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-gui-test.h"
#include "dpx-sent-history.h"

static void
assert_move (DpxSentHistory *history,
             int             delta,
             const char     *current,
             gboolean        moved,
             DpxComposeMode  expected_mode,
             const char     *expected_text)
{
  DpxComposeMode mode = DPX_COMPOSE_MODE_TEXT;
  const char *text = NULL;

  g_assert_cmpint (dpx_sent_history_move (history, delta, current, &mode, &text), ==, moved);
  if (!moved)
    return;
  g_assert_cmpint (mode, ==, expected_mode);
  g_assert_cmpstr (text, ==, expected_text);
}

static void
test_browse (void)
{
  g_autoptr(DpxSentHistory) history = dpx_sent_history_new (3);

  assert_move (history, -1, "draft", FALSE, 0, NULL);
  dpx_sent_history_push (history, DPX_COMPOSE_MODE_TEXT, "one");
  dpx_sent_history_push (history, DPX_COMPOSE_MODE_JSON, "[2]");
  /* The same message twice in a row is kept once. */
  dpx_sent_history_push (history, DPX_COMPOSE_MODE_JSON, "[2]");

  assert_move (history, 1, "draft", FALSE, 0, NULL);
  assert_move (history, -1, "draft", TRUE, DPX_COMPOSE_MODE_JSON, "[2]");
  assert_move (history, -1, "[2]", TRUE, DPX_COMPOSE_MODE_TEXT, "one");
  assert_move (history, -1, "one", FALSE, 0, NULL);
  assert_move (history, 1, "one", TRUE, DPX_COMPOSE_MODE_JSON, "[2]");
  /* Past the newest: the draft again, in whatever mode is shown. */
  assert_move (history, 1, "[2]", TRUE, DPX_COMPOSE_MODE_TEXT, "draft");

  /* An edit starts browsing again from the newest. */
  assert_move (history, -1, "draft", TRUE, DPX_COMPOSE_MODE_JSON, "[2]");
  dpx_sent_history_rewind (history);
  assert_move (history, -1, "edited", TRUE, DPX_COMPOSE_MODE_JSON, "[2]");
  assert_move (history, 1, "[2]", TRUE, DPX_COMPOSE_MODE_TEXT, "edited");
}

static void
test_limit (void)
{
  g_autoptr(DpxSentHistory) history = dpx_sent_history_new (3);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", i);

      dpx_sent_history_push (history, DPX_COMPOSE_MODE_TEXT, text);
    }
  assert_move (history, -1, "", TRUE, DPX_COMPOSE_MODE_TEXT, "4");
  assert_move (history, -1, "", TRUE, DPX_COMPOSE_MODE_TEXT, "3");
  assert_move (history, -1, "", TRUE, DPX_COMPOSE_MODE_TEXT, "2");
  assert_move (history, -1, "", FALSE, 0, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sent-history/browse", test_browse);
  g_test_add_func ("/sent-history/limit", test_limit);

  return g_test_run ();
}
