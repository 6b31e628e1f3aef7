/* dpx-replay.h: recorded messages sent again, with their timing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-log-entry.h"

G_BEGIN_DECLS

#define DPX_TYPE_REPLAY (dpx_replay_get_type ())

G_DECLARE_FINAL_TYPE (DpxReplay, dpx_replay, DPX, REPLAY, GObject)

typedef enum {
  DPX_REPLAY_STATE_READY,
  DPX_REPLAY_STATE_RUNNING,
  DPX_REPLAY_STATE_PAUSED,
  DPX_REPLAY_STATE_FINISHED,
} DpxReplayState;

/* Sends one recorded message; FALSE with @error set stops the replay. */
typedef gboolean (*DpxReplaySendFunc) (DpxLogEntry  *entry,
                                       gpointer      user_data,
                                       GError      **error);

DpxReplay      *dpx_replay_new          (GPtrArray         *messages,
                                         gint64             start_us,
                                         DpxReplaySendFunc  send,
                                         gpointer           user_data);
void            dpx_replay_set_speed    (DpxReplay         *self,
                                         double             speed);
void            dpx_replay_set_timing   (DpxReplay         *self,
                                         gboolean           timing);
void            dpx_replay_set_loop     (DpxReplay         *self,
                                         gboolean           loop);
void            dpx_replay_start        (DpxReplay         *self);
void            dpx_replay_pause        (DpxReplay         *self);
void            dpx_replay_resume       (DpxReplay         *self);
void            dpx_replay_stop         (DpxReplay         *self);
DpxReplayState  dpx_replay_get_state    (DpxReplay         *self);
guint           dpx_replay_get_position (DpxReplay         *self);
guint           dpx_replay_get_total    (DpxReplay         *self);

G_END_DECLS
