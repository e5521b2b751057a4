import { formatReceipt, normaliseReceipt, validateReport, type RawReport } from './report-validation.js';

const ctx = { districtCodes: ['mitte', 'nord'], languages: ['de', 'en', 'ar'], today: '2026-11-27' };
const valid: RawReport = {
  reporterRole: 'affected',
  narrative: '  Beim Einlass wurde ich abgewiesen.  ',
  whenKind: 'date',
  incidentDate: '2026-11-20',
  district: 'mitte',
  grounds: ['ethnic_origin', 'language'],
  lifeArea: 'goods_services',
  contactChannel: 'none',
  consentStore: 'yes',
  preferredLanguage: 'ar',
};

function fieldsOf(raw: RawReport, extra = {}) {
  return validateReport({ ...valid, ...raw }, { ...ctx, ...extra }).fields.map(
    (f) => `${f.field}:${f.messageKey.split('.').pop()}`,
  );
}

describe('validateReport', () => {
  it('accepts a complete report and normalises it', () => {
    const { input, fields } = validateReport(valid, ctx);
    expect(fields).toEqual([]);
    expect(input).toMatchObject({
      narrative: 'Beim Einlass wurde ich abgewiesen.',
      incidentDate: '2026-11-20',
      contact: null,
      preferredLanguage: 'ar',
      consents: { store: true, contact: false, share: false, statisticsOptOut: false },
    });
  });

  it('names every missing answer with its field', () => {
    expect(
      fieldsOf({
        reporterRole: '',
        narrative: ' ',
        whenKind: '',
        district: 'mars',
        grounds: [],
        lifeArea: 'x',
        consentStore: '',
      }),
    ).toEqual([
      'reporterRole:reporter_role_required',
      'narrative:narrative_required',
      'whenKind:when_required',
      'district:district_invalid',
      'grounds:grounds_required',
      'lifeArea:life_area_required',
      'consentStore:consent_store_required',
    ]);
  });

  it('knows the four ways of saying when', () => {
    expect(fieldsOf({ incidentDate: '2026-02-30' })).toEqual(['incidentDate:date_invalid']);
    expect(fieldsOf({ incidentDate: '2026-12-01' })).toEqual(['incidentDate:date_future']);
    expect(
      validateReport({ ...valid, whenKind: 'month', incidentMonthMonth: '3', incidentMonthYear: '2025' }, ctx)
        .input?.incidentDate,
    ).toBe('2025-03-01');
    expect(fieldsOf({ whenKind: 'month', incidentMonthMonth: '13', incidentMonthYear: '2025' })).toEqual([
      'incidentMonth:month_invalid',
    ]);
    expect(fieldsOf({ whenKind: 'approximate', incidentApprox: '' })).toEqual([
      'incidentApprox:approx_required',
    ]);
    const ongoing = validateReport({ ...valid, whenKind: 'ongoing' }, ctx).input!;
    expect([ongoing.incidentDate, ongoing.incidentApprox]).toEqual([null, null]);
  });

  it('limits the narrative to 20,000 characters and strips control characters', () => {
    expect(fieldsOf({ narrative: 'x'.repeat(20_001) })).toEqual(['narrative:narrative_too_long']);
    expect(validateReport({ ...valid, narrative: 'a\u0000b\r\nc' }, ctx).input!.narrative).toBe('ab\nc');
  });

  it('asks for contact data only for the chosen channel, and only with consent', () => {
    expect(
      fieldsOf({ contactChannel: 'email', contactEmail: 'not-an-address', consentContact: 'yes' }),
    ).toEqual(['contactEmail:email_invalid']);
    expect(fieldsOf({ contactChannel: 'email', contactEmail: 'amal@example.org' })).toEqual([
      'consentContact:contact_needs_consent',
    ]);
    expect(fieldsOf({ contactChannel: 'none', consentContact: 'yes' })).toEqual([
      'consentContact:consent_contact_requires_contact',
    ]);
    const ok = validateReport(
      {
        ...valid,
        contactChannel: 'phone',
        contactPhone: '+49 345 123-456',
        contactTimes: 'abends',
        contactEmail: 'ignored@example.org',
        consentContact: 'yes',
      },
      ctx,
    ).input!;
    expect(ok.contact).toEqual({ phone: '+49 345 123-456', times: 'abends' });
    expect(ok.consents.contact).toBe(true);
  });

  it("requires the 'other' ground to be named and accepts special places", () => {
    expect(fieldsOf({ grounds: ['other'] })).toEqual(['groundOther:ground_other_required']);
    expect(fieldsOf({ district: 'online' })).toEqual([]);
    expect(fieldsOf({ district: 'outside_city' })).toEqual([]);
  });

  it('lets staff record the channel instead of the reporter role', () => {
    expect(fieldsOf({ reporterRole: undefined, channel: 'phone' }, { staffEntry: true })).toEqual([]);
    expect(fieldsOf({ channel: 'web_form' }, { staffEntry: true })).toEqual(['channel:channel_required']);
  });
});

describe('receipt codes', () => {
  it('are shown as 4-4-4-4 and accepted however they are typed', () => {
    expect(formatReceipt('1234567812345678')).toBe('1234-5678-1234-5678');
    expect(normaliseReceipt(' 1234 5678-1234.5678 ')).toBe('1234567812345678');
    expect(normaliseReceipt('١٢٣٤٥٦٧٨١٢٣٤٥٦٧٨')).toBe('1234567812345678');
    expect(normaliseReceipt('۱۲۳۴۵۶۷۸۱۲۳۴۵۶۷۸')).toBe('1234567812345678');
    expect(normaliseReceipt('123456781234567')).toBeNull();
    expect(normaliseReceipt(42)).toBeNull();
  });
});
