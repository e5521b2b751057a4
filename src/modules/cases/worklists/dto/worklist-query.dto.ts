import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { GROUNDS, LIFE_AREAS } from '../../../../common/domain/vocabulary.js';
import { CASE_STATUSES } from '../../entities/case.entity.js';
import { LIST_NAMES, PAGE_SIZE_MAX, SORTS, type ListName, type WorklistSort } from '../worklist-sql.js';

/** `?status=open&status=referred` and `?status=open,referred` alike; an empty field means "any". */
const toList = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === null || value === '') return undefined;
  const raw = Array.isArray(value) ? value : [value];
  const out = raw.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).filter((v) => v !== '');
  return out.length ? out : undefined;
};
/** an empty form field (the filter form sends every field) is "not given" */
const emptyToUndefined = ({ value }: { value: unknown }): unknown => (value === '' ? undefined : value);

/** calendar dates PostgreSQL accepts (no year 0, no 31 February) */
const DATE = /^(19|20|21)\d{2}-\d{2}-\d{2}$/;

/**
 * The work-list query: every value is checked against its vocabulary or a strict pattern, unknown
 * parameters are refused (global ValidationPipe: whitelist + forbidNonWhitelisted). There is no
 * free-text search: narratives and notes are encrypted and never searchable.
 */
export class WorklistQueryDto {
  @ApiPropertyOptional({ enum: LIST_NAMES, default: 'all' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(LIST_NAMES)
  list?: ListName;

  @ApiPropertyOptional({ enum: CASE_STATUSES, isArray: true, description: 'repeat or comma-separate' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(CASE_STATUSES.length)
  @IsIn(CASE_STATUSES, { each: true })
  status?: (typeof CASE_STATUSES)[number][];

  @ApiPropertyOptional({ enum: GROUNDS, isArray: true, description: 'cases with any of these grounds' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(GROUNDS.length)
  @IsIn(GROUNDS, { each: true })
  ground?: string[];

  @ApiPropertyOptional({ enum: LIFE_AREAS, isArray: true })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(LIFE_AREAS.length)
  @IsIn(LIFE_AREAS, { each: true })
  lifeArea?: string[];

  @ApiPropertyOptional({ description: 'a counsellor id: cases assigned to them' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUUID('all')
  assignee?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'opened on or after this day (Berlin time)' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(DATE)
  @IsISO8601({ strict: true })
  createdFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'opened on or before this day (Berlin time)' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(DATE)
  @IsISO8601({ strict: true })
  createdTo?: string;

  @ApiPropertyOptional({ example: 'SZI-2026-00', description: 'reference number, exact or prefix, any case' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @MaxLength(40)
  @Matches(/^[A-Za-z0-9-]{1,40}$/)
  reference?: string;

  @ApiPropertyOptional({ description: 'a tag' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[\p{L}\p{N}_-]{1,40}$/u)
  tag?: string;

  @ApiPropertyOptional({
    enum: SORTS,
    description: 'default: deadline for due_week and overdue, else activity',
  })
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(SORTS)
  sort?: WorklistSort;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @MaxLength(300)
  @Matches(/^[A-Za-z0-9_-]+$/)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_SIZE_MAX, default: 25 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === '' || value === undefined ? undefined : typeof value === 'string' ? Number(value) : NaN,
  )
  @IsInt()
  @Min(1)
  @Max(PAGE_SIZE_MAX)
  limit?: number;

  /** the page's language switch (?lang=) travels with the filter links */
  @ApiPropertyOptional({ description: 'page language (pages only)' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/)
  lang?: string;
}
