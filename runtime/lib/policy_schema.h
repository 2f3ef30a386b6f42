/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_POLICY_SCHEMA_H
#define GUARDRUN_POLICY_SCHEMA_H
/* the policy file format as a table (policy_schema.c) and the strict
   reader/writer that walk it (policy_json.c) */
#include <guardrun/json.h>
#include "policy_internal.h"

typedef enum {
  PF_BOOL,
  PF_STRNULL,                /* string or null; enums: allowed values */
  PF_ENUM,                   /* string stored as its index in enums */
  PF_I32,
  PF_U32,
  PF_STRLIST,                /* enums (if set): allowed values */
  PF_PATHLIST,               /* absolute paths or patterns */
  PF_CAPLIST,                /* CAP_* names libcap knows */
  PF_DEVLIST,                /* "c 1:3 /dev/null" */
  PF_OBJ,
  PF_EXTENDS,                /* the preset a file starts from */
} gr_pftype;

typedef struct gr_pfield {
  const char *key;
  gr_pftype type;
  size_t off;
  const char *const *enums;
  const struct gr_pfield *sub;
} gr_pfield;

extern const gr_pfield gr_policy_schema[];

/* apply the members of object j onto p (keys absent in j keep p's value);
   what names the file in errors.  *extends receives the "extends" value. */
int gr_policy_from_json (gr_policy *p, const gr_json *j, const char *what,
                         const char **extends, gr_error **err);
/* the effective policy, in the same format */
void gr_policy_write (const gr_policy *p, gr_jw *w);

#endif
