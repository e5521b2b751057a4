import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/decorators/public.decorator.js';
import { CasesService } from './cases.service.js';
import {
  AddToCaseDto,
  AssessmentDto,
  AssigneesDto,
  ChangeStatusDto,
  CloseReportDto,
  InterventionDto,
  MessageDto,
  NoteDto,
  RecordConsentDto,
  TaskDto,
  TransferDto,
} from './dto/case.dto.js';
import type { CaseEntity, CaseStatus } from './entities/case.entity.js';

/** Explicit response shape: the entity is never serialised directly. */
export function caseView(c: CaseEntity) {
  return {
    id: c.id,
    reference: c.reference,
    status: c.status,
    closureReason: c.closureReason,
    assignees: c.assignees,
    grounds: c.grounds,
    forms: c.forms,
    level: c.level,
    lifeArea: c.lifeArea,
    perpetratorType: c.perpetratorType,
    district: c.district,
    whenKind: c.whenKind,
    incidentDate: c.incidentDate,
    learnedOn: c.learnedOn,
    intersectional: c.intersectional,
    outcome: c.outcome,
    tags: c.tags,
    deadlineDue: c.deadlineDue,
    retentionUntil: c.retentionUntil,
    legalHold: !!c.legalHoldReason,
    lastActivityAt: c.lastActivityAt,
    createdAt: c.createdAt,
    closedAt: c.closedAt,
    version: c.version,
  };
}

/** Inbox and case file as JSON: the same service (and checks) as the pages. */
@ApiTags('cases')
@Roles('counsellor', 'admin')
@Controller('api/v1')
export class CasesApiController {
  constructor(private readonly cases: CasesService) {}

  @Get('inbox')
  @ApiOperation({ summary: "New reports of the caller's organisation" })
  inbox(@Req() req: FastifyRequest) {
    return this.cases.inbox(req.staff!);
  }

  @Post('inbox/:reportId/open')
  @ApiOperation({ summary: 'Open a case from a report' })
  async open(@Req() req: FastifyRequest, @Param('reportId', ParseUUIDPipe) reportId: string) {
    return caseView(await this.cases.openFromReport(req.staff!, reportId));
  }

  @Post('inbox/:reportId/add-to-case')
  @HttpCode(204)
  @ApiOperation({ summary: 'Add a report to an existing case (an incident of it, or a new incident)' })
  async addToCase(
    @Req() req: FastifyRequest,
    @Param('reportId', ParseUUIDPipe) reportId: string,
    @Body() dto: AddToCaseDto,
  ) {
    await this.cases.addReportToCase(req.staff!, reportId, dto.caseId, dto.incidentId);
  }

  @Post('inbox/:reportId/close')
  @HttpCode(204)
  @ApiOperation({ summary: 'Close a report as duplicate or spam (never counted in statistics)' })
  async close(
    @Req() req: FastifyRequest,
    @Param('reportId', ParseUUIDPipe) reportId: string,
    @Body() dto: CloseReportDto,
  ) {
    await this.cases.closeReport(req.staff!, reportId, dto.reason);
  }

  @Post('inbox/:reportId/transfer')
  @HttpCode(204)
  @ApiOperation({
    summary: "Transfer a report to another organisation's inbox (needs the reporter's consent to share)",
  })
  async transfer(
    @Req() req: FastifyRequest,
    @Param('reportId', ParseUUIDPipe) reportId: string,
    @Body() dto: TransferDto,
  ) {
    await this.cases.transferReport(req.staff!, reportId, dto.organisationCode.toUpperCase());
  }

  @Get('cases/:id')
  @ApiOperation({ summary: 'The case file (audited read)' })
  async get(@Req() req: FastifyRequest, @Param('id') id: string) {
    const file = await this.cases.get(req.staff!, id);
    return {
      ...caseView(file.case),
      deadline: file.deadline,
      allowedNext: file.allowedNext,
      incidents: file.incidents,
      accounts: file.accounts.map((a) => ({
        reportId: a.report.id,
        receivedAt: a.report.createdAt,
        reporterRole: a.report.reporterRole,
        channel: a.report.channel,
        narrative: a.content.narrative,
        place: a.content.place,
        messages: a.messages,
      })),
      timeline: file.timeline,
      tasks: file.tasks,
    };
  }

  @Get('cases/:id/access-log')
  @Roles('admin')
  @ApiOperation({ summary: "The case's access log (admins of the owning organisation)" })
  accessLog(@Req() req: FastifyRequest, @Param('id') id: string) {
    return this.cases.accessLog(req.staff!, id);
  }

  @Post('cases/:id/status')
  @ApiOperation({ summary: 'Change the status (state machine; 409 with the allowed next states)' })
  async status(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: ChangeStatusDto) {
    return caseView(
      await this.cases.changeStatus(req.staff!, id, dto.status as CaseStatus, dto.closureReason, dto.version),
    );
  }

  @Patch('cases/:id/assessment')
  @HttpCode(204)
  @ApiOperation({ summary: "The counsellor's assessment (DOMAIN.md codes); optimistic locking by version" })
  async assess(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: AssessmentDto) {
    const { version, ...input } = dto;
    await this.cases.updateAssessment(req.staff!, id, input, version);
  }

  @Put('cases/:id/assignees')
  @HttpCode(204)
  @ApiOperation({ summary: 'Assign counsellors of the same organisation' })
  async assign(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: AssigneesDto) {
    await this.cases.assign(req.staff!, id, dto.assignees, dto.version);
  }

  @Post('cases/:id/notes')
  @HttpCode(201)
  @ApiOperation({ summary: 'A note (encrypted; team or personal)' })
  async note(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: NoteDto) {
    await this.cases.addNote(req.staff!, id, dto.body, dto.visibility ?? 'team');
    return { created: true };
  }

  @Post('cases/:id/interventions')
  @HttpCode(201)
  @ApiOperation({ summary: 'An intervention (type, date, description, result)' })
  async intervention(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: InterventionDto) {
    await this.cases.addIntervention(req.staff!, id, {
      type: dto.type,
      date: dto.date,
      description: dto.description ?? '',
      result: dto.result,
    });
    return { created: true };
  }

  @Post('cases/:id/tasks')
  @HttpCode(201)
  @ApiOperation({ summary: 'A task with due date and assignee' })
  async task(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: TaskDto) {
    await this.cases.addTask(req.staff!, id, dto);
    return { created: true };
  }

  @Post('cases/:id/tasks/:taskId/done')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark a task done' })
  async taskDone(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Param('taskId', ParseUUIDPipe) taskId: string,
  ) {
    await this.cases.completeTask(req.staff!, id, taskId);
  }

  @Post('cases/:id/consents')
  @HttpCode(204)
  @ApiOperation({ summary: 'Record a consent the person gave or withdrew by phone, in person or in writing' })
  async consent(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: RecordConsentDto) {
    await this.cases.recordConsent(req.staff!, id, dto);
  }

  @Post('cases/:id/messages')
  @HttpCode(201)
  @ApiOperation({ summary: "A message to the reporter's mailbox" })
  async message(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: MessageDto) {
    await this.cases.messageReporter(req.staff!, id, dto.reportId, dto.body);
    return { sent: true };
  }
}
