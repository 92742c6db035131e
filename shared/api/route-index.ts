import type { RouteSpec } from './route.js';

/** The markers around the generated route index in docs/api.md. */
export const ROUTE_INDEX_START = '<!-- route index: generated from shared/api by `npm run docs:routes`; do not edit by hand -->';
export const ROUTE_INDEX_END = '<!-- end of route index -->';

/** Who may call, as the index says it. */
function access(allow: RouteSpec['allow']): string {
  if (allow === 'public') return 'anyone';
  if (allow === 'signed-in') return 'signed in';
  if (allow === 'ingest') return 'ingest token';
  if (allow === 'ingest-or-read') return 'ingest token or `read`';
  return `\`${allow}\``;
}

/** What a route answers, as the index says it. */
function answerOf(spec: RouteSpec): string {
  const status = spec.status ?? (spec.answer === 'none' ? 204 : 200);
  const kind = spec.answer === 'file' ? 'file' : spec.answer === 'none' ? 'no content' : 'JSON';
  return `${status} ${kind}${spec.heavy ? ' · expensive read' : ''}`;
}

/**
 * The route index of docs/api.md: every route of the table, its name (what the client calls it
 * by), method and path, who may call it, what it answers, and what it does. A unit test fails when
 * docs/api.md holds another index than the table's (run `npm run docs:routes`).
 */
export function routeIndexMarkdown(routes: Record<string, RouteSpec>): string {
  const rows = Object.entries(routes).map(
    ([name, spec]) => `| \`${name}\` | \`${spec.method} /api/v1${spec.path}\` | ${access(spec.allow)} | ${answerOf(spec)} | ${spec.summary} |`,
  );
  return [ROUTE_INDEX_START, '', '| name | route | who may call | answer | what it does |', '| --- | --- | --- | --- | --- |', ...rows, '', ROUTE_INDEX_END].join('\n');
}

/** `document` with its route index replaced by `index` (appended under a heading when it has none). */
export function withRouteIndex(document: string, index: string): string {
  const start = document.indexOf(ROUTE_INDEX_START);
  const end = document.indexOf(ROUTE_INDEX_END);
  if (start < 0 || end < start) return `${document.trimEnd()}\n\n## Route index\n\nEvery REST route, from the route table (\`shared/api\`). Details are in the sections above.\n\n${index}\n`;
  return document.slice(0, start) + index + document.slice(end + ROUTE_INDEX_END.length);
}
