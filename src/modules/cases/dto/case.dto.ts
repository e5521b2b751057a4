import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import {
  FORMS,
  GROUNDS,
  INTERVENTION_TYPES,
  LEVELS,
  LIFE_AREAS,
  OUTCOMES,
  PERPETRATOR_TYPES,
} from '../../../common/domain/vocabulary.js';
import { CASE_STATUSES, CLOSURE_REASONS } from '../entities/case.entity.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class VersionedDto {
  @ApiProperty({ description: 'the version you read: a concurrent change answers 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version: number;
}

export class ChangeStatusDto extends VersionedDto {
  @ApiProperty({ enum: CASE_STATUSES })
  @IsIn(CASE_STATUSES)
  status: string;

  @ApiPropertyOptional({ enum: CLOSURE_REASONS, description: 'required when closing' })
  @IsOptional()
  @IsIn(CLOSURE_REASONS)
  closureReason?: string;
}

export class AssessmentDto extends VersionedDto {
  @ApiPropertyOptional({ enum: GROUNDS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(GROUNDS, { each: true })
  grounds?: string[];
  @ApiPropertyOptional({ enum: FORMS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(FORMS, { each: true })
  forms?: string[];
  @ApiPropertyOptional({ enum: LEVELS }) @IsOptional() @IsIn(LEVELS) level?: string;
  @ApiPropertyOptional({ enum: LIFE_AREAS }) @IsOptional() @IsIn(LIFE_AREAS) lifeArea?: string;
  @ApiPropertyOptional({ enum: PERPETRATOR_TYPES })
  @IsOptional()
  @IsIn(PERPETRATOR_TYPES)
  perpetratorType?: string;
  @ApiPropertyOptional({ description: 'district code, online, outside_city or unknown' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  district?: string;
  @ApiPropertyOptional({ enum: ['date', 'month', 'approximate', 'ongoing'] })
  @IsOptional()
  @IsIn(['date', 'month', 'approximate', 'ongoing'])
  whenKind?: string;
  @ApiPropertyOptional({ example: '2026-11-20' }) @IsOptional() @Matches(DATE) incidentDate?: string;
  @ApiPropertyOptional({
    example: '2026-11-21',
    description: 'when the person learned of it (employment deadlines count from then)',
  })
  @IsOptional()
  @Matches(DATE)
  learnedOn?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() intersectional?: boolean;
  @ApiPropertyOptional({ enum: OUTCOMES }) @IsOptional() @IsIn(OUTCOMES) outcome?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  tags?: string[];
}

export class AssigneesDto extends VersionedDto {
  @ApiProperty({ type: [String], description: 'counsellors of the same organisation' })
  @IsArray()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  assignees: string[];
}

export class NoteDto {
  @ApiProperty({ maxLength: 20000 }) @IsString() @MaxLength(20000) body: string;
  @ApiPropertyOptional({ enum: ['team', 'personal'] }) @IsOptional() @IsIn(['team', 'personal']) visibility?:
    'team' | 'personal';
}

export class InterventionDto {
  @ApiProperty({ enum: INTERVENTION_TYPES }) @IsIn(INTERVENTION_TYPES) type: string;
  @ApiProperty({ example: '2026-11-25' }) @Matches(DATE) date: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) result?: string;
}

export class TaskDto {
  @ApiProperty({ maxLength: 500 }) @IsString() @MaxLength(500) title: string;
  @ApiProperty({ example: '2026-12-01' }) @Matches(DATE) dueDate: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() assigneeId?: string;
}

export class MessageDto {
  @ApiProperty() @IsUUID() reportId: string;
  @ApiProperty({ maxLength: 20000 }) @IsString() @MaxLength(20000) body: string;
}

export class AddToCaseDto {
  @ApiProperty() @IsUUID() caseId: string;
  @ApiProperty({ description: "an incident id of that case, or 'new'" })
  @Matches(/^(new|[0-9a-f-]{36})$/)
  incidentId: string;
}

export class CloseReportDto {
  @ApiProperty({ enum: ['duplicate', 'spam'] }) @IsIn(['duplicate', 'spam']) reason: 'duplicate' | 'spam';
}

export class TransferDto {
  @ApiProperty({ example: 'ADB', description: "the receiving organisation's code" })
  @Matches(/^[A-Za-z]{2,6}$/)
  organisationCode: string;
}

export class RecordConsentDto {
  @ApiProperty() @IsUUID() reportId: string;
  @ApiProperty({ enum: ['share', 'contact'] }) @IsIn(['share', 'contact']) purpose: 'share' | 'contact';
  @ApiProperty({ enum: ['grant', 'withdraw'] }) @IsIn(['grant', 'withdraw']) action: 'grant' | 'withdraw';
  @ApiProperty({ enum: ['oral', 'written'], description: 'how the person declared it' })
  @IsIn(['oral', 'written'])
  form: 'oral' | 'written';
}
