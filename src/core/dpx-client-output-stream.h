/* dpx-client-output-stream.h: what libsoup writes to a server, watched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-client-input-stream.h"

G_BEGIN_DECLS

#define DPX_TYPE_CLIENT_OUTPUT_STREAM (dpx_client_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (DpxClientOutputStream, dpx_client_output_stream, DPX, CLIENT_OUTPUT_STREAM,
                      GFilterOutputStream)

GOutputStream *dpx_client_output_stream_new              (GOutputStream         *base_stream);
void           dpx_client_output_stream_set_control_func (DpxClientOutputStream *self,
                                                          DpxControlFrameFunc    func,
                                                          gpointer               user_data);

G_END_DECLS
