import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { GROUNDS, LIFE_AREAS } from '../../../common/domain/vocabulary.js';
import { Page } from '../../../common/decorators/page.decorator.js';
import { Roles } from '../../../common/decorators/public.decorator.js';
import { StaffService } from '../../auth/staff.service.js';
import { CASE_STATUSES } from '../entities/case.entity.js';
import { berlinToday } from '../../intake/report-form.view.js';
import { WorklistQueryDto } from './dto/worklist-query.dto.js';
import { COUNT_CAP, DUE_WINDOW_DAYS, LIST_NAMES, SORTS, type ListName } from './worklist-sql.js';
import { WorklistsService, type WorklistPage } from './worklists.service.js';

/** the filters a tab link or the next-page link carries on (everything but list, cursor, lang) */
const FILTER_KEYS = [
  'status',
  'ground',
  'lifeArea',
  'assignee',
  'createdFrom',
  'createdTo',
  'reference',
  'tag',
  'sort',
  'limit',
] as const;

function queryString(q: WorklistQueryDto, extra: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = q[k];
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, String(x));
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** GET /api/v1/cases (JSON) and /staff/cases (the page): the same service, the same checks. */
@ApiTags('cases')
@Roles('counsellor', 'admin')
@Controller()
export class WorklistsController {
  constructor(
    private readonly worklists: WorklistsService,
    private readonly staff: StaffService,
  ) {}

  @Get('api/v1/cases')
  @ApiOperation({
    summary: 'Work lists of the caller’s organisation',
    description:
      'mine, unassigned, due_week, overdue, waiting_partner, recent (activity in the last 14 days), all; ' +
      'filters by codes, dates, reference prefix and tag (never by narrative: it is encrypted); keyset ' +
      'pagination with the opaque nextCursor; counts per list under the same filters.',
  })
  @ApiOkResponse({
    description: `{ list, sort, items: CaseRow[], nextCursor, counts }; a count of ${COUNT_CAP + 1} means more than ${COUNT_CAP}`,
  })
  api(@Req() req: FastifyRequest, @Query() q: WorklistQueryDto): Promise<WorklistPage> {
    return this.worklists.list(req.staff!, q);
  }

  @Get('staff/cases')
  @ApiExcludeEndpoint()
  @Page('staff/cases', 'cases.lists.title')
  async page(@Req() req: FastifyRequest, @Query() q: WorklistQueryDto) {
    const s = req.staff!;
    const result = await this.worklists.list(s, q);
    const colleagues = (await this.staff.listUsers(s.organisationId)).filter(
      (u) => u.role === 'counsellor' && !u.disabledAt,
    );
    const names = new Map(colleagues.map((u) => [u.id, u.displayName]));
    const today = berlinToday();
    const soon = addDays(today, DUE_WINDOW_DAYS);
    return {
      list: result.list,
      sort: result.sort,
      tabs: LIST_NAMES.map((name: ListName) => ({
        name,
        // above the cap the count means "more than"
        count: result.counts[name] > COUNT_CAP ? `${COUNT_CAP}+` : String(result.counts[name]),
        active: name === result.list,
        href: `/staff/cases${queryString(q, { list: name })}`,
      })),
      rows: result.items.map((r) => ({
        ...r,
        assigneeNames: r.assignees.map((a) => names.get(a) ?? '–'),
        deadline:
          r.deadlineDue === null
            ? null
            : r.deadlineDue < today
              ? 'passed'
              : r.deadlineDue <= soon
                ? 'soon'
                : 'later',
        taskOverdue: !!r.nextTaskDue && r.nextTaskDue < today,
      })),
      nextHref: result.nextCursor
        ? `/staff/cases${queryString(q, { list: result.list, cursor: result.nextCursor })}`
        : null,
      firstHref: q.cursor ? `/staff/cases${queryString(q, { list: result.list })}` : null,
      filtersActive: FILTER_KEYS.some((k) => k !== 'sort' && k !== 'limit' && q[k] !== undefined),
      filters: {
        status: q.status ?? [],
        ground: q.ground ?? [],
        lifeArea: q.lifeArea ?? [],
        assignee: q.assignee ?? '',
        createdFrom: q.createdFrom ?? '',
        createdTo: q.createdTo ?? '',
        reference: q.reference ?? '',
        tag: q.tag ?? '',
        sort: q.sort ?? '',
      },
      vocab: {
        statuses: CASE_STATUSES,
        grounds: GROUNDS.filter((g) => g !== 'unknown'),
        lifeAreas: LIFE_AREAS,
        sorts: SORTS,
        colleagues: colleagues.map((u) => ({ id: u.id, name: u.displayName })),
      },
    };
  }
}
