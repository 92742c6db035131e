import { describe, expect, it } from 'vitest';
import { JsonScanner, scanJson, type JsonLimits } from '../../server/http/json-guard.js';

const limits: JsonLimits = { maxDepth: 3, maxItems: 4, maxValues: 20 };
const bytes = (text: string) => new TextEncoder().encode(text);

describe('JsonScanner', () => {
  it('passes texts within the limits and names the first limit broken', () => {
    expect(scanJson(bytes('{"a":[1,2,{"b":"x\\"]]]]"}],"c":null}'), limits)).toBeNull();
    expect(scanJson(bytes('[[[[1]]]]'), limits)).toMatchObject({ limit: 'depth', max: 3 });
    expect(scanJson(bytes('[1,2,3,4,5]'), limits)).toMatchObject({ limit: 'items', max: 4 });
    expect(scanJson(bytes('[1,2,3,4]'), limits)).toBeNull();
    expect(scanJson(bytes(`[${'[1,1,1],'.repeat(6)}1]`), { ...limits, maxItems: 10 })).toMatchObject({ limit: 'values' });
    expect(scanJson(bytes('[{},{},{}]'), { ...limits, maxTopItems: 2 })).toMatchObject({ limit: 'topItems', max: 2 });
    // Brackets, commas and escaped quotes inside strings are text, not structure.
    expect(scanJson(bytes('["[[[[,,,,,\\\\", "\\\\\\"[[[["]'), limits)).toBeNull();
  });

  it('gives the same answer whatever the chunks the text arrives in', () => {
    const texts = ['{"a":[1,2,{"b":"x\\"]]]]"}],"c":null}', '["a\\\\", "b\\\\\\"[[[[", 12345, true]', '[[[[1]]]]', '[1,2,3,4,5]', '["\\\\\\\\",[1,[2,[3]]]]'];
    for (const text of texts) {
      const whole = scanJson(bytes(text), limits);
      for (let cut = 0; cut <= text.length; cut++) {
        for (let cut2 = cut; cut2 <= text.length; cut2 += 3) {
          const scanner = new JsonScanner(limits);
          const answer = scanner.push(bytes(text.slice(0, cut))) ?? scanner.push(bytes(text.slice(cut, cut2))) ?? scanner.push(bytes(text.slice(cut2)));
          expect(answer?.limit ?? null, `${text} cut at ${cut}, ${cut2}`).toBe(whole?.limit ?? null);
        }
      }
    }
  });
});
