// make_fixtures: the same flow-log records as a text file (flows.log) and as
// Parquet files written by DuckDB with AWS's column names and types (the
// Athena DDL for Parquet flow logs: version int, account_id string, ...,
// protocol/packets/bytes/start/end bigint, traffic_path int), one file per
// codec, page version and dictionary setting. The outputs are committed, so
// ctest never needs npm; re-run only to change the fixtures.
// usage: cd bench && npm install && node ../tests/parquet/make_fixtures.mjs
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
// DuckDB is installed in bench/ (its package.json), not beside this script
const req = createRequire(join(dir, '..', '..', 'bench', 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
const fields = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport',
  'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id',
  'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr', 'region', 'az-id',
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path'];
const types = {
  version: 'INTEGER', srcport: 'INTEGER', dstport: 'INTEGER', protocol: 'BIGINT', packets: 'BIGINT',
  bytes: 'BIGINT', start: 'BIGINT', end: 'BIGINT', tcp_flags: 'INTEGER', traffic_path: 'INTEGER',
};

// A small deterministic generator (no Math.random: the fixtures must not
// change when re-made).
let seed = 12345;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const pick = (a) => a[rnd(a.length)];
const enis = Array.from({ length: 9 }, (_, i) => `eni-0${(0xa1b2c3 + i * 7919).toString(16)}0000000${i}`);
const lines = [fields.join(' ')];
for (let i = 0; i < 300; i++) {
  const eni = pick(enis);
  const t0 = 1700000000 + rnd(7200);
  if (i % 37 === 5) { // NODATA: most fields absent
    lines.push(['5', '123456789012', eni, '-', '-', '-', '-', '-', '-', '-', String(t0), String(t0 + 60),
      '-', 'NODATA', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-'].join(' '));
    continue;
  }
  const v6 = i % 23 === 3;
  const src = v6 ? `2600:1f18:${rnd(99)}::${rnd(999) + 1}` : `10.0.${rnd(4)}.${rnd(250) + 1}`;
  const dst = pick(['10.0.1.5', '52.94.0.10', '172.31.7.7', '8.8.8.8', '54.239.28.85', '10.0.3.200']);
  const pkts = 1 + rnd(5000);
  const bytes = pkts * (40 + rnd(1400)) + (i % 50 === 7 ? 5000000000 : 0); // some > 2^32
  const act = i % 11 === 0 ? 'REJECT' : 'ACCEPT';
  const svc = dst.startsWith('52.94') ? 'DYNAMODB' : (dst.startsWith('54.') ? 'S3' : '-');
  lines.push(['5', pick(['123456789012', '210987654321']), eni, src, dst, String(1024 + rnd(60000)),
    String(pick([443, 80, 22, 5432, 53])), String(pick([6, 17, 6, 6])), String(pkts), String(bytes),
    String(t0), String(t0 + rnd(600)), act, 'OK', pick(['vpc-0aaa1111', 'vpc-0bbb2222']),
    pick(['subnet-01', 'subnet-02', '-']), i % 3 ? 'i-0123456789abcdef0' : '-', String(pick([0, 2, 18, 19])),
    v6 ? 'IPv6' : 'IPv4', src, i % 13 === 1 ? '100.64.0.9' : dst, 'us-east-1', pick(['use1-az1', 'use1-az2']),
    '-', svc, pick(['ingress', 'egress']), i % 4 ? String(1 + rnd(8)) : '-'].join(' '));
}
writeFileSync(join(dir, 'flows.log'), lines.join('\n') + '\n');

const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
const cols = fields.map((f) => {
  const u = f.replaceAll('-', '_');
  return `"${f}"::${types[u] ?? 'VARCHAR'} AS "${u}"`;
}).join(', ');
await con.run(`CREATE TABLE flows AS SELECT ${cols} FROM read_csv(${q(join(dir, 'flows.log'))},
  delim=' ', header=true, nullstr='-', all_varchar=true)`);
const variants = [
  ['gzip_v1', "COMPRESSION gzip, PARQUET_VERSION v1"],
  ['snappy_v1', "COMPRESSION snappy, PARQUET_VERSION v1"],
  ['zstd_v1', "COMPRESSION zstd, PARQUET_VERSION v1"],
  ['none_v1', "COMPRESSION uncompressed, PARQUET_VERSION v1"],
  ['zstd_v2', "COMPRESSION zstd, PARQUET_VERSION v2"],
  ['gzip_v2', "COMPRESSION gzip, PARQUET_VERSION v2"],
  ['snappy_v2_nodict', "COMPRESSION snappy, PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 1"],
  ['none_v1_nodict', "COMPRESSION uncompressed, PARQUET_VERSION v1, DICTIONARY_SIZE_LIMIT 1"],
];
for (const [name, opts] of variants) {
  await con.run(`COPY flows TO ${q(join(dir, `flows_${name}.parquet`))}
    (FORMAT parquet, ROW_GROUP_SIZE 128, ${opts})`);
}

// Several row groups need more rows than DuckDB's 2048-row granularity: a
// second, low-entropy file in the default v2 format (gzip text), 4,500
// records in row groups of 2,048, for the split across threads.
const v2 = fields.slice(0, 14);
const big = [v2.join(' ')];
for (let i = 0; i < 4500; i++) {
  const t0 = 1700000000 + 60 * (i % 50);
  big.push(['2', '123456789012', enis[i % 3], `10.0.0.${1 + (i % 7)}`, pick(['10.0.1.5', '8.8.8.8']),
    String(40000 + (i % 5)), '443', '6', String(1 + (i % 9)), String(100 * (1 + (i % 13))), String(t0),
    String(t0 + 60), i % 17 ? 'ACCEPT' : 'REJECT', 'OK'].join(' '));
}
writeFileSync(join(dir, 'flows_rg.log.gz'), gzipSync(big.join('\n') + '\n', { level: 9 }));
await con.run(`CREATE TABLE big AS SELECT ${v2.map((f) => {
  const u = f.replaceAll('-', '_');
  return `"${f}"::${types[u] ?? 'VARCHAR'} AS "${u}"`;
}).join(', ')} FROM read_csv(${q(join(dir, 'flows_rg.log.gz'))}, delim=' ', header=true, nullstr='-', all_varchar=true)`);
await con.run(`COPY big TO ${q(join(dir, 'flows_rg_zstd.parquet'))}
  (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd, PARQUET_VERSION v1)`);

// Seeds for tests/fuzz/fuzz_parquet: the first 12 records, one file per
// codec / page version / encoding family, as small as DuckDB writes them.
const seeds = join(dir, '..', 'fuzz', 'corpus', 'fuzz_parquet');
const seedVariants = [
  ['none_v1', 'COMPRESSION uncompressed, PARQUET_VERSION v1'],
  ['none_v2_nodict', 'COMPRESSION uncompressed, PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 1'],
  ['snappy_v1', 'COMPRESSION snappy, PARQUET_VERSION v1'],
  ['gzip_v2', 'COMPRESSION gzip, PARQUET_VERSION v2'],
  ['zstd_v2', 'COMPRESSION zstd, PARQUET_VERSION v2'],
];
for (const [name, opts] of seedVariants) {
  await con.run(`COPY (SELECT * FROM flows LIMIT 12) TO ${q(join(seeds, `${name}.parquet`))}
    (FORMAT parquet, ${opts})`);
}

// Values a flow-log line could not hold: row 2's srcport 70000 and row 3's
// protocol -1 are malformed records, reported by row number.
await con.run(`COPY (SELECT * FROM (VALUES
    (2, '123456789012', 'eni-0a1b2c3d', '10.0.0.1', '10.0.0.2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'),
    (2, '123456789012', 'eni-0a1b2c3d', '10.0.0.1', '10.0.0.2', 70000, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'),
    (2, '123456789012', 'eni-0a1b2c3d', '10.0.0.1', '10.0.0.2', 443, 5000, -1::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'))
  t(version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, "end", action, log_status))
  TO ${q(join(dir, 'bad_values.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);

// Values whose text the line parser takes otherwise than a column reader
// might (tests/test_parquet.c reads them as records and as text and
// compares): a trailing CR on the last column (dropped with the line's
// end), a space inside an id (two tokens), a newline inside an id (two
// lines), an empty string and a '-' (absent), an IPv6 address, and rows
// of plain values around them.
await con.run(`COPY (SELECT * FROM (VALUES
    (2, '123456789012', 'eni-0a1b2c3d', '10.0.0.1', '10.0.0.2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK' || chr(13)),
    (2, '1234 56789012', 'eni-0a1b2c3d', '10.0.0.1', '10.0.0.2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'),
    (2, '123456789012', 'eni-0a1b' || chr(10) || 'eni-2c3d', '10.0.0.1', '10.0.0.2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'),
    (2, '', 'eni-0a1b2c3d', '-', '10.0.0.2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'REJECT', 'OK'),
    (2, '123456789012', 'eni-0a1b2c3d', '2001:db8::1', '2001:db8::2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000123::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'),
    (2, '123456789012', 'eni-0a1b2c3d', '10.0.0.1 ', '10.0.0.2', 443, 5000, 6::BIGINT, 10::BIGINT, 840::BIGINT, 1700000000::BIGINT, 1700000060::BIGINT, 'ACCEPT', 'OK'),
    (2, '123456789012', 'eni-0a1b2c3d', '10.0.0.3', '10.0.0.4', 80, 6000, 17::BIGINT, 3::BIGINT, 120::BIGINT, 1700003600::BIGINT, 1700003660::BIGINT, 'ACCEPT', 'NODATA'))
  t(version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, "end", action, log_status))
  TO ${q(join(dir, 'edge_values.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
