/* dpx-mock-rules.h: how a mock matches a client's messages with the recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a client's message is matched with the recorded one the next reply
 * waits for (docs/mock-rules.md). */
typedef enum {
  DPX_MOCK_MATCH_NONE,     /* no waiting: replies go by the recording's clock */
  DPX_MOCK_MATCH_EXACT,    /* the same bytes */
  DPX_MOCK_MATCH_MEMBER,   /* the same value of one member of a JSON object */
  DPX_MOCK_MATCH_REGEX,    /* the same text matched by a pattern (its first group) */
} DpxMockMatch;

#define DPX_MOCK_DEFAULT_WAIT_TIMEOUT 30
#define DPX_MOCK_MAX_WAIT_TIMEOUT     86400

#define DPX_TYPE_MOCK_RULES (dpx_mock_rules_get_type ())

G_DECLARE_FINAL_TYPE (DpxMockRules, dpx_mock_rules, DPX, MOCK_RULES, GObject)

DpxMockRules *dpx_mock_rules_new            (void);
DpxMockRules *dpx_mock_rules_new_from_bytes (GBytes        *bytes,
                                             GError       **error);
DpxMockRules *dpx_mock_rules_load           (GFile         *file,
                                             GError       **error);
gboolean      dpx_mock_rules_save           (DpxMockRules  *self,
                                             GFile         *file,
                                             GError       **error);
char         *dpx_mock_rules_to_json        (DpxMockRules  *self);
gboolean      dpx_mock_rules_check          (DpxMockRules  *self,
                                             GError       **error);
DpxMockMatch  dpx_mock_rules_get_match      (DpxMockRules  *self);
void          dpx_mock_rules_set_match      (DpxMockRules  *self,
                                             DpxMockMatch   match);
const char   *dpx_mock_rules_get_member     (DpxMockRules  *self);
void          dpx_mock_rules_set_member     (DpxMockRules  *self,
                                             const char    *member);
const char   *dpx_mock_rules_get_pattern    (DpxMockRules  *self);
void          dpx_mock_rules_set_pattern    (DpxMockRules  *self,
                                             const char    *pattern);
guint         dpx_mock_rules_get_timeout    (DpxMockRules  *self);
void          dpx_mock_rules_set_timeout    (DpxMockRules  *self,
                                             guint          seconds);

G_END_DECLS
