/* dpx-settings-mapping.c: how settings in bytes show in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-settings-mapping.h"

/* Size limits are kept in bytes and edited in KiB, with g_settings_bind_with_mapping(). */
gboolean
dpx_settings_get_kib (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint64 (variant) / 1024.0);
  return TRUE;
}

GVariant *
dpx_settings_set_kib (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  return g_variant_new_uint64 ((guint64) g_value_get_double (value) * 1024);
}
