import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API } from '../../shared/api/index.js';
import { ROUTE_INDEX_END, ROUTE_INDEX_START, routeIndexMarkdown, withRouteIndex } from '../../shared/api/route-index.js';

describe('the route index of docs/api.md', () => {
  it('is the route table as it is now (run `npm run docs:routes` after changing shared/api)', () => {
    const document = fs.readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const index = document.slice(document.indexOf(ROUTE_INDEX_START), document.indexOf(ROUTE_INDEX_END) + ROUTE_INDEX_END.length);
    expect(index).toBe(routeIndexMarkdown(API));
  });

  it('names every route once, with its method, path and access', () => {
    const index = routeIndexMarkdown(API);
    for (const [name, spec] of Object.entries(API)) expect(index).toContain(`| \`${name}\` | \`${spec.method} /api/v1${spec.path}\` |`);
    expect(index.split('\n').filter((line) => line.startsWith('| `')).length).toBe(Object.keys(API).length);
  });

  it('replaces an index in place and appends one to a document without', () => {
    const document = `# API\n\ntext\n\n${ROUTE_INDEX_START}\nold\n${ROUTE_INDEX_END}\n\nafter\n`;
    expect(withRouteIndex(document, 'NEW')).toBe('# API\n\ntext\n\nNEW\n\nafter\n');
    expect(withRouteIndex('# API\n', 'NEW')).toBe('# API\n\n## Route index\n\nEvery REST route, from the route table (`shared/api`). Details are in the sections above.\n\nNEW\n');
  });
});
