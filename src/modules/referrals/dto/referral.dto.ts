import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { OUTCOMES } from '../../../common/domain/vocabulary.js';
import {
  ACCESSIBILITY_FEATURES,
  CAPACITIES,
  PARTNER_LANGUAGES,
  SERVICE_TYPES,
  SHARED_FIELDS,
} from '../referrals.constants.js';

export class CreateReferralDto {
  @ApiProperty({ description: "the case (of the caller's organisation)" })
  @IsUUID()
  caseId: string;

  @ApiPropertyOptional({
    description: "the report whose consent to share it rests on (default: the case's only report)",
  })
  @IsOptional()
  @IsUUID()
  reportId?: string;

  @ApiProperty()
  @IsUUID()
  toOrganisationId: string;

  @ApiProperty({ enum: SERVICE_TYPES })
  @IsIn(SERVICE_TYPES)
  serviceType: string;

  @ApiPropertyOptional({ description: 'for the partner (encrypted)', maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  summary?: string;

  @ApiPropertyOptional({ enum: SHARED_FIELDS, isArray: true, description: 'nothing identifying by default' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SHARED_FIELDS.length)
  @IsIn(SHARED_FIELDS, { each: true })
  sharedFields?: string[];
}

export class ReferralVersionDto {
  @ApiPropertyOptional({ description: 'the version you read: a concurrent change answers 409' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class DeclineDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MaxLength(2000)
  reason: string;
}

export class FeedbackDto {
  @ApiProperty({ maxLength: 10000 })
  @IsString()
  @MaxLength(10_000)
  feedback: string;
}

export class CompleteDto {
  @ApiProperty({ enum: OUTCOMES })
  @IsIn(OUTCOMES)
  outcome: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  feedback?: string;
}

export class FiguresQueryDto {
  @ApiProperty({ example: '2026-01-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from: string;

  @ApiProperty({ example: '2026-12-31' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to: string;
}

export class RunRemindersDto {
  @ApiPropertyOptional({ description: 'evaluate as of this time instead of now (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  asOf?: string;
}

export class PartnerProfileDto {
  @ApiPropertyOptional({ enum: SERVICE_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SERVICE_TYPES.length)
  @IsIn(SERVICE_TYPES, { each: true })
  services?: string[];

  @ApiPropertyOptional({ enum: PARTNER_LANGUAGES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PARTNER_LANGUAGES.length)
  @IsIn(PARTNER_LANGUAGES, { each: true })
  languages?: string[];

  @ApiPropertyOptional({
    isArray: true,
    type: String,
    description: "district codes of the installation, or 'citywide'",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(60)
  @IsString({ each: true })
  districts?: string[];

  @ApiPropertyOptional({ enum: ACCESSIBILITY_FEATURES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(ACCESSIBILITY_FEATURES, { each: true })
  accessibility?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) openingHours?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) address?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) website?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() takesReferrals?: boolean;

  @ApiPropertyOptional({ enum: CAPACITIES })
  @IsOptional()
  @IsIn(CAPACITIES)
  capacity?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() published?: boolean;

  @ApiPropertyOptional({ description: 'the version you read (0 for a new entry)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  version?: number;
}
