/**
 * Reading a Chromium CPU profile (CDP `Profiler.stop`) by hand: self time per function and per
 * package, with the bundle's positions mapped back to the sources when the client was built with
 * source maps (`npx vite build --sourcemap`); otherwise the minified names are all there is.
 */
import fs from 'node:fs';
import path from 'node:path';

/** What CDP `Profiler.stop` answers (the parts read here). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One row of the self-time table. */
export interface SelfTime {
  /** `source:line function`, or a V8 pseudo-frame such as `(garbage collector)`. */
  name: string;
  /** The package it belongs to (`supercluster`, `leaflet`, `@vue/reactivity`…), `client/` for ours, or the pseudo-frame. */
  bucket: string;
  ms: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one source-map segment's base64 VLQ fields. */
function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

interface Mapped {
  source: string;
  line: number;
  column: number;
  name: string | null;
}

/** A version-3 source map, decoded once: generated line → segments sorted by column. */
class SourceMap {
  private readonly lines: { column: number; source: number; line: number; sourceColumn: number; name: number }[][] = [];

  constructor(private readonly map: { sources: string[]; names: string[]; mappings: string; sourcesContent?: (string | null)[] }) {
    let source = 0;
    let line = 0;
    let sourceColumn = 0;
    let name = 0;
    for (const generated of map.mappings.split(';')) {
      let column = 0;
      const segments: SourceMap['lines'][number] = [];
      for (const text of generated.split(',')) {
        if (!text) continue;
        const fields = decodeVlq(text);
        column += fields[0] ?? 0;
        if (fields.length < 4) continue;
        source += fields[1] ?? 0;
        line += fields[2] ?? 0;
        sourceColumn += fields[3] ?? 0;
        if (fields.length > 4) name += fields[4] ?? 0;
        segments.push({ column, source, line, sourceColumn, name: fields.length > 4 ? name : -1 });
      }
      this.lines.push(segments);
    }
  }

  /**
   * The original position of a function that starts at a generated position (0-based). A function's
   * start (`(` of an arrow, `function`) often has no segment of its own, and in a minified bundle the
   * segment before it may be the previous module's: then the next segment on the line (inside the
   * function) says where it is, `exact` false.
   */
  at(line: number, column: number): (Mapped & { exact: boolean }) | null {
    const segments = this.lines[line];
    if (!segments) return null;
    let before: (typeof segments)[number] | undefined;
    let after: (typeof segments)[number] | undefined;
    for (const segment of segments) {
      if (segment.column > column) {
        after = segment;
        break;
      }
      before = segment;
    }
    const exact = before?.column === column;
    const found = exact ? before : after && after.column - column < 64 ? after : before;
    if (!found) return null;
    return { source: this.map.sources[found.source] ?? '?', line: found.line, column: found.sourceColumn, name: exact && found.name >= 0 ? (this.map.names[found.name] ?? null) : null, exact };
  }

  /** The original line's text, when the map carries its sources. */
  lineText(source: string, line: number): string | null {
    const index = this.map.sources.indexOf(source);
    return this.map.sourcesContent?.[index]?.split('\n')[line] ?? null;
  }
}

/**
 * The function's name as the original source writes it at its start (`function foo`, `foo(`,
 * `foo = (`…); from inside its parameters (`exact` false), what precedes their `(`.
 */
function nameInSource(text: string, column: number, exact: boolean): string | null {
  const start = exact ? column : text.lastIndexOf('(', column);
  if (start < 0) return null;
  const from = text.slice(start);
  const declared = /^(?:async\s+)?function\s*\*?\s*([\w$]+)/.exec(from) ?? /^(?:async\s+)?(?:get\s+|set\s+|static\s+)?([\w$]+)\s*\(/.exec(from);
  if (declared?.[1] && declared[1] !== 'function') return declared[1];
  const before = text.slice(0, start);
  const named = /([\w$.]+)\s*[:=]\s*(?:async\s*)?(?:function\b[^(]*)?$/.exec(before) ?? /(?:^|[\s{};,])(?:async\s+)?(?:function\s*\*?\s*)?([\w$]+)\s*$/.exec(before);
  const name = named?.[1];
  return name && !['if', 'for', 'while', 'switch', 'catch', 'return', 'function'].includes(name) ? name : null;
}

/** `node_modules/<package>` (scoped ones whole), `client/`, `shared/`, or the file itself. */
function bucketOf(source: string): string {
  // The innermost package, for one bundled inside another's node_modules.
  const modules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (modules?.[1]) return modules[1];
  const ours = /(?:^|\/)(client|shared)\//.exec(source);
  return ours?.[1] ? `${ours[1]}/` : source;
}

/**
 * Self time per function, largest first. `assetsDir` is where the served bundle lies on disk
 * (its `.map` files are read from there when present); every sample's time goes to its leaf frame.
 */
export function selfTimes(profile: CpuProfile, assetsDir: string): { functions: SelfTime[]; buckets: SelfTime[]; totalMs: number; mapped: boolean } {
  const frames = frameNames(profile, assetsDir);
  const describe = frames.describe;

  const selfById = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i: the time a sample stands for is the next delta.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    selfById.set(id, (selfById.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const functions = new Map<string, SelfTime>();
  const buckets = new Map<string, SelfTime>();
  for (const [id, ms] of selfById) {
    const { name, bucket } = describe(id);
    const row = functions.get(name) ?? { name, bucket, ms: 0 };
    row.ms += ms;
    functions.set(name, row);
    const group = buckets.get(bucket) ?? { name: bucket, bucket, ms: 0 };
    group.ms += ms;
    buckets.set(bucket, group);
  }
  const sorted = (rows: Iterable<SelfTime>) => [...rows].sort((a, b) => b.ms - a.ms);
  return { functions: sorted(functions.values()), buckets: sorted(buckets.values()), totalMs: (profile.endTime - profile.startTime) / 1000, mapped: frames.mapped() };
}

/**
 * Names the profile's nodes (by id) as `source:line function` with the package they belong to,
 * through the bundle's source maps in `assetsDir` when present; `mapped()` says whether any was.
 */
export function frameNames(profile: CpuProfile, assetsDir: string): { describe: (id: number) => { name: string; bucket: string }; mapped: () => boolean } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    const file = path.join(assetsDir, path.basename(new URL(url).pathname));
    if (!maps.has(file)) maps.set(file, fs.existsSync(`${file}.map`) ? new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null);
    return maps.get(file) ?? null;
  };
  let mapped = false;
  const describe = (id: number): { name: string; bucket: string } => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return { name: '(unknown)', bucket: '(unknown)' };
    if (!frame.url) {
      // V8's pseudo-frames and built-ins: (program), (idle), (garbage collector), native DOM calls.
      const name = frame.functionName || '(anonymous native)';
      return { name, bucket: name.startsWith('(') ? name : '(native)' };
    }
    if (!frame.url.startsWith('http')) return { name: `${frame.url}:${frame.lineNumber + 1} ${frame.functionName}`, bucket: frame.url };
    const map = mapOf(frame.url);
    const original = map?.at(frame.lineNumber, frame.columnNumber);
    if (!map || !original) return { name: `${path.basename(frame.url)}:${frame.lineNumber + 1}:${frame.columnNumber + 1} ${frame.functionName || '(anonymous)'}`, bucket: path.basename(frame.url) };
    mapped = true;
    // Sources are relative to the bundle (`../../node_modules/…`, or through a symlinked node_modules `../../../main/node_modules/…`).
    const source = original.source.replace(/^(\.\.\/)+/, '').replace(/^.*?(node_modules\/)/, '$1');
    const text = map.lineText(original.source, original.line);
    const name = original.name ?? (text ? nameInSource(text, original.column, original.exact) : null) ?? '(anonymous)';
    return { name: `${source}:${original.line + 1} ${name}`, bucket: bucketOf(source) };
  };
  return { describe, mapped: () => mapped };
}
