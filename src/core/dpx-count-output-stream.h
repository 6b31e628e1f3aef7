/* dpx-count-output-stream.h: counts whole frames as they reach the socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_COUNT_OUTPUT_STREAM (dpx_count_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (DpxCountOutputStream, dpx_count_output_stream, DPX, COUNT_OUTPUT_STREAM, GFilterOutputStream)

/* Called after a write with the number of data frames it completed. */
typedef void (*DpxFramesWrittenFunc) (guint    n_data_frames,
                                      gpointer user_data);

GOutputStream *dpx_count_output_stream_new            (GOutputStream         *base_stream);
void           dpx_count_output_stream_set_frames_func (DpxCountOutputStream *self,
                                                       DpxFramesWrittenFunc  func,
                                                       gpointer              user_data);
guint64        dpx_count_output_stream_get_bytes_written (DpxCountOutputStream *self);

G_END_DECLS
