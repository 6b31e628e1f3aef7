/* dpx-presenter-view.h: the local server drawn for a projector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-relay.h"

G_BEGIN_DECLS

#define DPX_TYPE_PRESENTER_VIEW (dpx_presenter_view_get_type ())

G_DECLARE_FINAL_TYPE (DpxPresenterView, dpx_presenter_view, DPX, PRESENTER_VIEW, GtkWidget)

GtkWidget *dpx_presenter_view_new           (DpxRelay         *relay);
void       dpx_presenter_view_set_relay     (DpxPresenterView *self,
                                             DpxRelay         *relay);
guint      dpx_presenter_view_get_n_flights (DpxPresenterView *self);

G_END_DECLS
