/* dpx-alert-dialog.h: one question asked over a window
 *
 * AdwAlertDialog (1.5) where libadwaita has it: AdwMessageDialog, a window
 * of its own, is deprecated since 1.6 (and on newer libadwaita its label
 * measuring warns). Both have a "response" signal with the response's id,
 * so the callers' handlers take a DpxAlertDialog and work with either.
 *
 * The 1.5 API is used behind the version check: the build's
 * ADW_VERSION_MAX_ALLOWED (the version required) would warn about it, so
 * callers wrap their use in G_GNUC_BEGIN_IGNORE_DEPRECATIONS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#if ADW_CHECK_VERSION (1, 5, 0)
typedef AdwAlertDialog DpxAlertDialog;
#define DPX_ALERT_DIALOG(d) ADW_ALERT_DIALOG (d)
#define DPX_IS_ALERT_DIALOG(d) ADW_IS_ALERT_DIALOG (d)
#define dpx_alert_dialog_new(parent, heading, body) adw_alert_dialog_new ((heading), (body))
#define dpx_alert_dialog_format_body adw_alert_dialog_format_body
#define dpx_alert_dialog_set_extra_child adw_alert_dialog_set_extra_child
#define dpx_alert_dialog_add_responses adw_alert_dialog_add_responses
#define dpx_alert_dialog_set_response_appearance adw_alert_dialog_set_response_appearance
#define dpx_alert_dialog_set_default_response adw_alert_dialog_set_default_response
#define dpx_alert_dialog_set_close_response adw_alert_dialog_set_close_response
#define dpx_alert_dialog_present(d, parent) adw_dialog_present (ADW_DIALOG (d), GTK_WIDGET (parent))
#else
typedef AdwMessageDialog DpxAlertDialog;
#define DPX_ALERT_DIALOG(d) ADW_MESSAGE_DIALOG (d)
#define DPX_IS_ALERT_DIALOG(d) ADW_IS_MESSAGE_DIALOG (d)
#define dpx_alert_dialog_new(parent, heading, body) \
  adw_message_dialog_new (GTK_IS_WINDOW (parent) ? GTK_WINDOW (parent) : NULL, (heading), (body))
#define dpx_alert_dialog_format_body adw_message_dialog_format_body
#define dpx_alert_dialog_set_extra_child adw_message_dialog_set_extra_child
#define dpx_alert_dialog_add_responses adw_message_dialog_add_responses
#define dpx_alert_dialog_set_response_appearance adw_message_dialog_set_response_appearance
#define dpx_alert_dialog_set_default_response adw_message_dialog_set_default_response
#define dpx_alert_dialog_set_close_response adw_message_dialog_set_close_response
#define dpx_alert_dialog_present(d, parent) gtk_window_present (GTK_WINDOW (d))
#endif
