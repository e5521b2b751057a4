import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StaffContext } from '../../common/http/request-context.js';
import { StaffService } from '../auth/staff.service.js';
import { CasesService } from '../cases/cases.service.js';
import type { CaseStatus } from '../cases/entities/case.entity.js';
import { IntakeService } from '../intake/intake.service.js';
import { SettingsService } from '../settings/settings.service.js';
import type { ReportInput } from '../intake/report-validation.js';

/** Fictional accounts, typical of counselling practice (no real person or place behind them). */
const ACCOUNTS: {
  narrative: string;
  lifeArea: ReportInput['lifeArea'];
  grounds: string[];
  perpetrator: string;
  forms: string[];
}[] = [
  {
    narrative: 'Bei der Wohnungsbesichtigung sagte der Makler, an „Ausländer“ werde nicht vermietet.',
    lifeArea: 'housing',
    grounds: ['ethnic_origin'],
    perpetrator: 'landlord',
    forms: ['direct'],
  },
  {
    narrative: 'Der Türsteher ließ meine Freunde hinein, mich wegen meiner Hautfarbe nicht.',
    lifeArea: 'goods_services',
    grounds: ['ethnic_origin'],
    perpetrator: 'business',
    forms: ['direct'],
  },
  {
    narrative: 'Im Bus wurde meine Mutter wegen ihres Kopftuchs beschimpft und angespuckt.',
    lifeArea: 'public_space',
    grounds: ['religion_belief', 'gender'],
    perpetrator: 'private_person',
    forms: ['insult', 'violence'],
  },
  {
    narrative: 'Im Jobcenter wurde mir gesagt, ohne perfektes Deutsch brauche ich mich nicht zu bewerben.',
    lifeArea: 'public_authorities',
    grounds: ['language'],
    perpetrator: 'public_authority',
    forms: ['direct'],
  },
  {
    narrative: 'Nach meiner Bewerbung kam eine Absage; mit deutschem Namen wurde meine Freundin eingeladen.',
    lifeArea: 'employment',
    grounds: ['ethnic_origin'],
    perpetrator: 'employer_colleague',
    forms: ['direct'],
  },
  {
    narrative:
      'Mein Sohn wird in der Schule seit Monaten wegen seiner Herkunft gemobbt, die Lehrerin schaut weg.',
    lifeArea: 'education',
    grounds: ['ethnic_origin'],
    perpetrator: 'school_staff',
    forms: ['harassment', 'failure_to_act'],
  },
  {
    narrative: 'Die Bank hat mir kein Konto eröffnet, weil meine Duldung „nicht ausreiche“.',
    lifeArea: 'goods_services',
    grounds: ['residence_status'],
    perpetrator: 'business',
    forms: ['direct'],
  },
  {
    narrative: 'Bei einer Kontrolle am Bahnhof wurde nur ich durchsucht, niemand sonst.',
    lifeArea: 'police_justice',
    grounds: ['ethnic_origin'],
    perpetrator: 'police',
    forms: ['direct'],
  },
  {
    narrative: 'In der Arztpraxis wurde ich ohne Übersetzung weggeschickt.',
    lifeArea: 'health_care',
    grounds: ['language', 'nationality'],
    perpetrator: 'business',
    forms: ['indirect'],
  },
  {
    narrative: 'Unter meinem Beitrag in einer Stadtteilgruppe wurden antisemitische Kommentare gepostet.',
    lifeArea: 'media_internet',
    grounds: ['antisemitism'],
    perpetrator: 'group_organised',
    forms: ['insult', 'threat'],
  },
  {
    narrative:
      'Der Vermieter will den Mietvertrag nicht verlängern, seit er weiß, dass ich im Rollstuhl sitze.',
    lifeArea: 'housing',
    grounds: ['disability'],
    perpetrator: 'landlord',
    forms: ['direct'],
  },
  {
    narrative: 'Mein Chef macht seit Wochen abfällige Bemerkungen über mein Alter und meine Sprache.',
    lifeArea: 'employment',
    grounds: ['age', 'language'],
    perpetrator: 'employer_colleague',
    forms: ['harassment'],
  },
];
const DISTRICTS = ['mitte', 'nord', 'ost', 'sued', 'west', 'online'];
const STATUSES: CaseStatus[] = ['closed', 'triage', 'open', 'on_hold', 'referred', 'open'];

/** Demo reports and cases spread over the taxonomy, dates and districts (for `npm run demo`). */
@Injectable()
export class DemoCasesSeeder {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly staff: StaffService,
    private readonly intake: IntakeService,
    private readonly cases: CasesService,
    private readonly settings: SettingsService,
  ) {}

  async seed(count = 36): Promise<{ reports: number; cases: number }> {
    const existing: { n: number }[] = await this.db.query('SELECT count(*)::int AS n FROM report');
    if (existing[0].n > 0) return { reports: 0, cases: 0 };
    const counsellor = (await this.staff.listUsers()).find((u) => u.role === 'counsellor' && !u.disabledAt);
    if (!counsellor) return { reports: 0, cases: 0 };
    // in the demo network the anti-discrimination counselling service receives the public reports
    const org = await this.staff.findOrganisation(counsellor.organisationId);
    if (org)
      await this.settings.set(
        { userId: null, organisationId: null },
        'intake.receiving_organisation_code',
        org.code,
      );
    const ctx: StaffContext = {
      userId: counsellor.id,
      organisationId: counsellor.organisationId,
      role: 'counsellor',
      email: counsellor.email,
      displayName: counsellor.displayName,
      sessionTokenHash: 'demo',
      mfaPassed: true,
      mfaEnrolled: true,
      mustChangePassword: false,
      csrfToken: 'demo',
    };
    let cases = 0;
    for (let i = 0; i < count; i++) {
      const a = ACCOUNTS[i % ACCOUNTS.length];
      const daysAgo = randomInt(3, 540);
      const date = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
      const input: ReportInput = {
        reporterRole: i % 5 === 0 ? 'witness' : 'affected',
        narrative: a.narrative,
        whenKind: i % 7 === 0 ? 'approximate' : 'date',
        incidentDate: i % 7 === 0 ? null : date,
        incidentApprox: i % 7 === 0 ? 'im Frühjahr' : null,
        district: DISTRICTS[i % DISTRICTS.length],
        place: null,
        grounds: a.grounds,
        groundOther: null,
        lifeArea: a.lifeArea,
        wishes: ['counselling_talk'],
        contactChannel: 'none',
        contact: null,
        preferredLanguage: 'de',
        consents: { store: true, contact: false, share: i % 3 === 0, statisticsOptOut: i % 11 === 0 },
      };
      const { reportId } = await this.intake.submit(input, {
        channel: i % 4 === 0 ? 'phone' : 'web_form',
        staff: i % 4 === 0 ? { userId: ctx.userId, organisationId: ctx.organisationId } : undefined,
        files: [],
      });
      if (i % 6 === 5) continue; // some stay in the inbox
      const report = await this.db.query('SELECT receiving_organisation_id FROM report WHERE id = $1', [
        reportId,
      ]);
      if (report[0]?.receiving_organisation_id !== ctx.organisationId) continue;
      const c = await this.cases.openFromReport(ctx, reportId);
      await this.cases.updateAssessment(
        ctx,
        c.id,
        { forms: a.forms, perpetratorType: a.perpetrator, level: 'individual' },
        c.version,
      );
      const target = STATUSES[i % STATUSES.length];
      let version = c.version + 1;
      if (target !== 'triage') {
        version = (await this.cases.changeStatus(ctx, c.id, 'open', undefined, version)).version;
        if (target === 'on_hold' || target === 'referred')
          version = (await this.cases.changeStatus(ctx, c.id, target, undefined, version)).version;
        if (target === 'closed')
          await this.cases.changeStatus(ctx, c.id, 'closed', 'counselling_completed', version);
      }
      if (i % 2 === 0)
        await this.cases.addTask(ctx, c.id, {
          title: 'Rückmeldung an die meldende Person',
          dueDate: new Date(Date.now() + randomInt(-5, 20) * 86_400_000).toISOString().slice(0, 10),
        });
      cases++;
    }
    return { reports: count, cases };
  }
}
