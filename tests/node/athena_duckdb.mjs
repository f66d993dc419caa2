// athena_duckdb: Athena's side of tests/athena_duckdb_test.sh, played by
// DuckDB. The table comes from the DDL `flowcost athena ddl` printed, read
// the way Athena reads it: a view of that name over the flow-log files under
// ROOT (ROOT stands for the s3://BUCKET of the table's LOCATION), its
// columns in the DDL's order, typed as Hive's text SerDe types them (a
// field that does not parse as the column's int/bigint is NULL; a string
// column keeps "-"), the partition columns taken from each file's path by
// the DDL's storage.location.template. Then the query `--print-sql` printed
// runs on that view.
//
// The one Trino-to-DuckDB translation: Trino's `/` on two integers is
// integer division (truncating), DuckDB's gives a double; the query's
// integer divisions (" / 1000", " / 3600") become DuckDB's `//`, which
// floors: the same for the positive start times flow logs hold.
//
// Out: the result as Athena's GetQueryResults rows in OUT.json (the header
// row, then {"VarCharValue": text} cells, {} for NULL) and as the CSV Athena
// writes to the output location in OUT.csv (every value quoted, NULL empty).
// Several tables in one run (one Node start-up): repeat the four arguments.
//
// usage: node athena_duckdb.mjs DDL.sql QUERY.sql ROOT OUT [DDL.sql QUERY.sql ROOT OUT]...
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (!args.length || args.length % 4) {
  console.error('usage: node athena_duckdb.mjs DDL.sql QUERY.sql ROOT OUT [DDL.sql QUERY.sql ROOT OUT]...');
  process.exit(2);
}
const die = (m) => { console.error(`athena_duckdb: ${m}`); process.exit(1); };
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
for (let a = 0; a < args.length; a += 4) await run(...args.slice(a, a + 4));

async function run(ddlFile, queryFile, root, out) {
  const ddl = readFileSync(ddlFile, 'utf8');
  const query = readFileSync(queryFile, 'utf8');

  // ---- the DDL, as far as a view needs it
  const m = ddl.match(/^CREATE EXTERNAL TABLE IF NOT EXISTS (\S+) \(\n([\s\S]*?)\n\)\nPARTITIONED BY \(([^)]*)\)/);
  if (!m) die('cannot read the DDL');
  const table = m[1];
  const unq = (s) => s.replace(/`/g, '');
  const cols = m[2].split(',\n').map((l) => l.trim().split(/\s+/)).map(([n, t]) => ({ name: unq(n), type: t }));
  const parts = m[3].split(',').map((p) => unq(p.trim().split(/\s+/)[0]));
  const parquet = /ParquetHiveSerDe/.test(ddl);
  const prop = (k) => (ddl.match(new RegExp(`"${k.replace(/\./g, '\\.')}" = "([^"]*)"`)) || [])[1];
  const template = prop('storage.location.template');
  const dateFormat = prop('projection.date.format');
  if (!template || !dateFormat) die('the DDL has no storage.location.template or projection.date.format');
  const hive = dateFormat.startsWith("'year='");
  const skipHeader = prop('skip.header.line.count') === '1';
  if (!parquet && !skipHeader) die('a text table without skip.header.line.count = 1');

  // ---- each file's partition values from its path
  const bucket = template.match(/^s3:\/\/[^/]+\//);
  if (!bucket) die(`template ${template} is not s3://BUCKET/...`);
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const partRe = { date: hive ? 'year=\\d{4}/month=\\d{2}/day=\\d{2}' : '\\d{4}/\\d{2}/\\d{2}', hour: '\\d{2}' };
  const order = [];
  const re = new RegExp('^' + template.slice(bucket[0].length).split(/(\$\{[a-z_]+\})/).map((piece) => {
    const v = piece.match(/^\$\{([a-z_]+)\}$/);
    if (!v) return esc(piece);
    order.push(v[1]);
    return `(${partRe[v[1]] || '[^/]+'})`;
  }).join('') + '[^/]+$');
  const walk = (d) => readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
  const files = [];
  for (const f of walk(root).sort()) {
    const v = relative(root, f).match(re);
    if (v) files.push({ f, vals: Object.fromEntries(order.map((k, i) => [k, v[i + 1]])) });
  }
  if (!files.length) die(`no file under ${root} matches ${re}`);
  for (const p of parts) if (!order.includes(p)) die(`partition ${p} is not in the template`);

  // ---- the view
  const lit = (s) => "'" + s.replaceAll("'", "''") + "'";
  const id = (s) => '"' + s.replaceAll('"', '""') + '"';
  const duckType = { int: 'INTEGER', bigint: 'BIGINT', string: 'VARCHAR' };
  const con = await inst.connect();
  await con.run('DROP TABLE IF EXISTS parts');
  await con.run(`CREATE TABLE parts (file VARCHAR, ${parts.map((p) => `${id(p)} VARCHAR`).join(', ')})`);
  await con.run(`INSERT INTO parts VALUES ${files.map(({ f, vals }) =>
    `(${[f, ...parts.map((p) => vals[p])].map(lit).join(', ')})`).join(',\n')}`);
  const list = `[${files.map(({ f }) => lit(f)).join(', ')}]`;
  let src, sel;
  if (parquet) {
    src = `read_parquet(${list}, filename = true)`;
    sel = cols.map((c) => `TRY_CAST(r.${id(c.name)} AS ${duckType[c.type]}) AS ${id(c.name)}`);
  } else {
    // Hive's text SerDe: fields by position, no quoting; a bad number is NULL
    const spec = cols.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    src = `read_csv(${list}, delim = ' ', quote = '', escape = '', header = true, filename = true, columns = {${spec}})`;
    sel = cols.map((c, i) => c.type === 'string' ? `r.c${i} AS ${id(c.name)}` : `TRY_CAST(r.c${i} AS ${duckType[c.type]}) AS ${id(c.name)}`);
  }
  const [schema] = table.includes('.') ? table.split('.') : [null];
  if (schema) await con.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  else await con.run(`DROP VIEW IF EXISTS ${table}`);
  await con.run(`CREATE VIEW ${table} AS SELECT ${sel.join(', ')}, ${parts.map((p) => `p.${id(p)}`).join(', ')}
    FROM ${src} r JOIN parts p ON r.filename = p.file`);

  // ---- the query, with its integer divisions in DuckDB's spelling
  let n = 0;
  const sql = query.replace(/ \/ (\d+)/g, (_, d) => { n++; return ` // ${d}`; });
  if (!n) die('no integer division in the query: has its shape changed?');
  const res = await con.runAndReadAll(sql);
  const names = res.columnNames();
  const rows = res.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
  const cell = (v) => (v === null ? {} : { VarCharValue: v });
  writeFileSync(out + '.json', JSON.stringify([{ Data: names.map(cell) }, ...rows.map((r) => ({ Data: r.map(cell) }))]));
  const q = (v) => (v === null ? '' : '"' + v.replaceAll('"', '""') + '"');
  writeFileSync(out + '.csv', [names, ...rows].map((r) => r.map(q).join(',') + '\n').join(''));
  console.log(`${out}: ${rows.length} groups from ${files.length} files`);
}
