/* dpx-settings-mapping.h: how settings in bytes show in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  dpx_settings_get_kib (GValue             *value,
                                GVariant           *variant,
                                gpointer            user_data);
GVariant *dpx_settings_set_kib (const GValue       *value,
                                const GVariantType *expected_type,
                                gpointer            user_data);

G_END_DECLS
