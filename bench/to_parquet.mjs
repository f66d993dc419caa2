// to_parquet: flow-log text files (plain or gzip, with a header line) as
// Parquet written by DuckDB with AWS's column names and types (the Athena
// DDL for Parquet flow logs: version int, account_id string, ...,
// protocol/packets/bytes/start/end bigint), one OUTDIR/NAME.parquet per
// input, for the Parquet rows of docs/performance.md.
// usage: node to_parquet.mjs CODEC OUTDIR FILE...   (CODEC: zstd, snappy, gzip)
import { DuckDBInstance } from '@duckdb/node-api';
import { basename, join } from 'node:path';

const [codec, outdir, ...files] = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node to_parquet.mjs CODEC OUTDIR FILE...');
  process.exit(2);
}
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
const ints = { version: 'INTEGER', srcport: 'INTEGER', dstport: 'INTEGER', protocol: 'BIGINT', packets: 'BIGINT',
  bytes: 'BIGINT', start: 'BIGINT', end: 'BIGINT', 'tcp-flags': 'INTEGER', 'traffic-path': 'INTEGER' };
for (const f of files) {
  const src = `read_csv(${q(f)}, delim=' ', header=true, nullstr='-', auto_detect=true, all_varchar=true)`;
  const desc = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
  const cols = desc.getRows().map((r) => String(r[0]));
  const sel = cols.map((c) => `${ints[c] ? `CAST("${c}" AS ${ints[c]})` : `"${c}"`} AS ${c.replaceAll('-', '_')}`);
  const out = join(outdir, basename(f).replace(/\.log(\.gz)?$/, '') + '.parquet');
  await con.run(`COPY (SELECT ${sel.join(', ')} FROM ${src}) TO ${q(out)} (FORMAT parquet, COMPRESSION ${codec})`);
}
