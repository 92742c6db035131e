// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useOperatorStore } from '../../client/stores/operator.js';

describe('useOperatorStore().actingName', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });

  it('answers at once with the name this screen remembers', async () => {
    const sut = useOperatorStore();
    sut.setName('李科长');
    await expect(sut.actingName()).resolves.toBe('李科长');
    expect(sut.asking).toBe(false);
  });

  it('asks when no name is set, and every write that waited goes on under the name given', async () => {
    const sut = useOperatorStore();
    const first = sut.actingName();
    const second = sut.actingName();
    expect(sut.asking).toBe(true);
    sut.setName('  王科员 ');
    sut.finishAsking();
    await expect(Promise.all([first, second])).resolves.toEqual(['王科员', '王科员']);
    expect(sut.asking).toBe(false);
    expect(localStorage.getItem('xiaoan.operator')).toBe('王科员');
  });

  it('stops the waiting writes when the person declines to give a name', async () => {
    const sut = useOperatorStore();
    const waiting = sut.actingName();
    sut.finishAsking();
    await expect(waiting).resolves.toBeNull();
  });
});
