/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GUARDRUN_SHA256_H
#define GUARDRUN_SHA256_H

/* SHA-256 (FIPS 180-4), for cache keys that a config author must not be
   able to collide on purpose (a colliding key would hand another
   container a weaker seccomp program).  No library: it is 100 lines. */
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t h[8];
  uint64_t len;              /* bytes fed so far */
  uint8_t buf[64];
  size_t fill;
} gr_sha256_ctx;

void gr_sha256_init (gr_sha256_ctx *c);
void gr_sha256_update (gr_sha256_ctx *c, const void *data, size_t len);
void gr_sha256_final (gr_sha256_ctx *c, uint8_t out[32]);
/* one shot */
void gr_sha256 (const void *data, size_t len, uint8_t out[32]);
/* 64 hex digits + NUL */
void gr_sha256_hex (const uint8_t sum[32], char out[65]);

#endif
