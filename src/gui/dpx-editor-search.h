/* dpx-editor-search.h: a search bar for the text of a source view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define DPX_TYPE_EDITOR_SEARCH (dpx_editor_search_get_type ())

G_DECLARE_FINAL_TYPE (DpxEditorSearch, dpx_editor_search, DPX, EDITOR_SEARCH, GtkWidget)

void        dpx_editor_search_set_view      (DpxEditorSearch *self,
                                             GtkSourceView   *view);
void        dpx_editor_search_open          (DpxEditorSearch *self);
void        dpx_editor_search_close         (DpxEditorSearch *self);
gboolean    dpx_editor_search_get_open      (DpxEditorSearch *self);
void        dpx_editor_search_set_text      (DpxEditorSearch *self,
                                             const char      *text);
void        dpx_editor_search_move          (DpxEditorSearch *self,
                                             gboolean         forward);
int         dpx_editor_search_get_n_matches (DpxEditorSearch *self);
int         dpx_editor_search_get_position  (DpxEditorSearch *self);
void        dpx_editor_search_setup_view    (GtkSourceView   *view);
GtkSourceLanguage *dpx_editor_get_json_language (void);

G_END_DECLS
