import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/decorators/public.decorator.js';
import { ChangeRoleDto, CreateOrganisationDto, CreateUserDto } from './dto/auth.dto.js';
import type { OrganisationEntity } from './entities/organisation.entity.js';
import type { StaffUserEntity } from './entities/staff-user.entity.js';
import { StaffService, type Actor } from './staff.service.js';

export function actorOf(req: FastifyRequest): Actor {
  return { userId: req.staff!.userId, organisationId: req.staff!.organisationId };
}

/** Explicit response mappers: entities are never serialised directly. */
export function organisationView(o: OrganisationEntity) {
  return {
    id: o.id,
    name: o.name,
    code: o.code,
    kind: o.kind,
    disabled: !!o.disabledAt,
    createdAt: o.createdAt,
  };
}
export function userView(u: StaffUserEntity) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    organisationId: u.organisationId,
    organisationName: u.organisation?.name,
    mfaEnrolled: !!u.totpEnabledAt,
    mustChangePassword: u.mustChangePassword,
    disabled: !!u.disabledAt,
  };
}

@ApiTags('admin')
@Roles('admin')
@Controller('api/v1/admin')
export class AdminApiController {
  constructor(private readonly staff: StaffService) {}

  @Get('organisations')
  @ApiOperation({ summary: 'List organisations' })
  async organisations() {
    return (await this.staff.listOrganisations()).map(organisationView);
  }

  @Post('organisations')
  @ApiOperation({ summary: 'Create an organisation' })
  async createOrganisation(@Req() req: FastifyRequest, @Body() dto: CreateOrganisationDto) {
    return organisationView(await this.staff.createOrganisation(actorOf(req), dto));
  }

  @Get('users')
  @ApiOperation({ summary: 'List staff accounts' })
  async users(@Req() req: FastifyRequest) {
    const scope = await this.staff.administeredOrganisation(actorOf(req));
    return (await this.staff.listUsers(scope ?? undefined)).map(userView);
  }

  @Post('users')
  @ApiOperation({ summary: 'Create a staff account; answers with a one-time password shown once' })
  async createUser(@Req() req: FastifyRequest, @Body() dto: CreateUserDto) {
    const { user, oneTimePassword } = await this.staff.createUser(actorOf(req), dto);
    return { ...userView(user), oneTimePassword };
  }

  @Patch('users/:id/role')
  @HttpCode(204)
  @ApiOperation({ summary: "Change a user's role (ends their sessions)" })
  async changeRole(
    @Req() req: FastifyRequest,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeRoleDto,
  ) {
    await this.staff.changeRole(actorOf(req), id, dto.role);
  }

  @Post('users/:id/disable')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disable an account (ends its sessions)' })
  async disable(@Req() req: FastifyRequest, @Param('id', ParseUUIDPipe) id: string) {
    await this.staff.setDisabled(actorOf(req), id, true);
  }

  @Post('users/:id/enable')
  @HttpCode(204)
  @ApiOperation({ summary: 'Enable a disabled account' })
  async enable(@Req() req: FastifyRequest, @Param('id', ParseUUIDPipe) id: string) {
    await this.staff.setDisabled(actorOf(req), id, false);
  }

  @Post('users/:id/reset-mfa')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the second factor; the user enrols again at next login' })
  async resetMfa(@Req() req: FastifyRequest, @Param('id', ParseUUIDPipe) id: string) {
    await this.staff.resetMfa(actorOf(req), id);
  }
}
