/* dpx-mock-rules-dialog.h: the mock's rules, edited and kept as a rules file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dpx-mock-rules.h"

G_BEGIN_DECLS

#define DPX_TYPE_MOCK_RULES_DIALOG (dpx_mock_rules_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DpxMockRulesDialog, dpx_mock_rules_dialog, DPX, MOCK_RULES_DIALOG, AdwWindow)

DpxMockRulesDialog *dpx_mock_rules_dialog_new         (DpxMockRules        *rules);
DpxMockRules       *dpx_mock_rules_dialog_get_rules   (DpxMockRulesDialog  *self);
gboolean            dpx_mock_rules_dialog_open_file   (DpxMockRulesDialog  *self,
                                                       GFile               *file,
                                                       GError             **error);
gboolean            dpx_mock_rules_dialog_save_file   (DpxMockRulesDialog  *self,
                                                       GFile               *file,
                                                       GError             **error);
const char         *dpx_mock_rules_dialog_get_problem (DpxMockRulesDialog  *self);

G_END_DECLS
