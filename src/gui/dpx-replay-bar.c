/* dpx-replay-bar.c: a replay's progress, with pause and stop
 *
 * Shown while the replay it is given runs or is paused: "Replaying 3 of
 * 10" (or "Paused at ..."), a progress bar, and two actions,
 * replaybar.toggle-pause and replaybar.stop. It hides itself when the
 * replay finishes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ReplayBar"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-replay-bar.h"

struct _DpxReplayBar
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkButton      *pause_button;

  DpxReplay      *replay;
};

G_DEFINE_FINAL_TYPE (DpxReplayBar, dpx_replay_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REPLAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (DpxReplayBar *self)
{
  g_autofree char *status = NULL;
  DpxReplayState state;
  guint position, total;

  if (self->replay == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  state = dpx_replay_get_state (self->replay);
  position = dpx_replay_get_position (self->replay);
  total = dpx_replay_get_total (self->replay);

  gtk_widget_set_visible (GTK_WIDGET (self), state == DPX_REPLAY_STATE_RUNNING ||
                                             state == DPX_REPLAY_STATE_PAUSED);
  if (state == DPX_REPLAY_STATE_PAUSED)
    /* Translators: a replay paused after %u of %u messages */
    status = g_strdup_printf (_("Paused at %u of %u"), position, total);
  else
    /* Translators: a replay that has sent %u of %u messages */
    status = g_strdup_printf (_("Replaying %u of %u"), position, total);
  gtk_label_set_text (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress_bar, total ? (double) position / total : 0.0);

  gtk_button_set_icon_name (self->pause_button, state == DPX_REPLAY_STATE_PAUSED
                                                ? "media-playback-start-symbolic"
                                                : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               state == DPX_REPLAY_STATE_PAUSED ? _("Resume the replay")
                                                                : _("Pause the replay"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replaybar.toggle-pause",
                                 state == DPX_REPLAY_STATE_RUNNING || state == DPX_REPLAY_STATE_PAUSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replaybar.stop",
                                 state == DPX_REPLAY_STATE_RUNNING || state == DPX_REPLAY_STATE_PAUSED);
}

static void
toggle_pause_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxReplayBar *self = DPX_REPLAY_BAR (widget);

  if (self->replay == NULL)
    return;
  if (dpx_replay_get_state (self->replay) == DPX_REPLAY_STATE_PAUSED)
    dpx_replay_resume (self->replay);
  else
    dpx_replay_pause (self->replay);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxReplayBar *self = DPX_REPLAY_BAR (widget);

  if (self->replay)
    dpx_replay_stop (self->replay);
}

DpxReplay *
dpx_replay_bar_get_replay (DpxReplayBar *self)
{
  g_return_val_if_fail (DPX_IS_REPLAY_BAR (self), NULL);
  return self->replay;
}

void
dpx_replay_bar_set_replay (DpxReplayBar *self,
                           DpxReplay    *replay)
{
  g_return_if_fail (DPX_IS_REPLAY_BAR (self));
  g_return_if_fail (replay == NULL || DPX_IS_REPLAY (replay));

  if (self->replay == replay)
    return;
  if (self->replay)
    g_signal_handlers_disconnect_by_data (self->replay, self);
  g_set_object (&self->replay, replay);
  if (replay)
    {
      g_signal_connect_swapped (replay, "notify::state", G_CALLBACK (update), self);
      g_signal_connect_swapped (replay, "notify::position", G_CALLBACK (update), self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLAY]);
}

static void
dpx_replay_bar_dispose (GObject *object)
{
  DpxReplayBar *self = DPX_REPLAY_BAR (object);

  if (self->replay)
    g_signal_handlers_disconnect_by_data (self->replay, self);
  g_clear_object (&self->replay);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_REPLAY_BAR);

  G_OBJECT_CLASS (dpx_replay_bar_parent_class)->dispose (object);
}

static void
dpx_replay_bar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DpxReplayBar *self = DPX_REPLAY_BAR (object);

  switch (prop_id)
    {
    case PROP_REPLAY:
      g_value_set_object (value, self->replay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_replay_bar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DpxReplayBar *self = DPX_REPLAY_BAR (object);

  switch (prop_id)
    {
    case PROP_REPLAY:
      dpx_replay_bar_set_replay (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_replay_bar_class_init (DpxReplayBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_replay_bar_dispose;
  object_class->get_property = dpx_replay_bar_get_property;
  object_class->set_property = dpx_replay_bar_set_property;

  properties[PROP_REPLAY] =
    g_param_spec_object ("replay", NULL, NULL, DPX_TYPE_REPLAY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/duplexws/Duplex/dpx-replay-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxReplayBar, box);
  gtk_widget_class_bind_template_child (widget_class, DpxReplayBar, status_label);
  gtk_widget_class_bind_template_child (widget_class, DpxReplayBar, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DpxReplayBar, pause_button);
  gtk_widget_class_install_action (widget_class, "replaybar.toggle-pause", NULL, toggle_pause_action);
  gtk_widget_class_install_action (widget_class, "replaybar.stop", NULL, stop_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
dpx_replay_bar_init (DpxReplayBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
dpx_replay_bar_new (void)
{
  return g_object_new (DPX_TYPE_REPLAY_BAR, NULL);
}
