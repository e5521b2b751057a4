import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import {
  FORMS,
  GROUNDS,
  INTERVENTION_TYPES,
  LEVELS,
  LIFE_AREAS,
  OUTCOMES,
  PERPETRATOR_TYPES,
  SPECIAL_PLACES,
} from '../../common/domain/vocabulary.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formErrors } from '../../common/forms.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { StaffService } from '../auth/staff.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { CasesService, type AssessmentInput } from './cases.service.js';
import { CLOSURE_REASONS, type CaseStatus } from './entities/case.entity.js';

const list = (v: unknown): string[] =>
  v === undefined || v === '' ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const orNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The counsellors' inbox and case file pages (server-rendered, no JavaScript needed). */
@ApiExcludeController()
@Roles('counsellor', 'admin')
@Controller('staff')
export class CasesPagesController {
  constructor(
    private readonly cases: CasesService,
    private readonly staff: StaffService,
    private readonly settings: SettingsService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get('inbox')
  @Page('staff/inbox', 'cases.inbox.title')
  async inbox(@Req() req: FastifyRequest) {
    const erased = (req.query as Record<string, string | undefined>)?.erased === '1';
    return {
      erased,
      reports: await this.cases.inbox(req.staff!),
      cases: await this.cases.recentCases(req.staff!),
      organisations: (await this.staff.listOrganisations()).filter(
        (o) => o.id !== req.staff!.organisationId && !o.disabledAt,
      ),
    };
  }

  private async inboxWithError(req: FastifyRequest, e: unknown) {
    if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
    return {
      ...(await this.inbox(req)),
      status: e.status,
      errors: formErrors(this.renderer, req.lang, e.fields, e),
    };
  }

  @Post('inbox/:reportId/:action')
  @Page('staff/inbox', 'cases.inbox.title')
  async inboxAction(
    @Req() req: FastifyRequest,
    @Param('reportId', ParseUUIDPipe) reportId: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    try {
      switch (action) {
        case 'open': {
          const c = await this.cases.openFromReport(req.staff!, reportId);
          return new Redirect(`/staff/cases/${c.id}`);
        }
        case 'add-to-case': {
          const caseId = text(body.caseId);
          await this.cases.addReportToCase(req.staff!, reportId, caseId, text(body.incidentId) || 'new');
          return new Redirect(`/staff/cases/${caseId}`);
        }
        case 'close':
          await this.cases.closeReport(req.staff!, reportId, body.reason === 'spam' ? 'spam' : 'duplicate');
          return new Redirect('/staff/inbox?closed=1');
        case 'transfer':
          await this.cases.transferReport(req.staff!, reportId, text(body.organisationCode).toUpperCase());
          return new Redirect('/staff/inbox?transferred=1');
        default:
          throw new DomainError('not_found');
      }
    } catch (e) {
      return this.inboxWithError(req, e);
    }
  }

  private async filePage(req: FastifyRequest, id: string, extra: object = {}) {
    const file = await this.cases.get(req.staff!, id);
    const colleagues = (await this.staff.listUsers(req.staff!.organisationId)).filter(
      (u) => u.role === 'counsellor' && !u.disabledAt,
    );
    const districts = await this.settings.districts();
    const names = new Map(colleagues.map((u) => [u.id, u.displayName]));
    return {
      ...file,
      c: file.case,
      assigneeNames: file.case.assignees.map((a) => names.get(a) ?? '–'),
      colleagues: colleagues.map((u) => ({
        id: u.id,
        name: u.displayName,
        assigned: file.case.assignees.includes(u.id),
      })),
      vocab: {
        grounds: GROUNDS.filter((g) => g !== 'unknown'),
        forms: FORMS,
        levels: LEVELS,
        lifeAreas: LIFE_AREAS,
        perpetrators: PERPETRATOR_TYPES,
        outcomes: OUTCOMES,
        interventions: INTERVENTION_TYPES,
        closureReasons: CLOSURE_REASONS,
        districts: [
          ...districts.map((d) => ({ code: d.code, label: d.labels[req.lang] ?? d.labels.de })),
          ...SPECIAL_PLACES.map((code) => ({
            code,
            label: this.renderer.t(req.lang, `intake.places.${code}`),
          })),
        ],
      },
      timeline: file.timeline.map((e) => ({
        ...e,
        author: e.authorId ? (names.get(e.authorId) ?? '–') : '–',
        intervention:
          e.kind === 'intervention' && e.body
            ? (JSON.parse(e.body) as { description: string; result: string })
            : null,
      })),
      ...extra,
    };
  }

  @Get('cases/:id')
  @Page('staff/case', 'cases.file.title')
  async casePage(@Req() req: FastifyRequest, @Param('id') id: string) {
    const page = await this.filePage(req, id);
    return req.staff!.role === 'admin'
      ? { ...page, accessLog: await this.cases.accessLog(req.staff!, id) }
      : page;
  }

  @Post('cases/:id/:action')
  @Page('staff/case', 'cases.file.title')
  async caseAction(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    const s = req.staff!;
    const version = Number(body.version);
    try {
      switch (action) {
        case 'status':
          await this.cases.changeStatus(
            s,
            id,
            text(body.status) as CaseStatus,
            orNull(body.closureReason) ?? undefined,
            version,
          );
          break;
        case 'assessment': {
          const input: AssessmentInput = {
            grounds: list(body.grounds),
            forms: list(body.forms),
            level: orNull(body.level),
            lifeArea: orNull(body.lifeArea),
            perpetratorType: orNull(body.perpetratorType),
            district: orNull(body.district),
            whenKind: text(body.whenKind) || 'date',
            incidentDate: orNull(body.incidentDate),
            learnedOn: orNull(body.learnedOn),
            intersectional: body.intersectional === 'yes',
            outcome: orNull(body.outcome),
            tags: text(body.tags)
              .split(/[,\s]+/)
              .filter(Boolean),
          };
          await this.cases.updateAssessment(s, id, input, version);
          break;
        }
        case 'assignees':
          await this.cases.assign(s, id, list(body.assignees), version);
          break;
        case 'notes':
          await this.cases.addNote(
            s,
            id,
            text(body.body),
            body.visibility === 'personal' ? 'personal' : 'team',
          );
          break;
        case 'interventions':
          await this.cases.addIntervention(s, id, {
            type: text(body.type),
            date: text(body.date),
            description: text(body.description),
            result: text(body.result),
          });
          break;
        case 'tasks':
          await this.cases.addTask(s, id, {
            title: text(body.title),
            dueDate: text(body.dueDate),
            assigneeId: orNull(body.assigneeId),
          });
          break;
        case 'consents':
          await this.cases.recordConsent(s, id, {
            reportId: text(body.reportId),
            purpose: body.purpose === 'contact' ? 'contact' : 'share',
            action: body.consentAction === 'withdraw' ? 'withdraw' : 'grant',
            form: body.form === 'written' ? 'written' : 'oral',
          });
          break;
        case 'messages':
          await this.cases.messageReporter(s, id, text(body.reportId), text(body.body));
          break;
        default:
          if (action.startsWith('task-done-')) {
            await this.cases.completeTask(s, id, action.slice('task-done-'.length));
            break;
          }
          throw new DomainError('not_found');
      }
      return new Redirect(
        `/staff/cases/${id}?saved=${action.startsWith('task-done-') ? 'tasks' : action}#${action.startsWith('task-done-') ? 'tasks' : action}`,
      );
    } catch (e) {
      if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
      return this.filePage(req, id, {
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
        failedAction: action,
      });
    }
  }
}
