/* dpx-template.h: variables in messages and header values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DPX_TYPE_TEMPLATE (dpx_template_get_type ())

G_DECLARE_FINAL_TYPE (DpxTemplate, dpx_template, DPX, TEMPLATE, GObject)

DpxTemplate        *dpx_template_new                (void);

gboolean            dpx_template_is_builtin         (const char   *name);
gboolean            dpx_template_check_name         (const char   *name,
                                                     GError      **error);
gboolean            dpx_template_set_variable       (DpxTemplate  *self,
                                                     const char   *name,
                                                     const char   *value,
                                                     GError      **error);
void                dpx_template_remove_variable    (DpxTemplate  *self,
                                                     const char   *name);
void                dpx_template_clear_variables    (DpxTemplate  *self);
const char         *dpx_template_get_variable       (DpxTemplate  *self,
                                                     const char   *name);
char              **dpx_template_dup_variable_names (DpxTemplate  *self);

guint64             dpx_template_get_counter        (DpxTemplate  *self);
void                dpx_template_set_counter        (DpxTemplate  *self,
                                                     guint64       counter);

gboolean            dpx_template_uses_variables     (const char   *text);
char               *dpx_template_expand             (DpxTemplate  *self,
                                                     const char   *text,
                                                     gsize        *error_offset,
                                                     GError      **error);
char               *dpx_template_preview            (DpxTemplate  *self,
                                                     const char   *text,
                                                     gsize        *error_offset,
                                                     GError      **error);

G_END_DECLS
