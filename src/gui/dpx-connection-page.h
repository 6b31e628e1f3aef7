/* dpx-connection-page.h: one connection of the window, in a tab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dpx-compose.h"
#include "dpx-connection-options.h"
#include "dpx-log-view.h"
#include "dpx-profile-store.h"
#include "dpx-recording.h"
#include "dpx-replay-bar.h"
#include "dpx-session.h"
#include "dpx-url-entry.h"

G_BEGIN_DECLS

#define DPX_TYPE_CONNECTION_PAGE (dpx_connection_page_get_type ())

G_DECLARE_FINAL_TYPE (DpxConnectionPage, dpx_connection_page, DPX, CONNECTION_PAGE, GtkWidget)

DpxConnectionPage    *dpx_connection_page_new              (DpxConnectionOptions *options,
                                                            GSettings            *settings);
DpxSession           *dpx_connection_page_get_session      (DpxConnectionPage    *self);
DpxLog               *dpx_connection_page_get_log          (DpxConnectionPage    *self);
DpxConnectionOptions *dpx_connection_page_get_options      (DpxConnectionPage    *self);
DpxLogView           *dpx_connection_page_get_log_view     (DpxConnectionPage    *self);
DpxCompose           *dpx_connection_page_get_compose      (DpxConnectionPage    *self);
DpxUrlEntry          *dpx_connection_page_get_url_entry    (DpxConnectionPage    *self);
DpxReplayBar         *dpx_connection_page_get_replay_bar   (DpxConnectionPage    *self);
const char           *dpx_connection_page_get_title        (DpxConnectionPage    *self);
const char           *dpx_connection_page_get_state_text   (DpxConnectionPage    *self);
const char           *dpx_connection_page_get_connect_label (DpxConnectionPage   *self);
gboolean              dpx_connection_page_get_busy         (DpxConnectionPage    *self);
void                  dpx_connection_page_set_url          (DpxConnectionPage    *self,
                                                            const char           *url);
void                  dpx_connection_page_open_url         (DpxConnectionPage    *self,
                                                            const char           *url);
void                  dpx_connection_page_toggle_connection (DpxConnectionPage   *self);
void                  dpx_connection_page_activate_url     (DpxConnectionPage    *self);
void                  dpx_connection_page_focus_url        (DpxConnectionPage    *self);
void                  dpx_connection_page_focus_compose    (DpxConnectionPage    *self);
void                  dpx_connection_page_start_replay     (DpxConnectionPage    *self,
                                                            DpxDirection          direction);
DpxRecording         *dpx_connection_page_snapshot         (DpxConnectionPage    *self);
void                  dpx_connection_page_stop_replay      (DpxConnectionPage    *self);
DpxTemplate          *dpx_connection_page_get_template     (DpxConnectionPage    *self);
DpxProfile           *dpx_connection_page_get_profile      (DpxConnectionPage    *self);
void                  dpx_connection_page_set_profile      (DpxConnectionPage    *self,
                                                            DpxProfileStore      *store,
                                                            DpxProfile           *profile);
gboolean              dpx_connection_page_send_saved       (DpxConnectionPage    *self,
                                                            DpxSavedMessage      *message,
                                                            GError              **error);
typedef struct _DpxProfilesPanel DpxProfilesPanel;
DpxProfilesPanel     *dpx_connection_page_get_profiles_panel (DpxConnectionPage  *self);
void                  dpx_connection_page_show_profiles    (DpxConnectionPage    *self,
                                                            gboolean              show);

G_END_DECLS
