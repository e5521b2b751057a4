import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { ORGANISATION_KINDS, type OrganisationKind } from '../entities/organisation.entity.js';
import { STAFF_ROLES, type StaffRole } from '../entities/staff-user.entity.js';

export class LoginDto {
  @ApiProperty({ example: 'beratung@anlaufstelle.example' })
  @IsString()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class MfaCodeDto {
  @ApiProperty({ description: '6-digit TOTP code or a recovery code (xxxxx-xxxxx)', example: '123456' })
  @IsString()
  @Length(6, 16)
  code: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  newPassword: string;
}

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Antidiskriminierungsberatung Halle' })
  @IsString()
  @Length(2, 200)
  name: string;

  @ApiProperty({ example: 'ADB', description: '2–6 letters, used in reference numbers' })
  @Matches(/^[A-Za-z]{2,6}$/)
  code: string;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  @IsIn(ORGANISATION_KINDS)
  kind: OrganisationKind;
}

export class CreateUserDto {
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9a-f-]{36}$/)
  organisationId: string;

  @ApiProperty({ example: 'name@organisation.example' })
  @IsEmail({ require_tld: false })
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'Aylin Demir' })
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class SetDisabledDto {
  @ApiProperty()
  @IsOptional()
  @IsIn([true, false, 'true', 'false'])
  disabled?: boolean | string;
}
