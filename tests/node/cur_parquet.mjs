// cur_parquet: the CSV reports of tests/cur_scenario.py rewritten as the
// Parquet files AWS delivers, by DuckDB, for tests/reconcile_parquet_test.sh.
// The values are the CSV's, cast to the types AWS's Parquet uses (usage
// amount and cost double, dates timestamps); CUR 2.0 and legacy CUR both
// name the columns in snake case in Parquet (lineItem/UsageType ->
// line_item_usage_type; docs/reconciliation.md). Out, under OUT:
//   cur2_snappy/   CUR 2.0, SNAPPY, timestamps in microseconds, and a map
//                  column (resource_tags) before the line items, as CUR 2.0 has
//   cur2_zstd/     CUR 2.0, ZSTD, timestamps in nanoseconds, small row groups
//   legacy_snappy/ legacy CUR, SNAPPY, timestamps in milliseconds
//   legacy_zstd/   legacy CUR, ZSTD, cost as DECIMAL(38,18) (16-byte big-endian)
//   legacy_gz/     legacy_snappy's file gzip-compressed (.parquet.gz)
// usage: node cur_parquet.mjs SCENARIO_DIR OUT_DIR
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [sc, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node cur_parquet.mjs SCENARIO_DIR OUT_DIR');
  process.exit(2);
}
const part = join(sc, 'cur2', 'data', readdirSync(join(sc, 'cur2', 'data'))[0]);
const cur2csv = join(part, readdirSync(part)[0]);
const legacycsv = join(sc, 'legacy', 'report-00001.csv');
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
await con.run(`CREATE TABLE c2 AS SELECT * FROM read_csv(${q(cur2csv)}, all_varchar = true, header = true)`);
await con.run(`CREATE TABLE lg AS SELECT * FROM read_csv(${q(legacycsv)}, all_varchar = true, header = true)`);
const ts = (c, t) => `CAST(replace(${c}, 'Z', '') AS ${t})`;
// legacy CUR's CSV header lineItem/UsageType is line_item_usage_type in Parquet
const snake = (h) => h.replace('/', '_').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

async function write(dir, file, select, codec, extra = '') {
  mkdirSync(join(out, dir), { recursive: true });
  await con.run(`COPY (${select}) TO ${q(join(out, dir, file))} (FORMAT parquet, COMPRESSION ${codec}${extra})`);
}

const cur2 = (tsType) => `SELECT identity_line_item_id, line_item_line_item_type,
    MAP {'user:team': 'net'} AS resource_tags,
    ${ts('line_item_usage_start_date', tsType)} AS line_item_usage_start_date,
    ${ts('line_item_usage_end_date', tsType)} AS line_item_usage_end_date,
    line_item_product_code, line_item_usage_type, line_item_operation, line_item_resource_id,
    CAST(line_item_usage_amount AS DOUBLE) AS line_item_usage_amount,
    CAST(line_item_unblended_cost AS DOUBLE) AS line_item_unblended_cost,
    line_item_line_item_description, product_region_code FROM c2`;
await write('cur2_snappy', 'export-00001.snappy.parquet', cur2('TIMESTAMP'), 'snappy');
await write('cur2_zstd', 'export-00001.zstd.parquet', cur2('TIMESTAMP_NS'), 'zstd', ', ROW_GROUP_SIZE 100');

const cols = (await (await con.run('SELECT * FROM lg LIMIT 0')).columnNames());
const legacy = (tsType, costType) => 'SELECT ' + cols.map((h) => {
  const n = snake(h);
  if (n === 'line_item_usage_start_date' || n === 'line_item_usage_end_date') return `${ts(`"${h}"`, tsType)} AS ${n}`;
  if (n === 'line_item_usage_amount') return `CAST("${h}" AS DOUBLE) AS ${n}`;
  if (n === 'line_item_unblended_cost') return `CAST("${h}" AS ${costType}) AS ${n}`;
  return `"${h}" AS ${n}`;
}).join(', ') + ' FROM lg';
await write('legacy_snappy', 'report-00001.snappy.parquet', legacy('TIMESTAMP_MS', 'DOUBLE'), 'snappy');
await write('legacy_zstd', 'report-00001.parquet', legacy('TIMESTAMP', 'DECIMAL(38,18)'), 'zstd');
mkdirSync(join(out, 'legacy_gz'), { recursive: true });
writeFileSync(join(out, 'legacy_gz', 'report-00001.parquet.gz'),
  gzipSync(readFileSync(join(out, 'legacy_snappy', 'report-00001.snappy.parquet'))));
