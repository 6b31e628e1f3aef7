/* dpx-gui-test.h: helpers shared by the window's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dpx-application.h"
#include "dpx-test-support.h"
#include "dpx-window.h"

G_BEGIN_DECLS

/* A window against a relay of its own, on a free port. */
typedef struct {
  DpxRelay  *relay;
  char      *url;
  DpxWindow *window;
} DpxWindowFixture;

void            dpx_gui_test_init            (int              *argc,
                                              char           ***argv);
DpxApplication *dpx_gui_test_get_app         (void);
GSettings      *dpx_gui_test_get_settings    (void);
void            dpx_gui_test_reset_settings  (void);

gpointer        dpx_gui_test_get             (gpointer          object,
                                              const char       *property);
char           *dpx_gui_test_dup_string      (gpointer          object,
                                              const char       *property);
gboolean        dpx_gui_test_get_boolean     (gpointer          object,
                                              const char       *property);
GtkWidget      *dpx_gui_test_find            (GtkWidget        *widget,
                                              GType             type,
                                              const char       *css_class);
GtkWidget      *dpx_gui_test_find_actionable (GtkWidget       *widget,
                                              const char       *action_name);
GtkShortcut    *dpx_gui_test_find_shortcut   (GtkWidget        *widget,
                                              const char       *accelerator);
void            dpx_gui_test_press           (GtkWidget        *widget,
                                              const char       *accelerator);

void            dpx_gui_test_wait_frames     (GtkWidget        *widget,
                                              guint             n);
GtkWidget      *dpx_gui_test_find_file_chooser (void);
void            dpx_gui_test_wait_quiet      (guint             quiet_ms,
                                              guint             timeout_ms);
DpxWindow      *dpx_gui_test_new_window      (void);
void            dpx_gui_test_close_window    (DpxWindow        *window);
GtkWidget      *dpx_gui_test_new_toplevel    (GtkWidget        *child);
void            dpx_gui_test_destroy_toplevel (GtkWidget       *toplevel);

void            dpx_window_fixture_setup     (DpxWindowFixture *fixture,
                                              gconstpointer     data);
void            dpx_window_fixture_teardown  (DpxWindowFixture *fixture,
                                              gconstpointer     data);

GListModel     *dpx_gui_test_rows            (DpxWindow        *window);
int             dpx_gui_test_find_row        (DpxWindow        *window,
                                              int               direction,
                                              int               kind,
                                              const char       *contains);
guint           dpx_gui_test_count_rows      (DpxWindow        *window,
                                              int               direction,
                                              int               kind,
                                              const char       *contains);
gboolean        dpx_gui_test_has_row         (DpxWindow        *window,
                                              int               direction,
                                              int               kind,
                                              const char       *contains);
int             dpx_gui_test_wait_row        (DpxWindow        *window,
                                              int               direction,
                                              int               kind,
                                              const char       *contains);
void            dpx_gui_test_wait_state      (DpxWindow        *window,
                                              DpxConnectionState state);
void            dpx_gui_test_connect         (DpxWindow        *window,
                                              const char       *url);
void            dpx_gui_test_send            (DpxWindow        *window,
                                              DpxComposeMode    mode,
                                              const char       *text);
char           *dpx_gui_test_dup_detail_text (DpxWindow        *window);
void            dpx_gui_test_save_screenshot (GtkWidget        *widget,
                                              const char       *name);

#define DPX_WINDOW_TEST_ADD(path, func) \
  g_test_add (path, DpxWindowFixture, NULL, dpx_window_fixture_setup, func, \
              dpx_window_fixture_teardown)

G_END_DECLS
