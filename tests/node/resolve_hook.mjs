// dt-sql-parser's dist is ES modules written for bundlers: its relative
// imports name neither ".js" nor "/index.js", which Node's resolver wants.
// Loaded with `node --experimental-loader` (Node 18 and later).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(spec, ctx, next) {
  try {
    return await next(spec, ctx);
  } catch (e) {
    if (!spec.startsWith('.') || !ctx.parentURL) throw e;
    const base = new URL(spec, ctx.parentURL).href;
    for (const cand of [base + '.js', base + '/index.js']) {
      const p = fileURLToPath(cand);
      if (existsSync(p) && statSync(p).isFile()) return next(cand, ctx);
    }
    throw e;
  }
}
