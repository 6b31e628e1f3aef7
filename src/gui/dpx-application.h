/* dpx-application.h: the application and the window's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPX_TYPE_APPLICATION (dpx_application_get_type ())

G_DECLARE_FINAL_TYPE (DpxApplication, dpx_application, DPX, APPLICATION, AdwApplication)

DpxApplication *dpx_application_new        (GApplicationFlags  flags);
GtkWindow      *dpx_application_new_window (DpxApplication    *self);
GSettings      *dpx_application_get_settings (DpxApplication  *self);
int             dpx_application_run        (int                argc,
                                            char             **argv);

G_END_DECLS
