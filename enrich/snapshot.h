/* snapshot: the ENI inventory as a documented JSON file (docs/snapshot.md),
 * written by `flowcost enrich` and read by --eni-snapshot. Loading also
 * accepts raw EC2 Describe* XML responses (sniffed). */
#ifndef FC_SNAPSHOT_H
#define FC_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "inventory.h"
#include "util.h"

int snapshot_load(inventory *inv, const char *path, char *err, size_t errlen);
/* Serialize (caller frees). fetched_at is the snapshot time. */
char *snapshot_to_json(const inventory *inv, int64_t fetched_at);

/* Added by enrich. ---------------------------------------------------------
 * Load a snapshot (JSON, or EC2 XML handed to ec2_parse_xml) from memory;
 * `name` is used in messages. */
int snapshot_load_mem(inventory *inv, const char *data, size_t len, const char *name,
                      char *err, size_t errlen);
/* Top-level string members `keys[i]` of a JSON object into vals[i]
 * (malloc'd, NULL when absent): the ECS / IMDS credential documents that
 * aws.c reads, parsed here so that cJSON stays in one enrich file. */
int snapshot_json_strings(const char *json, size_t len, const char *const *keys, char **vals,
                          size_t n, char *err, size_t errlen);
/* "cJSON/1.7.15" for --version. */
const char *snapshot_lib_version(void);
/* cJSON for --version --json. */
void snapshot_lib_info(fc_lib_info *out);

#endif
