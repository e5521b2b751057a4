import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StaffContext } from '../../../common/http/request-context.js';
import { berlinToday } from '../../intake/report-form.view.js';
import { withOrganisation } from '../case-access.js';
import { CaseError } from '../cases.errors.js';
import type { CaseStatus } from '../entities/case.entity.js';
import {
  countsSql,
  decodeCursor,
  defaultSort,
  encodeCursor,
  InvalidCursorError,
  LIST_NAMES,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  pageSql,
  type ListName,
  type WorklistQuery,
} from './worklist-sql.js';

/** One row of a work list: codes and dates only, never anything a person wrote. */
export interface CaseRow {
  id: string;
  reference: string;
  status: CaseStatus;
  lifeArea: string | null;
  grounds: string[];
  assignees: string[];
  deadlineDue: string | null;
  lastActivityAt: Date;
  createdAt: Date;
  openTasks: number;
  nextTaskDue: string | null;
}

export interface WorklistPage {
  list: ListName;
  sort: string;
  items: CaseRow[];
  nextCursor: string | null;
  counts: Record<ListName, number>;
}

interface RawRow {
  id: string;
  reference: string;
  status: CaseStatus;
  life_area: string | null;
  grounds: string[];
  assignees: string[];
  deadline_due: string | null;
  last_activity_at: Date;
  created_at: Date;
  sort_key: string | null;
  open_tasks: number;
  next_task_due: string | null;
}

/**
 * The counsellors' work lists (mine, unassigned, due this week, overdue, waiting for a partner,
 * recently updated, all) with filters, sorting, keyset pagination and per-list counts. Reads only
 * clear-text codes and dates of the caller's organisation: explicit `organisation_id` in every
 * statement, under row-level security for that organisation.
 */
@Injectable()
export class WorklistsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(staff: StaffContext, q: WorklistQuery): Promise<WorklistPage> {
    const list = q.list ?? 'all';
    const sort = q.sort ?? defaultSort(list);
    const limit = Math.min(Math.max(q.limit ?? PAGE_SIZE_DEFAULT, 1), PAGE_SIZE_MAX);
    let cursor = null;
    if (q.cursor) {
      try {
        cursor = decodeCursor(q.cursor, sort);
      } catch (e) {
        if (e instanceof InvalidCursorError)
          throw new CaseError('bad_request', 'errors.bad_request', {}, [
            { field: 'cursor', messageKey: 'validation.matches' },
          ]);
        throw e;
      }
    }
    const scope = { organisationId: staff.organisationId, userId: staff.userId, today: berlinToday() };
    const page = pageSql(scope, list, sort, q, cursor, limit);
    const counts = countsSql(scope, q);
    return withOrganisation(this.db, staff.organisationId, async (m) => {
      const rows: RawRow[] = await m.query(page.text, page.values);
      const [c] = (await m.query(counts.text, counts.values)) as Record<ListName, number>[];
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        list,
        sort,
        items: items.map(toRow),
        nextCursor:
          rows.length > limit && last ? encodeCursor({ sort, key: last.sort_key, id: last.id }) : null,
        counts: Object.fromEntries(LIST_NAMES.map((n) => [n, Number(c?.[n] ?? 0)])) as Record<
          ListName,
          number
        >,
      };
    });
  }
}

function toRow(r: RawRow): CaseRow {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    lifeArea: r.life_area,
    grounds: r.grounds,
    assignees: r.assignees,
    deadlineDue: r.deadline_due,
    lastActivityAt: r.last_activity_at,
    createdAt: r.created_at,
    openTasks: Number(r.open_tasks),
    nextTaskDue: r.next_task_due,
  };
}
