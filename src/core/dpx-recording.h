/* dpx-recording.h: a saved log, read whole to be played again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-log-entry.h"

G_BEGIN_DECLS

#define DPX_TYPE_RECORDING (dpx_recording_get_type ())

/* The most entries a recording may hold: it is kept whole in memory. */
#define DPX_RECORDING_MAX_ENTRIES 1000000

G_DECLARE_FINAL_TYPE (DpxRecording, dpx_recording, DPX, RECORDING, GObject)

DpxRecording *dpx_recording_load          (GFile         *file,
                                           GCancellable  *cancellable,
                                           GError       **error);
DpxRecording *dpx_recording_new           (GPtrArray     *entries);
guint         dpx_recording_get_n_entries (DpxRecording  *self);
DpxLogEntry  *dpx_recording_get_entry     (DpxRecording  *self,
                                           guint          index);
gint64        dpx_recording_get_start     (DpxRecording  *self);
GPtrArray    *dpx_recording_dup_messages  (DpxRecording  *self,
                                           DpxDirection   direction);
const char   *dpx_recording_get_name      (DpxRecording  *self);

G_END_DECLS
