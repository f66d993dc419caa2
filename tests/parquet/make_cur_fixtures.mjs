// make_cur_fixtures: the Parquet fixtures of tests/test_parquet_cols.c and
// tests/test_cur.c, written by DuckDB (cmake/deps.sh installs it in
// tests/node). The outputs are committed, so ctest never needs npm; re-run
// only to change them. Every value is a literal here, so the tests' expected
// text is worked out from this file.
// usage: node tests/parquet/make_cur_fixtures.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const req = createRequire(join(dir, '..', 'node', 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

// cols_types.parquet: one column per kind of value parquet_cols prints
await con.run(`COPY (SELECT * FROM (VALUES
  ('nat-0a', MAP {'k': 'v'}, -7, 1793577600::BIGINT, 0.5::FLOAT, 0.1::DOUBLE,
   TIMESTAMP '2026-11-02 05:00:00', '2026-11-02 00:00:00.123'::TIMESTAMP_MS,
   '2026-11-02 00:00:00.000000001'::TIMESTAMP_NS, DATE '2026-11-02',
   1.5::DECIMAL(18,4), 12.34::DECIMAL(9,2), 4.32::DECIMAL(38,10), true),
  (NULL, MAP {}, 0, NULL, 0.1::FLOAT, 4.32::DOUBLE,
   TIMESTAMP '2026-11-02 05:00:00.25', NULL, NULL, DATE '1970-01-01',
   -0.0001::DECIMAL(18,4), -0.05::DECIMAL(9,2), -1::DECIMAL(38,10), false),
  ('a,b "c"', NULL, 2147483647, -1::BIGINT, NULL, NULL,
   TIMESTAMP '1969-12-31 23:59:59.5', NULL, NULL, DATE '1969-12-31',
   0::DECIMAL(18,4), 0::DECIMAL(9,2), NULL, NULL)
) t(s, tags, i32, i64, f, d, ts_us, ts_ms, ts_ns, dt, dec18, dec9, dec38, b))
  TO ${q(join(dir, 'cols_types.parquet'))} (FORMAT parquet, COMPRESSION snappy)`);

// cur2_small.parquet: three CUR 2.0 line items (the NAT bytes of test_cur's
// legacy CSV, a tax line, an InterZone-Out without resource id), ZSTD
await con.run(`COPY (SELECT * FROM (VALUES
  ('1', 'Usage', TIMESTAMP '2026-11-02 00:00:00', TIMESTAMP '2026-11-03 00:00:00', 'NatGateway-Bytes', 'NatGateway',
   'arn:aws:ec2:us-east-1:1:natgateway/nat-0a', 96.0::DOUBLE, 4.32::DOUBLE),
  ('2', 'Tax', TIMESTAMP '2026-11-02 00:00:00', TIMESTAMP '2026-11-03 00:00:00', 'NatGateway-Bytes', 'NatGateway',
   NULL, 0::DOUBLE, 1.23::DOUBLE),
  ('3', 'Usage', TIMESTAMP '2026-11-02 05:00:00', TIMESTAMP '2026-11-02 06:00:00', 'DataTransfer-Regional-Bytes',
   'InterZone-Out', NULL, 0.5::DOUBLE, 0.005::DOUBLE)
) t(identity_line_item_id, line_item_line_item_type, line_item_usage_start_date, line_item_usage_end_date,
    line_item_usage_type, line_item_operation, line_item_resource_id, line_item_usage_amount,
    line_item_unblended_cost))
  TO ${q(join(dir, 'cur2_small.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
