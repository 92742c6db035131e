import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API } from '../shared/api/index.js';
import { routeIndexMarkdown, withRouteIndex } from '../shared/api/route-index.js';

/** `npm run docs:routes`: writes the route index of docs/api.md from the route table (shared/api). */
const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/api.md');
const before = fs.readFileSync(file, 'utf8');
const after = withRouteIndex(before, routeIndexMarkdown(API));
if (after !== before) fs.writeFileSync(file, after);
console.log(after === before ? 'docs/api.md: route index already current' : `docs/api.md: route index written (${Object.keys(API).length} routes)`);
