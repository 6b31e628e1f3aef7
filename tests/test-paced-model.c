/* test-paced-model.c: the model between the log and the list view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-log.h"
#include "dpx-paced-model.h"
#include "dpx-test-support.h"

/* Checks, inside every items-changed, that the model holds what its
 * signals said: a list view reads it from there. */
typedef struct {
  GListModel *model;
  guint       n_items;
  guint       n_signals;
} Watch;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  g_assert_cmpuint (position + removed, <=, watch->n_items);
  watch->n_items = watch->n_items - removed + added;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, watch->n_items);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_nonnull (item);
    }
  watch->n_signals++;
}

static void
watch_init (Watch      *watch,
            GListModel *model)
{
  watch->model = model;
  watch->n_items = g_list_model_get_n_items (model);
  watch->n_signals = 0;
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), watch);
}

static void
assert_same (GListModel *model,
             GListModel *source)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, g_list_model_get_n_items (source));
  for (guint i = 0; i < g_list_model_get_n_items (source); i++)
    {
      g_autoptr(GObject) a = g_list_model_get_item (model, i);
      g_autoptr(GObject) b = g_list_model_get_item (source, i);

      g_assert_true (a == b);
    }
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static GListStore *
new_source (void)
{
  return g_list_store_new (G_TYPE_OBJECT);
}

static void
append (GListStore *store,
        guint       n)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
  g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0, items->pdata, n);
}

static void
remove_front (GListStore *store,
              guint       n)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_list_store_splice (store, 0, MIN (n, n_items), NULL, 0);
}

/* Removals at the front and additions at the end, in any mix between two
 * publications, come out as one removal and one addition. */
static void
test_mirror (void)
{
  g_autoptr(GListStore) source = new_source ();
  g_autoptr(DpxPacedModel) model = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Watch watch;

  append (source, 10);
  model = dpx_paced_model_new (G_LIST_MODEL (source), 1000000);
  assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));
  watch_init (&watch, G_LIST_MODEL (model));

  for (guint round = 0; round < 500; round++)
    {
      guint ops = g_rand_int_range (rand, 1, 6);
      guint signals = watch.n_signals;

      for (guint i = 0; i < ops; i++)
        {
          if (g_rand_boolean (rand))
            append (source, g_rand_int_range (rand, 0, 40));
          else
            remove_front (source, g_rand_int_range (rand, 0, 60));
        }
      dpx_paced_model_publish (model);
      g_assert_cmpuint (watch.n_signals - signals, <=, 2);
      assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));
    }
  /* The model holds its source: it goes first. */
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&source));
}

/* A change of another shape is a reset. */
static void
test_reset (void)
{
  g_autoptr(GListStore) source = new_source ();
  g_autoptr(DpxPacedModel) model = NULL;
  g_autoptr(GObject) middle = g_object_new (G_TYPE_OBJECT, NULL);
  Watch watch;

  append (source, 5);
  model = dpx_paced_model_new (G_LIST_MODEL (source), 1000000);
  watch_init (&watch, G_LIST_MODEL (model));
  remove_front (source, 1);
  g_list_store_insert (source, 2, middle);
  append (source, 3);
  dpx_paced_model_publish (model);
  assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));
  g_assert_cmpuint (watch.n_signals, ==, 1);
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&source));
  g_assert_finalize_object (g_steal_pointer (&middle));
}

/* What a view does with a paced model's changes: @cost_us per row made or
 * torn down, as a list view pays for the rows in sight. */
typedef struct {
  guint largest;     /* items in the largest single change */
  guint changes;
  guint cost_us;
} Rows;

static void
on_rows_changed (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 Rows       *rows)
{
  rows->largest = MAX (rows->largest, MAX (removed, added));
  rows->changes++;
  if (rows->cost_us > 0)
    g_usleep ((gulong) rows->cost_us * (removed + added));
}

/* Publishes until the model matches, no single change moving more than
 * @max_step items; returns how many publications it took. */
static guint
publish_in_steps (DpxPacedModel *model,
                  GListStore    *source,
                  guint          max_step,
                  guint          cost_us)
{
  Rows rows = { 0, 0, cost_us };
  guint publications = 0;
  gulong handler = g_signal_connect (model, "items-changed", G_CALLBACK (on_rows_changed), &rows);

  do
    {
      dpx_paced_model_publish (model);
      g_assert_cmpuint (++publications, <, 100000);
    }
  while (dpx_paced_model_get_pending (model));
  g_signal_handler_disconnect (model, handler);
  g_assert_cmpuint (rows.largest, <=, max_step);
  assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));
  return publications;
}

/* A class leaving or joining at once reaches a view whose rows are costly
 * a chunk at a time, a publication each; where changes are cheap (rows out
 * of sight) a long list is not held back. Either way the model ends up as
 * the source, wherever the removals were. */
static void
test_max_step (void)
{
  g_autoptr(GListStore) source = new_source ();
  g_autoptr(DpxPacedModel) model = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  Watch watch;

  append (source, 100);
  model = dpx_paced_model_new (G_LIST_MODEL (source), 1000000);
  dpx_paced_model_set_max_step (model, 30);
  watch_init (&watch, G_LIST_MODEL (model));

  /* Rows that cost 300 µs each: one chunk of 30 takes 9 ms, past the
   * publication's 8 ms, so everyone leaving takes 4 publications. */
  g_list_store_remove_all (source);
  g_assert_cmpuint (publish_in_steps (model, source, 30, 300), ==, 4);
  append (source, 100);
  g_assert_cmpuint (publish_in_steps (model, source, 30, 300), ==, 4);

  /* Every other one leaves and 20 join, at that cost. */
  for (guint i = 0; i < 50; i++)
    g_list_store_remove (source, i + 1);
  append (source, 20);
  g_assert_cmpuint (publish_in_steps (model, source, 30, 300), >=, 2);

  /* Cheap rows: 10 000 joining and then leaving are not 334 publications. */
  append (source, 10000);
  g_assert_cmpuint (publish_in_steps (model, source, 30, 0), <=, 50);
  g_list_store_remove_all (source);
  g_assert_cmpuint (publish_in_steps (model, source, 30, 0), <=, 50);

  /* Random comings and goings, anywhere. */
  for (guint round = 0; round < 200; round++)
    {
      guint ops = g_rand_int_range (rand, 1, 6);

      for (guint i = 0; i < ops; i++)
        {
          guint n = g_list_model_get_n_items (G_LIST_MODEL (source));

          if (g_rand_boolean (rand) || n == 0)
            append (source, g_rand_int_range (rand, 0, 40));
          else
            for (guint k = g_rand_int_range (rand, 1, 20); k > 0 && n > 0; k--, n--)
              g_list_store_remove (source, g_rand_int_range (rand, 0, n));
        }
      publish_in_steps (model, source, 30, round % 2 ? 50 : 0);
    }

  /* Another shape (one moved to the front) is still a reset. */
  {
    g_autoptr(GObject) last = g_list_model_get_item (G_LIST_MODEL (source),
                                                     g_list_model_get_n_items (G_LIST_MODEL (source)) - 1);
    guint signals = watch.n_signals;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (source)), >, 1);
    g_list_store_remove (source, g_list_model_get_n_items (G_LIST_MODEL (source)) - 1);
    g_list_store_insert (source, 0, last);
    dpx_paced_model_publish (model);
    assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));
    g_assert_false (dpx_paced_model_get_pending (model));
    g_assert_cmpuint (watch.n_signals - signals, <=, 2);
  }
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&source));
}

/* Frozen, the model keeps its items, alive, whatever the source does. */
static void
test_frozen (void)
{
  g_autoptr(GListStore) source = new_source ();
  g_autoptr(DpxPacedModel) model = NULL;
  g_autoptr(GObject) first = NULL;
  Watch watch;

  append (source, 20);
  model = dpx_paced_model_new (G_LIST_MODEL (source), 0);
  watch_init (&watch, G_LIST_MODEL (model));
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);

  dpx_paced_model_set_frozen (model, TRUE);
  remove_front (source, 20);
  append (source, 7);
  remove_front (source, 2);
  spin (50);
  g_assert_cmpuint (watch.n_signals, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 20);
  {
    g_autoptr(GObject) still = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_true (still == first);
  }
  g_assert_true (dpx_paced_model_get_pending (model));

  dpx_paced_model_set_frozen (model, FALSE);
  assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));
  g_assert_false (dpx_paced_model_get_pending (model));
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&source));
  g_assert_finalize_object (g_steal_pointer (&first));
}

/* After a quiet spell a change goes out at once; during a burst, at most
 * once per interval. */
static void
test_pace (void)
{
  g_autoptr(GListStore) source = new_source ();
  g_autoptr(DpxPacedModel) model = dpx_paced_model_new (G_LIST_MODEL (source), 200);
  g_autoptr(DpxNotifyCounter) pending_notes = NULL;
  g_autoptr(DpxNotifyCounter) publication_notes = NULL;
  gint64 start, end;
  guint before;

  append (source, 1);
  start = g_get_monotonic_time ();
  dpx_test_wait_until (!dpx_paced_model_get_pending (model), 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 150 * 1000);
  g_assert_cmpuint (dpx_paced_model_get_n_publications (model), ==, 1);

  /* A burst of 100 ms right after: one more publication, one interval
   * after the first; "pending" goes up once and down once. */
  before = dpx_paced_model_get_n_publications (model);
  pending_notes = dpx_test_count_notify (model, "pending");
  publication_notes = dpx_test_count_notify (model, "n-publications");
  end = g_get_monotonic_time () + 100 * 1000;
  while (g_get_monotonic_time () < end)
    {
      append (source, 3);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_cmpuint (dpx_paced_model_get_n_publications (model), ==, before);
  dpx_test_wait_until (!dpx_paced_model_get_pending (model), 1000);
  g_assert_cmpuint (dpx_paced_model_get_n_publications (model), ==, before + 1);
  g_assert_cmpuint (dpx_notify_counter_take (pending_notes), ==, 2);
  g_assert_cmpuint (dpx_notify_counter_take (publication_notes), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  assert_same (G_LIST_MODEL (model), G_LIST_MODEL (source));

  /* The counters hold the model. */
  g_clear_pointer (&pending_notes, dpx_notify_counter_free);
  g_clear_pointer (&publication_notes, dpx_notify_counter_free);
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&source));
}

/* With the log itself: its ring trimmed while entries arrive. */
static void
test_log (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxPacedModel) model = dpx_paced_model_new (G_LIST_MODEL (log), 1000000);
  Watch watch;

  watch_init (&watch, G_LIST_MODEL (model));
  dpx_log_set_max_entries (log, 100);
  for (guint round = 0; round < 20; round++)
    {
      for (guint i = 0; i < 37; i++)
        {
          g_autofree char *text = g_strdup_printf ("%u.%u", round, i);
          g_autoptr(DpxLogEntry) entry = NULL;

          entry = dpx_log_entry_new_event ("test", DPX_ENTRY_KIND_INFO, text);
          dpx_log_append (log, entry);
        }
      dpx_log_flush (log);
      if (round % 3 == 0)
        dpx_paced_model_publish (model);
    }
  dpx_paced_model_publish (model);
  assert_same (G_LIST_MODEL (model), G_LIST_MODEL (log));

  dpx_log_clear (log);
  dpx_paced_model_publish (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&log));
}

static void
test_frozen_notifies_once (void)
{
  g_autoptr(GListStore) source = new_source ();
  g_autoptr(DpxPacedModel) model = dpx_paced_model_new (G_LIST_MODEL (source), 200);
  g_auto(GValue) off = G_VALUE_INIT;
  g_auto(GValue) on = G_VALUE_INIT;

  g_value_set_boolean (g_value_init (&off, G_TYPE_BOOLEAN), FALSE);
  g_value_set_boolean (g_value_init (&on, G_TYPE_BOOLEAN), TRUE);
  dpx_test_assert_property_notify (model, "frozen", &off, &on);
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_finalize_object (g_steal_pointer (&source));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/paced-model/mirror", test_mirror);
  g_test_add_func ("/paced-model/reset", test_reset);
  g_test_add_func ("/paced-model/max-step", test_max_step);
  g_test_add_func ("/paced-model/frozen", test_frozen);
  g_test_add_func ("/paced-model/pace", test_pace);
  g_test_add_func ("/paced-model/log", test_log);

  g_test_add_func ("/paced-model/frozen-notifies-once", test_frozen_notifies_once);

  return g_test_run ();
}
