/* dpx-session-recorder.h: a profile's connections into its history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dpx-log.h"
#include "dpx-profile-store.h"
#include "dpx-session.h"

G_BEGIN_DECLS

#define DPX_TYPE_SESSION_RECORDER (dpx_session_recorder_get_type ())

G_DECLARE_FINAL_TYPE (DpxSessionRecorder, dpx_session_recorder, DPX, SESSION_RECORDER, GObject)

char               *dpx_session_recorder_default_dir (void);
DpxSessionRecorder *dpx_session_recorder_new         (DpxSession      *session,
                                                      DpxLog          *log,
                                                      DpxProfileStore *store,
                                                      DpxProfile      *profile,
                                                      const char      *logs_dir);
DpxProfile         *dpx_session_recorder_get_profile (DpxSessionRecorder *self);

G_END_DECLS
