/* dpx-replay.c: recorded messages sent again, with their timing
 *
 * Each message goes out at its recorded offset from the start of the
 * recording, divided by the speed, counted from when the replay started
 * (less any time paused). Offsets are taken from one base, so a late
 * main-loop turn delays one message, never all the ones after it. Without
 * timing the messages go one per main-loop turn, so the connection's own
 * reads and writes keep up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Replay"

#include "config.h"

#include "dpx-enums.h"
#include "dpx-replay.h"

struct _DpxReplay
{
  GObject            parent_instance;

  GPtrArray         *messages;
  gint64             start_us;     /* the recording's start */
  DpxReplaySendFunc  send;
  gpointer           send_data;

  double             speed;
  gboolean           timing;
  gboolean           loop;

  DpxReplayState     state;
  guint              position;     /* messages sent in this pass */
  gint64             base_us;      /* monotonic time of offset 0 */
  gint64             paused_at;
  guint              source;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_POSITION,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxReplay, dpx_replay, G_TYPE_OBJECT)

static void schedule (DpxReplay *self);

static void
set_state (DpxReplay      *self,
           DpxReplayState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish (DpxReplay  *self,
        const char *error_message)
{
  g_clear_handle_id (&self->source, g_source_remove);
  set_state (self, DPX_REPLAY_STATE_FINISHED);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error_message);
}

/* When message @index is due, in monotonic microseconds. */
static gint64
due_time (DpxReplay *self,
          guint      index)
{
  DpxLogEntry *entry = g_ptr_array_index (self->messages, index);
  gint64 offset = MAX (dpx_log_entry_get_time (entry) - self->start_us, 0);

  return self->base_us + (gint64) (offset / self->speed);
}

static gboolean
on_due (gpointer data)
{
  DpxReplay *self = data;
  g_autoptr(GError) error = NULL;

  self->source = 0;
  /* A timer rounded to milliseconds may fire a little early. */
  if (self->timing && due_time (self, self->position) > g_get_monotonic_time ())
    {
      schedule (self);
      return G_SOURCE_REMOVE;
    }
  /* Everything due by now goes, in order; with timing off, one message. */
  do
    {
      DpxLogEntry *entry = g_ptr_array_index (self->messages, self->position);

      if (!self->send (entry, self->send_data, &error))
        {
          finish (self, error->message);
          return G_SOURCE_REMOVE;
        }
      self->position++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
      /* The send may have stopped the replay. */
      if (self->state != DPX_REPLAY_STATE_RUNNING)
        return G_SOURCE_REMOVE;
    }
  while (self->timing && self->position < self->messages->len &&
         due_time (self, self->position) <= g_get_monotonic_time ());

  if (self->position == self->messages->len)
    {
      if (!self->loop)
        {
          finish (self, NULL);
          return G_SOURCE_REMOVE;
        }
      /* The next pass starts now, as the recording did. */
      self->position = 0;
      self->base_us = g_get_monotonic_time ();
      self->start_us = dpx_log_entry_get_time (g_ptr_array_index (self->messages, 0));
    }
  schedule (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (DpxReplay *self)
{
  gint64 wait_us;

  if (!self->timing)
    {
      self->source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_due, self, NULL);
      return;
    }
  wait_us = due_time (self, self->position) - g_get_monotonic_time ();
  if (wait_us <= 0)
    self->source = g_idle_add_full (G_PRIORITY_DEFAULT, on_due, self, NULL);
  else
    /* Rounded down: a turn early is caught by the due check in on_due(),
     * through one more short wait; rounding up would make every message
     * up to a millisecond late. High priority: a busy connection's reads
     * must not delay a message that is due. */
    self->source = g_timeout_add_full (G_PRIORITY_HIGH, (guint) (wait_us / 1000),
                                       on_due, self, NULL);
}

void
dpx_replay_start (DpxReplay *self)
{
  g_return_if_fail (DPX_IS_REPLAY (self));
  g_return_if_fail (self->state == DPX_REPLAY_STATE_READY);

  if (self->messages->len == 0)
    {
      finish (self, NULL);
      return;
    }
  self->base_us = g_get_monotonic_time ();
  set_state (self, DPX_REPLAY_STATE_RUNNING);
  schedule (self);
}

void
dpx_replay_pause (DpxReplay *self)
{
  g_return_if_fail (DPX_IS_REPLAY (self));

  if (self->state != DPX_REPLAY_STATE_RUNNING)
    return;
  g_clear_handle_id (&self->source, g_source_remove);
  self->paused_at = g_get_monotonic_time ();
  set_state (self, DPX_REPLAY_STATE_PAUSED);
}

void
dpx_replay_resume (DpxReplay *self)
{
  g_return_if_fail (DPX_IS_REPLAY (self));

  if (self->state != DPX_REPLAY_STATE_PAUSED)
    return;
  /* The pause does not count: what was due next is due as long after. */
  self->base_us += g_get_monotonic_time () - self->paused_at;
  set_state (self, DPX_REPLAY_STATE_RUNNING);
  schedule (self);
}

void
dpx_replay_stop (DpxReplay *self)
{
  g_return_if_fail (DPX_IS_REPLAY (self));

  if (self->state == DPX_REPLAY_STATE_FINISHED || self->state == DPX_REPLAY_STATE_READY)
    return;
  finish (self, NULL);
}

void
dpx_replay_set_speed (DpxReplay *self,
                      double     speed)
{
  g_return_if_fail (DPX_IS_REPLAY (self));
  g_return_if_fail (speed > 0);
  self->speed = speed;
}

void
dpx_replay_set_timing (DpxReplay *self,
                       gboolean   timing)
{
  g_return_if_fail (DPX_IS_REPLAY (self));
  self->timing = !!timing;
}

void
dpx_replay_set_loop (DpxReplay *self,
                     gboolean   loop)
{
  g_return_if_fail (DPX_IS_REPLAY (self));
  self->loop = !!loop;
}

DpxReplayState
dpx_replay_get_state (DpxReplay *self)
{
  g_return_val_if_fail (DPX_IS_REPLAY (self), DPX_REPLAY_STATE_FINISHED);
  return self->state;
}

guint
dpx_replay_get_position (DpxReplay *self)
{
  g_return_val_if_fail (DPX_IS_REPLAY (self), 0);
  return self->position;
}

guint
dpx_replay_get_total (DpxReplay *self)
{
  g_return_val_if_fail (DPX_IS_REPLAY (self), 0);
  return self->messages->len;
}

static void
dpx_replay_dispose (GObject *object)
{
  DpxReplay *self = DPX_REPLAY (object);

  g_clear_handle_id (&self->source, g_source_remove);

  G_OBJECT_CLASS (dpx_replay_parent_class)->dispose (object);
}

static void
dpx_replay_finalize (GObject *object)
{
  DpxReplay *self = DPX_REPLAY (object);

  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (dpx_replay_parent_class)->finalize (object);
}

static void
dpx_replay_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DpxReplay *self = DPX_REPLAY (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_replay_class_init (DpxReplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_replay_dispose;
  object_class->finalize = dpx_replay_finalize;
  object_class->get_property = dpx_replay_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DPX_TYPE_REPLAY_STATE, DPX_REPLAY_STATE_READY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpxReplay::finished:
   * @error_message: (nullable): why the replay stopped early, if it did
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dpx_replay_init (DpxReplay *self)
{
  self->speed = 1.0;
  self->timing = TRUE;
}

/**
 * dpx_replay_new:
 * @messages: (element-type DpxLogEntry): the messages to send, in order
 * @start_us: the recording's start (dpx_recording_get_start())
 * @send: sends one message
 */
DpxReplay *
dpx_replay_new (GPtrArray         *messages,
                gint64             start_us,
                DpxReplaySendFunc  send,
                gpointer           user_data)
{
  DpxReplay *self;

  g_return_val_if_fail (messages != NULL, NULL);
  g_return_val_if_fail (send != NULL, NULL);

  self = g_object_new (DPX_TYPE_REPLAY, NULL);
  self->messages = g_ptr_array_ref (messages);
  self->start_us = start_us;
  self->send = send;
  self->send_data = user_data;
  return self;
}
