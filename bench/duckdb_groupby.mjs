// duckdb_groupby: the reference side of bench/run.sh — DuckDB's GROUP BY of
// cli.md over the same flow-log files, written as CSV in flowcost's column
// order so that the two results can be compared row for row.
// usage: node duckdb_groupby.mjs THREADS OUT.csv FILE...
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, out, ...files] = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node duckdb_groupby.mjs THREADS OUT.csv FILE...');
  process.exit(2);
}
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await inst.connect();
// Space-separated text with a header line; '-' is NULL (absent), as in AWS's
// own Athena DDL for flow logs. Counters as UBIGINT so that sums cannot wrap.
const src = `read_csv([${files.map(q).join(',')}], delim=' ', header=true, nullstr='-',
  auto_detect=true, types={'packets': 'UBIGINT', 'bytes': 'UBIGINT', 'srcaddr': 'VARCHAR', 'dstaddr': 'VARCHAR'})`;
await con.run(`COPY (
  SELECT "interface-id" AS interface_id, srcaddr, dstaddr, action, "log-status" AS log_status,
         coalesce(sum(packets), 0) AS packets, coalesce(sum(bytes), 0) AS bytes, count(*) AS records
  FROM ${src}
  GROUP BY ALL
  ORDER BY bytes DESC, interface_id, srcaddr, dstaddr, action, log_status
) TO ${q(out)} (HEADER, DELIMITER ',')`);
