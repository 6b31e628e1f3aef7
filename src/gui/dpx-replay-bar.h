/* dpx-replay-bar.h: a replay's progress, with pause and stop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-replay.h"

G_BEGIN_DECLS

#define DPX_TYPE_REPLAY_BAR (dpx_replay_bar_get_type ())

G_DECLARE_FINAL_TYPE (DpxReplayBar, dpx_replay_bar, DPX, REPLAY_BAR, GtkWidget)

GtkWidget *dpx_replay_bar_new        (void);
DpxReplay *dpx_replay_bar_get_replay (DpxReplayBar *self);
void       dpx_replay_bar_set_replay (DpxReplayBar *self,
                                      DpxReplay    *replay);

G_END_DECLS
