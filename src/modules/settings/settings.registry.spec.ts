import { checkSettingValue, findSetting, HALLE_DISTRICTS, SETTINGS } from './settings.registry.js';

describe('settings registry', () => {
  it('has a valid default for every setting', () => {
    for (const def of SETTINGS) expect(checkSettingValue(def, def.default)).not.toHaveProperty('error');
  });

  it("ships Halle's five districts, never 'online' or 'outside_city' as districts", () => {
    expect(HALLE_DISTRICTS.map((d) => d.code)).toEqual(['mitte', 'nord', 'ost', 'sued', 'west']);
    const def = findSetting('intake.districts')!;
    expect(checkSettingValue(def, [{ code: 'online', labels: { de: 'Online' } }])).toEqual({
      error: 'settings.errors.districts',
    });
    expect(
      checkSettingValue(def, [
        { code: 'a', labels: { de: 'A' } },
        { code: 'a', labels: { de: 'B' } },
      ]),
    ).toHaveProperty('error');
    expect(checkSettingValue(def, '[{"code":"zentrum","labels":{"de":"Zentrum"}}]')).toEqual({
      value: [{ code: 'zentrum', labels: { de: 'Zentrum' }, hints: [] }],
    });
  });

  it('never lets the suppression threshold go below 3', () => {
    const def = findSetting('statistics.suppression_threshold')!;
    expect(checkSettingValue(def, '2')).toHaveProperty('error');
    expect(checkSettingValue(def, '3')).toEqual({ value: 3 });
    expect(checkSettingValue(def, 4.5)).toHaveProperty('error');
  });

  it('normalises reminder lists (unique, descending)', () => {
    const def = findSetting('reminders.deadline_days')!;
    expect(checkSettingValue(def, '3, 14 14')).toEqual({ value: [14, 3] });
    expect(checkSettingValue(def, '0')).toHaveProperty('error');
    expect(checkSettingValue(def, '1,2,3,4,5,6')).toHaveProperty('error');
  });
});
