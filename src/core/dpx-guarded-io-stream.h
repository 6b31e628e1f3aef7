/* dpx-guarded-io-stream.h: a relay client's socket, with its guards in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_GUARDED_IO_STREAM (dpx_guarded_io_stream_get_type ())

G_DECLARE_FINAL_TYPE (DpxGuardedIOStream, dpx_guarded_io_stream, DPX, GUARDED_IO_STREAM, GIOStream)

GIOStream *dpx_guarded_io_stream_new (GIOStream     *base,
                                      GInputStream  *input,
                                      GOutputStream *output);

G_END_DECLS
