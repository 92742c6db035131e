import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe(`${loadConfig.name}: the demo's simulated units and duty operator`, () => {
  it('runs both with the simulator (the demo accounts decide in bin/xiaoan.ts), neither without it', () => {
    expect(loadConfig({})).toMatchObject({ simulator: true, simulatorUnits: true, simulatorOperator: true });
    expect(loadConfig({ XIAOAN_SIMULATOR: 'off' })).toMatchObject({ simulator: false, simulatorUnits: false, simulatorOperator: false });
  });

  it('switches the duty operator off on its own, leaving the units’ phones on', () => {
    expect(loadConfig({ XIAOAN_SIMULATOR_OPERATOR: 'off' })).toMatchObject({ simulator: true, simulatorUnits: true, simulatorOperator: false });
    expect(loadConfig({ XIAOAN_SIMULATOR_UNITS: 'off' })).toMatchObject({ simulatorUnits: false, simulatorOperator: true });
    expect(() => loadConfig({ XIAOAN_SIMULATOR_OPERATOR: 'maybe' })).toThrow(/XIAOAN_SIMULATOR_OPERATOR/);
  });
});
