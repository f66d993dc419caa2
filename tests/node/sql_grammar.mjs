// sql_grammar: each file's SQL through the grammar Athena parses it with —
// DDL (CREATE EXTERNAL TABLE ...) is Hive's (Athena runs DDL on Hive;
// Trino's grammar has no EXTERNAL, ROW FORMAT or TBLPROPERTIES), queries
// are Trino's — using dt-sql-parser's HiveSQL and TrinoSQL (ANTLR grammars).
// Prints "FILE: ok (trino|hive)" or "FILE:LINE:COL: message" per error; exit 1
// when any file has one.
// usage: node --experimental-loader ./resolve_hook.mjs sql_grammar.mjs FILE...
import { readFileSync } from 'node:fs';
// only the two parsers: importing the package's index loads every dialect
import { TrinoSQL } from 'dt-sql-parser/dist/parser/trino/index.js';
import { HiveSQL } from 'dt-sql-parser/dist/parser/hive/index.js';

const parsers = { trino: new TrinoSQL(), hive: new HiveSQL() };
let bad = 0;
for (const f of process.argv.slice(2)) {
  const sql = readFileSync(f, 'utf8');
  const dialect = /^\s*CREATE\s+EXTERNAL\s+TABLE/i.test(sql) ? 'hive' : 'trino';
  const errs = parsers[dialect].validate(sql);
  if (!errs.length) console.log(`${f}: ok (${dialect})`);
  for (const e of errs) console.log(`${f}:${e.startLine}:${e.startColumn}: ${e.message}`);
  bad += errs.length ? 1 : 0;
}
process.exit(bad ? 1 : 0);
