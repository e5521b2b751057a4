import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CONTACT_CHANNELS,
  GROUNDS,
  LIFE_AREAS,
  PUBLIC_REPORTER_ROLES,
  SUPPORT_WISHES,
  WHEN_KINDS,
} from '../../../common/domain/vocabulary.js';
import { IsString, MaxLength } from 'class-validator';
import { LANGUAGES } from '../../../common/i18n/i18n.service.js';

/**
 * The JSON report (documentation of the body; the same validation as the form runs on it, and the
 * answer lists every problem with its field). Multipart bodies use the same field names plus `files`.
 */
export class CreateReportDto {
  @ApiProperty({ enum: PUBLIC_REPORTER_ROLES, example: 'affected' })
  reporterRole: string;

  @ApiProperty({
    maxLength: 20000,
    example: 'Beim Einlass in den Club wurde nur ich abgewiesen, meine Freunde durften hinein.',
  })
  narrative: string;

  @ApiProperty({ enum: WHEN_KINDS, example: 'date' })
  whenKind: string;

  @ApiPropertyOptional({ description: "YYYY-MM-DD, with whenKind 'date'", example: '2026-11-20' })
  incidentDate?: string;

  @ApiPropertyOptional({ description: "1–12, with whenKind 'month'" })
  incidentMonthMonth?: string;

  @ApiPropertyOptional({ description: "four digits, with whenKind 'month'" })
  incidentMonthYear?: string;

  @ApiPropertyOptional({ description: "free words, with whenKind 'approximate'", example: 'letzten Sommer' })
  incidentApprox?: string;

  @ApiProperty({
    description: "a district code from the settings, or 'online', 'outside_city', 'unknown'",
    example: 'mitte',
  })
  district: string;

  @ApiPropertyOptional({ maxLength: 500 })
  place?: string;

  @ApiProperty({ enum: GROUNDS, isArray: true, example: ['ethnic_origin'] })
  grounds: string[];

  @ApiPropertyOptional({ description: "required with ground 'other'" })
  groundOther?: string;

  @ApiProperty({ enum: LIFE_AREAS, example: 'goods_services' })
  lifeArea: string;

  @ApiPropertyOptional({ enum: SUPPORT_WISHES, isArray: true })
  wishes?: string[];

  @ApiProperty({ enum: CONTACT_CHANNELS, example: 'none' })
  contactChannel: string;

  @ApiPropertyOptional() contactName?: string;
  @ApiPropertyOptional() contactEmail?: string;
  @ApiPropertyOptional() contactPhone?: string;
  @ApiPropertyOptional() contactAddress?: string;
  @ApiPropertyOptional() contactTimes?: string;

  @ApiPropertyOptional({ enum: LANGUAGES, example: 'de' })
  preferredLanguage?: string;

  @ApiProperty({ description: 'keep my report (required)', example: true })
  consentStore: boolean;

  @ApiPropertyOptional({ description: 'you may contact me (only with contact data)' })
  consentContact?: boolean;

  @ApiPropertyOptional({ description: 'counsellors may propose passing my case to a partner' })
  consentShare?: boolean;

  @ApiPropertyOptional({ description: "don't include my report in statistics" })
  statisticsOptOut?: boolean;

  @ApiPropertyOptional({
    description:
      'idempotency token (or the Idempotency-Key header): a retry within 24 h returns the same receipt',
  })
  idempotencyKey?: string;
}

export class ReportCreatedDto {
  @ApiProperty({
    description: '16 digits grouped 4-4-4-4; shown once, never stored in clear',
    example: '4821-0937-5562-1184',
  })
  receipt: string;

  @ApiProperty({ description: 'true when this answers a retry with the same idempotency key' })
  replayed: boolean;

  @ApiProperty({
    nullable: true,
    description: 'months of the AGG deadline for this life area, if any',
    example: 2,
  })
  deadlineMonths: number | null;

  @ApiProperty({ example: '/follow-up' })
  mailbox: string;
}

export class MailboxLoginDto {
  @ApiProperty({ example: '4821-0937-5562-1184' })
  @IsString()
  @MaxLength(40)
  receipt: string;
}

export class MailboxTokenDto {
  @ApiProperty({ description: 'send as Authorization: Bearer <token>; ends after 20 minutes without use' })
  token: string;

  @ApiProperty({ example: 1200 })
  idleTimeoutSeconds: number;
}

export class MailboxMessageDto {
  @ApiProperty({ maxLength: 20000, example: 'Ich habe noch ein Foto vom Aushang.' })
  body: string;
}
